"""Errors that reach a person.

Every refusal the product makes is a :class:`CffError` carrying a Vietnamese message that tells the
officer what is wrong and what to do, plus ``where`` (the field, file or id concerned) so the CLI
can print one precise line. Anything else escaping to the top is a bug (exit code 1).

The services serve both the ``cff`` command and the windows, so a message says what to do in words
that fit both ("kết thúc họp hội đồng"), never as a command line. When the way to do it differs, the
error also names a ``remedy`` (one of :data:`REMEDIES`); the CLI adds its command or flag for it and
the window its page and button, each in its own module (``cli/remedies.py``, ``ui/remedies.py``).
``code`` is an optional machine name of the refusal for programs and tests.
"""

from __future__ import annotations

# remedy -> what it means, for whoever words it in a front end
REMEDIES: dict[str, str] = {
    "trust_device": "after comparing the fingerprint by phone, trust the device that signed the package",
    "close_council": "close the council meeting, which freezes the figures into the snapshot",
    "enrol_device": "enrol this computer with the upper level's inbox using a one-time code",
    "pass_to_council": "pass the dossier to the upper level's review council",
    "import_ruleset": "import the rule set file this needs",
    "return_comment": "write at least one comment for the commune when returning its dossier",
}


class CffError(Exception):
    """A refusal caused by the user's input or environment, never by a bug."""

    exit_code = 2
    code: str | None = None
    remedy: str | None = None

    def __init__(self, message: str, where: str | None = None, *, code: str | None = None,
                 remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        if code is not None:
            self.code = code
        if remedy is not None:
            if remedy not in REMEDIES:
                raise ValueError(f"unknown remedy {remedy!r}")  # a programming error, caught by the tests
            self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BadInput(CffError):
    """The input is malformed or out of range (a value, a file, an id)."""


class NotFound(CffError):
    """Something named by the user does not exist."""


class Refused(CffError):
    """The input is well formed but the current state forbids it (closed round, no rights)."""


class StoreError(CffError):
    """The database or data folder cannot be used (not SQLite, newer schema, read-only, full)."""

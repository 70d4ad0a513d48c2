"""Errors that reach a person.

Every refusal the product makes is a :class:`CffError` carrying a Vietnamese message that tells the
officer what is wrong and what to do, plus ``where`` (the field, file or id concerned) so the CLI
can print one precise line. Anything else escaping to the top is a bug (exit code 1).
"""

from __future__ import annotations


class CffError(Exception):
    """A refusal caused by the user's input or environment, never by a bug."""

    exit_code = 2

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

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

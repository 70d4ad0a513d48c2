"""An in-memory keyring backend for tests and benchmarks.

The OS keyring stands in for a dict: CI has no keyring service (a mock at the machine's edge).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@contextmanager
def using_keyring(kr: KeyringBackend) -> Iterator[KeyringBackend]:
    """``kr`` as the keyring for the block (yielded); the previous one after. For a test that opens
    an installation whose secrets a module fixture put in ``kr``."""
    import keyring

    old = keyring.get_keyring()
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        keyring.set_keyring(old)


@contextmanager
def using_memory_keyring() -> Iterator[MemoryKeyring]:
    """A fresh :class:`MemoryKeyring` as the keyring for the block (yielded); the previous one after."""
    kr = MemoryKeyring()
    with using_keyring(kr):
        yield kr


@contextmanager
def building_dossiers() -> Iterator[MemoryKeyring]:
    """For a fixture that builds communes' dossiers: a fresh memory keyring, papers not printed.

    Inside the block the keyring is a new :class:`MemoryKeyring` (yielded) and the exporter skips
    the PDFs (they are not what those tests look at; set ``export._printing_available`` inside
    the block to print some). Afterwards the keyring, ``CFF_HOME`` and the exporter's printing
    check are what they were, so nothing of the build leaks into other tests.
    """
    import keyring

    from cff_desktop.services.packages import export

    kr = MemoryKeyring()
    old_kr, old_home = keyring.get_keyring(), os.environ.get("CFF_HOME")
    keyring.set_keyring(kr)
    real_printing = export._printing_available
    export._printing_available = lambda: False
    try:
        yield kr
    finally:
        export._printing_available = real_printing
        keyring.set_keyring(old_kr)
        if old_home is None:
            os.environ.pop("CFF_HOME", None)
        else:
            os.environ["CFF_HOME"] = old_home

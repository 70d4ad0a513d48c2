"""Where an installation keeps its data.

Order of precedence: ``--db PATH`` for the database file, then the ``CFF_HOME`` folder, then the
per-user data folder given by platformdirs (``%LOCALAPPDATA%\\cff_desktop`` on Windows), never the
install folder, so upgrades and uninstalls cannot touch user data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from cff_desktop.common.errors import StoreError

DB_NAME = "cff.sqlite"


@dataclass(frozen=True)
class DataPaths:
    """Every folder the app writes under its data folder, named once here rather than joined at each use.

    A property does not create its folder: writers call :func:`ensure_dir` when they need it, so reading
    a data folder (a check, a listing) leaves no empty folders behind.
    """

    home: Path
    db: Path

    @property
    def backups(self) -> Path:
        return self.db.parent / "backups"

    @property
    def blobs(self) -> Path:
        return self.home / "blobs"

    @property
    def rulesets(self) -> Path:
        return self.home / "rulesets"

    @property
    def work(self) -> Path:
        """Scratch files of one operation (a package being built or opened); never the only copy of anything."""
        return self.home / "tmp"

    @property
    def outbox(self) -> Path:
        """Packages waiting to be sent to the upper level's inbox."""
        return self.home / "outbox"

    @property
    def inbox(self) -> Path:
        """Dossiers the upper level received by package import (a file or a stick), kept as verified."""
        return self.home / "inbox"

    @property
    def sync_rulesets(self) -> Path:
        """Rule sets fetched from the inbox, waiting for an officer to install them."""
        return self.home / "sync-rulesets"

    @property
    def upper(self) -> Path:
        """The upper level's own data: received dossiers, their papers, the documents they carried."""
        return self.home / "district"

    @property
    def upper_packages(self) -> Path:
        return self.upper / "packages"

    @property
    def upper_docs(self) -> Path:
        return self.upper / "docs"

    @property
    def upper_papers(self) -> Path:
        return self.upper / "papers"


def data_paths(db: str | os.PathLike[str] | None = None) -> DataPaths:
    env = os.environ.get("CFF_HOME")
    home = Path(env) if env else Path(platformdirs.user_data_dir("cff_desktop", appauthor=False))
    db_path = Path(db) if db else home / DB_NAME
    return DataPaths(home=home.absolute(), db=db_path.absolute())


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def restrict(path: Path, mode: int) -> None:
    """Owner-only permissions on POSIX (Windows keeps the per-user profile's ACLs)."""
    if os.name == "posix":
        try:
            os.chmod(path, mode)
        except OSError:
            pass  # a FAT32 stick or a foreign owner: nothing better to do, and not worth refusing


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, if it does not exist yet.

    The database, the inbox database and uploads hold the commune's figures and the keys' public
    halves; other accounts on a shared PC have no business reading them. Files created later by
    SQLite beside the database (``-wal``, ``-journal``) take the database file's permissions.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def ensure_dir(path: Path) -> Path:
    """Create a data folder (owner-only when new), turning OS errors into a message an officer can act on."""
    created: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        created.append(probe)
        probe = probe.parent
    try:
        path.mkdir(parents=True, exist_ok=True)
        for p in created:
            restrict(p, PRIVATE_DIR)
    except OSError as e:
        raise StoreError(
            f"không tạo được thư mục dữ liệu ({e.strerror}). Kiểm tra ổ đĩa còn cắm và có quyền ghi.",
            str(path),
        ) from None
    return path

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


def data_paths(db: str | os.PathLike[str] | None = None) -> DataPaths:
    env = os.environ.get("CFF_HOME")
    home = Path(env) if env else Path(platformdirs.user_data_dir("cff_desktop", appauthor=False))
    db_path = Path(db) if db else home / DB_NAME
    return DataPaths(home=home.absolute(), db=db_path.absolute())


def ensure_dir(path: Path) -> Path:
    """Create a data folder, turning OS errors into a message an officer can act on."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(
            f"không tạo được thư mục dữ liệu ({e.strerror}). Kiểm tra ổ đĩa còn cắm và có quyền ghi.",
            str(path),
        ) from None
    return path

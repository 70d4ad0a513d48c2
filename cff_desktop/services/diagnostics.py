"""Where the log goes for a given database: ``logs/`` beside it, in the data folder."""

from __future__ import annotations

import os
from pathlib import Path

from cff_desktop.common.logs import install_excepthook, setup_logging
from cff_desktop.storage.paths import data_paths


def start_logging(db: str | os.PathLike[str] | None = None) -> Path:
    """Route log records and uncaught exceptions to the data folder's rotating log file."""
    path = setup_logging(data_paths(db).db.parent / "logs")
    install_excepthook()
    return path

"""The open installation: data paths, database and rule set library, bundled for the use cases."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cff_desktop.services.library import RuleLibrary
from cff_desktop.storage.db import Store
from cff_desktop.storage.migrate import open_store
from cff_desktop.storage.paths import DataPaths, data_paths  # data_paths: re-exported for the CLI and the UI


@dataclass
class Workspace:
    paths: DataPaths
    store: Store
    library: RuleLibrary = field(init=False)

    def __post_init__(self) -> None:
        self.library = RuleLibrary(self.paths.rulesets)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workspace(
    db: str | os.PathLike[str] | None = None, *, create: bool = False, readonly: bool = False
) -> Workspace:
    paths = data_paths(db)
    return Workspace(paths, open_store(paths, create=create, readonly=readonly))

"""Both sides of the upper-level tests: communes' installations whose dossiers are sent up, and an
upper-level installation that receives them.

The upper-level test files each build a handful to a hundred REAL dossiers once per module and
open a fresh upper level per test; the steps are the same everywhere and live here, so that a
change in how a commune closes its round or how an area is set up is made once.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from memory_keyring import MemoryKeyring, building_dossiers

if TYPE_CHECKING:
    from cff_desktop.services.workspace import Workspace


@contextmanager
def building_for_upper(tmp_path_factory: pytest.TempPathFactory,
                       name: str) -> Iterator[tuple[Path, MemoryKeyring, Path]]:
    """A module fixture's build of communes' dossiers for one upper level: yields a fresh folder
    ``name`` (root), the build's memory keyring and the upper level's public key.

    The key pair is made first, in ``root/upper/keys.json`` (its secret in that keyring, the public
    key at ``root/upper.pub``), so the communes can encrypt to it; the rest is ``building_dossiers``
    (papers not printed, keyring and ``CFF_HOME`` put back afterwards).
    """
    from cff_desktop.services import keys
    from cff_desktop.storage.paths import data_paths

    root = tmp_path_factory.mktemp(name)
    with building_dossiers() as kr:
        os.environ["CFF_HOME"] = str(root / "upper")
        pub = root / "upper.pub"
        keys.generate_upper(data_paths(), pub)
        yield root, kr, pub


def commune_round(home: Path, *, name: str, code: str, seed: int, year: int, category: str, public_key: Path,
                  ruleset_file: Path | None = None) -> Workspace:
    """A new commune installation in ``home`` (``CFF_HOME`` is set to it) with a demo round of
    ``year``, the unit ``code`` and the upper level's ``public_key``: a dossier its council can close.

    ``ruleset_file`` is imported first, for a commune on a rule set the upper level does not hold.
    The caller sets ``CFF_HOME`` back (``building_dossiers`` does) and closes the workspace.
    """
    from cff_desktop.services import demo, keys, profile
    from cff_desktop.services.workspace import open_workspace

    os.environ["CFF_HOME"] = str(home)
    ws = open_workspace(create=True)
    if ruleset_file is not None:
        ws.library.import_file(ruleset_file)
    demo.create_demo(ws, commune=name, seed=seed, year=year, category=category)
    profile.update_commune(ws, {"code": code})
    keys.import_upper(ws, str(public_key))
    return ws


def close_council(ws: Workspace, year: int, *, votes_for: int = 9) -> dict[str, Any]:
    """The council votes ``votes_for`` to 0 for recognition and closes on 5 November of ``year``;
    returns the closed round's snapshot. After this the dossier can be exported."""
    from cff_desktop.services import council

    council.record_vote(ws, votes_for=votes_for, votes_against=0)
    return council.close_meeting(ws, conclusion="Đề nghị công nhận", ended_at=f"{year}-11-05T10:30")


def open_upper(upper_home: Path, home: Path, monkeypatch: pytest.MonkeyPatch, **area: Any) -> Workspace:
    """A fresh upper-level installation in ``home`` holding the key pair of ``upper_home`` (its
    ``keys.json``; the secret stays in the keyring the caller has set), with its area set from
    ``area`` (the arguments of ``init_area``). ``CFF_HOME`` points at ``home`` for the test."""
    from cff_desktop.services.district import init_area
    from cff_desktop.services.workspace import open_workspace

    home.mkdir()
    shutil.copy(upper_home / "keys.json", home / "keys.json")
    monkeypatch.setenv("CFF_HOME", str(home))
    ws = open_workspace(create=True)
    try:
        init_area(ws, **area)
    except BaseException:
        ws.close()
        raise
    return ws

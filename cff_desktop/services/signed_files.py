"""Small signed packages this installation issues: receipts (upper level) and rule sets.

Both are built the same way, and one function keeps it so: the common header (a fresh uuid, the
time, the app's version, this device), the signed ZIP built in the data folder's work area, one
atomic write into the target folder under a name that may quote the manifest, and the work
folder removed whatever happens. A half-written package never appears on the USB stick.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cff_desktop import __version__
from cff_desktop.dossier.package import PayloadFile, build
from cff_desktop.dossier.writer import write_atomic
from cff_desktop.services import keys
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import ensure_dir


def write_signed(ws: Workspace, target: Path, *, kind: str, commune: dict[str, Any], round_: dict[str, Any],
                 ruleset: dict[str, Any], payload: list[PayloadFile], name: Callable[[dict[str, Any]], str],
                 **fields: Any) -> tuple[Path, dict[str, Any]]:
    """Sign ``payload`` with this device's key and place it in ``target``: (its path, its manifest).

    ``name`` makes the file name from the manifest; ``fields`` are kind-specific header fields.
    """
    dev = keys.device_key(ws)
    header: dict[str, Any] = {"uuid": str(uuid.uuid4()), "kind": kind, "commune": commune, "round": round_,
                              "ruleset": ruleset, "created_at": now_iso(), "app_version": __version__,
                              "device": {"id": dev.device_id}, "supersedes": None, "chain": [], **fields}
    work = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=ensure_dir(ws.paths.work)))
    try:
        built = build(work / "signed.cffpkg", header, payload, dev.key, None, work)
        final = write_atomic(work / "signed.cffpkg", target, name(built.manifest), sha256=built.sha256)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final, built.manifest

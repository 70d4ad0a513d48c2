"""Getting an attached evidence file back out, for preview and "open with the system viewer".

Blobs are stored under their hash without a name; a viewer needs a real file with the original
name and extension, so a copy is written to a temporary folder (never the blob itself, which must
stay unchanged).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cff_desktop.common.errors import NotFound
from cff_desktop.services.evidence import blob_path
from cff_desktop.services.workspace import Workspace


def evidence_row(ws: Workspace, evidence_id: int) -> dict:
    row = ws.store.one("SELECT * FROM evidence WHERE id = ?", (evidence_id,))
    if row is None:
        raise NotFound(f"không có minh chứng #{evidence_id}", "EVIDENCE")
    return row


def evidence_bytes(ws: Workspace, evidence_id: int) -> bytes:
    row = evidence_row(ws, evidence_id)
    path = blob_path(ws, row["sha256"])
    if not path.is_file():
        raise NotFound("tệp minh chứng không còn trong thư mục dữ liệu; hãy đính kèm lại.", row["filename"])
    return path.read_bytes()


def viewer_copy(ws: Workspace, evidence_id: int, folder: Path | None = None) -> Path:
    """A copy under its original name that a PDF reader, image viewer or office suite can open."""
    row = evidence_row(ws, evidence_id)
    src = blob_path(ws, row["sha256"])
    if not src.is_file():
        raise NotFound("tệp minh chứng không còn trong thư mục dữ liệu; hãy đính kèm lại.", row["filename"])
    folder = folder or Path(tempfile.mkdtemp(prefix="cff-xem-"))
    target = folder / Path(row["filename"]).name
    shutil.copyfile(src, target)
    return target

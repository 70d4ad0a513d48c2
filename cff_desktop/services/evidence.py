"""Evidence files (minh chứng) attached to a criterion: photos of registers, scans, minutes.

Files are stored content-addressed under ``blobs/aa/bb/<sha256>`` (the same file attached twice is
stored once) and referenced by a row in ``evidence`` written with its audit row in one
transaction. Photos are downscaled on attach to a long side of at most 1600 px at JPEG quality
80, with the EXIF orientation applied and the metadata (GPS position, camera serial) dropped: a
4 MB phone photo becomes a few hundred kB that still shows a register page legibly, so a dossier
of twenty photos fits a slow upload. ``keep_original=True`` stores the file exactly as given, for
a scan whose fine print must stay sharp.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused, StoreError
from cff_desktop.common.files import write_atomic
from cff_desktop.common.text import format_number, nfc
from cff_desktop.services.officers import can_edit, get_officer, label
from cff_desktop.services.rounds import get_round, require_open
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import ensure_dir

MAX_BYTES = 200 * 1000 * 1000
MAX_SIDE = 1600
JPEG_QUALITY = 80
_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".gif"}


def blob_path(ws: Workspace, sha256: str) -> Path:
    return ws.paths.blobs / sha256[:2] / sha256[2:4] / sha256


def store_blob(ws: Workspace, data: bytes) -> str:
    """Write bytes to the blob store (temp file, fsync, rename); returns their SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    target = blob_path(ws, sha)
    if target.is_file() and target.stat().st_size == len(data):
        return sha
    ensure_dir(target.parent)
    try:
        write_atomic(target, data, pattern="{token}.part", private=True)
    except OSError as e:
        raise StoreError(f"không ghi được tệp minh chứng vào thư mục dữ liệu ({e.strerror}). "
                         "Kiểm tra ổ đĩa còn chỗ trống.", str(target)) from None
    return sha


def downscale(data: bytes) -> tuple[bytes, str] | None:
    """A JPEG of at most ``MAX_SIDE`` px on the long side, or None when ``data`` is not a photo."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            im: Image.Image = opened
            im = ImageOps.exif_transpose(im)
            if im.mode not in ("RGB", "L"):
                bg = Image.new("RGB", im.size, "white")
                rgba = im.convert("RGBA")
                bg.paste(rgba, mask=rgba.getchannel("A"))
                im = bg
            im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue(), "image/jpeg"


def check_source(src: Path) -> int:
    """The size of a file fit to be evidence, or the refusal a person can act on.

    Callers attaching several files check them all first, so one bad file leaves nothing attached.
    """
    where = str(src)
    try:
        size = src.stat().st_size
        if not src.is_file():
            raise BadInput("đây không phải một tệp; chọn tệp minh chứng.", where)
    except FileNotFoundError:
        raise NotFound("không có tệp này. Kiểm tra đường dẫn hoặc USB còn cắm.", where) from None
    except OSError as e:
        raise BadInput(f"không đọc được tệp ({e.strerror}).", where) from None
    if size == 0:
        raise BadInput("tệp rỗng (0 byte), không dùng làm minh chứng được. Chọn lại tệp.", where)
    if size > MAX_BYTES:
        raise BadInput(f"tệp lớn {format_number(round(size / 1e6))} MB, vượt giới hạn 200 MB cho một "
                       "minh chứng. Chụp lại ảnh nhỏ hơn hoặc chia nhỏ tệp.", where)
    return size


def attach(ws: Workspace, criterion: str, path: str | os.PathLike[str], as_officer: str,
           keep_original: bool = False, year: int | None = None) -> dict[str, Any]:
    """Attach a file to a criterion of the open round; returns the new evidence row."""
    rnd = get_round(ws, year)
    require_open(rnd)
    cid = nfc(str(criterion))
    if rnd.ruleset.criterion(cid) is None:
        raise BadInput(f"không có tiêu chí '{cid}' trong bộ tiêu chí {rnd.ruleset.id}", "CRITERION")
    officer = get_officer(ws, as_officer)
    if not can_edit(ws, rnd, officer, cid):
        raise Refused(f"{officer['name']} không được giao tiêu chí {cid}; không đính kèm được minh chứng.",
                      f"tiêu chí {cid}")
    src = Path(path)
    where = str(src)
    size = check_source(src)
    try:
        data = src.read_bytes()
    except OSError as e:
        raise BadInput(f"không đọc được tệp ({e.strerror}). Kiểm tra quyền đọc hoặc chép tệp ra máy.",
                       where) from None
    filename = nfc(src.name)
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not keep_original and src.suffix.lower() in _IMAGE_EXT:
        small = downscale(data)
        if small is not None and len(small[0]) < len(data):
            data, mime = small
            filename = f"{Path(filename).stem}.jpg"
    sha = store_blob(ws, data)
    at = now_iso()
    with ws.store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO evidence (round_id, criterion_id, sha256, filename, size, mime, officer_id, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (rnd.id, cid, sha, filename, len(data), mime, officer["id"], at))
        eid = cur.lastrowid
        ws.store.audit(label(officer), "evidence.attach", f"round:{rnd.id}/criterion:{cid}/evidence:{eid}", None,
                       {"sha256": sha, "filename": filename, "size": len(data), "original_size": size,
                        "downscaled": len(data) != size})
    return {"id": eid, "criterion_id": cid, "sha256": sha, "filename": filename, "size": len(data),
            "mime": mime, "officer_id": officer["id"], "added_at": at}


def list_evidence(ws: Workspace, criterion: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Evidence rows of a round still attached (not removed), with the officer's name."""
    rnd = get_round(ws, year)
    sql = ("SELECT e.*, o.name AS officer FROM evidence e LEFT JOIN officer o ON o.id = e.officer_id"
           " WHERE e.round_id = ? AND e.removed_at IS NULL")
    params: list[Any] = [rnd.id]
    if criterion is not None:
        sql += " AND e.criterion_id = ?"
        params.append(nfc(str(criterion)))
    return ws.store.query(sql + " ORDER BY e.id", params)


def remove(ws: Workspace, evidence_id: int, as_officer: str, year: int | None = None) -> None:
    """Detach evidence (the row is marked removed, the blob and the audit trail stay)."""
    rnd = get_round(ws, year)
    require_open(rnd)
    officer = get_officer(ws, as_officer)
    row = ws.store.one("SELECT * FROM evidence WHERE id = ? AND round_id = ? AND removed_at IS NULL",
                       (evidence_id, rnd.id))
    if row is None:
        raise NotFound(f"không có minh chứng #{evidence_id}", "EVIDENCE")
    if not can_edit(ws, rnd, officer, row["criterion_id"]):
        raise Refused(f"{officer['name']} không được giao tiêu chí {row['criterion_id']}.", "EVIDENCE")
    with ws.store.transaction() as conn:
        conn.execute("UPDATE evidence SET removed_at = ? WHERE id = ?", (now_iso(), evidence_id))
        ws.store.audit(label(officer), "evidence.remove",
                       f"round:{rnd.id}/criterion:{row['criterion_id']}/evidence:{evidence_id}",
                       {"sha256": row["sha256"], "filename": row["filename"]}, None)

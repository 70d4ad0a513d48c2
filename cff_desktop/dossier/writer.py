"""Putting a finished package on a USB stick (or any folder) so that it is complete or absent.

The package is first built on the local disk; then it is copied to ``NAME.cffpkg.<random>.part``
on the target, flushed and fsynced, renamed to ``NAME.cffpkg``, and read back and checked. A stick
pulled out, a full or read-only drive, or a failed read-back leaves at most a ``.part`` file,
never a file whose name says it is a package.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from cff_desktop.common import files
from cff_desktop.common.errors import BadInput, Refused, StoreError
from cff_desktop.dossier.format import PART_SUFFIX
from cff_desktop.dossier.safezip import CHUNK

Progress = Callable[[int, int], None]

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_READONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def describe_os_error(e: OSError, where: str) -> StoreError:
    """What an officer can do about a failed write to a drive."""
    if e.errno in _FULL:
        text = "ổ đích đã đầy, chưa ghi được gói. Xóa bớt tệp trên USB hoặc chọn ổ khác rồi xuất lại."
    elif e.errno in _READONLY:
        text = ("ổ đích chỉ cho phép đọc (USB có thể đang gạt khóa ghi), chưa ghi được gói. "
                "Mở khóa ghi hoặc chọn ổ khác rồi xuất lại.")
    else:
        text = (f"ghi ra ổ đích bị lỗi ({e.strerror or e}); có thể USB đã bị rút khi đang ghi. "
                "Không có gói hoàn chỉnh nào được để lại; cắm lại USB rồi xuất lại.")
    return StoreError(text, where)


def _drop_cache(fd: int) -> None:
    """Ask the OS to forget cached pages so the read-back comes from the drive where it can."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        _drop_cache(f.fileno())
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(src: Path, target_dir: Path, name: str, *, sha256: str,
                 check: Callable[[Path], None] | None = None, progress: Progress | None = None) -> Path:
    """Copy ``src`` to ``target_dir/name`` atomically; read back and ``check`` the result.

    Returns the final path. On any failure nothing complete-looking remains, and the error says
    what to do (full, read-only, stick removed, read-back mismatch).
    """
    target_dir = Path(target_dir)
    where = str(target_dir)
    if not target_dir.is_dir():
        raise BadInput("không thấy thư mục đích (USB đã rút hoặc đường dẫn sai). Cắm lại USB rồi chọn lại.",
                       where)
    final = target_dir / name
    if final.exists():
        raise Refused("đã có tệp cùng tên ở thư mục đích; gói không ghi đè tệp có sẵn.", str(final))
    size = src.stat().st_size
    try:
        free = shutil.disk_usage(target_dir).free
    except OSError as e:
        raise describe_os_error(e, where) from None
    if free < size + 64 * 1024:
        raise StoreError(f"ổ đích không đủ chỗ: cần {size / 1e6:,.1f} MB, còn {free / 1e6:,.1f} MB. "
                         "Xóa bớt tệp trên USB hoặc chọn ổ khác rồi xuất lại.", where)
    part: Path | None = None
    done = 0
    try:
        part, out = files.open_temp(target_dir, f"{name}.{{token}}{PART_SUFFIX}")
        with open(src, "rb") as inp, out:
            while chunk := inp.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, size)
            files.finish_temp(out)
        files.commit_temp(part, final)
    except OSError as e:
        if part is not None:
            with contextlib.suppress(OSError):
                part.unlink()
        raise describe_os_error(e, where) from None
    try:
        if sha256_of(final) != sha256:
            raise StoreError("đọc lại gói trên ổ đích không khớp bản vừa ghi (USB lỗi?). Đã xóa tệp hỏng; "
                             "thử USB khác rồi xuất lại.", str(final))
        if check is not None:
            check(final)
    except OSError as e:
        with contextlib.suppress(OSError):
            final.unlink()
        raise describe_os_error(e, where) from None
    except BaseException:
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    return final

"""Reading a ZIP that may be hostile, with :mod:`zipfile` and checks around it.

Every name is checked before any content is read: no absolute paths, drive letters, backslashes,
``..`` segments, duplicates, directories, symlinks or other special files, and no ZIP-level
encryption. Declared sizes are checked against limits on the total and on the compression ratio
(ZIP bombs), and while reading, the bytes actually produced are counted again, so a header that
lies about a size cannot make the reader inflate more than the limit. Nothing is ever extracted
by name: callers copy a member to a path of their own choosing.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from cff_desktop.dossier.format import DEFAULT_LIMITS, Limits, PackageRejected

CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

Progress = Callable[[int, int], None]


def _check_name(name: str, where: str) -> None:
    bad = (
        not name or len(name) > 255 or "\x00" in name or "\\" in name or name.startswith("/")
        or (len(name) >= 2 and name[1] == ":") or name.endswith("/")
    )
    parts = PurePosixPath(name).parts if not bad else ()
    if bad or any(p in ("", ".", "..") for p in parts) or any(ord(c) < 32 for c in name):
        raise PackageRejected(
            "unsafe_member",
            f"gói chứa tên tệp không an toàn ({name!r}): đường dẫn tuyệt đối, '..' hoặc ký tự lạ. "
            "Không mở gói này; đề nghị nơi gửi xuất lại.", where, {"member": name})


class SafeZip:
    """An open package whose member list already passed the checks; read members by name."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.where = str(path)
        self.limits = limits
        self._zf = _open(self.path)
        try:
            self.infos = self._check_list()
        except BaseException:
            self._zf.close()
            raise

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def _check_list(self) -> dict[str, zipfile.ZipInfo]:
        lim, where = self.limits, self.where
        infos = self._zf.infolist()
        if len(infos) > lim.max_members:
            raise PackageRejected("too_large", f"gói có quá nhiều tệp ({len(infos)}, tối đa "
                                  f"{lim.max_members}).", where)
        out: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            _check_name(name, where)
            if name in out:
                raise PackageRejected("unsafe_member", f"gói có hai tệp cùng tên {name!r}.", where,
                                      {"member": name})
            mode = info.external_attr >> 16
            ftype = stat.S_IFMT(mode)  # 0 when the writer recorded no Unix type (Windows tools)
            if info.is_dir() or (ftype and ftype != stat.S_IFREG):
                kind = "liên kết tượng trưng (symlink)" if stat.S_ISLNK(mode) else "mục không phải tệp thường"
                raise PackageRejected("unsafe_member", f"gói chứa {kind} {name!r}; không mở gói này.",
                                      where, {"member": name})
            if info.flag_bits & 0x1:
                raise PackageRejected("unsafe_member", f"tệp {name!r} bị mã hóa kiểu ZIP; gói hợp lệ "
                                      "không dùng kiểu này.", where, {"member": name})
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise PackageRejected("unsafe_member", f"tệp {name!r} dùng kiểu nén không hỗ trợ.",
                                      where, {"member": name})
            if info.file_size > lim.max_member:
                raise PackageRejected(
                    "too_large", f"tệp {name!r} khai báo {info.file_size:,} byte, vượt giới hạn "
                    f"{lim.max_member:,} byte của một tệp; có thể là bom nén (zip bomb).", where,
                    {"member": name})
            if info.file_size > lim.ratio_floor and info.file_size > lim.max_ratio * max(info.compress_size, 1):
                raise PackageRejected(
                    "too_large", f"tệp {name!r} nén quá mức ({info.file_size:,} byte từ "
                    f"{info.compress_size:,} byte, hơn {lim.max_ratio} lần): dấu hiệu bom nén (zip bomb).",
                    where, {"member": name})
            total += info.file_size
            out[name] = info
        if total > lim.max_total:
            raise PackageRejected("too_large", f"tổng dung lượng giải nén {total:,} byte vượt giới hạn "
                                  f"{lim.max_total:,} byte; có thể là bom nén (zip bomb).", where)
        return out

    def size(self, name: str) -> int:
        return self.infos[name].file_size

    def _chunks(self, name: str, limit: int | None = None) -> Iterator[bytes]:
        info = self.infos[name]
        cap = info.file_size if limit is None else min(limit, info.file_size)
        if info.file_size > cap:
            raise PackageRejected("too_large", f"tệp {name!r} lớn bất thường ({info.file_size:,} byte).",
                                  self.where, {"member": name})
        got = 0
        try:
            with self._zf.open(info) as f:
                while True:
                    chunk = f.read(CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > cap:  # zipfile stops at the declared size; this guards that promise
                        raise PackageRejected("too_large", f"tệp {name!r} giải nén vượt kích thước khai báo.",
                                              self.where, {"member": name})
                    yield chunk
        except zipfile.BadZipFile as e:
            raise PackageRejected("tampered", f"tệp {name!r} trong gói bị hỏng hoặc bị sửa ({e}).",
                                  self.where, {"member": name}) from None
        except (EOFError, OSError) as e:
            raise PackageRejected("truncated", f"gói bị cắt cụt hoặc đọc lỗi ở tệp {name!r} ({e}). "
                                  "Chép lại gói từ nơi gửi.", self.where, {"member": name}) from None
        except Exception as e:  # zlib.error and friends: damaged compressed data
            if isinstance(e, PackageRejected):
                raise
            raise PackageRejected("tampered", f"dữ liệu nén của tệp {name!r} bị hỏng ({e}).",
                                  self.where, {"member": name}) from None

    def read(self, name: str, limit: int) -> bytes:
        """A small member (manifest, signature, JSON) whole, never more than ``limit`` bytes."""
        return b"".join(self._chunks(name, limit))

    def digest(self, name: str, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
        """SHA-256 and size of a member, streamed."""
        h = hashlib.sha256()
        n = 0
        for chunk in self._chunks(name):
            h.update(chunk)
            n += len(chunk)
            if progress:
                progress(len(chunk))
        return h.hexdigest(), n

    def copy_to(self, name: str, out: BinaryIO) -> tuple[str, int]:
        """Copy a member into an open file chosen by the caller; returns SHA-256 and size."""
        h = hashlib.sha256()
        n = 0
        for chunk in self._chunks(name):
            h.update(chunk)
            n += len(chunk)
            out.write(chunk)
        return h.hexdigest(), n


def _open(path: Path) -> zipfile.ZipFile:
    where = str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except IsADirectoryError:
        raise PackageRejected("not_zip", "đây là thư mục, không phải tệp gói .cffpkg.", where) from None
    except FileNotFoundError:
        raise PackageRejected("not_zip", "không có tệp này. Kiểm tra USB còn cắm và đường dẫn đúng.",
                              where) from None
    except OSError as e:
        raise PackageRejected("truncated", f"không đọc được tệp ({e.strerror}). Kiểm tra USB rồi chép "
                              "lại.", where) from None
    if not head:
        raise PackageRejected("truncated", "tệp rỗng (0 byte): chép gói bị dừng giữa chừng. Chép lại.", where)
    try:
        return zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        if head in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
            raise PackageRejected(
                "truncated", f"gói bị cắt cụt hoặc hỏng ({e}); có thể USB bị rút khi đang ghi. "
                "Chép lại gói từ máy gửi.", where) from None
        raise PackageRejected(
            "not_zip", "tệp này không phải gói .cffpkg (không phải tệp ZIP). Chọn đúng tệp gói.", where) from None

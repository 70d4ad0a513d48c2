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
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from cff_desktop.dossier.format import DEFAULT_LIMITS, Limits, PackageRejected

CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_RECORD = b"PK\x06\x06"
DESCRIPTOR = b"PK\x07\x08"
EOCD_SIZE = 22

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
            _check_layout(self.path, self._zf, list(self.infos.values()))
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


def _layout_refused(where: str, what: str) -> PackageRejected:
    return PackageRejected(
        "not_zip", f"tệp không phải một gói .cffpkg nguyên vẹn: {what}. Gói do cff_desktop ghi bắt đầu ngay ở "
        "byte đầu tiên và chỉ có một mục lục ZIP; tệp này đã bị ghép hoặc sửa. Không mở; đề nghị nơi gửi xuất lại.",
        where)


def _check_layout(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """The file is exactly one ZIP: entries from byte 0, back to back, then the central directory,
    then one end-of-central-directory record at the very end (no comment, nothing after).

    :mod:`zipfile` itself tolerates bytes before the archive (a self-extractor's stub) and finds
    the last of two concatenated archives; either way two readers could see two different
    packages in one file, so a package must leave no room for anything but itself.
    """
    where = str(path)
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(4)
        if head != ZIP_MAGIC and not (head == EMPTY_ZIP_MAGIC and size == EOCD_SIZE):
            raise _layout_refused(where, "có dữ liệu lạ trước phần ZIP")
        f.seek(size - EOCD_SIZE)
        eocd = f.read(EOCD_SIZE)
        if eocd[:4] != EMPTY_ZIP_MAGIC or eocd[20:22] != b"\0\0":
            raise _layout_refused(where, "có dữ liệu lạ sau mục lục ZIP")
        _sig, disk, disk_cd, n_disk, n_total, size_cd, off_cd, _clen = struct.unpack("<4s4H2LH", eocd)
        cd_end = size - EOCD_SIZE
        if 0xFFFFFFFF in (size_cd, off_cd) or 0xFFFF in (n_disk, n_total):
            f.seek(size - EOCD_SIZE - 20)
            loc = f.read(20)
            lsig, _d, rec_off, _nd = struct.unpack("<4sLQL", loc)
            if lsig != ZIP64_LOCATOR:
                raise _layout_refused(where, "mục lục ZIP64 hỏng")
            f.seek(rec_off)
            rec = f.read(56)
            if len(rec) != 56 or rec[:4] != ZIP64_RECORD:
                raise _layout_refused(where, "mục lục ZIP64 hỏng")
            recsize = struct.unpack("<Q", rec[4:12])[0]
            size_cd, off_cd = struct.unpack("<2Q", rec[40:56])
            disk, disk_cd = struct.unpack("<2L", rec[16:24])
            if rec_off + 12 + recsize != size - EOCD_SIZE - 20:
                raise _layout_refused(where, "có dữ liệu lạ quanh mục lục ZIP64")
            cd_end = rec_off
        if disk or disk_cd:
            raise _layout_refused(where, "gói ZIP chia nhiều phần")
        if off_cd + size_cd != cd_end or getattr(zf, "start_dir", off_cd) != off_cd:
            raise _layout_refused(where, "mục lục ZIP không nằm đúng chỗ (hai gói ZIP ghép nối hoặc có dữ liệu chèn)")
        pos = 0
        ordered = sorted(infos, key=lambda i: i.header_offset)
        for n, info in enumerate(ordered):
            if info.header_offset != pos:
                raise _layout_refused(where, f"có dữ liệu chèn trước tệp {info.filename!r}")
            f.seek(pos)
            local = f.read(30)
            if len(local) != 30 or local[:4] != ZIP_MAGIC:
                raise _layout_refused(where, f"đầu mục của tệp {info.filename!r} hỏng")
            name_len, extra_len = struct.unpack("<2H", local[26:30])
            pos += 30 + name_len + extra_len + info.compress_size
            if info.flag_bits & 0x08:  # a data descriptor follows: with or without signature, 32/64-bit sizes
                nxt = ordered[n + 1].header_offset if n + 1 < len(ordered) else off_cd
                if nxt - pos not in (12, 16, 20, 24):
                    raise _layout_refused(where, f"có dữ liệu chèn sau tệp {info.filename!r}")
                pos = nxt
        if pos != off_cd:
            raise _layout_refused(where, "có dữ liệu chèn trước mục lục ZIP")

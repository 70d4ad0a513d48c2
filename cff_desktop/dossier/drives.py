"""Which removable drives (USB sticks, SD cards) are plugged in, for the "Xuất hồ sơ ra USB" list.

Windows: every drive letter whose ``GetDriveTypeW`` is ``DRIVE_REMOVABLE``, with its volume label.
Linux: mount points under ``/media``, ``/run/media`` and ``/mnt`` as listed in ``/proc/mounts``
(that is where desktop automounters and people put sticks). Free space comes from the drive.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

DRIVE_REMOVABLE = 2
LINUX_ROOTS = ("/media/", "/run/media/", "/mnt/")
_PSEUDO_FS = {"proc", "sysfs", "tmpfs", "devtmpfs", "cgroup", "cgroup2", "overlay", "squashfs", "autofs"}


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free: int | None
    total: int | None

    def describe(self) -> str:
        """One line for a list: label, path and free space in the Vietnamese number format."""
        if self.free is None:
            return f"{self.label} ({self.path})"
        free_gb = f"{self.free / 1e9:.1f}".replace(".", ",")
        return f"{self.label} ({self.path}) — còn trống {free_gb} GB"


def _usage(path: Path) -> tuple[int | None, int | None]:
    try:
        u = shutil.disk_usage(path)
        return u.free, u.total
    except OSError:
        return None, None


def _unescape_mount(field: str) -> str:
    """``/proc/mounts`` writes space, tab, newline and backslash as octal escapes (``\\040``)."""
    out, i = [], 0
    while i < len(field):
        esc = field[i + 1:i + 4]
        if field[i] == "\\" and len(esc) == 3 and all(c in "01234567" for c in esc):
            out.append(chr(int(esc, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def linux_drives(mounts_file: Path = Path("/proc/mounts")) -> list[Drive]:
    try:
        text = mounts_file.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return []
    found: dict[str, Drive] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount, fstype = _unescape_mount(parts[1]), parts[2]
        if fstype in _PSEUDO_FS or not any(mount.startswith(r) for r in LINUX_ROOTS):
            continue
        p = Path(mount)
        if mount in found or not p.is_dir():
            continue
        free, total = _usage(p)
        found[mount] = Drive(p, p.name, free, total)
    return sorted(found.values(), key=lambda d: str(d.path))


def windows_drives() -> list[Drive]:  # pragma: no cover - exercised on Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    out = []
    for i in range(26):
        if not mask & (1 << i):
            continue
        root = f"{chr(65 + i)}:\\"
        if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != DRIVE_REMOVABLE:
            continue
        label = ctypes.create_unicode_buffer(261)
        ok = False
        with contextlib.suppress(OSError):
            ok = bool(kernel32.GetVolumeInformationW(ctypes.c_wchar_p(root), label, 261, None, None, None, None, 0))
        if not ok:  # a card reader with no card: listed by Windows, but nothing to write on
            continue
        free, total = _usage(Path(root))
        out.append(Drive(Path(root), label.value or f"USB ({root[:2]})", free, total))
    return out


def removable_drives() -> list[Drive]:
    """The removable drives a package can be written to, right now."""
    if sys.platform == "win32":
        return windows_drives()
    if os.path.exists("/proc/mounts"):
        return linux_drives()
    return []

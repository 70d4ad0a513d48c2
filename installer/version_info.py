"""Windows version resource for the frozen executables, written from the package version.

Explorer's "Details" tab and the uninstall list show these fields; an officer reading the version
out over the phone reads it from here. PyInstaller's ``VSVersionInfo`` classes need ``pefile``,
which only installs on Windows, so the resource is produced as the text file PyInstaller's
``version=`` option reads; that keeps it checkable (and the spec loadable) on Linux too.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPANY = "cff_desktop"
PRODUCT = "cff_desktop — Đánh giá xã, phường, thị trấn phù hợp với trẻ em"


def package_version(root: Path = ROOT) -> str:
    """``__version__`` read from the source, without importing the package (no Qt at build time)."""
    text = (root / "cff_desktop" / "__init__.py").read_text("utf-8")
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not m:
        raise SystemExit("cff_desktop/__init__.py has no __version__")
    return m.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Four integers as Windows wants them: ``0.1.0`` → (0, 1, 0, 0); a suffix like ``rc1`` is dropped."""
    nums = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    while len(nums) < 4:
        nums.append(0)
    return nums[0], nums[1], nums[2], nums[3]


def version_file_text(version: str, original_name: str, description: str) -> str:
    """The ``VSVersionInfo(...)`` text PyInstaller evaluates for ``EXE(version=...)``."""
    t = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": original_name.removesuffix(".exe"),
        "LegalCopyright": "MIT License",
        "OriginalFilename": original_name,
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    structs = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 0x042A is Vietnamese, 1200 (0x04B0) the Unicode code page.
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={t}, prodvers={t}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('042A04B0', [
          {structs}])]),
    VarFileInfo([VarStruct('Translation', [0x042A, 1200])])
  ]
)
"""


def write_version_file(path: Path, version: str, original_name: str, description: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_file_text(version, original_name, description), encoding="utf-8")
    return path


if __name__ == "__main__":
    # For build.ps1: "0.1.0 0.1.0.0", the version and the four numbers NSIS's VIProductVersion wants.
    v = package_version()
    print(v, ".".join(str(n) for n in version_tuple(v)))

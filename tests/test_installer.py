"""The Windows installer script (installer/cff_desktop.nsi): compiled with makensis, then run.

makensis on Linux builds a real Windows installer; what it cannot have here is the Windows bundle
(the PyInstaller output on this machine is a Linux one), so the installer packs a placeholder folder
of the same shape instead. The script's syntax, defines and warnings are checked by compiling it
exactly as the release does (32-bit Unicode stub, warnings as errors). Its logic is then run under
Wine (64-bit only on a Debian machine without i386 libraries, hence the amd64 stub there): per-user
and all-users installs, a folder with Vietnamese letters and spaces, upgrade, reinstall, a running
copy, a downgrade, a failed write, and an uninstall that keeps the data. What only Windows can show
(UAC, the real Start menu, antivirus, the frozen Windows app itself) is listed in the README.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cff_desktop import __version__
from cff_desktop.common.instance import RUNNING_MUTEX, RUNNING_MUTEX_GLOBAL

pytestmark = pytest.mark.slow  # left out of `bootstrap.py test --fast`

ROOT = Path(__file__).resolve().parents[1]
NSI = ROOT / "installer" / "cff_desktop.nsi"
WINE = shutil.which("wine64") or ("/usr/lib/wine/wine64" if Path("/usr/lib/wine/wine64").exists() else None)
# .ci/run installs both tools on its Debian machine; other machines (a Windows runner, a laptop) skip.
IN_CI = bool(os.environ.get("CI")) and sys.platform.startswith("linux")


def _need(tool: str | None, what: str) -> str:
    """CI installs nsis and wine64 (.ci/run), so there a missing tool fails; elsewhere it skips."""
    if tool:
        return tool
    if IN_CI:
        pytest.fail(f"{what} is missing; .ci/run installs it")
    pytest.skip(f"{what} is not installed (apt-get install nsis wine64)")


def stub_bundle(folder: Path, version: str) -> Path:
    """A stand-in for dist/cff-desktop with the files the script checks for."""
    (folder / "_internal" / "cff_desktop" / "resources").mkdir(parents=True, exist_ok=True)
    (folder / "cff-desktop.exe").write_text(f"stub window app {version}")
    (folder / "cff.exe").write_text(f"stub command line {version}")
    (folder / "_internal" / "cff_desktop" / "resources" / "README.txt").write_text("placeholder")
    return folder


def makensis(out: Path, source_dir: Path, *defines: str, strict: bool = True) -> subprocess.CompletedProcess[str]:
    tool = _need(shutil.which("makensis"), "makensis")
    cmd = [tool, "-V2", "-INPUTCHARSET", "UTF8", f"-DSOURCE_DIR={source_dir}", f"-DOUTFILE={out}", *defines]
    if strict:
        cmd.insert(1, "-WX")
    p = subprocess.run([*cmd, str(NSI)], capture_output=True, text=True, cwd=NSI.parent)
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def test_script_compiles_as_released(tmp_path: Path) -> None:
    out = tmp_path / f"cff-desktop-setup-{__version__}.exe"
    makensis(out, stub_bundle(tmp_path / "stub", __version__))
    data = out.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 50_000
    # the version comes from cff_desktop/__init__.py when the build does not pass one
    v = subprocess.run([_need(shutil.which("makensis"), "makensis"), "-V4", f"-DSOURCE_DIR={tmp_path / 'stub'}",
                        f"-DOUTFILE={tmp_path / 'again.exe'}", str(NSI)], capture_output=True, text=True,
                       cwd=NSI.parent)
    assert f'"VERSION_WIN"="{__version__}.0"' in v.stdout
    assert f"Cài đặt cff_desktop {__version__}" in v.stdout


def test_script_and_app_agree_on_the_running_mutex() -> None:
    text = NSI.read_text("utf-8-sig")
    assert f'!define MUTEX "{RUNNING_MUTEX}"' in text
    assert f'!define MUTEX_GLOBAL "{RUNNING_MUTEX_GLOBAL}"' in text
    assert '!insertmacro MUI_LANGUAGE "Vietnamese"' in text


def test_version_resource_text_is_what_pyinstaller_reads() -> None:
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        import version_info
    finally:
        sys.path.pop(0)
    assert version_info.package_version() == __version__
    assert version_info.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert version_info.version_tuple("1.2.3rc1") == (1, 2, 3, 1)
    text = version_info.version_file_text("1.2.3", "cff.exe", "cff_desktop — dòng lệnh")
    call = ast.parse(text, mode="eval").body
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"  # type: ignore[attr-defined]
    assert "filevers=(1, 2, 3, 0)" in text and "'OriginalFilename', 'cff.exe'" in text


# ---- the installer run under Wine -----------------------------------------------------------

class Wine:
    """A private Wine prefix: C:\\ is ``drive_c`` below it; runs programs and reads the registry."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        # Wine links the user's Desktop and Documents to $HOME: a private HOME keeps the shortcuts
        # the installer makes out of the real home folder.
        home = prefix.parent / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEARCH="win64", HOME=str(home),
                        XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
                        WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe=d", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(WINE), *args], capture_output=True, text=True, errors="replace",
                              env=self.env, timeout=timeout)

    def cmd(self, cmdline: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run a raw Windows command line. NSIS wants ``/D=`` and ``_?=`` unquoted even with spaces,
        which an argument list can't give (it quotes each argument); ``cmd /c`` passes it as is."""
        return self.run("cmd", "/c", cmdline, timeout=timeout)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([str(WINE), *args], env=self.env, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def path(self, windows_path: str) -> Path:
        drive, rest = windows_path.split(":", 1)
        assert drive.upper() == "C", windows_path
        return self.prefix / "drive_c" / Path(*[p for p in rest.split("\\") if p])

    def reg(self, key: str) -> dict[str, str]:
        """String values of a registry key ({} when it does not exist), via ``reg export``."""
        out = self.prefix / "export.reg"
        out.unlink(missing_ok=True)
        p = self.run("reg", "export", key, "C:\\export.reg", "/y")
        exported = self.prefix / "drive_c" / "export.reg"
        if p.returncode != 0 or not exported.exists():
            return {}
        values: dict[str, str] = {}
        for line in exported.read_bytes().decode("utf-16").splitlines():
            if line.startswith('"') and '"="' in line:
                name, _, value = line.partition('"="')
                values[name[1:]] = value[:-1].replace("\\\\", "\\")
        exported.unlink()
        return values

    def wait(self) -> None:
        subprocess.run([str(Path(WINE).parent / "wineserver"), "-w"], env=self.env, timeout=60)


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    _need(WINE, "wine64")
    w = Wine(tmp_path_factory.mktemp("wine") / "prefix")
    boot = w.run("wineboot", "-i", timeout=300)
    assert (w.prefix / "drive_c").is_dir(), boot.stderr
    yield w
    subprocess.run([str(Path(WINE).parent / "wineserver"), "-k"], env=w.env, timeout=60)


@pytest.fixture(scope="module")
def setups(tmp_path_factory: pytest.TempPathFactory, wine: Wine) -> dict[str, str]:
    """Installers for two versions plus a program that holds the app's mutex, in C:\\setup."""
    folder = wine.prefix / "drive_c" / "setup"
    folder.mkdir()
    src = tmp_path_factory.mktemp("stubs")
    for version in ("0.1.0", "0.2.0"):
        makensis(folder / f"setup-{version}.exe", stub_bundle(src / version, version),
                 f"-DVERSION={version}", f"-DVERSION_WIN={version}.0", "-XTarget amd64-unicode", strict=False)
    holder = src / "holder.nsi"
    holder.write_text(
        "Unicode true\nTarget amd64-unicode\nOutFile holder.exe\nRequestExecutionLevel user\n"
        "SilentInstall silent\nSection\n"
        f"  System::Call 'kernel32::CreateMutexW(p 0, i 0, w \"{RUNNING_MUTEX}\") p .r0'\n"
        "  Sleep 20000\nSectionEnd\n", encoding="utf-8")
    subprocess.run(["makensis", "-V1", str(holder)], check=True, cwd=src)
    shutil.copy(src / "holder.exe", folder / "holder.exe")
    return {"0.1.0": "C:\\setup\\setup-0.1.0.exe", "0.2.0": "C:\\setup\\setup-0.2.0.exe",
            "holder": "C:\\setup\\holder.exe"}


USER_KEY = "HKCU\\Software\\cff_desktop"
UNINST = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\cff_desktop"
LOCAL = "C:\\users\\{user}\\AppData\\Local"


def _user_dir(wine: Wine) -> str:
    users = [p.name for p in (wine.prefix / "drive_c" / "users").iterdir() if p.name.lower() != "public"]
    return LOCAL.format(user=users[0])


def test_per_user_install_upgrade_and_uninstall_in_a_vietnamese_folder(wine: Wine, setups: dict[str, str]) -> None:
    instdir = "C:\\Chương trình của xã\\Đánh giá trẻ em"
    data = wine.path(_user_dir(wine) + "\\cff_desktop")
    data.mkdir(parents=True, exist_ok=True)
    (data / "cff.sqlite").write_bytes(b"SQLite format 3\x00 the commune's data")

    # fresh install, per user (Wine runs as an administrator, so say /CURRENTUSER), default folder
    p = wine.run(setups["0.1.0"], "/S", "/CURRENTUSER")
    assert p.returncode == 0, p.stderr
    default = wine.path(_user_dir(wine) + "\\Programs\\cff_desktop")
    assert (default / "app-0.1.0" / "cff.exe").read_text() == "stub command line 0.1.0"
    assert wine.reg(USER_KEY)["InstallDir"].endswith("\\AppData\\Local\\Programs\\cff_desktop")

    # installed again into a folder with Vietnamese letters and spaces: the old copy goes away
    p = wine.cmd(f"{setups['0.1.0']} /S /CURRENTUSER /D={instdir}")
    assert p.returncode == 0, p.stderr
    assert not default.exists()
    root = wine.path(instdir)
    assert (root / "app-0.1.0" / "cff-desktop.exe").read_text() == "stub window app 0.1.0"
    assert (root / "uninstall.exe").is_file()
    assert (root / "cff.cmd").read_text().strip() == '@"%~dp0app-0.1.0\\cff.exe" %*'
    reg = wine.reg(USER_KEY)
    assert reg == {"InstallDir": instdir, "AppDir": instdir + "\\app-0.1.0", "Version": "0.1.0"}
    assert wine.reg(UNINST)["DisplayVersion"] == "0.1.0"
    lnk = "Đánh giá xã phù hợp với trẻ em.lnk"
    assert list(wine.prefix.glob(f"drive_c/users/*/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/{lnk}"))
    assert list(wine.prefix.glob(f"drive_c/users/*/Desktop/{lnk}"))

    # upgrade: no /D, the registry names the folder; the old version's folder goes afterwards
    assert wine.run(setups["0.2.0"], "/S", "/CURRENTUSER").returncode == 0
    assert sorted(p.name for p in root.glob("app-*")) == ["app-0.2.0"]
    assert wine.reg(USER_KEY)["AppDir"] == instdir + "\\app-0.2.0"
    assert "app-0.2.0" in (root / "cff.cmd").read_text()

    # the same version again never writes into the folder in use: it takes the other slot
    assert wine.run(setups["0.2.0"], "/S", "/CURRENTUSER").returncode == 0
    assert sorted(p.name for p in root.glob("app-*")) == ["app-0.2.0-b"]
    assert wine.reg(USER_KEY)["AppDir"] == instdir + "\\app-0.2.0-b"

    # an older installer over a newer install: refused when nobody can answer the question
    assert wine.run(setups["0.1.0"], "/S", "/CURRENTUSER").returncode != 0
    assert wine.reg(USER_KEY)["Version"] == "0.2.0"
    assert sorted(p.name for p in root.glob("app-*")) == ["app-0.2.0-b"]

    # a running copy: a silent install gives up and changes nothing
    holder = wine.start(setups["holder"])
    try:
        time.sleep(3)
        p = wine.run(setups["0.2.0"], "/S", "/CURRENTUSER")
        assert p.returncode != 0
        assert sorted(x.name for x in root.glob("app-*")) == ["app-0.2.0-b"]
    finally:
        holder.kill()
        holder.wait(timeout=30)
    wine.wait()
    assert wine.run(setups["0.2.0"], "/S", "/CURRENTUSER").returncode == 0  # closed: goes ahead
    assert wine.reg(USER_KEY)["AppDir"] == instdir + "\\app-0.2.0"

    # a write that fails half-way (here: a file squats on the new folder's name): the switch never
    # happens, so the version in use still starts from the same shortcut and registry entry
    (root / "app-0.2.0-b").write_text("in the way")
    p = wine.run(setups["0.2.0"], "/S", "/CURRENTUSER")
    assert p.returncode != 0
    assert wine.reg(USER_KEY)["AppDir"] == instdir + "\\app-0.2.0"
    assert (root / "app-0.2.0" / "cff-desktop.exe").read_text() == "stub window app 0.2.0"
    (root / "app-0.2.0-b").unlink()

    # uninstall (silent: keeps the data, which is the default answer)
    p = wine.cmd(f"cd /d {instdir} && uninstall.exe /S _?={instdir}")
    assert p.returncode == 0, p.stderr
    assert not list(root.glob("app-*")) and not (root / "cff.cmd").exists()
    assert wine.reg(USER_KEY) == {} and wine.reg(UNINST) == {}
    assert not list(wine.prefix.glob(f"drive_c/users/*/Desktop/{lnk}"))
    assert (data / "cff.sqlite").read_bytes() == b"SQLite format 3\x00 the commune's data"


def test_elevated_install_is_for_all_users(wine: Wine, setups: dict[str, str]) -> None:
    """Wine's user counts as an elevated administrator: Program Files, HKLM, common shortcuts."""
    assert wine.run(setups["0.1.0"], "/S").returncode == 0
    root = wine.prefix / "drive_c" / "Program Files" / "cff_desktop"
    assert (root / "app-0.1.0" / "cff.exe").is_file()
    assert wine.reg("HKLM\\Software\\cff_desktop")["InstallDir"] == "C:\\Program Files\\cff_desktop"
    assert list(wine.prefix.glob("drive_c/users/Public/Desktop/*.lnk"))
    p = wine.cmd("cd /d C:\\Program Files\\cff_desktop && uninstall.exe /S _?=C:\\Program Files\\cff_desktop")
    assert p.returncode == 0
    assert not (root / "app-0.1.0").exists()
    assert wine.reg("HKLM\\Software\\cff_desktop") == {}

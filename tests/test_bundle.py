"""The frozen one-folder build (installer/cff_desktop.spec), built once per session and run for real.

On this Linux CI the bundle is a Linux one, but it is made by the same spec as the Windows release,
so what these tests catch (a module or resource left out, a trimmed Qt piece still needed, a frozen
path that differs from the source tree) is what would break the installer's payload too. The bundle
sits in a folder whose name has Vietnamese letters and spaces, and the data folder too, because a
commune laptop's user folder often does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cff_desktop import __version__

pytestmark = pytest.mark.slow  # left out of `bootstrap.py test --fast`

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "cff_desktop.spec"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle once (about 20 s on two cores) into a folder named like a user's."""
    base = tmp_path_factory.mktemp("bundle") / "Chương trình cff desktop"
    work = tmp_path_factory.mktemp("pyi-work")
    p = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
         "--distpath", str(base), "--workpath", str(work)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    if p.returncode != 0:
        raise AssertionError(f"PyInstaller failed:\n{p.stdout[-3000:]}\n{p.stderr[-5000:]}")
    out = base / "cff-desktop"
    assert (out / exe("cff-desktop")).is_file(), list(out.iterdir())
    return out


def exe(name: str) -> str:
    return f"{name}.exe" if os.name == "nt" else name


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_home(tmp_path: Path) -> Path:
    return tmp_path / "Dữ liệu xã Hoàng Đồng"


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, CFF_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")


@pytest.fixture
def frozen(bundle: Path, data_home: Path, tmp_path: Path) -> Run:
    """Run one of the bundle's programs as a user would: from outside the source tree."""

    def run(program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bundle / exe(program)), *args], capture_output=True, text=True,
                              encoding="utf-8", env=_env(data_home), cwd=tmp_path, timeout=timeout)

    return run


@pytest.fixture
def source(data_home: Path) -> Run:
    """The same programs from the source tree, to compare with."""
    modules = {"cff": "cff_desktop.cli", "cff-desktop": "cff_desktop.ui.app"}

    def run(program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", modules[program], *args], capture_output=True,
                              text=True, encoding="utf-8", env=_env(data_home), cwd=ROOT, timeout=timeout)

    return run


def ok(p: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert p.returncode == 0, f"exit {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}"
    return p


def test_bundle_carries_resources_and_leaves_out_unused_qt(bundle: Path) -> None:
    internal = bundle / "_internal"
    res = internal / "cff_desktop" / "resources"
    for rel in ("rulesets/qd06-2019.json", "rulesets/qd34-2014.json", "rulesets/ruleset.schema.json",
                "fonts/LiberationSerif-Regular.ttf", "fonts/LiberationSerif-Bold.ttf",
                "icons/cff-desktop.png", "__init__.py"):
        assert (res / rel).is_file(), rel
    names = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    unused = re.compile(r"Qt6?(WebEngine|3D|Quick|Qml|Multimedia|Network|Svg|Pdf)|PySide6/.*translations/|"
                        r"(^|/)(pytest|hypothesis|pypdf|tkinter)(/|$)", re.I)
    assert not [n for n in names if unused.search(n)]
    assert any(re.search(r"Qt6?Widgets", n) for n in names)


def test_frozen_versions_match_the_package(frozen: Run) -> None:
    assert ok(frozen("cff", "--version")).stdout.strip() == f"cff {__version__}"
    assert ok(frozen("cff-desktop", "--version")).stdout.strip() == f"cff-desktop {__version__}"


def test_frozen_cff_score_agrees_with_source_tree(frozen: Run, source: Run, data_home: Path) -> None:
    made = ok(frozen("cff", "demo", "create"))
    assert "Xã Hoàng Đồng" in made.stdout and str(data_home) in made.stdout
    mine = json.loads(ok(frozen("cff", "score", "--json")).stdout)
    theirs = json.loads(ok(source("cff", "score", "--json")).stdout)
    assert mine == theirs
    assert mine["ruleset"] == "qd06-2019" and mine["total"] > 0
    assert ok(frozen("cff", "audit", "--verify")).returncode == 0


def test_frozen_finds_bundled_rule_sets_and_fonts(frozen: Run, source: Run, tmp_path: Path) -> None:
    listed = json.loads(ok(frozen("cff", "rulesets", "list", "--json")).stdout)
    assert {r["id"] for r in listed} >= {"qd06-2019", "qd34-2014"}
    assert listed == json.loads(ok(source("cff", "rulesets", "list", "--json")).stdout)

    ok(frozen("cff", "demo", "create"))
    out = tmp_path / "Giấy tờ in"
    printed = ok(frozen("cff", "print", "scores", "--out", str(out)))
    pdfs = sorted(out.glob("*.pdf"))
    assert pdfs and str(pdfs[0].name) in printed.stdout
    from pypdf import PdfReader

    fonts: set[str] = set()
    for page in PdfReader(pdfs[0]).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    # Liberation Serif from the bundle (Windows would use its own Times New Roman instead)
    assert any("CffSerif" in f or "Liberation" in f for f in fonts), fonts


def test_frozen_app_starts_and_renders_every_screen(frozen: Run, source: Run, tmp_path: Path) -> None:
    ok(frozen("cff", "demo", "create"))
    probe = ok(frozen("cff-desktop", "--probe-startup"))
    assert re.search(r"^first-paint \d+\.\d+ rss-kib \d*$", probe.stdout, re.M), probe.stdout

    shots = tmp_path / "Ảnh màn hình"
    written = [Path(line) for line in ok(frozen("cff-desktop", "--screenshot", str(shots))).stdout.splitlines()]
    assert len(written) >= 10
    for png in written:
        assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5000, png
    expected = ok(source("cff-desktop", "--screenshot", str(tmp_path / "source-shots"))).stdout.splitlines()
    assert [p.name for p in written] == [Path(line).name for line in expected]


def _newer_database(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_frozen_refuses_a_database_from_a_newer_version(
    frozen: Run, source: Run, data_home: Path, tmp_path: Path, qapp
) -> None:
    """A data folder written by a newer release: refuse, say why in Vietnamese, change nothing."""
    db = data_home / "cff.sqlite"
    before = _newer_database(db)

    p = frozen("cff", "score")
    assert p.returncode == 2
    assert "phiên bản mới hơn" in p.stderr and "lược đồ 99" in p.stderr
    assert "Traceback" not in p.stderr

    # The window shows the same explanation instead of crashing: render it frozen and from the
    # source tree, where the label's text can be read, and compare the pictures.
    from PySide6.QtWidgets import QLabel

    from cff_desktop.ui.app import build_window

    win = build_window(str(db))
    texts = " ".join(label.text() for label in win.findChildren(QLabel))
    assert "Chưa mở được dữ liệu" in texts and "phiên bản mới hơn" in texts
    win.close()
    win.deleteLater()
    qapp.processEvents()

    frozen_shots = frozen("cff-desktop", "--screenshot", str(tmp_path / "frozen"))
    assert frozen_shots.returncode == 0 and "Traceback" not in frozen_shots.stderr, frozen_shots.stderr
    source_shots = ok(source("cff-desktop", "--screenshot", str(tmp_path / "source")))
    (f_png,) = frozen_shots.stdout.splitlines()
    (s_png,) = source_shots.stdout.splitlines()
    from PySide6.QtGui import QImage

    assert QImage(f_png) == QImage(s_png)

    probe = frozen("cff-desktop", "--probe-startup")
    assert probe.returncode == 0 and probe.stdout.startswith("first-paint"), probe.stderr

    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not Path(f"{db}-wal").exists()
    # nothing but the database (and the log saying why it was refused)
    assert sorted(p.name for p in data_home.iterdir() if not p.name.endswith(".lock")) in (
        ["cff.sqlite"], ["cff.sqlite", "logs"])

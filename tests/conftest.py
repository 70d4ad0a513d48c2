"""Shared fixtures: a private data folder per test, the CLI as a real process, a demo database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# CI has no keyring service: tests may use the plaintext file keyring, which the app refuses
# everywhere else; and `cff --as NAME` / `--pin` read the demo officers' PIN from CFF_PIN.
os.environ.setdefault("CFF_ALLOW_INSECURE_KEYRING", "1")
os.environ.setdefault("CFF_PIN", "1234")

ROOT = Path(__file__).resolve().parents[1]

# PIN hashes made inside the test process use a cheap scrypt cost (2^10 instead of 2^14): the
# cost is stored in each hash and check_pin reads it from there, so nothing else changes, and
# the ~100 demo communes the suite builds no longer spend most of their time hashing PINs.
# `cff` run as a process (the `cff` fixture) keeps the real cost.
import cff_desktop.services.officers as _officers  # noqa: E402

_officers._N = 2**10

# Fixtures for tests that run `cff` as a process on a copy of the demo database (home, demo_db, ...).
pytest_plugins = ["cli_helpers"]

from cli_inproc import _state as _inproc_state  # noqa: E402


@pytest.fixture(autouse=True)
def _real_process_marker(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests marked ``real_process`` run ``cff`` as a process even in the fast loop."""
    _inproc_state["real_process"] = request.node.get_closest_marker("real_process") is not None
    yield
    _inproc_state["real_process"] = False


@pytest.fixture(autouse=True)
def _delete_closed_widgets() -> Iterator[None]:
    """Windows closed by an earlier test are really deleted before the next one starts.

    pytest-qt closes each test's widgets and calls ``deleteLater``, but deferred deletions run
    only when an event loop returns to its top; without this they pile up in the worker and every
    style change or application-wide event filter then walks all of them.
    """
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None and widgets.QApplication.instance() is not None:
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield


@pytest.fixture
def cff_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CFF_HOME", str(home))
    return home


CffRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cff(cff_home: Path) -> CffRunner:
    """Run ``cff`` as its own process, as a user or a script would (in the fast loop inside this
    process, unless the test is marked ``real_process``: see ``cli_inproc``)."""
    from cli_helpers import run_cff  # a plugin of this conftest: imported after pytest registered it

    def run(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        p = run_cff(cff_home, *args, cwd=ROOT)
        if check and p.returncode != 0:
            raise AssertionError(f"cff {' '.join(args)} exited {p.returncode}: {p.stderr}")
        return p

    return run


@pytest.fixture
def cff_json(cff: CffRunner) -> Callable[..., object]:
    def run(*args: str) -> object:
        return json.loads(cff(*args, check=True).stdout)

    return run


@pytest.fixture
def demo_ws(cff_home: Path, demo_template: Path):
    """An open workspace holding the demo commune (seed 0): a copy of the session's demo database."""
    import shutil

    from cff_desktop.services.workspace import open_workspace

    cff_home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_template, cff_home / "cff.sqlite")
    ws = open_workspace()
    yield ws
    ws.close()


def _shown_window(qtbot):
    """The main window, built, shown and closed with the test (Qt is loaded only when one is asked for)."""
    from cff_desktop.ui.app import build_window

    w = build_window()
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def win(qtbot, demo_ws):
    """The main window on the demo commune, shown at the sign-in screen."""
    return _shown_window(qtbot)


@pytest.fixture
def clerk(qtbot, demo_ws):
    """The main window on the demo commune, shown and signed in as the clerk (Hoàng Thị Mai)."""
    from gui_helpers import sign_in

    w = _shown_window(qtbot)
    sign_in(qtbot, w, "Hoàng Thị Mai")
    return w

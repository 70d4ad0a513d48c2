#!/usr/bin/env python3
"""Set up and run cff_desktop with one command, on Windows, macOS or Linux.

    python bootstrap.py run    # create .venv, install, make a demo commune, open the app
    python bootstrap.py test   # create .venv, install with test extras; ruff, import-linter, mypy, then the tests
    python bootstrap.py test --fast   # the same checks without the slow tests, on every core

The virtual environment lives in .venv at the repository root. Installing is skipped when
pyproject.toml has not changed since the last install (a stamp file records its hash).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def sh(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    sh(PY, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(want)


def run() -> int:
    ensure_venv("")
    env = dict(os.environ)
    home = Path(env.setdefault("CFF_HOME", str(ROOT / ".demo-data")))
    if not (home / "cff.sqlite").exists():
        sh(PY, "-m", "cff_desktop.cli", "demo", "create", env=env)
    return subprocess.call([str(PY), "-m", "cff_desktop.ui.app", *sys.argv[2:]], cwd=ROOT, env=env)


def test() -> int:
    ensure_venv("test")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    sh(PY, "-m", "ruff", "check", "cff_desktop", "tests", "benchmarks", "scripts", "bootstrap.py", env=env)
    sh(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"), env=env)
    sh(PY, "-m", "mypy", env=env)  # files and strictness: [tool.mypy] in pyproject.toml
    args = sys.argv[2:]
    # Spread over the cores (--dist loadfile: a file's session fixtures, such as the upper level's
    # 90 dossiers, are built by one worker only); `-n 0` runs in this one process.
    spread = [] if any(a == "-n" or a.startswith("-n") for a in args) else [
        "-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]
    if "--fast" in args:
        # everything but the tests marked slow (bundle, installer, interop, kill loops), with `cff`
        # called inside the test process rather than as processes (tests/cli_inproc.py): the loop
        # to run before every commit (about 2 minutes on 2 cores)
        args = ["-m", "not slow", "-q", *[a for a in args if a != "--fast"]]
        env["CFF_TEST_INPROC"] = "1"
    args = [*spread, *args]
    return subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what not in ("run", "test"):
        print(__doc__)
        sys.exit(2)
    sys.exit(run() if what == "run" else test())

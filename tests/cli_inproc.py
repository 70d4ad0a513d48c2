"""``cff`` run inside the test process through :func:`cff_desktop.cli.run`.

A real process costs ~0.5 s of interpreter and import start-up; the refusal tests only need the
parser, the services and a real SQLite file, so they call the same ``run`` the ``cff`` script
calls, with the same argv, and capture what it prints. The result has the shape of
``subprocess.CompletedProcess`` so ``cli_helpers.assert_refused`` and ``ok`` work on both.
A handful of tests keep running real processes (exit codes, encodings, broken pipes).

The ``cff`` fixture and ``cli_helpers.run_cff`` start real processes in the whole suite (what CI
runs); ``bootstrap.py test --fast`` sets ``CFF_TEST_INPROC=1`` and they call :func:`cff_inproc`
instead, except in tests marked ``real_process`` (locks held by another process, start-up,
encodings), which always get a process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import subprocess
from pathlib import Path

IN_PROCESS = os.environ.get("CFF_TEST_INPROC") == "1"
_state = {"real_process": False}  # set per test by conftest from the ``real_process`` marker


def in_process() -> bool:
    """Whether a ``cff`` call of the running test goes through :func:`cff_inproc`."""
    return IN_PROCESS and not _state["real_process"]


def inbox_parser() -> argparse.ArgumentParser:
    """The parser of ``cff-district`` (the upper level's inbox server), wherever its module lives."""
    for name in ("inbox_server", "district"):
        try:
            return importlib.import_module(f"cff_desktop.cli.{name}").build_parser()
        except ModuleNotFoundError:
            continue
    raise AssertionError("no module for cff-district")


def cff_inproc(home: Path, *args: str, db: Path | None = None, prog: str = "cff",
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``cff ARGS`` (or ``cff-district`` with ``prog``) in this process with ``CFF_HOME=home``."""
    from cff_desktop.cli import build_parser, run

    argv = (["--db", str(db)] if db is not None else []) + list(args)
    out, err = io.StringIO(), io.StringIO()
    old_env = {k: os.environ.get(k) for k in ("CFF_HOME", "CFF_DEBUG")}
    old_cwd = Path.cwd()
    os.environ["CFF_HOME"] = str(home)
    os.environ.pop("CFF_DEBUG", None)
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            parser = build_parser() if prog == "cff" else inbox_parser()
            try:
                code = run(prog, parser, argv)
            except SystemExit as e:  # argparse: usage errors and --help
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess([prog, *argv], code, out.getvalue(), err.getvalue())

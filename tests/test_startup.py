"""What `cff score --json` loads: only what scoring needs (start-up time is a user's wait).

Timings belong in benchmarks/bench_cli_cold.py; here the test pins the *reasons* it is fast, so a
new top-level import of a heavy library on the scoring path shows up as a failure with its name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from cli_helpers import ok, run_cff

from cff_desktop.cli import command_of
from cff_desktop.common.resources import resource_dir
from cff_desktop.rules.loader import RuleSetError, bundled_files, bundled_hashes, parse_bytes

HEAVY = ("jsonschema", "sqlite_utils", "PySide6", "reportlab", "cryptography", "pyrage", "keyring",
         "requests", "starlette", "uvicorn", "openpyxl", "docx", "PIL", "logging",
         "importlib.resources", "zoneinfo", "cff_desktop.cli.council", "cff_desktop.cli.upper")


def modules_loaded(home: Path, *args: str) -> set[str]:
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8")
    env.pop("CFF_DEBUG", None)
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "cff_desktop.cli", *args],
                       capture_output=True, text=True, encoding="utf-8", env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in p.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_score_json_loads_no_heavy_library(home: Path, demo_db: Path) -> None:
    loaded = modules_loaded(home, "score", "--json")
    assert "cff_desktop.services.scoring" in loaded  # the probe sees our own modules
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_bundled_rule_sets_satisfy_the_schema() -> None:
    """The run-time schema check is skipped for the shipped rule sets because this test holds."""
    schema = json.loads(resource_dir("rulesets", "ruleset.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    files = bundled_files()  # the current rule sets and the superseded versions kept for their rounds
    assert len(files) >= 4 and len(bundled_hashes()) == len(files)
    for f in files:
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(f.read_text("utf-8"))))
        assert errors == [], (f.name, errors[:1])


def test_other_rule_set_bytes_are_still_schema_checked() -> None:
    raw = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
    raw["criteria"][0]["indicators"][0]["kind"] = "guess"
    with pytest.raises(RuleSetError, match="kind"):
        parse_bytes(json.dumps(raw).encode(), "sua.json")


@pytest.mark.parametrize("argv,command", [
    (["score", "--json"], "score"), (["--db", "x.sqlite", "--round", "2024", "council", "show"], "council"),
    (["--help"], None), (["--version"], None), ([], None), (["--db", "x", "-h", "score"], None),
])
def test_command_word_is_found_for_the_partial_parser(argv: list[str], command: str | None) -> None:
    assert command_of(argv) == command


def test_feature_commands_parse_with_only_their_module(home: Path, demo_db: Path) -> None:
    out = ok(run_cff(home, "--round", "2024", "council", "show"))
    assert "Hoàng Văn Bình" in out
    assert "cff_desktop.cli.upper" not in modules_loaded(home, "council", "show")


def test_the_communes_window_starts_without_the_upper_levels_services(home: Path, demo_db: Path) -> None:
    """Asking which mode the app is in must not load package checks, keys and crypto (>100 ms)."""
    import os
    import subprocess
    import sys

    code = ("import sys; from cff_desktop.ui.app import build_window; from PySide6.QtWidgets import QApplication;"
            "app = QApplication([]); w = build_window(sys.argv[1]);"
            "print('\\n'.join(m for m in sys.modules if m.startswith('cff_desktop')))")
    p = subprocess.run([sys.executable, "-c", code, str(demo_db)], capture_output=True, text=True,
                       env=dict(os.environ, QT_QPA_PLATFORM="offscreen", CFF_HOME=str(home)), timeout=120)
    assert p.returncode == 0, p.stderr
    loaded = set(p.stdout.split())
    assert "cff_desktop.ui.signin" in loaded or "cff_desktop.ui.main_window" in loaded
    assert not {"cff_desktop.services.district", "cff_desktop.services.packages", "cff_desktop.dossier.package"} \
        & loaded, sorted(loaded)

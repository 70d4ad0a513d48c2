"""Rule set files: loading, schema errors that name the field, and the CLI over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cff_desktop.common.resources import resource_dir
from cff_desktop.rules.loader import RuleSetError, parse_bytes

QD06_FILE = resource_dir("rulesets", "qd06-2019.json")


def qd06() -> dict:
    return json.loads(QD06_FILE.read_text("utf-8"))


def test_bundled_files_load(cff_json) -> None:
    rows = cff_json("rulesets", "list", "--json")
    assert {(r["id"], r["criteria"], r["max_total"]) for r in rows} == {
        ("qd06-2019", 13, 1000), ("qd34-2014", 15, 1000)}


def test_show_json_is_the_file_as_loaded(cff_json) -> None:
    assert cff_json("rulesets", "show", "qd06-2019", "--json") == qd06()


@pytest.mark.parametrize("mutate,fragment", [
    (lambda d: d["criteria"][0].__setitem__("max", "một trăm"), "criteria[0].max"),
    (lambda d: d["criteria"][6]["indicators"][0].__setitem__("kind", "percent"), "criteria[6].indicators[0].kind"),
    (lambda d: d.pop("thresholds"), "thresholds"),
    (lambda d: d["criteria"][0]["indicators"][0].__setitem__("max", 60), "criteria[0].max"),
    (lambda d: d.__setitem__("max_total", 900), "max_total"),
    (lambda d: d["criteria"][6]["indicators"][0]["bands"].reverse(), "criteria[6].indicators[0].bands[1]"),
    (lambda d: d["criteria"][1]["indicators"][0].__setitem__("id", "3.1"), "criteria[1].indicators[0].id"),
])
def test_schema_and_arithmetic_errors_name_the_field(mutate, fragment: str) -> None:
    d = qd06()
    mutate(d)
    with pytest.raises(RuleSetError) as e:
        parse_bytes(json.dumps(d, ensure_ascii=False).encode(), "bad.json")
    assert fragment in str(e.value) and "bad.json" in str(e.value)


def test_not_json_is_refused_with_line_and_column() -> None:
    with pytest.raises(RuleSetError, match=r"không phải JSON hợp lệ.*dòng 1"):
        parse_bytes(b"{not json", "x.json")


def test_import_newer_version_then_show(cff, cff_json, tmp_path: Path) -> None:
    d = qd06()
    d["version"] = "2019.3"
    d["criteria"][6]["indicators"][0]["bands"][0]["at_least"] = 97
    f = tmp_path / "qd06-new.json"
    f.write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    p = cff("rulesets", "import", str(f), check=True)
    assert "Đã nhập" in p.stdout
    assert cff_json("rulesets", "show", "qd06-2019", "--json")["version"] == "2019.3"
    again = cff("rulesets", "import", str(f), check=True)
    assert "đã có sẵn" in again.stdout

"""Rule set versions at the upper level: an area made before a rule set update still receives the
dossiers of communes that updated, and the other way round.

Communes update the app at different times, so in one round some dossiers pin qd06-2019 2019.1
(criteria 3–4 counted cases) and some 2019.2 (rates per 1,000 children). The upper level receives
any version of its area's rule set whose exact bytes it holds, rescores the dossier with those
bytes, and says in the inbox which version it was; another rule set, or bytes it does not hold, is
still refused, naming them, with nothing written. REAL dossiers, made and encrypted by the commune
side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_helpers import db_dump
from memory_keyring import MemoryKeyring, using_keyring
from signer_helpers import register_signers
from test_package_damage import dump
from upper_helpers import building_for_upper, close_council, commune_round, open_upper

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026
NEW, OLD, UNKNOWN = "30001", "30002", "30003"


@dataclass
class Built:
    keyring: MemoryKeyring
    upper_home: Path
    pkgs: dict[str, Path] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)
    csv: Path | None = None


def _unknown_version(root: Path) -> Path:
    """qd06-2019 with a version number no installation ships (a province's own edition)."""
    from cff_desktop.common.resources import resource_dir

    raw = json.loads((resource_dir("rulesets") / "qd06-2019.json").read_text("utf-8"))
    raw["version"] = "2019.9"
    out = root / "qd06-2019-2019.9.json"
    out.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:

    from cff_desktop.services import packages, rulesets
    from cff_desktop.services.scoring import score_round

    with building_for_upper(tmp_path_factory, "versions") as (root, kr, pub):
        b = Built(kr, root / "upper", csv=root / "units.csv")
        custom = _unknown_version(root)
        for i, code in enumerate((NEW, OLD, UNKNOWN)):
            usb = root / f"usb-{code}"
            usb.mkdir()
            with commune_round(root / code, name=f"Xã Phiên Bản {i + 1}", code=code, seed=50 + i, year=YEAR,
                               category="other", public_key=pub) as ws:
                if code == OLD:  # this commune's round stays on the version before the update
                    rulesets.switch(ws, ws.library.get("qd06-2019", "2019.1"), reason="Chưa cập nhật phần mềm",
                                    clear_unfit=True)
                if code == UNKNOWN:
                    target, _ = ws.library.import_file(custom)
                    rulesets.switch(ws, target, reason="Bộ tiêu chí riêng của tỉnh")
                close_council(ws, YEAR)
                res, _ = score_round(ws, YEAR)
                b.totals[code] = float(res.total)
                packages.export_package(ws, usb)
            b.pkgs[code] = next(usb.glob("*.cffpkg"))
        b.csv.write_text("code,name,category\n" + "".join(
            f"{c},Xã Phiên Bản {i + 1},other\n" for i, c in enumerate((NEW, OLD, UNKNOWN))), "utf-8")
    yield b


def _manifest(p: Path) -> dict:
    import zipfile

    with zipfile.ZipFile(p) as z:
        return json.loads(z.read("manifest.json"))


def test_the_dossiers_pin_the_versions_they_were_scored_on(built: Built) -> None:
    got = {c: (_manifest(p)["ruleset"]["id"], _manifest(p)["ruleset"]["version"]) for c, p in built.pkgs.items()}
    assert got == {NEW: ("qd06-2019", "2019.2"), OLD: ("qd06-2019", "2019.1"), UNKNOWN: ("qd06-2019", "2019.9")}


@pytest.fixture
def make_area(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from cff_desktop.services.district import import_units

    opened = []

    def make(ruleset: str):
        ws = open_upper(built.upper_home, tmp_path / f"upper-{ruleset.replace('@', '-')}", monkeypatch,
                        name="Huyện Thử", level="district", province="Lạng Sơn", ruleset_id=ruleset)
        opened.append(ws)
        assert import_units(ws, built.csv).imported == 3
        register_signers(ws, *built.pkgs.values())
        return ws

    with using_keyring(built.keyring):
        yield make
        for ws in opened:
            ws.close()


@pytest.mark.parametrize("area_version,other", [("2019.1", NEW), ("2019.2", OLD)])
def test_an_area_receives_the_other_version_rescored_with_its_own_bytes(built: Built, make_area, area_version: str,
                                                                      other: str) -> None:
    from cff_desktop.services.district import area_ruleset, find_package, import_path
    from cff_desktop.services.district_appraised import appraised_of
    from cff_desktop.services.district_decisions import agree_all, warnings_of

    ws = make_area(f"qd06-2019@{area_version}")
    assert area_ruleset(ws).version == area_version
    same = OLD if other == NEW else NEW
    for code in (same, other):
        [r] = import_path(ws, built.pkgs[code])
        assert r.status == "imported", r.reason
        pk = find_package(ws, f"{code}/{YEAR}")
        assert pk["total"] == built.totals[code]  # the commune's own score, recomputed here
        assert pk["ruleset_sha256"] == _manifest(built.pkgs[code])["ruleset"]["sha256"]
        if code == same:
            assert not r.warning and warnings_of(ws, pk["sha256"]) == []
            continue
        theirs = _manifest(built.pkgs[code])["ruleset"]["version"]
        note = f"phiên bản {theirs} (địa bàn dùng phiên bản {area_version})"
        assert note in r.warning
        assert any(note in w for w in warnings_of(ws, pk["sha256"]))  # the inbox keeps saying so
        # appraisal goes by the dossier's version: agreeing with everything keeps the commune's total
        assert agree_all(ws, f"{code}/{YEAR}") > 0
        assert float(appraised_of(ws, pk["sha256"])["total"]) == built.totals[code]


def test_a_version_the_upper_level_does_not_hold_is_refused_naming_it(built: Built, make_area) -> None:
    from cff_desktop.services.district import import_path

    ws = make_area("qd06-2019@2019.2")
    before = dump(ws)
    [r] = import_path(ws, built.pkgs[UNKNOWN])
    assert r.status == "refused"
    assert "qd06-2019 phiên bản 2019.9" in r.reason and "cff rulesets import" in r.reason
    assert dump(ws) == before
    assert not list((ws.paths.home / "district").rglob("*.cffpkg"))
    # another rule set altogether, even one this installation holds, is not a version of the area's
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.district.receive import _other_version

    qd34 = ws.library.get("qd34-2014")
    with pytest.raises(Refused) as e:
        _other_version(ws, {"id": qd34.id, "version": qd34.version, "sha256": qd34.sha256})
    assert f"qd34-2014 phiên bản {qd34.version}" in e.value.message
    assert "khác bộ tiêu chí của địa bàn" in e.value.message


def _cff(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cff_desktop.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


def test_district_init_takes_a_version_and_keeps_it_when_not_named(tmp_path: Path) -> None:
    home = tmp_path / "upper"
    p = _cff(home, "district", "init", "--name", "Huyện Thử", "--level", "district",
             "--ruleset", "qd06-2019@2019.1")
    assert p.returncode == 0, p.stderr
    assert "qd06-2019 phiên bản 2019.1" in p.stdout
    # changing the signer later does not move the area to the newest version
    p = _cff(home, "district", "init", "--name", "Huyện Thử", "--level", "district", "--signer", "Lò Văn Minh")
    assert p.returncode == 0 and "phiên bản 2019.1" in p.stdout, p.stderr
    before = db_dump(home / "cff.sqlite")
    p = _cff(home, "district", "init", "--name", "Huyện Thử", "--level", "district",
             "--ruleset", "qd06-2019@2000.1")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    assert "qd06-2019 2000.1" in p.stderr and "cff rulesets import" in p.stderr
    assert db_dump(home / "cff.sqlite") == before
    p = _cff(home, "district", "init", "--name", "Huyện Thử", "--level", "district", "--ruleset", "qd06-2019")
    assert p.returncode == 0 and "phiên bản 2019.2" in p.stdout  # an explicit switch, audited
    import sqlite3

    con = sqlite3.connect(home / "cff.sqlite")
    try:
        rows = [json.loads(r[0])["ruleset"] for r in con.execute(
            "SELECT new FROM audit WHERE action = 'area.set' ORDER BY seq")]
    finally:
        con.close()
    assert len(rows) == 3 and rows[0] == rows[1] != rows[2]

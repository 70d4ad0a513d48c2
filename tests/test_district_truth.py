"""The upper level decides on the truth — a province of 150 communes, end to end, against a hand count.

150 REAL dossiers made by the commune side (demo round, council closed, package exported and
encrypted to the province's key) plus the earlier round of two predecessors of a merged unit and of
a dissolved unit. The province imports them, appraises ten with corrections (two flip a passing
verdict to failing, one a failing one to passing), agrees with most of the rest in one batch,
passes the appraised ones to the council and recognises the passing ones in one batch, refuses
one with a reason, revokes one decision with its own number, and receives a package after its
decision. Two communes declared themselves mountain communes; the province's list says "other".

The hand count never calls the upper level's code: it takes each commune's own ``cff score
--json``, swaps in the corrected figures, takes the category from the province's list, and scores
again with ``cff score --values FILE --json``. Report, Excel, the decision's annex and the
council's minutes must say exactly that.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import MemoryKeyring, using_keyring
from signer_helpers import register_signers
from test_package_damage import dump
from upper_helpers import building_for_upper, close_council, commune_round, open_upper

pytestmark = pytest.mark.slow  # the scale test: 150 real dossiers (not in `test --fast`)

N = 150
YEAR, PREV = 2026, 2025
CATS = ("mountain_island_disadvantaged", "other", "urban_ward")
PRED = ("19001", "19002")  # merged (2026) into the unit at index MERGED
DISSOLVED = "19003"
MERGED = 5
LATE = 12  # this commune sends a second package after the decision


def code_of(i: int) -> str:
    return f"1{i + 1:04d}"


def name_of(i: int) -> str:
    return f"Xã Số {i + 1}"


def cff_json(*args: str) -> Any:
    """``cff ARGS --json`` through the real command line entry point, read back as JSON."""
    from cff_desktop.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main([*args, "--json"])
    assert rc == 0, (args, out.getvalue())
    return json.loads(out.getvalue())


@dataclass
class Province:
    root: Path
    keyring: MemoryKeyring
    upper_home: Path
    usb: Path
    prev_usb: Path
    late: Path
    csv: Path
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → the commune's `cff score --json`
    listed: dict[str, str] = field(default_factory=dict)  # code → category on the province's list
    misdeclared: list[str] = field(default_factory=list)


def _commune(root: Path, name: str, code: str, seed: int, year: int, category: str, pub: Path):
    ws = commune_round(root / f"c-{code}-{year}", name=name, code=code, seed=seed, year=year, category=category,
                       public_key=pub)
    close_council(ws, year)
    return ws


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    """The 150 communes' dossiers and scores, built once for this module (a few minutes)."""

    from cff_desktop.services import packages

    with building_for_upper(tmp_path_factory, "province") as (root, kr, pub):
        p = Province(root, kr, root / "upper", root / "usb", root / "usb-prev", root / "late", root / "units.csv")
        for d in (p.usb, p.prev_usb, p.late):
            d.mkdir()
        for i in range(N):
            ws = _commune(root, name_of(i), code_of(i), i, YEAR, CATS[i % 3], pub)
            p.scores[code_of(i)] = cff_json("--db", str(ws.paths.db), "score")
            packages.export_package(ws, p.usb)
            if i == LATE:
                packages.export_package(ws, p.late)
            ws.close()
        for k, code in enumerate((*PRED, DISSOLVED)):
            ws = _commune(root, f"Xã Cũ {k + 1}", code, 500 + k, PREV, "other", pub)
            packages.export_package(ws, p.prev_usb)
            ws.close()
        # Two communes that declared themselves mountain communes; the list says "other" (threshold
        # 850, not 800). Prefer ones the declaration makes pass and the list makes fail.
        mountain = [code_of(i) for i in range(N) if i % 3 == 0 and i not in (MERGED, LATE)]
        between = [c for c in mountain if 800 <= p.scores[c]["total"] < 850]
        p.misdeclared = (between + [c for c in mountain if c not in between])[:2]
        for i in range(N):
            p.listed[code_of(i)] = "other" if code_of(i) in p.misdeclared else CATS[i % 3]
        lines = ["code,name,category,predecessors,valid_from,valid_to"]
        for i in range(N):
            c = code_of(i)
            if i == MERGED:
                lines.append(f"{c},{name_of(i)},{p.listed[c]},{';'.join(PRED)},{YEAR},")
            else:
                lines.append(f"{c},{name_of(i)},{p.listed[c]},,,")
        lines += [f"{PRED[0]},Xã Cũ 1,other,,,{PREV}", f"{PRED[1]},Xã Cũ 2,other,,,{PREV}",
                  f"{DISSOLVED},Xã Cũ 3,other,,2019,{PREV}"]
        p.csv.write_text("\n".join(lines) + "\n", "utf-8")
    yield p


@pytest.fixture
def upper(province: Province, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The province's installation: its key, its area, its list of units (with lifetimes), both rounds in."""
    from cff_desktop.services.district import import_path, import_units

    with using_keyring(province.keyring):
        ws = open_upper(province.upper_home, tmp_path / "upper", monkeypatch, name="Tỉnh Lạng Sơn",
                        level="province", province="Lạng Sơn", signer_name="Hoàng Văn Bình")
        assert import_units(ws, province.csv).imported == N + 3
        register_signers(ws, province.prev_usb)
        assert [r.status for r in import_path(ws, province.prev_usb)] == ["imported"] * 3
        yield ws
        ws.close()


# --- the hand count: the communes' own scores and the province's list, nothing of the upper level ---------

def _values_of(score: dict[str, Any]) -> dict[str, Any]:
    return {i["id"]: i["value"] for c in score["criteria"] for i in c["indicators"] if i["value"] is not None}


def hand_score(score: dict[str, Any], category: str, corrected: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """Score the commune's values again with ``cff score --values`` for the list's category."""
    doc = {"ruleset": score["ruleset"], "ruleset_version": score["ruleset_version"], "category": category,
           "values": _values_of(score) | corrected,
           "overrides": {c["id"]: c["override"] for c in score["criteria"] if c["override"]}}
    f = tmp / "values.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return cff_json("score", "--values", str(f))


def _as_text(value: Any) -> str:
    """A value as a reviewer types it after --corrected."""
    if isinstance(value, dict) and "numerator" in value:
        return f"{value['numerator']}/{value['denominator']}"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dict):
        return str(next(iter(value.values())))
    return str(value)


def _extreme(ind: dict[str, Any], worst: bool) -> Any:
    v = ind["value"]
    if isinstance(v, dict) and "numerator" in v:
        return {"numerator": 0 if worst else v["denominator"], "denominator": v["denominator"]}
    if isinstance(v, bool):
        return not worst
    if isinstance(v, dict) and "points" in v:
        return {"points": 0 if worst else ind["max"]}
    return None


def find_flip(score: dict[str, Any], category: str, to_fail: bool, tmp: Path) -> tuple[str, Any] | None:
    """One indicator whose corrected value flips the verdict (found by the hand scorer)."""
    for c in score["criteria"]:
        for ind in c["indicators"]:
            new = _extreme(ind, worst=to_fail)
            if new is None or new == ind["value"]:
                continue
            if hand_score(score, category, {ind["id"]: new}, tmp)["recognized"] != (not to_fail):
                continue
            return ind["id"], new
    return None


# --- the round, end to end -----------------------------------------------------------------------------


def test_a_province_round_equals_the_hand_count(upper, province: Province, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from cff_desktop.common.errors import Refused
    from cff_desktop.services import district, district_decisions
    from cff_desktop.services.district_batch import apply_to, council_all_appraised, decide_all_passing
    from cff_desktop.services.district_print import render
    from cff_desktop.services.district_report import export_xlsx, inbox_rows, report, set_target, unit_history

    register_signers(upper, province.usb)

    res = district.import_path(upper, province.usb)
    assert [r.status for r in res] == ["imported"] * N
    warned = {r.code for r in res if r.warning}
    assert warned == set(province.misdeclared)

    # -- the hand count before appraisal: self-assessed as the communes scored, appraised on the list
    hand: dict[str, dict[str, Any]] = {}
    for code, sc in province.scores.items():
        hand[code] = hand_score(sc, province.listed[code], {}, tmp_path)
    self_pass = {c for c, sc in province.scores.items() if sc["recognized"]}
    # -- ten appraisals: two passing units corrected into failing, one failing unit corrected into passing
    passing_now = sorted(c for c in hand if hand[c]["recognized"] and c not in province.misdeclared
                         and c != code_of(LATE))
    failing_now = sorted(c for c in hand if not hand[c]["recognized"] and c not in province.misdeclared)
    corrections: dict[str, dict[str, Any]] = {}
    for pool, to_fail, want in ((passing_now, True, 2), (failing_now, False, 1)):
        for c in pool:
            if len([k for k in corrections if (hand[k]["recognized"]) == to_fail]) >= want:
                break
            flip = find_flip(province.scores[c], province.listed[c], to_fail, tmp_path)
            if flip:
                corrections[c] = {flip[0]: flip[1]}
    assert len(corrections) == 3, "the demo data has no verdict a single correction can flip"
    for c, fix in corrections.items():
        (iid, value), = fix.items()
        district.appraise(upper, f"{c}/{YEAR}", iid, "disagree", comment=f"Sổ sách không khớp chỉ số {iid}",
                          corrected=_as_text(value))
        hand[c] = hand_score(province.scores[c], province.listed[c], fix, tmp_path)
    comment_only = passing_now[-1]
    district.appraise(upper, f"{comment_only}/{YEAR}", "1.1", "disagree", comment="Thiếu biên bản họp thôn")
    agreed_one_by_one = [c for c in passing_now[-7:-1] if c not in corrections][:6]
    for c in agreed_one_by_one:
        district.appraise(upper, f"{c}/{YEAR}", "1.1", "agree")
    assert len(corrections) + 1 + len(agreed_one_by_one) == 10
    # -- the rest of the appraisal in one batch: agree with the whole dossier of 120 more units
    batch = [r for r in inbox_rows(upper, YEAR) if r["state"] == "verified"][:120]
    out = apply_to(upper, [r["sha256"] for r in batch], "agree")
    assert len(out.done) == 120 and not out.skipped
    appraised = {r["code"] for r in inbox_rows(upper, YEAR) if r["appraised"]}
    assert len(appraised) == 130
    # -- appraised figures beside the self-assessed ones, equal to the hand count, for every unit
    rows = {r["code"]: r for r in inbox_rows(upper, YEAR)}
    assert len(rows) == N
    for c, r in rows.items():
        assert (r["total"], r["passing"]) == (province.scores[c]["total"], province.scores[c]["recognized"])
        assert (r["appraised_total"], r["appraised_threshold"], r["appraised_passing"]) == (
            hand[c]["total"], hand[c]["threshold"], hand[c]["recognized"]), c
    # -- a failing appraised result cannot be recognised, whatever its self-assessment says
    flipped = next(c for c in corrections if not hand[c]["recognized"])
    district.pass_to_council(upper, f"{flipped}/{YEAR}")
    before = dump(upper)
    with pytest.raises(Refused) as e:
        district.decide(upper, f"{flipped}/{YEAR}", True)
    assert "kết quả thẩm định không đạt" in e.value.message and dump(upper) == before
    # -- batch council and decision: only appraised dossiers, only passing ones recognised
    council = council_all_appraised(upper, YEAR)
    assert {d["code"] for d in council.done} == appraised - {flipped}
    assert {d["code"] for d in council.skipped} == set(rows) - appraised
    decided = decide_all_passing(upper, YEAR)
    assert {d["code"] for d in decided.done} == {c for c in appraised if hand[c]["recognized"]}
    assert {d["code"] for d in decided.skipped} == {c for c in appraised if not hand[c]["recognized"]}
    not_rec = {c: f"Kết quả thẩm định không đạt ({c})" for c in appraised if not hand[c]["recognized"]}
    for c, why in not_rec.items():
        district.decide(upper, f"{c}/{YEAR}", False, reason=why)
    recognised = {c for c in appraised if hand[c]["recognized"]}
    # -- the decision, then one decision revoked with its own number
    district.set_decision(upper, YEAR, number="125/QĐ-UBND", signed_on=f"{YEAR}-12-05",
                          council={"chair": "Hoàng Văn Bình", "secretary": "Lê Thị Mai", "members": ["Vi Văn Nam"]})
    revoked = sorted(recognised - {code_of(LATE), code_of(MERGED)})[0]
    district_decisions.revoke_decision(upper, f"{revoked}/{YEAR}",
                                       reason="Phát hiện số liệu tiêu chí 3 không trung thực",
                                       number="140/QĐ-UBND", signed_on=f"20/12/{YEAR}")
    recognised.discard(revoked)
    # -- a package after the decision is held and changes nothing
    if code_of(LATE) in appraised:
        rep_before = report(upper, YEAR)
        register_signers(upper, province.late)
        late = district.import_path(upper, province.late)
        assert late[0].status == "imported" and "đến sau quyết định" in late[0].warning
        rep_after = report(upper, YEAR)
        assert {k: rep_after[k] for k in ("units", "passing", "appraised_passing", "recognized")} == {
            k: rep_before[k] for k in ("units", "passing", "appraised_passing", "recognized")}
        assert [c["code"] for c in rep_after["held_after_decision"]] == [code_of(LATE)]
    set_target(upper, YEAR, 75)

    # -- the report equals the hand count
    r = report(upper, YEAR)
    assert r["units"] == N  # the merged-away and the dissolved unit do not count in 2026
    assert (r["assessed"], r["passing"], r["recognized"]) == (N, len(self_pass), len(recognised))
    assert r["appraised_passing"] == sum(1 for c in hand if hand[c]["recognized"])
    assert r["rate"] == round(100 * len(recognised) / N, 2) and r["target"] == 75
    for cat in CATS:
        mine = {c for c, k in province.listed.items() if k == cat}
        b = r["by_category"][cat]
        assert (b["units"], b["recognized"], b["appraised_passing"]) == (
            len(mine), len(mine & recognised), sum(1 for c in mine if hand[c]["recognized"])), cat
    assert {c["code"] for c in r["category_warnings"]} == set(province.misdeclared)
    assert {c["code"]: c["reason"] for c in r["not_recognized"]} == not_rec
    assert [(k["unit_code"], k["kind"], k["number"]) for k in r["corrections"]] == [(revoked, "revoke", "140/QĐ-UBND")]

    # -- Excel says the same
    wb = load_workbook(export_xlsx(upper, tmp_path / "bang.xlsx", YEAR))
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số đơn vị của địa bàn (còn tồn tại trong năm)"] == N
    assert summary["Số đơn vị được công nhận"] == len(recognised)
    assert summary["Số đơn vị đạt chuẩn theo kết quả thẩm định"] == r["appraised_passing"]
    assert summary["Chỉ tiêu kế hoạch (%)"] == 75
    sheet = list(wb["Danh sách"].iter_rows(min_row=2, values_only=True))
    assert len(sheet) == N
    for row in sheet:
        c = row[0]
        assert (row[3], row[6], row[8]) == (province.scores[c]["total"], hand[c]["total"],
                                            "Đạt" if hand[c]["recognized"] else "Không đạt")
        assert (row[9] or "") == ("Có" if c in recognised else ("Không" if c in not_rec else ""))
        if c in not_rec:
            assert not_rec[c] in row[10]
    fixes = list(wb["Số liệu sửa"].iter_rows(min_row=2, values_only=True))
    assert {(f[0], f[2], f[4]) for f in fixes} == {(c, *next(iter(
        {k: _as_text(v) for k, v in fix.items()}.items()))) for c, fix in corrections.items()}

    # -- the papers: the annex lists exactly the recognised units; the minutes print corrections and reasons
    def text_of(kind: str) -> str:
        pdf = render(upper, kind, tmp_path / "in", YEAR)
        return " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())

    dec = text_of("decision")
    assert f"Công nhận {len(recognised)} đơn vị" in dec and f"Tổng số: {len(recognised)} đơn vị." in dec
    annex = dec[dec.index("DANH SÁCH"):]
    assert {c for c in rows if c in annex} == recognised
    minutes = text_of("council-minutes")
    for fix in corrections.values():
        (iid, value), = fix.items()
        assert f"Chỉ số {iid}: xã báo cáo" in minutes and f"thẩm định {_as_text(value)}" in minutes
    for why in not_rec.values():
        assert why in minutes
    agreed = appraised - set(corrections) - {comment_only}  # all before the council (the revoked one again)
    assert minutes.count("Thống nhất số liệu") == len(agreed)
    assert f"đã nhận {N} hồ sơ trên tổng số {N} đơn vị" in minutes
    rep_pdf = text_of("report")
    assert f"chỉ tiêu kế hoạch năm {YEAR} (75,0 % đơn vị được công nhận)" in rep_pdf
    assert "Phát hiện số liệu tiêu chí 3 không trung thực" in rep_pdf
    for why in not_rec.values():
        assert why in rep_pdf
    corr = text_of("correction")
    assert "140/QĐ-UBND" in corr and "Thu hồi công nhận" in corr and "125/QĐ-UBND" in corr

    # -- the merged unit's page carries its predecessors' rounds
    detail = unit_history(upper, code_of(MERGED))
    assert {(x["unit_code"], x["year"]) for x in detail["rounds"]} >= {(PRED[0], PREV), (PRED[1], PREV),
                                                                       (code_of(MERGED), YEAR)}
    shown = cff_json("--db", str(upper.paths.db), "district", "show", code_of(MERGED))
    assert {x["unit_code"] for x in shown["rounds"]} == {*PRED, code_of(MERGED)}

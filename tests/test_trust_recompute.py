"""The upper level rescoring a dossier from its own snapshot: a claimed score is only compared."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cff_desktop.dossier.format import PackageRejected


@pytest.fixture
def closed(demo_ws) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The demo commune's real frozen snapshot and a manifest announcing it."""
    from cff_desktop.services.council import close_meeting, get_snapshot, record_vote

    record_vote(demo_ws, votes_for=9, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    snap, _ = get_snapshot(demo_ws)
    c = snap["commune"]
    manifest = {"commune": {"code": c["code"] or "", "name": c["name"], "province": c["province"]},
                "round": {"year": snap["round"]["year"]}, "ruleset": {k: snap["ruleset"][k]
                                                                      for k in ("id", "version", "sha256")},
                "summary": {"total": snap["score"]["total"], "recognized": snap["score"]["recognized"]}}
    return demo_ws, manifest, snap


def refused(ws, manifest: dict[str, Any], snap: dict[str, Any], code: str, *needles: str) -> str:
    from cff_desktop.services.recompute import recompute_dossier

    with pytest.raises(PackageRejected) as e:
        recompute_dossier(ws, manifest, snap, "goi.cffpkg")
    assert e.value.code == code, e.value
    for n in needles:
        assert n in e.value.message, e.value.message
    return e.value.message


def test_an_honest_dossier_rescores_to_its_own_figures(closed) -> None:
    from cff_desktop.services.recompute import recompute_dossier

    ws, manifest, snap = closed
    got = recompute_dossier(ws, manifest, snap, "goi.cffpkg")
    assert got["total"] == snap["score"]["total"] == 985 and got["recognized"] is True
    assert [c["points"] for c in got["criteria"]] == [c["points"] for c in snap["score"]["criteria"]]


def test_a_claimed_1000_over_criteria_adding_up_less_is_refused(closed) -> None:
    ws, manifest, snap = closed
    forged = copy.deepcopy(snap)
    forged["score"]["total"] = 1000
    refused(ws, manifest, forged, "mismatch", "tổng điểm ghi 1.000, chấm lại được 985")


def test_inflated_criterion_points_are_refused_naming_it(closed) -> None:
    ws, manifest, snap = closed
    forged = copy.deepcopy(snap)
    low = next(c for c in forged["score"]["criteria"] if c["points"] < c["max"])
    gap = low["max"] - low["points"]
    low["points"] = low["max"]
    forged["score"]["total"] += gap  # the total agrees with the forged criteria: only the rescoring sees it
    refused(ws, manifest, forged, "mismatch", "chấm lại")


def test_a_verdict_flipped_to_recognized_is_refused(closed) -> None:
    ws, manifest, snap = closed
    forged = copy.deepcopy(snap)
    forged["values"]["7.1"]["value"] = {"numerator": 0, "denominator": 100}  # criterion 7 drops
    refused(ws, manifest, forged, "mismatch", "tổng điểm ghi 985")


def test_an_override_without_a_reason_is_refused(closed) -> None:
    ws, manifest, snap = closed
    forged = copy.deepcopy(snap)
    c = forged["score"]["criteria"][0]
    c["override"] = {"points": c["points"], "reason": " "}
    refused(ws, manifest, forged, "mismatch", "lý do")


@pytest.mark.parametrize("path, value, needle", [
    (("commune", "code"), "04999", "mã đơn vị"),
    (("commune", "name"), "Xã Khác", "Xã Khác"),
    (("round", "year"), 2023, "năm 2023"),
    (("ruleset", "version"), "2030.1", "hai bộ tiêu chí khác nhau"),
])
def test_the_snapshot_must_be_the_dossier_the_manifest_names(closed, path: tuple[str, str], value: Any,
                                                             needle: str) -> None:
    ws, manifest, snap = closed
    forged = json.loads(json.dumps(snap))
    forged[path[0]][path[1]] = value
    refused(ws, manifest, forged, "mismatch", needle)


def test_a_rule_set_the_upper_level_does_not_hold_is_named(closed) -> None:
    ws, manifest, snap = closed
    m = copy.deepcopy(manifest)
    s = copy.deepcopy(snap)
    m["ruleset"]["sha256"] = s["ruleset"]["sha256"] = "ab" * 32
    refused(ws, m, s, "unknown_ruleset", "qd06-2019", "abababababab", "cff rulesets import")

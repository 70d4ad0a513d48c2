"""Rule set use cases beyond the library: the Excel table, comparing, previewing, switching.

A province that holds the official table enters it through a workbook (template out, import in);
before anything changes for a commune, the clerk can see what differs and what the open round
would score under the new table; moving an open round to it is an explicit act with a written
reason in the audit log. Closed rounds never move: they keep the bytes they were scored with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cff_desktop.common.errors import BadInput, CffError, Refused
from cff_desktop.common.files import write_atomic
from cff_desktop.common.text import nfc
from cff_desktop.rules import spreadsheet
from cff_desktop.rules.compare import Change, diff
from cff_desktop.rules.engine import ScoreResult, score
from cff_desktop.rules.loader import RuleSetError, load_file
from cff_desktop.rules.model import RuleSet
from cff_desktop.rules.values import Value, parse_value
from cff_desktop.services.library import RuleLibrary
from cff_desktop.services.rounds import ADMIN, RoundInfo, _pin, get_round, require_open
from cff_desktop.services.scoring import stored_overrides
from cff_desktop.services.value_write import clear_value
from cff_desktop.services.workspace import Workspace


def resolve(library: RuleLibrary, spec: str) -> RuleSet:
    """``qd06-2019``, ``qd06-2019@2019.1`` or a rule set file (.json / .xlsx) not yet installed."""
    spec = nfc(spec)
    p = Path(spec)
    if p.suffix.lower() in (".json", ".xlsx") and p.exists():
        if p.suffix.lower() == ".xlsx":
            from cff_desktop.rules.loader import parse_bytes

            return parse_bytes(spreadsheet.read_workbook(p), p.name)
        return load_file(p)
    rid, _, version = spec.partition("@")
    return library.get(rid, version or None)


def write_template(library: RuleLibrary, spec: str, out: Path) -> RuleSet:
    """The workbook a provincial officer edits; refuses to overwrite an existing file."""
    if out.suffix.lower() != ".xlsx":
        raise BadInput("tệp bảng tính phải có đuôi .xlsx", str(out))
    if out.exists():
        raise Refused("tệp đã có; chọn tên khác hoặc xóa tệp cũ trước (không ghi đè).", str(out))
    rs = resolve(library, spec)
    data = spreadsheet.template_bytes(rs)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
    except OSError as e:
        raise BadInput(f"không ghi được tệp ({e.strerror})", str(out)) from None
    return rs


def import_file(library: RuleLibrary, path: Path, *, rid: str | None = None,
                version: str | None = None) -> tuple[RuleSet, bool]:
    """Install a rule set from JSON or from an edited workbook; all checks pass or nothing changes."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        data = spreadsheet.read_workbook(path, rid=rid, version=version)
        return library.import_bytes(data, path.name)
    if rid or version:
        try:
            doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            load_file(path)  # reports the precise problem
            raise
        if not isinstance(doc, dict):
            raise RuleSetError("tệp phải chứa một đối tượng JSON", str(path))
        if rid:
            doc["id"] = nfc(rid)
        if version:
            doc["version"] = nfc(version)
        data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return library.import_bytes(data, str(path))
    return library.import_file(path)


def score_values_file(library: RuleLibrary, path: Path, spec: str) -> tuple[ScoreResult, RuleSet]:
    """A values file scored under ``spec`` instead of the rule set it names (a preview)."""
    from cff_desktop.services.scoring import score_document

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise BadInput(f"không đọc được tệp ({e.strerror})", str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInput(f"tệp không phải JSON hợp lệ: {e}", str(path)) from None
    rs = resolve(library, spec)
    if isinstance(doc, dict):
        doc = dict(doc, ruleset=rs.id, ruleset_version=rs.version)
    return score_document(library, doc, str(path))


def compare(library: RuleLibrary, a: str, b: str) -> tuple[RuleSet, RuleSet, list[Change]]:
    ra, rb = resolve(library, a), resolve(library, b)
    return ra, rb, diff(ra, rb)


# --- an open round under another rule set ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unfit:
    """One stored figure or criterion adjustment that another rule set cannot take.

    ``kind`` says which table it lives in, so clearing never has to read the shown label back;
    ``ref`` is the indicator id (a figure) or the criterion id (an adjustment).
    """

    kind: Literal["value", "override"]
    ref: str
    reason: str

    @property
    def label(self) -> str:
        """How the officer sees it: the indicator id, or "điều chỉnh tiêu chí 3"."""
        return self.ref if self.kind == "value" else f"điều chỉnh tiêu chí {self.ref}"

    def as_json(self) -> dict[str, str]:
        return {"id": self.label, "reason": self.reason}


@dataclass(frozen=True)
class Carried:
    """What of a round's figures fits another rule set, and what would have to be entered again."""

    values: dict[str, Value]
    overrides: dict[str, Any]
    unfit: list[Unfit]


@dataclass(frozen=True, slots=True)
class Switched:
    """A round moved to another rule set: its year, the two sets' names, what was cleared (labels)."""

    round: int
    from_set: str
    to_set: str
    cleared: list[str]


def _carry(ws: Workspace, rnd: RoundInfo, target: RuleSet) -> Carried:
    inds = target.indicators
    values: dict[str, Value] = {}
    unfit: list[Unfit] = []
    for r in ws.store.query("SELECT indicator_id, value FROM value WHERE round_id = ? ORDER BY indicator_id",
                            (rnd.id,)):
        iid = r["indicator_id"]
        if iid not in inds:
            unfit.append(Unfit("value", iid, f"bộ {target.id} {target.version} không có chỉ số này"))
            continue
        try:
            values[iid] = parse_value(inds[iid], json.loads(r["value"]))
        except CffError as e:
            unfit.append(Unfit("value", iid, e.message))
    overrides = {}
    for cid, ov in stored_overrides(ws, rnd).items():
        crit = target.criterion(cid)
        if crit is None or ov.points > crit.max:
            unfit.append(Unfit("override", cid, "không còn tiêu chí này" if crit is None
                               else f"{ov.points} điểm vượt điểm tối đa mới {crit.max}"))
        elif all(i.id in values for i in crit.indicators):
            overrides[cid] = ov
        else:
            unfit.append(Unfit("override", cid, "tiêu chí chưa đủ số liệu theo bộ mới"))
    return Carried(values, overrides, unfit)


def preview(ws: Workspace, target: RuleSet, year: int | None = None) -> tuple[ScoreResult, ScoreResult, Carried]:
    """The round's score now and under ``target``; nothing is written."""
    from cff_desktop.services.scoring import score_round

    now, rnd = score_round(ws, year)
    carried = _carry(ws, rnd, target)
    res = score(target, rnd.commune["category"], carried.values, carried.overrides)
    return now, res, carried


def switch(ws: Workspace, target: RuleSet, *, reason: str, actor: str = ADMIN, year: int | None = None,
           clear_unfit: bool = False) -> Switched:
    """Move an open round to ``target`` (pinning its bytes), with the reason in the audit log.

    Figures that no longer fit the new table (a count where a rate is now asked, a removed
    indicator) are listed and the switch refused, unless ``clear_unfit``: then they are cleared, each
    with its own audit row, so the officers enter them again under the new table.
    """
    reason = nfc(reason or "").strip()
    if not reason:
        raise BadInput("đổi bộ tiêu chí của vòng đánh giá phải ghi rõ lý do (ví dụ: số, ngày văn bản của tỉnh)",
                       "--reason")
    rnd = get_round(ws, year)
    require_open(rnd)
    old = rnd.ruleset
    if old.sha256 == target.sha256:
        raise Refused(f"vòng đánh giá năm {rnd.year} đang dùng đúng bộ tiêu chí này; không có gì để đổi.",
                      f"{target.id} {target.version}")
    if not any(r.sha256 == target.sha256 for r in ws.library.all()):
        raise Refused("chỉ đổi sang bộ tiêu chí đã cài; hãy nhập tệp bộ tiêu chí trước.", target.source,
                      remedy="import_ruleset")
    carried = _carry(ws, rnd, target)
    if carried.unfit and not clear_unfit:
        first = carried.unfit[0]
        more = f" và {len(carried.unfit) - 1} mục khác" if len(carried.unfit) > 1 else ""
        raise Refused(
            f"số liệu không hợp với bộ {target.id} {target.version}: {first.label} ({first.reason}){more}. "
            "Xem trước bằng `cff score --ruleset`, hoặc đổi kèm --clear-unfit để xóa các số liệu này và nhập lại.",
            f"round {rnd.year}")
    with ws.store.transaction() as conn:
        for u in carried.unfit:
            if u.kind == "override":
                row = conn.execute("SELECT points, reason FROM override WHERE round_id = ? AND criterion_id = ?",
                                   (rnd.id, u.ref)).fetchone()
                conn.execute("DELETE FROM override WHERE round_id = ? AND criterion_id = ?", (rnd.id, u.ref))
                ws.store.audit(actor, "override.clear", f"round:{rnd.id}/criterion:{u.ref}",
                               {"points": row[0], "reason": row[1]}, {"why": u.reason})
            else:
                clear_value(ws, round_id=rnd.id, indicator_id=u.ref, criterion_id=u.ref.split(".")[0],
                            actor=actor, why=u.reason)
        _pin(ws, target)
        conn.execute("UPDATE round SET ruleset_sha256 = ? WHERE id = ?", (target.sha256, rnd.id))
        # criteria the new table adds go to the officer of their sector, as at round creation
        have = {r[0] for r in conn.execute("SELECT criterion_id FROM assignment WHERE round_id = ?", (rnd.id,))}
        officers = conn.execute("SELECT id, sector FROM officer WHERE commune_id = ? AND active = 1 ORDER BY id",
                                (rnd.row["commune_id"],)).fetchall()
        by_sector: dict[str, int] = {}
        for oid, sector in officers:
            by_sector.setdefault(sector, oid)
        for c in target.criteria:
            if c.id not in have and c.sector in by_sector:
                conn.execute("INSERT INTO assignment VALUES (?, ?, ?)", (rnd.id, c.id, by_sector[c.sector]))
        ws.store.audit(actor, "round.ruleset_switch", f"round:{rnd.id}",
                       {"ruleset": old.id, "version": old.version, "sha256": old.sha256},
                       {"ruleset": target.id, "version": target.version, "sha256": target.sha256,
                        "reason": reason, "cleared": [u.label for u in carried.unfit]})
    return Switched(rnd.year, f"{old.id} {old.version}", f"{target.id} {target.version}",
                    [u.label for u in carried.unfit])

"""Importing a package: plan (changes, unchanged figures, conflicts), then apply all or nothing.

A dossier received here is kept in the inbox folder; a receipt (the upper level's answer on a
stick) is recorded by :mod:`cff_desktop.services.packages.receipt`; sector data is applied in one
transaction, figures changed on this laptop being conflicts the caller resolves per indicator.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from cff_desktop.common.errors import BadInput, NotFound
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import (
    EXTENSION,
    KIND_DOSSIER,
    KIND_RECEIPT,
    KIND_RULESET,
    KIND_SECTOR,
    KINDS,
    SIGNER_CHECKED_LATER,
    PackageRejected,
)
from cff_desktop.dossier.package import Opened
from cff_desktop.dossier.writer import sha256_of, write_atomic
from cff_desktop.rules.values import parse_value
from cff_desktop.services import sector_trust
from cff_desktop.services.communes import same_commune
from cff_desktop.services.officers import can_edit, get_officer
from cff_desktop.services.ordering import check_created_at
from cff_desktop.services.packages._common import Progress, _stage
from cff_desktop.services.packages.receipt import apply_receipt
from cff_desktop.services.packages.verify import Verdict, _fill, _open_checked
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.value_write import write_value
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso
from cff_desktop.storage.paths import ensure_dir

Resolution = Literal["mine", "theirs"]


@dataclass
class Conflict:
    """A figure changed on this laptop that the package would replace: keep mine or take theirs."""

    indicator: str
    criterion: str
    mine: dict[str, Any]
    theirs: dict[str, Any]

    def describe(self) -> str:
        def one(x: dict[str, Any]) -> str:
            return f"{json.dumps(x['value'], ensure_ascii=False)} ({x['officer']}, {x['entered_at'][:16]})"

        return f"{self.indicator}: của máy này {one(self.mine)} / trong gói {one(self.theirs)}"


@dataclass
class ImportPlan:
    verdict: Verdict
    round_year: int | None
    apply: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    already: bool = False
    superseded_by: str | None = None
    new_device_of: str = ""  # the sender's laptop, first seen, to be recorded as this officer's


@dataclass
class ImportResult:
    uuid: str
    kind: str
    applied: list[str] = field(default_factory=list)
    kept_mine: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    already: bool = False
    superseded_by: str | None = None
    stored_path: str = ""

    def message(self) -> str:
        if self.already:
            return "Gói này đã được nhập trước đây; không thay đổi gì."
        if self.superseded_by:
            return (f"Đã có gói mới hơn ({self.superseded_by[:8]}) thay thế gói này; không thay đổi gì.")
        if self.kind == KIND_DOSSIER:
            return f"Đã nhận hồ sơ, lưu tại {self.stored_path}."
        if self.kind == KIND_RULESET and self.unchanged:
            return f"Bộ tiêu chí {self.stored_path} đã có trên máy này; không thay đổi gì."
        if self.kind == KIND_RULESET:
            return (f"Đã cài bộ tiêu chí {self.stored_path} do cấp trên phát hành. Vòng đánh giá đang mở vẫn giữ "
                    "bộ tiêu chí cũ; xem khác biệt và đổi trong Thiết lập → Bộ tiêu chí (cff rulesets switch).")
        parts = [f"Đã nhập {len(self.applied)} chỉ số"]
        if self.kept_mine:
            parts.append(f"giữ số liệu của máy này cho {len(self.kept_mine)} chỉ số ({', '.join(self.kept_mine)})")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} chỉ số không đổi")
        return "; ".join(parts) + "."


def _status(ws: Workspace, m: dict[str, Any], sha256: str) -> tuple[bool, str | None]:
    """(already imported, uuid of a received package that supersedes this one)."""
    row = ws.store.one("SELECT sha256 FROM package WHERE uuid = ? AND direction = 'in'", (m["uuid"],))
    if row is not None:
        if row["sha256"] != sha256:
            raise PackageRejected("tampered", "đã nhập một gói cùng mã nhưng nội dung khác; gói này không phải "
                                  "bản gốc. Đề nghị nơi gửi xuất gói mới.", m["uuid"])
        return True, None
    for r in ws.store.query("SELECT uuid, manifest FROM package WHERE direction = 'in' AND kind = ?", (m["kind"],)):
        other = json.loads(r["manifest"])
        if m["uuid"] in other.get("chain", []) or other.get("supersedes") == m["uuid"]:
            return False, r["uuid"]
    return False, None


def _plan(ws: Workspace, opened: Opened, v: Verdict, device_of: str | None = None,
          ) -> tuple[ImportPlan, RoundInfo | None, dict[str, Any]]:
    m = opened.manifest
    check_created_at(m, str(opened.path))
    plan = ImportPlan(v, m["round"]["year"])
    plan.already, plan.superseded_by = _status(ws, m, opened.sha256)
    if m["kind"] != KIND_SECTOR:
        return plan, None, {}
    where = str(opened.path)
    try:
        rnd = get_round(ws, m["round"]["year"])
    except NotFound:
        raise PackageRejected("other_round", f"gói là số liệu vòng đánh giá năm {m['round']['year']}, máy này "
                              "không có vòng đó. Chọn đúng gói của vòng hiện tại.", where) from None
    if not same_commune(m["commune"], rnd.commune):
        raise PackageRejected(
            "other_commune", f"gói là số liệu của {m['commune']['name']} ({m['commune']['province']}), không phải "
            f"của {rnd.commune['name']}. Chọn đúng gói của xã mình.", where)
    if m["ruleset"]["sha256"] != rnd.ruleset.sha256:
        raise PackageRejected(
            "other_round", f"gói tính theo bộ tiêu chí {m['ruleset']['id']} {m['ruleset']['version']}, khác bộ "
            f"tiêu chí của vòng năm {rnd.year} trên máy này ({rnd.ruleset.id} {rnd.ruleset.version}).", where)
    if plan.already or plan.superseded_by:
        return plan, rnd, {}
    if rnd.closed:
        raise PackageRejected(
            "round_closed", f"vòng đánh giá năm {rnd.year} đã được hội đồng kết thúc; không nhập thêm số liệu. "
            "Muốn sửa, văn thư mở lại vòng đánh giá và ghi rõ lý do.", where)
    fp = m["device"]["fingerprint"]
    device_off = sector_trust.device_officer(ws, fp)
    if device_off is None and device_of:
        try:
            device_off = get_officer(ws, device_of)
        except NotFound:
            raise PackageRejected("unknown_officer", f"không có cán bộ '{device_of}' trên máy này để gắn máy {fp}. "
                                  "Thêm cán bộ đó (`cff officer add ...`) rồi nhập lại gói.", where) from None
        plan.new_device_of = device_off["name"]
    if device_off is None:
        raise sector_trust.unknown_device(m, where)
    doc = opened.read_json("values.json")
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), dict):
        raise PackageRejected("bad_manifest", "values.json trong gói sai cấu trúc.", where)
    officers = {nfc(o["name"]).casefold(): o for o in ws.store.query("SELECT * FROM officer WHERE active = 1")}
    current = {r["indicator_id"]: r for r in ws.store.query(
        "SELECT v.indicator_id, v.value, v.note, v.entered_at, o.name AS officer FROM value v"
        " LEFT JOIN officer o ON o.id = v.officer_id WHERE v.round_id = ?", (rnd.id,))}
    scope = set(m.get("criteria", []))
    incoming: dict[str, Any] = {}
    for iid, item in sorted(doc["values"].items()):
        ind = rnd.ruleset.indicators.get(iid)
        if ind is None or ind.criterion_id not in scope or not isinstance(item, dict):
            raise PackageRejected("bad_manifest", f"gói có chỉ số '{iid}' không thuộc các tiêu chí đã khai báo.",
                                  where)
        sector_trust.check_item(ws, rnd, device_off, iid, ind.criterion_id, item, where)
        value = parse_value(ind, item.get("value"))
        author = officers.get(nfc(str(item.get("officer", ""))).casefold())
        if author is None:
            raise PackageRejected(
                "unknown_officer", f"cán bộ '{item.get('officer')}' (người nhập chỉ số {iid}) chưa có trên máy này. "
                "Thêm cán bộ đó (`cff officer add ...`) rồi nhập lại gói.", where)
        if not can_edit(ws, rnd, author, ind.criterion_id):
            raise PackageRejected(
                "unknown_officer", f"{author['name']} không được giao tiêu chí {ind.criterion_id} trên máy này. "
                "Giao tiêu chí (`cff assign`) rồi nhập lại gói.", where)
        theirs = {"value": value.to_json(), "note": nfc(str(item.get("note", ""))), "officer": author["name"],
                  "entered_at": str(item.get("entered_at", ""))}
        incoming[iid] = (theirs, author, ind.criterion_id)
        mine_row = current.get(iid)
        if mine_row is None:
            plan.apply.append(iid)
            continue
        mine = {"value": json.loads(mine_row["value"]), "note": mine_row["note"],
                "officer": mine_row["officer"] or "", "entered_at": mine_row["entered_at"]}
        if (mine["value"], mine["note"]) == (theirs["value"], theirs["note"]):
            plan.unchanged.append(iid)
        elif not sector_trust.edited_here_since_last_import(ws, rnd, iid, fp):
            plan.apply.append(iid)  # the figure is that device's own earlier one: nobody here changed it since
        else:
            plan.conflicts.append(Conflict(iid, ind.criterion_id, mine, theirs))
    return plan, rnd, incoming


def plan_import(ws: Workspace, path: str | Path, *, trust: bool = False, identity_file: Path | None = None,
                passphrase: str | None = None, progress: Progress | None = None,
                device_of: str | None = None) -> ImportPlan:
    """What importing would do (changes, unchanged figures, conflicts); writes nothing."""
    with _open_checked(ws, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=progress, signer_checked_later=SIGNER_CHECKED_LATER) as opened:
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, opened.manifest)
        return _plan(ws, opened, v, device_of)[0]


def import_package(ws: Workspace, path: str | Path, *, resolutions: dict[str, Resolution] | None = None,
                   trust: bool = False, identity_file: Path | None = None, passphrase: str | None = None,
                   actor: str = ADMIN, progress: Progress | None = None,
                   device_of: str | None = None) -> ImportResult:
    """Verify the whole package, then apply it in one transaction, or refuse and write nothing.

    A sector package's signer must be a laptop registered to an officer here; ``device_of``
    names that officer the first time (after the fingerprint was compared by phone).

    ``resolutions`` maps an indicator in conflict to ``"mine"`` or ``"theirs"``; any conflict left
    unresolved refuses the import (``code == "conflicts"``, ``details["conflicts"]`` lists them).
    """
    resolutions = dict(resolutions or {})
    for iid, r in resolutions.items():
        if r not in ("mine", "theirs"):
            raise BadInput(f"cách giải quyết '{r}' cho chỉ số {iid} không hợp lệ: chọn mine hoặc theirs", iid)
    path = Path(path)
    with _open_checked(ws, path, trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=_stage(progress, 0, 800), signer_checked_later=SIGNER_CHECKED_LATER) as opened:
        m = opened.manifest
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, m)
        if device_of and m["kind"] != KIND_SECTOR:
            raise BadInput("--device-of chỉ dùng khi nhập gói số liệu của một cán bộ (sector-data).", "--device-of")
        plan, rnd, incoming = _plan(ws, opened, v, device_of)
        res = ImportResult(m["uuid"], m["kind"], already=plan.already, superseded_by=plan.superseded_by)
        if plan.already or plan.superseded_by:
            return res
        unresolved = [c for c in plan.conflicts if c.indicator not in resolutions]
        if unresolved:
            listing = "; ".join(c.describe() for c in unresolved)
            ids = ",".join(c.indicator for c in unresolved)
            raise PackageRejected(
                "conflicts", f"{len(unresolved)} chỉ số đã được sửa trên máy này và khác số liệu trong gói: "
                f"{listing}. Chọn giữ của máy này (--keep-mine {ids}) hoặc lấy theo gói (--take-theirs {ids}); "
                "chưa nhập gì.", str(path), {"conflicts": [asdict(c) for c in unresolved]})
        return _IMPORTERS[m["kind"]](_Incoming(ws, opened, path, res, plan, rnd, incoming, resolutions, actor,
                                               progress))


@dataclass
class _Incoming:
    """A checked package about to be applied, with the plan that says what it changes."""

    ws: Workspace
    opened: Opened
    path: Path
    res: ImportResult
    plan: ImportPlan
    rnd: RoundInfo | None
    incoming: dict[str, Any]
    resolutions: dict[str, Resolution]
    actor: str
    progress: Progress | None


def _import_dossier(x: _Incoming) -> ImportResult:
    return _receive(x.ws, x.opened, x.res, x.actor, x.progress)


def _import_receipt(x: _Incoming) -> ImportResult:
    """The upper level's answer brought back on a stick."""
    m, res = x.opened.manifest, x.res
    res.already = not apply_receipt(x.ws, m, x.opened.read_json("decision.json"), x.opened.sha256, x.path, x.actor)
    return res


def _import_ruleset(x: _Incoming) -> ImportResult:
    """A rule set the upper level published, on a stick."""
    from cff_desktop.services.ruleset_package import apply_ruleset_package

    res = x.res
    rs, new = apply_ruleset_package(x.ws, x.opened, x.path, x.actor)
    res.stored_path = f"{rs.id} {rs.version}"
    (res.applied if new else res.unchanged).append(res.stored_path)
    return res


def _import_sector(x: _Incoming) -> ImportResult:
    """An officer's figures: taken or kept per indicator as resolved, in one transaction."""
    ws, opened, path, res, plan, rnd = x.ws, x.opened, x.path, x.res, x.plan, x.rnd
    incoming, resolutions, actor, progress = x.incoming, x.resolutions, x.actor, x.progress
    m = opened.manifest
    assert rnd is not None
    take = plan.apply + [c.indicator for c in plan.conflicts if resolutions[c.indicator] == "theirs"]
    keep = [c for c in plan.conflicts if resolutions[c.indicator] == "mine"]
    fp = m["device"]["fingerprint"]
    with ws.store.transaction() as conn:
        if plan.new_device_of:  # first package from this laptop, confirmed by phone: recorded with it
            sector_trust.record_device(ws, m, get_officer(ws, plan.new_device_of), actor=actor)
        conn.execute(
            "INSERT INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes, manifest,"
            " created_at) VALUES (?, ?, 'in', ?, ?, ?, ?, ?, ?, ?)",
            (m["uuid"], m["kind"], rnd.id, opened.sha256, opened.size, str(path), m["supersedes"],
             canonical(m), now_iso()))
        for iid in sorted(take):
            theirs, author, cid = incoming[iid]
            write_value(ws, round_id=rnd.id, indicator_id=iid, criterion_id=cid, value=theirs["value"],
                        note=theirs["note"], officer=author, action="value.import",
                        entered_at=theirs["entered_at"], audit_extra={"package": m["uuid"], "device": fp})
        for c in keep:
            ws.store.audit(actor, "value.conflict_keep", f"round:{rnd.id}/indicator:{c.indicator}",
                           {"rejected": c.theirs, "package": m["uuid"]}, {"kept": c.mine})
        ws.store.audit(actor, "package.import", f"round:{rnd.id}/package:{m['uuid']}", None,
                       {"kind": m["kind"], "sha256": opened.sha256, "device": fp, "applied": sorted(take),
                        "kept_mine": [c.indicator for c in keep], "supersedes": m["supersedes"]})
    res.applied = sorted(take)
    res.kept_mine = [c.indicator for c in keep]
    res.unchanged = plan.unchanged
    if progress:
        progress(1000, 1000)
    return res


#: How each package kind of dossier/format.py is applied; a kind without an importer fails at import.
_IMPORTERS = {KIND_DOSSIER: _import_dossier, KIND_RECEIPT: _import_receipt, KIND_RULESET: _import_ruleset,
              KIND_SECTOR: _import_sector}
if set(_IMPORTERS) != set(KINDS):  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"package kinds without an importer: {sorted(set(KINDS) ^ set(_IMPORTERS))}")


def _receive(ws: Workspace, opened: Opened, res: ImportResult, actor: str, progress: Progress | None) -> ImportResult:
    """A dossier at the upper level: keep the verified file in the inbox and record it."""
    m = opened.manifest
    inbox = ensure_dir(ws.paths.inbox)
    name = f"{m['uuid']}{EXTENSION}"
    final = inbox / name
    if final.exists() and sha256_of(final) != opened.sha256:
        final.unlink()  # a leftover of an interrupted receive; the name is this package's uuid
    if not final.exists():
        write_atomic(opened.path, inbox, name, sha256=opened.sha256, progress=_stage(progress, 800, 150))
    try:
        with ws.store.transaction() as conn:
            conn.execute(
                "INSERT INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes, manifest,"
                " created_at) VALUES (?, ?, 'in', NULL, ?, ?, ?, ?, ?, ?)",
                (m["uuid"], m["kind"], opened.sha256, opened.size, str(final), m["supersedes"], canonical(m),
                 now_iso()))
            ws.store.audit(actor, "package.receive", f"package:{m['uuid']}", None,
                           {"kind": m["kind"], "sha256": opened.sha256, "commune": m["commune"],
                            "year": m["round"]["year"], "device": m["device"]["fingerprint"],
                            "supersedes": m["supersedes"]})
    except BaseException:
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    res.stored_path = str(final)
    if progress:
        progress(1000, 1000)
    return res


def list_packages(ws: Workspace, direction: str | None = None) -> list[dict[str, Any]]:
    """Packages sent and received, newest first (for a history view)."""
    sql = "SELECT uuid, kind, direction, round_id, sha256, size, path, supersedes, created_at FROM package"
    params: tuple[Any, ...] = ()
    if direction:
        sql += " WHERE direction = ?"
        params = (direction,)
    return ws.store.query(sql + " ORDER BY created_at DESC", params)

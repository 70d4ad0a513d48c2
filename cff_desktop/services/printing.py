"""Printing the round's papers: choose the snapshot, number the papers, write the PDF safely, record it.

- A closed round prints from its frozen snapshot. Before the council closes, the papers are drafts
  from what the snapshot would hold now, marked "DỰ THẢO" on every page, without a number.
- Numbers (``Số: 05/BB-UBND``) come from a per-year counter per document type, or are typed from the
  office's register (``number=``; ``cff numbers set`` moves the counter). A number is never given
  twice. When a paper takes its number its text is frozen (table ``issued_paper``: the PDF bytes and
  what the wording depended on beyond the snapshot: signer, addressee, posting period, the numbers
  it cites); a reprint writes those bytes and the dossier binds that text. Papers are numbered in
  the order they cite each other (minutes → notice, report → proposal → dossier): printing one whose
  cited papers have no number yet prints those first. After the round is reopened and closed again
  the papers get new numbers.
- Working papers (blank forms, questionnaires) are never drafts: they are dated the day printed.
- The PDF goes to a temporary file in the target folder and is renamed into place only inside the
  transaction that records it (table ``document`` + an audit row), so a full or read-only folder
  leaves neither a partial file nor a record of a paper that does not exist.

The UI calls :func:`render` from a worker thread; ``progress(done, total)`` reports the steps.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput, Refused, StoreError
from cff_desktop.common.files import commit_temp, finish_temp, open_temp
from cff_desktop.documents import DOCX_KINDS, KINDS, render_docx
from cff_desktop.documents import render as render_document
from cff_desktop.documents.content import TYPE_CODES, DocContext, Evidence, required_profile_fields
from cff_desktop.documents.layout import PdfInfo
from cff_desktop.documents.notice import posting_period
from cff_desktop.documents.registry import DOCUMENTS
from cff_desktop.rules.report import reason_text
from cff_desktop.services.budget import for_paper as budget_for_paper
from cff_desktop.services.child_report import for_paper as child_work_for_paper
from cff_desktop.services.council import draft_snapshot, get_snapshot
from cff_desktop.services.evidence import blob_path
from cff_desktop.services.profile import (
    ROUND_DATES,
    TEXT_SETTINGS,
    days_off_list,
    print_settings,
    recipient_lines,
)
from cff_desktop.services.registration import registration_of
from cff_desktop.services.report_facts import previous_result
from cff_desktop.services.report_texts import texts_for_paper as report_texts
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round, ruleset_of
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

Progress = Callable[[int, int], None]

# The tables below are read off documents/registry.py, where each paper's facts are kept together.
FILE_NAMES = {d.key: d.file_name for d in DOCUMENTS}
# The numbered papers a paper cites, which must have their numbers (and frozen text) before it is laid
# out: a tờ trình cites the minutes, the notice and the report; the dossier binds them all.
DEPENDS = {d.key: list(d.depends) for d in DOCUMENTS if d.depends}
# Cited when already issued, never printed on their behalf: they are dated before the meeting.
OPTIONAL_CITES = {d.key: list(d.optional_cites) for d in DOCUMENTS if d.optional_cites}
# Papers of the round rather than of the council's result: numbered whenever printed (before the
# meeting too) and kept across a reopened council.
ROUND_LEVEL = tuple(d.key for d in DOCUMENTS if d.round_level)
# `cff print all`: cited papers first, so nothing is laid out before the numbers it cites exist.
PRINT_ORDER = [d.key for d in sorted(DOCUMENTS, key=lambda d: d.print_rank)]
# Working papers used before and during data collection: never drafts, dated the day printed.
WORKING = tuple(d.key for d in DOCUMENTS if d.working)
# Unnumbered papers that carry the report's date once it is issued (the score table, the dossier).
DATED_WITH_REPORT = tuple(d.key for d in DOCUMENTS if d.dated_with_report)
# Profile fields that are not assessed but printed (who signs, who receives): as of the number.
SIGNER_FIELDS = ("chair_name", "chair_title", "upper_level")
# Kinds that ask the upper level for recognition: pointless (and refused) when the round failed.
FOR_RECOGNITION = tuple(d.key for d in DOCUMENTS if d.for_recognition)


def kinds() -> list[tuple[str, str]]:
    """The printable kinds with their Vietnamese labels, in the order the dashboard lists them."""
    return list(KINDS.items())


@dataclass(frozen=True)
class Printed:
    kind: str
    path: Path
    number: str
    doc_date: date
    sha256: str
    draft: bool
    also: tuple[Printed, ...] = ()  # cited papers printed first because they had no number yet


@dataclass(frozen=True)
class _Issue:
    """A number being taken, with the paper's frozen text."""

    seq: int
    code: str
    doc_date: date
    frozen: dict[str, Any]
    pdf: bytes
    typed: bool  # from the office's register (--number), not the counter
    legacy: bool = False  # printed before texts were frozen: keeps the number it was given then


# --- snapshot and context ------------------------------------------------------------------------

def _snapshot(ws: Workspace, rnd: RoundInfo) -> tuple[dict[str, Any], str, bool]:
    """The frozen snapshot of a closed round, or a draft of the open one: (snapshot, sha256, draft)."""
    if rnd.closed:
        got = get_snapshot(ws, rnd.year)
        if got is not None:
            return got[0], got[1], False
    return draft_snapshot(ws, rnd.year), "", True


def _evidence(ws: Workspace, rnd: RoundInfo, draft: bool, include: bool) -> list[Evidence]:
    """Evidence files as they were when the council closed (or now, for a draft)."""
    if draft or not rnd.row.get("closed_at"):
        rows = ws.store.query("SELECT * FROM evidence WHERE round_id = ? AND removed_at IS NULL ORDER BY id",
                              (rnd.id,))
    else:
        at = rnd.row["closed_at"]
        rows = ws.store.query(
            "SELECT * FROM evidence WHERE round_id = ? AND added_at <= ? AND (removed_at IS NULL OR removed_at > ?)"
            " ORDER BY id", (rnd.id, at, at))
    out = []
    for r in rows:
        blob = blob_path(ws, r["sha256"])
        out.append(Evidence(str(r["criterion_id"]), r["filename"], int(r["size"]), r["sha256"], r["mime"] or "",
                            str(blob) if include else ""))
    return sorted(out, key=lambda e: (int(e.criterion_id) if e.criterion_id.isdigit() else 999, e.filename))


def _posting(rnd: RoundInfo, posting_start: date | None, posting_days: int | None) -> tuple[date | None, int]:
    """Posting period: explicit arguments, else the round's timeline when it has one, else 5 days."""
    start = posting_start
    if start is None and rnd.row.get("posting_start"):
        with contextlib.suppress(ValueError):
            start = date.fromisoformat(str(rnd.row["posting_start"]))
    days = posting_days or int(rnd.row.get("posting_days") or 5)
    if not 1 <= days <= 60:
        raise BadInput("số ngày niêm yết phải từ 1 đến 60", "posting_days")
    return start, days


# --- numbers -------------------------------------------------------------------------------------

def _key(kind: str, snap_sha: str) -> str:
    """Round-level papers are frozen for the round; the others for the council's snapshot."""
    return "" if kind in ROUND_LEVEL else snap_sha


def _frozen_row(ws: Workspace, rnd: RoundInfo, snap_sha: str, kind: str) -> dict[str, Any] | None:
    """The numbered paper of ``kind`` issued from this very snapshot (or round), with its frozen text."""
    return ws.store.one("SELECT * FROM issued_paper WHERE round_id = ? AND snapshot_sha256 = ? AND kind = ?",
                        (rnd.id, _key(kind, snap_sha), kind))


def number_text(seq: int, code: str) -> str:
    """``05/BB-UBND``: at least two digits, as the register writes them."""
    return f"{seq:02d}/{code}-UBND"


def _used(conn: Any, year: int, code: str, seq: int, *, frozen_only: bool = False) -> str | None:
    """What already carries number ``seq`` of type ``code`` in ``year`` (None when it is free).

    Papers printed before numbers were frozen are in ``document`` only, so both are looked at
    (``frozen_only`` when that very paper is being frozen under its old number).
    """
    row = conn.execute("SELECT kind, doc_date FROM issued_paper WHERE year = ? AND type_code = ? AND seq = ?",
                       (year, code, seq)).fetchone()
    if row is None and not frozen_only:
        row = conn.execute("SELECT kind, doc_date FROM document WHERE number = ? AND substr(doc_date, 1, 4) = ?"
                           " AND draft = 0 LIMIT 1", (number_text(seq, code), str(year))).fetchone()
    if row is None:
        return None
    return f"{KINDS.get(row[0], row[0]).lower()} ngày {_dmy(row[1])}"


def _legacy_number(ws: Workspace, rnd: RoundInfo, kind: str) -> tuple[int, date] | None:
    """The number and date a paper of this snapshot got before texts were frozen (older versions kept
    only the register row), so upgrading does not renumber a paper already signed."""
    snap = ws.store.one("SELECT created_at FROM snapshot WHERE round_id = ?", (rnd.id,))
    if snap is None or kind in ROUND_LEVEL:
        return None
    row = ws.store.one("SELECT number, doc_date FROM document WHERE round_id = ? AND kind = ? AND draft = 0"
                       " AND number != '' AND created_at >= ? ORDER BY id DESC LIMIT 1",
                       (rnd.id, kind, snap["created_at"]))
    if row is None:
        return None
    try:
        return int(row["number"].split("/", 1)[0]), date.fromisoformat(row["doc_date"])
    except ValueError:
        return None


def _next_seq(conn: Any, year: int, code: str) -> int:
    """The counter's next number, skipping any the office already used (typed from its register)."""
    row = conn.execute("SELECT last FROM doc_counter WHERE year = ? AND type_code = ?", (year, code)).fetchone()
    seq = (row[0] if row else 0) + 1
    while _used(conn, year, code, seq):
        seq += 1
    return seq


def _dmy(iso: str) -> str:
    d = date.fromisoformat(str(iso)[:10])
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def set_next_number(ws: Workspace, code: str, next_number: int, year: int, *, actor: str = ADMIN) -> str:
    """Make ``next_number`` the next number of type ``code`` in ``year`` (to follow the office's register);
    returns it as printed ("15/TTr-UBND").

    Refused when that number was already given: a number is never used twice. Numbers after it
    that are taken are skipped when printing.
    """
    codes = sorted(set(TYPE_CODES.values()))
    # typed from a keyboard: any case, decomposed accents (Unikey), or "QD" without the Đ
    typed = unicodedata.normalize("NFC", str(code)).strip()
    code = next((c for c in codes if c.lower() == typed.lower() or (c == "QĐ" and typed.upper() == "QD")), typed)
    if code not in codes:
        raise BadInput(f"loại số '{code}' không có. Chọn: {', '.join(codes)}", "TYPE")
    if not 1 <= int(next_number) <= 99999:
        raise BadInput("số tiếp theo phải từ 1 đến 99999", "NUMBER")
    if not 2000 <= int(year) <= 2100:
        raise BadInput(f"năm {year} không hợp lệ", "--year")
    with ws.store.transaction() as conn:
        taken = _used(conn, year, code, next_number)
        if taken:
            raise Refused(f"số {number_text(next_number, code)} năm {year} đã cấp cho {taken}; một số không "
                          "được dùng hai lần. Xem sổ văn bản đi và chọn số lớn hơn.", "NUMBER")
        row = conn.execute("SELECT last FROM doc_counter WHERE year = ? AND type_code = ?", (year, code)).fetchone()
        old = row[0] if row else 0
        conn.execute("INSERT OR REPLACE INTO doc_counter (year, type_code, last) VALUES (?, ?, ?)",
                     (year, code, next_number - 1))
        ws.store.audit(actor, "document.counter", f"counter:{year}/{code}", {"next": old + 1},
                       {"next": next_number})
    return number_text(next_number, code)


def number_counters(ws: Workspace, year: int) -> list[dict[str, Any]]:
    """Per type of the year: the next number the counter would give, and the numbers already issued."""
    out = []
    with ws.store.transaction() as conn:  # a consistent read
        for code in sorted(set(TYPE_CODES.values())):
            issued = [r[0] for r in conn.execute(
                "SELECT number FROM issued_paper WHERE year = ? AND type_code = ? ORDER BY seq", (year, code))]
            out.append({"type": code, "next": number_text(_next_seq(conn, year, code), code), "issued": issued})
    return out


def _default_date(rnd: RoundInfo, kind: str, ctx: DocContext) -> date | None:
    """The date a paper is signed on when the clerk gives none: the minutes on the meeting day, the
    notice on the first posting day, the report and proposal on the round's submission date (when
    the round's timeline has them); otherwise the day of printing."""
    if kind == "minutes":
        return ctx.meeting_date
    if kind == "notice":
        return ctx.posting_start
    if kind in ("report", "proposal") and rnd.row.get("submission_date"):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(str(rnd.row["submission_date"]))
    return None


# --- writing -------------------------------------------------------------------------------------

def _os_error(e: OSError, where: str) -> StoreError:
    """What the clerk should do about a folder the PDF cannot be written to."""
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        text = ("ổ đĩa hoặc USB đã đầy, chưa ghi được tệp nào. Giải phóng dung lượng hoặc chọn nơi lưu khác "
                "rồi in lại.")
    elif e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        text = ("thư mục chỉ cho phép đọc, không ghi được tệp. Chọn thư mục khác (ví dụ thư mục Tài liệu) "
                "hoặc gạt khóa chống ghi của USB rồi in lại.")
    elif e.errno == errno.ENOENT:
        text = "không tìm thấy thư mục lưu. Kiểm tra USB còn cắm và đường dẫn đúng rồi in lại."
    else:
        text = f"không ghi được tệp ({e.strerror or e}). Chọn thư mục khác rồi in lại."
    return StoreError(text, where)


def _prepare_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BadInput("đường dẫn này là một tệp, không phải thư mục. Chọn một thư mục để lưu văn bản.",
                       str(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        raise BadInput("không tạo được thư mục lưu vì một phần của đường dẫn là tệp, không phải thư mục. "
                       "Chọn thư mục khác.", str(out_dir)) from None
    except OSError as e:
        raise _os_error(e, str(out_dir)) from None
    return out_dir


def _write_temp(out_dir: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file beside the target (same folder, so the rename is atomic).

    ``open(..., "xb")`` rather than mkstemp: the file gets the user's usual permissions (mkstemp's
    are owner-only, which would hide the PDF from the other accounts of a shared office PC).
    """
    try:
        tmp, f = open_temp(out_dir, ".cff-{token}.pdf.tmp")
    except FileExistsError:
        raise StoreError("không tạo được tệp tạm trong thư mục lưu; thử lại.", str(out_dir)) from None
    try:
        f.write(data)
        finish_temp(f)
    except BaseException:
        f.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _commit(ws: Workspace, rnd: RoundInfo, kind: str, final: Path, tmp: Path, sha: str, draft: bool,
            printed_date: date, number: str, actor: str, snapshot_sha: str, issue: _Issue | None) -> bool:
    """Record the paper (and, for a new number, its frozen text) and move the file into place, all or
    nothing. False = a number or the paper itself was taken by another print meanwhile (lay out again)."""
    with ws.store.transaction() as conn:
        if issue is not None:
            if conn.execute("SELECT 1 FROM issued_paper WHERE round_id = ? AND snapshot_sha256 = ? AND kind = ?",
                            (rnd.id, _key(kind, snapshot_sha), kind)).fetchone():
                return False
            taken = _used(conn, issue.doc_date.year, issue.code, issue.seq, frozen_only=issue.legacy)
            if taken:
                if issue.typed:
                    raise Refused(f"số {number_text(issue.seq, issue.code)} năm {issue.doc_date.year} đã cấp cho "
                                  f"{taken}; một số không được dùng hai lần. Xem sổ văn bản đi và chọn số khác.",
                                  "--number")
                return False
            conn.execute(
                "INSERT INTO issued_paper (round_id, snapshot_sha256, kind, type_code, year, seq, number, doc_date,"
                " frozen, pdf, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rnd.id, _key(kind, snapshot_sha), kind, issue.code, issue.doc_date.year, issue.seq, number,
                 issue.doc_date.isoformat(), json.dumps(issue.frozen, ensure_ascii=False, sort_keys=True),
                 issue.pdf, hashlib.sha256(issue.pdf).hexdigest(), now_iso()))
            row = conn.execute("SELECT last FROM doc_counter WHERE year = ? AND type_code = ?",
                               (issue.doc_date.year, issue.code)).fetchone()
            if (row[0] if row else 0) < issue.seq:
                conn.execute("INSERT OR REPLACE INTO doc_counter (year, type_code, last) VALUES (?, ?, ?)",
                             (issue.doc_date.year, issue.code, issue.seq))
        cur = conn.execute(
            "INSERT INTO document (round_id, kind, number, doc_date, sha256, path, draft, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rnd.id, kind, "" if draft else number, printed_date.isoformat(), sha, str(final), int(draft),
             now_iso()))
        ws.store.audit(actor, "document.print", f"round:{rnd.id}/document:{cur.lastrowid}", None, {
            "kind": kind, "numbers": {kind: number} if number and not draft else {},
            "date": printed_date.isoformat(), "sha256": sha, "file": final.name, "draft": draft,
            "snapshot": snapshot_sha, "reprint": bool(number) and issue is None})
        try:
            commit_temp(tmp, final)
        except OSError as e:
            raise _os_error(e, str(final)) from None
    return True


# --- the use case --------------------------------------------------------------------------------

def render(ws: Workspace, kind: str, out_dir: str | os.PathLike[str], *, year: int | None = None,
           include_evidence: bool = False, progress: Progress | None = None, doc_date: date | None = None,
           posting_start: date | None = None, posting_days: int | None = None, actor: str = ADMIN,
           fmt: str = "pdf", number: int | None = None) -> Path:
    """Print one kind of paper of the round into ``out_dir``; returns the file's path.

    ``fmt="docx"`` gives the minutes or the report as an editable Word file with the same number,
    date and content as the PDF (recorded in the document register like the PDF).
    """
    return render_printed(ws, kind, out_dir, year=year, include_evidence=include_evidence, progress=progress,
                          doc_date=doc_date, posting_start=posting_start, posting_days=posting_days,
                          actor=actor, fmt=fmt, number=number).path


def _frozen_now(ws: Workspace, rnd: RoundInfo, start: date | None, days: int) -> dict[str, Any]:
    """What a paper's wording depends on beyond the snapshot, as it is at this moment: who signs,
    who receives it, the posting period and the office's days off (settings)."""
    commune = {k: str(rnd.commune.get(k) or "").strip() for k in SIGNER_FIELDS}
    settings = print_settings(ws)
    recipients = {k.split(".", 1)[1]: recipient_lines(v) for k, v in settings.items()
                  if k.startswith("recipients.") and v}
    return {"commune": {k: v for k, v in commune.items() if v}, "numbers": {}, "dates": {},
            "posting_start": start.isoformat() if start else None, "posting_days": days,
            "recipients": recipients,
            "days_off": [d.isoformat() for d in days_off_list(settings.get("extra_days_off", ""))],
            "texts": {k: v for k in TEXT_SETTINGS if (v := settings.get(k, ""))} | report_texts(ws, rnd),
            "budget": budget_for_paper(ws, rnd),
            "previous": previous_result(ws, rnd),
            "registration": registration_of(ws, rnd),
            "child_work": child_work_for_paper(ws, rnd),
            "timeline": {k: str(rnd.row.get(k) or "") for k in ROUND_DATES} | {
                "posting_days": str(rnd.row.get("posting_days") or "")}}


def _context(base: dict[str, Any], rs: Any, frozen: dict[str, Any], *, draft: bool, evidence: list[Evidence],
             include_evidence: bool, snap_sha: str) -> DocContext:
    """A paper's context from the snapshot and its frozen (or current) surroundings."""
    snap = dict(base)
    snap["commune"] = {**(base.get("commune") or {}), **frozen["commune"]}
    start = frozen.get("posting_start")
    return DocContext(snap, rs, draft=draft, numbers=dict(frozen["numbers"]),
                      dates={k: date.fromisoformat(v) for k, v in frozen["dates"].items()},
                      evidence=evidence, include_evidence=include_evidence,
                      posting_start=date.fromisoformat(start) if start else None,
                      posting_days=int(frozen["posting_days"]), snapshot_sha256=snap_sha,
                      recipients={k: list(v) for k, v in (frozen.get("recipients") or {}).items()},
                      days_off=frozenset(date.fromisoformat(d) for d in frozen.get("days_off") or []),
                      texts=dict(frozen.get("texts") or {}), timeline=dict(frozen.get("timeline") or {}),
                      budget=list(frozen.get("budget") or []), previous=dict(frozen.get("previous") or {}),
                      registration=dict(frozen.get("registration") or {}),
                      child_work=dict(frozen.get("child_work") or {}))


def _refuse_change(row: dict[str, Any], kind: str, number: int | None, doc_date: date | None,
                   posting: tuple[date | None, int | None]) -> None:
    """A paper already numbered is reprinted as signed: a different number, date or period is refused."""
    frozen = json.loads(row["frozen"])
    label = KINDS[kind]
    what = f"{label} đã cấp số {row['number']} ngày {_dmy(row['doc_date'])}"
    tail = ("; bản in lại giữ nguyên số và nội dung đã ký. Bỏ tùy chọn này để in lại, hoặc mở lại Hội đồng "
            "nếu văn bản phải lập lại.")
    if number is not None and number != int(row["seq"]):
        raise Refused(what + tail, "--number")
    if doc_date is not None and doc_date.isoformat() != row["doc_date"]:
        raise Refused(what + tail, "--date")
    start, days = posting
    if kind == "notice" and ((start is not None and start.isoformat() != frozen.get("posting_start"))
                             or (days is not None and days != frozen.get("posting_days"))):
        raise Refused(what + " với thời gian niêm yết đã ghi" + tail, "--posting-start")


def render_printed(ws: Workspace, kind: str, out_dir: str | os.PathLike[str], *, year: int | None = None,
                   include_evidence: bool = False, progress: Progress | None = None,
                   doc_date: date | None = None, posting_start: date | None = None,
                   posting_days: int | None = None, actor: str = ADMIN, fmt: str = "pdf",
                   number: int | None = None) -> Printed:
    """Like :func:`render`, returning what was printed (number, date, SHA-256, draft or not).

    A numbered paper (minutes, notice, report, proposal) is frozen when its number is taken: a
    reprint writes the stored bytes. The papers it cites are printed first when they have no
    number yet (minutes → notice, report → proposal → dossier); they come back in ``also``.
    ``number`` is a number typed from the office's register for this paper.
    """
    if kind not in KINDS:
        raise BadInput(f"không có loại văn bản '{kind}'. Chọn: {', '.join(KINDS)}, all", "KIND")
    if fmt not in ("pdf", "docx"):
        raise BadInput(f"định dạng '{fmt}' không hợp lệ. Chọn: pdf | docx", "--format")
    if fmt == "docx" and kind not in DOCX_KINDS:
        raise BadInput("hồ sơ (dossier) chỉ in ra PDF (gộp các văn bản, đánh số trang liên tục); "
                       "bản Word có cho từng văn bản: in riêng từng loại với --format docx.", "--format")
    if number is not None and kind not in TYPE_CODES:
        raise BadInput("--number chỉ dùng cho văn bản có số: " + ", ".join(TYPE_CODES) + ".", "--number")
    if number is not None and not 1 <= number <= 99999:
        raise BadInput("số văn bản phải từ 1 đến 99999", "--number")
    total = 4
    step = _stepper(progress, total)
    rnd = get_round(ws, year)
    base, snap_sha, draft = _snapshot(ws, rnd)
    working = kind in WORKING
    if kind in ROUND_LEVEL:  # issued before the council meets: numbered, never a draft
        working, draft = True, False
    if draft and number is not None:
        raise Refused("Hội đồng chưa kết thúc họp: văn bản còn là dự thảo, chưa cấp số. Kết thúc họp rồi in "
                      "với số này.", "--number")
    rs = ruleset_of(ws, base["ruleset"]["sha256"])
    start, days = _posting(rnd, posting_start, posting_days)
    evidence = _evidence(ws, rnd, draft, include_evidence)
    now = _frozen_now(ws, rnd, start, days)
    ctx = _context(base, rs, now, draft=draft and not working, evidence=evidence,
                   include_evidence=include_evidence, snap_sha=snap_sha)
    missing = required_profile_fields(kind, ctx)
    if missing:
        raise BadInput("chưa in được vì hồ sơ còn thiếu: " + "; ".join(f"{label} ({name})" for name, label in missing)
                       + ". Điền vào Thông tin xã / Hội đồng đánh giá rồi in lại.", missing[0][0])
    if kind in FOR_RECOGNITION and not ctx.recognized:
        why = "; ".join(reason_text(r) for r in ctx.score.get("reasons") or []) or "chưa đạt"
        state = "dự thảo hiện tại" if draft else "kết quả"
        raise Refused(f"{state} tự đánh giá năm {rnd.year} chưa đạt ({why}), nên không lập "
                      f"{KINDS[kind].lower()}. In báo cáo, bảng tổng hợp điểm và biên bản để gửi cấp trên.", kind)
    row = None if draft else _frozen_row(ws, rnd, snap_sha, kind) if kind in TYPE_CODES else None
    if row is not None:
        _refuse_change(row, kind, number, doc_date, (posting_start, posting_days))
    elif kind in ROUND_LEVEL and rnd.closed and doc_date is None:
        met = ctx.meeting_date
        raise Refused(f"Hội đồng đã họp{' ngày ' + _dmy(met.isoformat()) if met else ''}: "
                      f"{KINDS[kind].lower()} phải mang ngày ký trước đó, không phải hôm nay. In với ngày ký trong "
                      f"sổ văn bản đi: cff print {kind} --date YYYY-MM-DD.", "--date")
    out = _prepare_dir(Path(out_dir))
    step()
    also: list[Printed] = []
    if not draft and row is None:
        for dep in DEPENDS.get(kind, []):
            if _frozen_row(ws, rnd, snap_sha, dep) is None:
                p = render_printed(ws, dep, out, year=rnd.year, actor=actor,
                                   posting_start=posting_start if dep == "notice" else None,
                                   posting_days=posting_days if dep == "notice" else None)
                also += [*p.also, p]
    name = f"{'du-thao-' if ctx.draft else ''}{FILE_NAMES[kind]}-{rnd.year}.{fmt}"
    final = out / name
    for _attempt in range(5):
        issue: _Issue | None = None
        printed_date = doc_date or localtime.today()
        num = ""
        info = PdfInfo(title=f"{KINDS[kind]} năm {rnd.year} — {base['commune'].get('name', '')}",
                       author=ctx.committee, subject=rs.title, draft=ctx.draft,
                       keywords=f"cff_desktop; {kind}; {rnd.year}")
        if not draft:
            row = _frozen_row(ws, rnd, snap_sha, kind) if kind in TYPE_CODES else None
        if row is not None:  # a reprint: the text frozen when the number was taken
            frozen = json.loads(row["frozen"])
            num, printed_date = row["number"], date.fromisoformat(row["doc_date"])
            data = bytes(row["pdf"]) if fmt == "pdf" else render_docx(
                kind, _context(base, rs, frozen, draft=False, evidence=evidence, include_evidence=False,
                               snap_sha=snap_sha), info)
        elif not draft and kind in TYPE_CODES:  # a new number: lay out, freeze
            frozen = json.loads(json.dumps(now))
            for dep in DEPENDS.get(kind, []) + OPTIONAL_CITES.get(kind, []):
                dep_row = _frozen_row(ws, rnd, snap_sha, dep)
                if dep_row is not None:
                    frozen["numbers"][dep], frozen["dates"][dep] = dep_row["number"], dep_row["doc_date"]
                    if kind == "posting_end" and dep == "notice":  # the period the notice announced
                        fz = json.loads(dep_row["frozen"])
                        for k in ("posting_start", "posting_days", "days_off"):
                            frozen[k] = fz.get(k, frozen.get(k))
            if kind == "posting_end" and doc_date is None:  # signed the day the posting ends
                doc_date = posting_period(_context(base, rs, frozen, draft=False, evidence=evidence,
                                                   include_evidence=False, snap_sha=snap_sha))[1]
            d = doc_date or _default_date(rnd, kind, ctx) or localtime.today()
            code = TYPE_CODES[kind]
            old = _legacy_number(ws, rnd, kind) if number is None and doc_date is None else None
            if old is not None:
                seq, d = old
            else:
                seq = number if number is not None else _next_seq(ws.store.conn, d.year, code)
            if number is not None and (taken := _used(ws.store.conn, d.year, code, number)):
                raise Refused(f"số {number_text(number, code)} năm {d.year} đã cấp cho {taken}; một số không "
                              "được dùng hai lần. Xem sổ văn bản đi và chọn số khác.", "--number")
            num, printed_date = number_text(seq, code), d
            frozen["numbers"][kind], frozen["dates"][kind] = num, d.isoformat()
            fctx = _context(base, rs, frozen, draft=False, evidence=evidence, include_evidence=False,
                            snap_sha=snap_sha)
            pdf = render_document(kind, fctx, info, None)
            issue = _Issue(seq, code, d, frozen, pdf, number is not None, legacy=old is not None)
            data = pdf if fmt == "pdf" else render_docx(kind, fctx, info)
        else:  # drafts, working papers, the score table and the dossier: from the issued papers
            ctx.numbers, ctx.dates, ctx.bound = {}, {}, {}
            if not draft:
                for k in TYPE_CODES:
                    r = _frozen_row(ws, rnd, snap_sha, k)
                    if r is not None:
                        fz = json.loads(r["frozen"])
                        ctx.numbers[k], ctx.dates[k] = r["number"], date.fromisoformat(r["doc_date"])
                        ctx.bound[k] = _context(base, rs, fz, draft=False, evidence=evidence,
                                                include_evidence=include_evidence, snap_sha=snap_sha)
                for k in DATED_WITH_REPORT:
                    ctx.dates.setdefault(k, ctx.dates.get("report", printed_date))
            if working:
                ctx.dates[kind] = printed_date
            elif kind in DATED_WITH_REPORT and not draft:
                printed_date = ctx.dates[kind] if kind == "scores" else printed_date
            data = (render_docx(kind, ctx, info) if fmt == "docx"
                    else render_document(kind, ctx, info, None))
        step()
        sha = hashlib.sha256(data).hexdigest()
        try:
            tmp = _write_temp(out, data)
        except OSError as e:
            raise _os_error(e, str(out)) from None
        step()
        try:
            ok = _commit(ws, rnd, kind, final, tmp, sha, ctx.draft, printed_date, num, actor, snap_sha, issue)
        finally:
            if tmp.exists():
                with contextlib.suppress(OSError):
                    tmp.unlink()
        if ok:
            step()
            return Printed(kind, final, num, printed_date, sha, ctx.draft, tuple(also))
    raise StoreError("số văn bản liên tục bị một phiên làm việc khác dùng trước; thử in lại.", kind)


def render_all(ws: Workspace, out_dir: str | os.PathLike[str], *, year: int | None = None,
               include_evidence: bool = False, progress: Progress | None = None,
               actor: str = ADMIN, posting_start: date | None = None,
               posting_days: int | None = None) -> tuple[list[Printed], list[tuple[str, str]]]:
    """Every kind in turn, cited papers before the papers citing them (:data:`PRINT_ORDER`); a kind
    that cannot be printed (e.g. the proposal of a failed round) is reported in the second list as
    (kind, reason) instead of stopping the others. The posting period goes to the notice."""
    done: list[Printed] = []
    skipped: list[tuple[str, str]] = []
    total = len(PRINT_ORDER)
    if progress:
        progress(0, total)
    for n, kind in enumerate(PRINT_ORDER, 1):
        try:
            p = render_printed(ws, kind, out_dir, year=year, include_evidence=include_evidence and kind == "dossier",
                               actor=actor, posting_start=posting_start if kind == "notice" else None,
                               posting_days=posting_days if kind == "notice" else None)
            done.append(p)
        except Refused as e:
            skipped.append((kind, e.message))
        if progress:
            progress(n, total)
    return done, skipped


def printed_documents(ws: Workspace, year: int | None = None) -> list[dict[str, Any]]:
    """The register of printed papers of a round, newest first (for the dashboard)."""
    rnd = get_round(ws, year)
    return ws.store.query("SELECT id, kind, number, doc_date, sha256, path, draft, created_at FROM document"
                          " WHERE round_id = ? ORDER BY id DESC", (rnd.id,))


def _stepper(progress: Progress | None, total: int) -> Callable[[], None]:
    state = {"n": 0}
    if progress:
        progress(0, total)

    def step() -> None:
        state["n"] = min(total, state["n"] + 1)
        if progress:
            progress(state["n"], total)

    return step

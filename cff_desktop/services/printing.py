"""Printing the round's papers: choose the snapshot, number the papers, write the PDF safely, record it.

- A closed round prints from its frozen snapshot. Before the council closes, the papers are drafts
  from what the snapshot would hold now, marked "DỰ THẢO" on every page, without a number.
- Numbers (``Số: 05/BB-UBND``) come from a per-year counter per document type in the store. A paper
  printed again from the same snapshot keeps its number and date (a reprint, not a new paper); after
  the round was reopened and closed again it gets a new number.
- The PDF goes to a temporary file in the target folder and is renamed into place only inside the
  transaction that records it (table ``document`` + an audit row), so a full or read-only folder
  leaves neither a partial file nor a record of a paper that does not exist.

The UI calls :func:`render` from a worker thread; ``progress(done, total)`` reports the steps.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
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
from cff_desktop.rules.report import reason_text
from cff_desktop.services.council import draft_snapshot, get_snapshot
from cff_desktop.services.evidence import blob_path
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round, ruleset_of
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

Progress = Callable[[int, int], None]

FILE_NAMES = {
    "minutes": "bien-ban-hop-hoi-dong",
    "report": "bao-cao-ket-qua-tu-danh-gia",
    "proposal": "to-trinh-de-nghi-cong-nhan",
    "scores": "bang-tong-hop-diem",
    "notice": "thong-bao-niem-yet",
    "forms": "phieu-thu-thap-so-lieu",
    "survey": "phieu-khao-sat-hai-long",
    "dossier": "ho-so-de-nghi-cong-nhan",
}
# Which numbered papers each kind prints (the dossier binds three numbered ones).
NUMBERED = {"minutes": ["minutes"], "report": ["report"], "proposal": ["proposal"], "notice": ["notice"],
            "dossier": ["proposal", "report", "minutes"]}
# Kinds that ask the upper level for recognition: pointless (and refused) when the round failed.
FOR_RECOGNITION = ("proposal", "dossier")


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


@dataclass
class _Number:
    kind: str
    number: str
    doc_date: date
    seq: int  # 0 when reused
    counter_year: int


# --- snapshot and context ------------------------------------------------------------------------

def _snapshot(ws: Workspace, rnd: RoundInfo) -> tuple[dict[str, Any], str, bool]:
    """The frozen snapshot of a closed round, or a draft of the open one: (snapshot, sha256, draft)."""
    if rnd.closed:
        got = get_snapshot(ws, rnd.year)
        if got is not None:
            return got[0], got[1], False
    return draft_snapshot(ws, rnd.year), "", True


def _overlay_signer(snap: dict[str, Any], rnd: RoundInfo) -> None:
    """Who signs and where the dossier goes are taken from the profile as it is now.

    They are not part of the assessment: a chair elected after the council met signs the papers
    sent afterwards, and since July 2025 the upper level may have changed. Everything assessed
    (figures, points, members, vote) stays exactly as frozen.
    """
    c = snap.setdefault("commune", {})
    for key in ("chair_name", "chair_title", "upper_level"):
        live = str(rnd.commune.get(key) or "").strip()
        if live:
            c[key] = live


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

def _snapshot_time(ws: Workspace, rnd: RoundInfo) -> str:
    row = ws.store.one("SELECT created_at FROM snapshot WHERE round_id = ?", (rnd.id,))
    return row["created_at"] if row else ""


def _issued(ws: Workspace, rnd: RoundInfo, kind: str, since: str) -> dict[str, Any] | None:
    """The numbered paper of ``kind`` already printed from the current snapshot, if any."""
    return ws.store.one(
        "SELECT number, doc_date FROM document WHERE round_id = ? AND kind = ? AND draft = 0 AND number != ''"
        " AND created_at >= ? ORDER BY id DESC LIMIT 1", (rnd.id, kind, since))


def _plan_numbers(ws: Workspace, rnd: RoundInfo, wanted: list[str], ctx: DocContext,
                  doc_date: date | None) -> tuple[list[_Number], dict[str, str], dict[str, date]]:
    """Numbers and dates for the papers to print, plus those of papers already issued (for references).

    Nothing is written here; :func:`_commit` re-checks the counters under the write lock.
    """
    since = _snapshot_time(ws, rnd)
    numbers: dict[str, str] = {}
    dates: dict[str, date] = {}
    for kind in TYPE_CODES:
        row = _issued(ws, rnd, kind, since)
        if row:
            numbers[kind], dates[kind] = row["number"], date.fromisoformat(row["doc_date"])
    plan: list[_Number] = []
    next_seq: dict[tuple[int, str], int] = {}
    for kind in wanted:
        if kind in numbers:
            plan.append(_Number(kind, numbers[kind], dates[kind], 0, dates[kind].year))
            continue
        d = doc_date or _default_date(rnd, kind, ctx) or localtime.today()
        code = TYPE_CODES[kind]
        key = (d.year, code)
        if key not in next_seq:
            row = ws.store.one("SELECT last FROM doc_counter WHERE year = ? AND type_code = ?", key)
            next_seq[key] = (row["last"] if row else 0) + 1
        seq = next_seq[key]
        next_seq[key] += 1
        number = f"{seq:02d}/{code}-UBND"
        plan.append(_Number(kind, number, d, seq, d.year))
        numbers[kind], dates[kind] = number, d
    return plan, numbers, dates


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


def _commit(ws: Workspace, rnd: RoundInfo, kind: str, plan: list[_Number], final: Path, tmp: Path,
            sha: str, draft: bool, printed_date: date, actor: str, snapshot_sha: str) -> bool:
    """Record the paper(s) and move the file into place, all or nothing. False = counter moved meanwhile."""
    with ws.store.transaction() as conn:
        for n in plan:
            if not n.seq:
                continue
            row = conn.execute("SELECT last FROM doc_counter WHERE year = ? AND type_code = ?",
                               (n.counter_year, TYPE_CODES[n.kind])).fetchone()
            if (row[0] if row else 0) >= n.seq:
                return False  # another print took this number; lay out again with the next one
            conn.execute("INSERT OR REPLACE INTO doc_counter (year, type_code, last) VALUES (?, ?, ?)",
                         (n.counter_year, TYPE_CODES[n.kind], n.seq))
        created = now_iso()
        rows = plan if kind in NUMBERED else []
        ids = []
        if kind not in NUMBERED or kind == "dossier":
            cur = conn.execute(
                "INSERT INTO document (round_id, kind, number, doc_date, sha256, path, draft, created_at)"
                " VALUES (?, ?, '', ?, ?, ?, ?, ?)",
                (rnd.id, kind, printed_date.isoformat(), sha, str(final), int(draft), created))
            ids.append(cur.lastrowid)
        for n in rows:  # for the dossier: the papers bound into it, with their numbers
            cur = conn.execute(
                "INSERT INTO document (round_id, kind, number, doc_date, sha256, path, draft, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rnd.id, n.kind, "" if draft else n.number, n.doc_date.isoformat(), sha, str(final), int(draft),
                 created))
            ids.append(cur.lastrowid)
        ws.store.audit(actor, "document.print", f"round:{rnd.id}/document:{ids[0]}", None, {
            "kind": kind, "numbers": {n.kind: n.number for n in plan} if not draft else {},
            "date": printed_date.isoformat(), "sha256": sha, "file": final.name, "draft": draft,
            "snapshot": snapshot_sha})
        try:
            commit_temp(tmp, final)
        except OSError as e:
            raise _os_error(e, str(final)) from None
    return True


# --- the use case --------------------------------------------------------------------------------

def render(ws: Workspace, kind: str, out_dir: str | os.PathLike[str], *, year: int | None = None,
           include_evidence: bool = False, progress: Progress | None = None, doc_date: date | None = None,
           posting_start: date | None = None, posting_days: int | None = None, actor: str = ADMIN,
           fmt: str = "pdf") -> Path:
    """Print one kind of paper of the round into ``out_dir``; returns the file's path.

    ``fmt="docx"`` gives the minutes or the report as an editable Word file with the same number,
    date and content as the PDF (recorded in the document register like the PDF).
    """
    return render_printed(ws, kind, out_dir, year=year, include_evidence=include_evidence, progress=progress,
                          doc_date=doc_date, posting_start=posting_start, posting_days=posting_days,
                          actor=actor, fmt=fmt).path


def render_printed(ws: Workspace, kind: str, out_dir: str | os.PathLike[str], *, year: int | None = None,
                   include_evidence: bool = False, progress: Progress | None = None,
                   doc_date: date | None = None, posting_start: date | None = None,
                   posting_days: int | None = None, actor: str = ADMIN, fmt: str = "pdf") -> Printed:
    """Like :func:`render`, returning what was printed (number, date, SHA-256, draft or not)."""
    if kind not in KINDS:
        raise BadInput(f"không có loại văn bản '{kind}'. Chọn: {', '.join(KINDS)}, all", "KIND")
    if fmt not in ("pdf", "docx"):
        raise BadInput(f"định dạng '{fmt}' không hợp lệ. Chọn: pdf | docx", "--format")
    if fmt == "docx" and kind not in DOCX_KINDS:
        raise BadInput("chỉ biên bản (minutes) và báo cáo (report) có bản Word để chỉnh sửa; "
                       "các văn bản khác in ra PDF.", "--format")
    total = 4
    step = _stepper(progress, total)
    rnd = get_round(ws, year)
    snap, snap_sha, draft = _snapshot(ws, rnd)
    _overlay_signer(snap, rnd)
    rs = ruleset_of(ws, snap["ruleset"]["sha256"])
    start, days = _posting(rnd, posting_start, posting_days)
    ctx = DocContext(snap, rs, draft=draft, evidence=_evidence(ws, rnd, draft, include_evidence),
                     include_evidence=include_evidence, posting_start=start, posting_days=days,
                     snapshot_sha256=snap_sha)
    missing = required_profile_fields(kind, ctx)
    if missing:
        raise BadInput("chưa in được vì hồ sơ còn thiếu: " + "; ".join(f"{label} ({name})" for name, label in missing)
                       + ". Điền vào Thông tin xã / Hội đồng đánh giá rồi in lại.", missing[0][0])
    if kind in FOR_RECOGNITION and not ctx.recognized:
        why = "; ".join(reason_text(r) for r in ctx.score.get("reasons") or []) or "chưa đạt"
        state = "dự thảo hiện tại" if draft else "kết quả"
        raise Refused(f"{state} tự đánh giá năm {rnd.year} chưa đạt ({why}), nên không lập "
                      f"{KINDS[kind].lower()}. In báo cáo, bảng tổng hợp điểm và biên bản để gửi cấp trên.", kind)
    out = _prepare_dir(Path(out_dir))
    step()
    printed_date = doc_date or localtime.today()
    name = f"{'du-thao-' if draft else ''}{FILE_NAMES[kind]}-{rnd.year}.{fmt}"
    final = out / name
    for _attempt in range(5):
        plan: list[_Number] = []
        if not draft:
            plan, ctx.numbers, ctx.dates = _plan_numbers(ws, rnd, NUMBERED.get(kind, []), ctx, doc_date)
        else:
            ctx.numbers, ctx.dates = {}, {}
            plan = [_Number(k, "", printed_date, 0, printed_date.year) for k in NUMBERED.get(kind, [])]
        for k in ("scores", "forms", "survey", "dossier"):
            ctx.dates.setdefault(k, ctx.dates.get("report", printed_date))
        if kind in NUMBERED and kind != "dossier" and plan:
            printed_date = plan[0].doc_date
        info = PdfInfo(title=f"{KINDS[kind]} năm {rnd.year} — {snap['commune'].get('name', '')}",
                       author=f"Ủy ban nhân dân {ctx.unit_name}", subject=rs.title, draft=draft,
                       keywords=f"cff_desktop; {kind}; {rnd.year}")
        data = render_docx(kind, ctx, info) if fmt == "docx" else render_document(kind, ctx, info, None)
        step()
        sha = hashlib.sha256(data).hexdigest()
        try:
            tmp = _write_temp(out, data)
        except OSError as e:
            raise _os_error(e, str(out)) from None
        step()
        try:
            ok = _commit(ws, rnd, kind, plan, final, tmp, sha, draft, printed_date, actor, snap_sha)
        finally:
            if tmp.exists():
                with contextlib.suppress(OSError):
                    tmp.unlink()
        if ok:
            step()
            number = plan[0].number if plan and kind != "dossier" and not draft else ""
            return Printed(kind, final, number, printed_date, sha, draft)
    raise StoreError("số văn bản liên tục bị một phiên làm việc khác dùng trước; thử in lại.", kind)


def render_all(ws: Workspace, out_dir: str | os.PathLike[str], *, year: int | None = None,
               include_evidence: bool = False, progress: Progress | None = None,
               actor: str = ADMIN) -> tuple[list[Printed], list[tuple[str, str]]]:
    """Every kind in turn; a kind that cannot be printed (e.g. the proposal of a failed round) is
    reported in the second list as (kind, reason) instead of stopping the others."""
    done: list[Printed] = []
    skipped: list[tuple[str, str]] = []
    total = len(KINDS)
    if progress:
        progress(0, total)
    for n, kind in enumerate(KINDS, 1):
        try:
            done.append(render_printed(ws, kind, out_dir, year=year, include_evidence=include_evidence,
                                       actor=actor))
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

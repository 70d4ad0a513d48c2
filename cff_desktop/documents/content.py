"""What every document says about the round, taken from the frozen council snapshot.

:class:`DocContext` wraps the snapshot (plus the pinned rule set for labels) and answers the
questions the eight documents share: the commune's names, who signs, each indicator's figures in
words, the verdict and its reasons, the score table. Keeping these here means the minutes, the
report and the score table cannot print different figures for the same round.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from cff_desktop.common import localtime
from cff_desktop.common.text import format_points
from cff_desktop.common.units import (  # noqa: F401  (re-exported for the papers)
    UNIT_PREFIXES,
    UNIT_WORDS,
    localise,
    split_unit_name,
    unit_type_of_name,
    unit_word,
)
from cff_desktop.documents.layout import (
    BLANK,
    Signer,
    data_table,
    header_block,
    para,
    place_date,
    short_date,
    styles,
    text_width,
    ubnd_signer,
)
from cff_desktop.documents.registry import DOCUMENTS
from cff_desktop.rules import kinds
from cff_desktop.rules.basis import NOTES as BASIS_NOTES
from cff_desktop.rules.basis import criterion_basis, indicator_basis
from cff_desktop.rules.model import CATEGORY_LABELS, SECTOR_LABELS, Indicator, RuleSet
from cff_desktop.rules.report import reason_text

NBSP = "\u00a0"
PROVISIONAL_NOTE = "(*) Thang điểm tạm, cần đối chiếu văn bản quy định chính thức."


# Type abbreviations of document numbers (Nghị định 30/2020, Phụ lục III).
TYPE_CODES = {d.key: d.type_code for d in DOCUMENTS if d.numbered}


@dataclass(frozen=True)
class Evidence:
    """One evidence file as of the council's close (the service reads the blob store)."""

    criterion_id: str
    filename: str
    size: int
    sha256: str
    mime: str = ""
    path: str = ""  # the blob's file, set only when the user asked to include evidence


@dataclass
class DocContext:
    """Everything a builder needs; no database, no services."""

    snapshot: dict[str, Any]
    ruleset: RuleSet
    draft: bool = False
    numbers: dict[str, str] = field(default_factory=dict)  # kind → "05/BB-UBND"
    dates: dict[str, date] = field(default_factory=dict)  # kind → document date
    evidence: list[Evidence] = field(default_factory=list)
    include_evidence: bool = False
    posting_start: date | None = None
    posting_days: int = 5
    snapshot_sha256: str = ""  # of the frozen snapshot; empty for a draft
    # kind → the context a numbered paper was frozen with, so a dossier binds the very text signed
    bound: dict[str, DocContext] = field(default_factory=dict)
    recipients: dict[str, list[str]] = field(default_factory=dict)  # kind → "Nơi nhận" lines from settings
    days_off: frozenset[date] = frozenset()  # the office's extra days off (public holidays are known)
    texts: dict[str, str] = field(default_factory=dict)  # the office's own wording (report sections, feedback)
    timeline: dict[str, str] = field(default_factory=dict)  # the round's dates (council, posting, submission)
    budget: list[dict[str, Any]] = field(default_factory=list)  # the round's budget lines (services/budget.py)
    previous: dict[str, Any] = field(default_factory=dict)  # last year's round: year, total, criterion points
    registration: dict[str, Any] = field(default_factory=dict)  # the start-of-year registration (intends, criteria)
    child_work: dict[str, Any] = field(default_factory=dict)  # period → typed figures and deadline

    # --- the commune ---------------------------------------------------------------------------
    @property
    def commune(self) -> dict[str, Any]:
        return self.snapshot.get("commune") or {}

    @property
    def year(self) -> int:
        return int(self.snapshot["round"]["year"])

    @property
    def unit_word(self) -> str:
        """"xã", "phường", "thị trấn" or "đặc khu": from the profile's unit type (see :func:`unit_word`)."""
        return unit_word(self.commune.get("unit_type"), self.commune.get("name"))

    @property
    def place(self) -> str:
        """The place name of the date line: "Hoàng Đồng" (any unit word typed in the name dropped)."""
        return split_unit_name(str(self.commune.get("name") or ""))[1]

    @property
    def unit_name(self) -> str:
        """The unit's full name as written mid-sentence: "xã Hoàng Đồng", "phường Tân Lập"."""
        return f"{self.unit_word} {self.place}".strip()

    @property
    def unit_title(self) -> str:
        """The unit's name opening a sentence: "Xã Hoàng Đồng", "Thị trấn Na Sầm"."""
        return self.unit_name[:1].upper() + self.unit_name[1:]

    @property
    def committee(self) -> str:
        """"Ủy ban nhân dân phường Tân Lập" — the issuing body named in sentences."""
        return f"Ủy ban nhân dân {self.unit_name}"

    @property
    def council_name(self) -> str:
        """"Hội đồng đánh giá phường phù hợp với trẻ em" — the commune council, in the unit's word."""
        return f"Hội đồng đánh giá {self.unit_word} phù hợp với trẻ em"

    def local(self, text: str) -> str:
        """``text`` with the generic "xã" of shared labels (e.g. "Công an xã") in this unit's word."""
        return localise(text, self.unit_word)

    @property
    def issuer(self) -> str:
        """"ỦY BAN NHÂN DÂN / XÃ HOÀNG ĐỒNG" (before upper-casing; ``\n`` is the line break)."""
        return f"Ủy ban nhân dân\n{self.unit_name}"

    @property
    def parent_agency(self) -> str:
        """A People's Committee has no managing agency line above its name (Nghị định 30, Phụ lục I)."""
        return ""

    @property
    def short_issuer(self) -> str:
        """"UBND xã Hoàng Đồng": the parent line over bodies the committee set up (the council)."""
        return f"UBND {self.unit_name}"

    @property
    def upper_level(self) -> str:
        return str(self.commune.get("upper_level") or "").strip()

    @property
    def signer(self) -> Signer:
        return ubnd_signer(str(self.commune.get("chair_name") or ""), str(self.commune.get("chair_title") or ""))

    @property
    def chair_signer(self) -> Signer:
        """For the Chairman's own decisions: CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH (never TM.)."""
        s = self.signer
        return s if s.authority.startswith("KT.") else Signer(title=s.title, name=s.name)

    @property
    def category_label(self) -> str:
        cat = self.score["category"]
        th = self.ruleset.raw.get("thresholds", {}).get(cat, {})
        return str(th.get("label") or CATEGORY_LABELS.get(cat, cat))

    # --- the council and the score --------------------------------------------------------------
    @property
    def score(self) -> dict[str, Any]:
        return self.snapshot["score"]

    @property
    def council(self) -> dict[str, Any]:
        return self.snapshot.get("council") or {}

    def members(self, role: str | None = None, present: bool | None = None) -> list[dict[str, Any]]:
        out = self.council.get("members") or []
        return [m for m in out if (role is None or m.get("council_role") == role)
                and (present is None or bool(m.get("present")) == present)]

    @property
    def meeting_date(self) -> date | None:
        for key in ("started_at", "ended_at"):
            v = self.council.get(key)
            if v:
                return localtime.local_date(str(v))
        v = self.snapshot.get("closed_at")
        return localtime.local_date(str(v)) if v else None

    @property
    def recognized(self) -> bool:
        return bool(self.score["recognized"])

    @property
    def verdict(self) -> str:
        return "ĐẠT" if self.recognized else "KHÔNG ĐẠT"

    def reasons(self) -> list[str]:
        return [reason_text(r) for r in self.score.get("reasons") or []]

    def total_text(self) -> str:
        s = self.score
        return f"{format_points(s['total'])}/{format_points(s['max_total'])} điểm"

    def threshold_text(self) -> str:
        prov = " (*)" if self.score.get("threshold_provisional") else ""
        return f"{format_points(self.score['threshold'])} điểm{prov}"

    def any_provisional(self) -> bool:
        return any(c.get("provisional") for c in self.score["criteria"]) or bool(
            self.score.get("threshold_provisional"))

    # --- indicators in words --------------------------------------------------------------------
    def indicator_model(self, iid: str) -> Indicator | None:
        return self.ruleset.indicators.get(iid)

    def value_text(self, ind: dict[str, Any]) -> str:
        """An indicator's figures as the council read them: "98/100 (98,00 %)", "0 trường hợp", "Có".

        The words are the indicator kind's (:func:`cff_desktop.rules.kinds.describe`), so the
        window, the CLI and the upper level read the same figure the same way.
        """
        model = self.indicator_model(ind["id"])
        v, status = ind.get("value"), ind.get("status")
        if v is None or status == "not_entered":
            return "Chưa nhập số liệu"
        if model is None:  # an indicator the pinned rule set no longer has: say so, never print raw data
            return "Số liệu của chỉ số không còn trong bộ tiêu chí"
        return kinds.describe(model, v, status)

    def indicator_label(self, iid: str) -> str:
        model = self.indicator_model(iid)
        return self.local(model.label) if model else iid

    def source_text(self, iid: str, *, dated: bool = True) -> str:
        """Who entered the figure, for which sector, and their note (the data source to name)."""
        v = (self.snapshot.get("values") or {}).get(iid)
        if not v:
            return ""
        who = str(v.get("officer") or "")
        sector = self.criterion_sector(iid.split(".")[0])
        if who and sector:
            who = f"{who} ({sector})"
        text = ": ".join(p for p in (who, str(v.get("note") or "")) if p)
        when = short_date(v.get("entered_at")) if dated and v.get("entered_at") else ""
        return f"{text}, nhập ngày {when}" if when else text

    def criterion_sector(self, cid: str) -> str:
        c = self.ruleset.criterion(cid)
        return self.local(SECTOR_LABELS.get(c.sector, c.sector)) if c else ""

    def recipients_for(self, kind: str, default: list[str]) -> tuple[list[str], str]:
        """"Nơi nhận" of ``kind``: the settings' lines when the office set them, else ``default``;
        a line "Lưu: …" gives the archive line (default "VT, VHXH")."""
        archive = "VT, VHXH"
        out: list[str] = []
        for line in self.recipients.get(kind) or default:
            text = line.strip().lstrip("-").strip().rstrip(";.").strip()
            if text.lower().startswith("lưu:"):
                archive = text[4:].strip() or archive
            elif text:
                out.append(text)
        return out, archive

    # --- shared blocks --------------------------------------------------------------------------
    def header(self, kind: str, *, issuer: str | None = None, parent: str | None = None,
               numbered: bool = True, width: float | None = None) -> Table:
        """The Nghị định 30 header of this commune for document ``kind``."""
        number: str | None = None
        if numbered:
            code = TYPE_CODES.get(kind)
            number = self.numbers.get(kind) or (f"{BLANK}/{code}-UBND" if code else "")
        d = None if self.draft else self.dates.get(kind)
        return header_block(parent=self.parent_agency if parent is None else parent,
                            issuer=issuer or self.issuer, number=number,
                            place_line=place_date(self.place, d, self.year), width=width)

    def doc_ref(self, kind: str, label: str) -> str:
        """"Biên bản số 05/BB-UBND ngày 05/11/2024" when the number is known, else the label alone."""
        num = self.numbers.get(kind)
        d = self.dates.get(kind)
        if num and not self.draft:
            return f"{label} số {num}" + (f" ngày {short_date(d)}" if d else "")
        return label

    def score_table(self, *, detailed: bool, width: float | None = None) -> Table:
        """The score table: per criterion (and per indicator when ``detailed``), with the total.

        Provisional maxima or bands are marked (*), council overrides show both scores.
        """
        width = width or text_width()
        s = self.score
        if detailed:
            head = ["TT", "Tiêu chí, chỉ số", "Số liệu", "Điểm tối đa", "Điểm theo số liệu",
                    "Điểm hội đồng", "Nguồn số liệu", "Ghi chú"]
            fixed = [11 * mm, 0, 40 * mm, 17 * mm, 19 * mm, 19 * mm, 58 * mm, 22 * mm]
        else:
            head = ["TT", "Tiêu chí", "Điểm tối đa", "Điểm đạt", "Ghi chú"]
            fixed = [11 * mm, 0, 20 * mm, 18 * mm, 30 * mm]
        fixed[1] = width - sum(fixed)
        rows: list[list[Any]] = [head]
        bold_rows: list[int] = []
        for c in s["criteria"]:
            crit = self.ruleset.criterion(c["id"])
            mark = criterion_basis(crit).mark if crit else (" (*)" if c.get("provisional") else "")
            notes = []
            if not c.get("assessed"):
                notes.append("Chưa đánh giá")
            elif Decimal(str(c["points"])) == 0:
                notes.append("0 điểm")
            if c.get("override"):
                notes.append("Hội đồng điều chỉnh")
            note = "; ".join(notes)
            if detailed:
                # One source line per criterion when its indicators share it (the usual case).
                sources = [self.source_text(i["id"], dated=False) for i in c["indicators"]]
                shared = sources[0] if len(set(sources)) == 1 else ""
                rows.append([c["id"], f"{c['name']}{mark}", "", format_points(c["max"]),
                             format_points(c["computed_points"]),
                             format_points(c["points"]), para(shared, styles().cell), note])
                bold_rows.append(len(rows) - 1)
                for i, src in zip(c["indicators"], sources, strict=True):
                    model = self.indicator_model(i["id"])
                    imark = indicator_basis(model).mark if model else (" (*)" if i.get("provisional") else "")
                    rows.append([i["id"], f"{self.indicator_label(i['id'])}{imark}", self.value_text(i),
                                 format_points(i["max"]), format_points(i["points"]), "",
                                 "" if shared else src, ""])
            else:
                rows.append([c["id"], f"{c['name']}{mark}", format_points(c["max"]), format_points(c["points"]),
                             note])
        total = ["", "Tổng cộng"] + ([""] if detailed else []) + [format_points(s["max_total"])]
        if detailed:
            total += [format_points(sum(Decimal(str(c["computed_points"])) for c in s["criteria"])),
                      format_points(s["total"]), "", ""]
        else:
            total += [format_points(s["total"]), ""]
        rows.append(total)
        bold_rows.append(len(rows) - 1)
        centers = [0, 3, 4, 5] if detailed else [0, 2, 3]
        return data_table(rows, fixed, bold_rows=bold_rows, center_cols=centers)

    def verdict_lines(self) -> list[str]:
        """Total, threshold of the category, verdict and the blocking reasons, as sentences."""
        s = self.score
        lines = [
            f"Tổng điểm tự đánh giá: {self.total_text()}.",
            f"Ngưỡng công nhận đối với nhóm “{self.category_label}”: {self.threshold_text()}.",
            f"Số tiêu chí đã đánh giá: {sum(1 for c in s['criteria'] if c.get('assessed'))}/"
            f"{len(s['criteria'])}.",
        ]
        return lines

    def flow_score_notes(self) -> list[Flowable]:
        out: list[Flowable] = []
        if self.any_provisional():
            out.append(para(PROVISIONAL_NOTE, styles().small_italic))
        if any(i.basis == "inferred" for i in self.ruleset.indicators.values()):
            out.append(para(BASIS_NOTES["inferred"], styles().small_italic))
        return out


@functools.lru_cache(maxsize=16)
def public_holidays(year: int) -> frozenset[date]:
    """Vietnam's public holidays of ``year`` (Tết, Giỗ Tổ, 30/4, 1/5, Quốc khánh and the substituted
    days off), from the maintained ``holidays`` package rather than a hand-kept lunar table."""
    # a static import of the country module (not holidays.country_holidays("VN")): the package loads
    # countries by name at run time, which the frozen app's import analysis cannot see
    from holidays.countries.vietnam import Vietnam

    return frozenset(Vietnam(years=year).keys())


def is_day_off(d: date, extra: Iterable[date] = ()) -> bool:
    """Saturday, Sunday, a public holiday, or a day off the office entered."""
    return d.weekday() >= 5 or d in public_holidays(d.year) or d in set(extra)


def working_days_after(start: date, days: int, extra: Iterable[date] = ()) -> date:
    """The last day of a posting of ``days`` working days starting on ``start`` (days off skipped)."""
    off = frozenset(extra)
    d = start
    while is_day_off(d, off):
        d += timedelta(days=1)
    left = days - 1
    while left > 0:
        d += timedelta(days=1)
        if not is_day_off(d, off):
            left -= 1
    return d


def next_working_day(d: date, extra: Iterable[date] = ()) -> date:
    off = frozenset(extra)
    d += timedelta(days=1)
    while is_day_off(d, off):
        d += timedelta(days=1)
    return d


def required_profile_fields(kind: str, ctx: DocContext) -> list[tuple[str, str]]:
    """Profile fields the document of ``kind`` cannot be signed or addressed without.

    Returns ``[(field, what it is in Vietnamese)]``; the service turns it into one clear refusal.
    """
    c = ctx.commune
    missing: list[tuple[str, str]] = []
    if not str(c.get("name") or "").strip():
        missing.append(("name", "tên xã, phường, thị trấn"))
    if kind in ("report", "proposal", "notice", "scores", "dossier", "council_decision", "plan", "posting_end",
                "registration", "child_work_half", "child_work_year") \
            and not str(c.get("chair_name") or "").strip():
        missing.append(("chair_name", "họ tên Chủ tịch (hoặc Phó Chủ tịch) UBND ký văn bản"))
    if kind in ("proposal", "dossier", "report") and not ctx.upper_level:
        missing.append(("upper_level", "cấp trên nhận hồ sơ"))
    if kind == "council_decision" and not ctx.members():
        missing.append(("council.members", "thành viên Hội đồng đánh giá"))
    if kind in ("minutes", "dossier", "council_decision"):
        if not ctx.members("chair"):
            missing.append(("council.chair", "chủ tọa cuộc họp (thành viên hội đồng có vai trò Chủ tịch Hội đồng)"))
        if not ctx.members("secretary"):
            missing.append(("council.secretary", "thư ký cuộc họp (thành viên hội đồng có vai trò Thư ký)"))
    return missing

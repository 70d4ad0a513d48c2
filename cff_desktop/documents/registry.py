"""Every kind of paper the commune prints, with all its facts in one entry.

The labels, file names, number type codes (Nghị định 30/2020, Phụ lục III), which papers cite
which, which are working papers or issued for the round, and the order `cff print all` follows used
to live in separate tables in documents/ and services/printing.py; adding a paper meant finding
them all. Each table is now read off this registry; a paper's layout is the module of the same name
in this package (``build(ctx)``, or ``render(ctx, info, progress)`` for a binding of PDFs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    """One kind of paper.

    ``type_code`` is the abbreviation in its number ("BB" in 05/BB-UBND), empty for papers that are
    not numbered. ``depends`` are the numbered papers it cites, which must have their numbers (and
    frozen text) before it is laid out; ``optional_cites`` are cited when already issued but never
    printed on its behalf (dated before the meeting). ``round_level`` papers belong to the round
    rather than the council's result: numbered whenever printed and kept across a reopened council.
    ``working`` papers are used during data collection: never drafts, dated the day printed.
    ``for_recognition`` papers ask the upper level for recognition and are refused when the round
    failed. ``binding`` is the dossier, which binds PDFs with running page numbers and so has no
    Word version. ``dated_with_report`` papers (the score table, the dossier) carry the report's
    date once it is issued. ``print_rank`` orders `cff print all`: cited papers first.
    """

    key: str
    label: str
    file_name: str
    print_rank: int
    type_code: str = ""
    depends: tuple[str, ...] = ()
    optional_cites: tuple[str, ...] = ()
    round_level: bool = False
    working: bool = False
    for_recognition: bool = False
    binding: bool = False
    dated_with_report: bool = False

    @property
    def numbered(self) -> bool:
        return bool(self.type_code)

    @property
    def docx(self) -> bool:
        """Every paper has an editable Word version except a binding of PDFs."""
        return not self.binding


#: In the order the dashboard lists them.
DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind("council_decision", "Quyết định thành lập Hội đồng đánh giá", "quyet-dinh-thanh-lap-hoi-dong",
                 0, type_code="QĐ", round_level=True),
    DocumentKind("plan", "Kế hoạch tự đánh giá", "ke-hoach-tu-danh-gia", 1, type_code="KH", round_level=True),
    DocumentKind("minutes", "Biên bản họp Hội đồng đánh giá", "bien-ban-hop-hoi-dong", 4, type_code="BB",
                 optional_cites=("council_decision",)),
    DocumentKind("report", "Báo cáo kết quả tự đánh giá", "bao-cao-ket-qua-tu-danh-gia", 7, type_code="BC",
                 depends=("minutes",), optional_cites=("council_decision", "plan")),
    DocumentKind("proposal", "Tờ trình đề nghị công nhận", "to-trinh-de-nghi-cong-nhan", 9, type_code="TTr",
                 depends=("minutes", "notice", "posting_end", "report"), for_recognition=True),
    DocumentKind("scores", "Bảng tổng hợp điểm", "bang-tong-hop-diem", 8, dated_with_report=True),
    DocumentKind("notice", "Thông báo niêm yết công khai kết quả", "thong-bao-niem-yet", 5, type_code="TB",
                 depends=("minutes",)),
    DocumentKind("posting_end", "Biên bản kết thúc niêm yết công khai", "bien-ban-ket-thuc-niem-yet", 6,
                 type_code="BB", depends=("minutes", "notice")),
    DocumentKind("forms", "Phiếu thu thập số liệu theo ngành (để trống)", "phieu-thu-thap-so-lieu", 2,
                 working=True),
    DocumentKind("survey", "Phiếu khảo sát mức độ hài lòng và bảng tổng hợp", "phieu-khao-sat-hai-long", 3,
                 working=True),
    DocumentKind("registration", "Đăng ký phấn đấu xây dựng xã phù hợp với trẻ em", "dang-ky-phan-dau", 11,
                 working=True),
    DocumentKind("child_work_half", "Báo cáo công tác trẻ em 6 tháng", "bao-cao-cong-tac-tre-em-6-thang", 12,
                 working=True),
    DocumentKind("child_work_year", "Báo cáo công tác trẻ em năm", "bao-cao-cong-tac-tre-em-nam", 13, working=True),
    DocumentKind("dossier", "Hồ sơ đề nghị công nhận (gộp một tệp PDF)", "ho-so-de-nghi-cong-nhan", 10,
                 depends=("minutes", "notice", "posting_end", "report", "proposal"), for_recognition=True,
                 binding=True, dated_with_report=True),
)

DOCUMENT: dict[str, DocumentKind] = {d.key: d for d in DOCUMENTS}

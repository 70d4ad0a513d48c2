"""Kế hoạch: the commune's plan for the year's assessment, in the structure of the plans communes issue.

Seed 002 (Số 75/KH-UBND of a real commune) is the model: "Căn cứ" lines (the standard, Hướng dẫn
604/TE-PTTG, the upper level's own plan), I Mục đích yêu cầu, II Nội dung thực hiện (the six
activities), III Kinh phí (here from the round's budget), IV Tổ chức thực hiện (each sector's role and
the criteria it follows, Tài chính - Kế toán, MTTQ and đoàn thể, the villages), V Chế độ thông tin báo
cáo (the sector deadline). The assignment table and the timeline follow from the set-up screens.

The headings before a table do not keep with it: a table longer than the rest of the page starts
under its heading and splits with its header row repeated, instead of leaving page 1 half blank.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from cff_desktop.common.text import format_dong
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import (
    BLANK,
    Part,
    closing_block,
    data_table,
    esc,
    heading,
    markup,
    para,
    short_date,
    sign_off,
    styles,
    text_width,
    title_block,
)
from cff_desktop.rules.model import SECTOR_LABELS

#: The default "Căn cứ" lines of seed 002 when the office has set none.
DEFAULT_LEGAL_LINES = (
    "Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định tiêu chuẩn, trình tự "
    "đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em",
    "Hướng dẫn số 604/TE-PTTG ngày 20/9/2019 của Cục Trẻ em về việc hướng dẫn thu thập thông tin, đánh giá và "
    "công nhận xã, phường, thị trấn phù hợp với trẻ em",
)
#: The headings of the plan, in order (tests compare them with seed 002).
HEADINGS = ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. KINH PHÍ THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN",
            "V. CHẾ ĐỘ THÔNG TIN, BÁO CÁO")


def _d(v: object) -> str:
    return short_date(v) if v else f"{BLANK}/{BLANK}"  # type: ignore[arg-type]


def _table_heading(text: str) -> list[Flowable]:
    """A heading before a table: a new page only when less than a few rows' room is left, else the table
    starts right under it and splits with its header repeated (a heading kept with a whole table made
    the table jump to the next page, leaving this one half blank)."""
    st = styles()
    return [CondPageBreak(40 * mm), Paragraph(esc(text), ParagraphStyle("heading_loose", parent=st.heading,
                                                                        keepWithNext=0))]


def legal_lines(ctx: DocContext) -> list[str]:
    """The plan's "Căn cứ" lines: the office's own, else QĐ 06 and Hướng dẫn 604; then the upper plan."""
    own = [x.strip().rstrip(";.") for x in (ctx.texts.get("plan_legal_lines") or "").splitlines() if x.strip()]
    lines = own or list(DEFAULT_LEGAL_LINES)
    upper = (ctx.texts.get("plan_upper_plan") or "").strip().rstrip(";.")
    if upper:
        lines.append(upper)
    return lines


def villages_word(ctx: DocContext) -> str:
    """"16 thôn" / "12 tổ dân phố": how the seed names the villages; the generic words when none is known."""
    villages = ctx.commune.get("villages") or []
    word = "tổ dân phố" if ctx.unit_word in ("phường", "thị trấn") else "thôn"
    return f"{len(villages):02d} {word}" if villages else "các thôn, tổ dân phố"


def budget_flow(ctx: DocContext) -> list[Flowable]:
    """III. Kinh phí: the budget table (activity, source, planned), totals by source; the seed's words
    when the round has no budget yet."""
    lines = ctx.budget
    if not lines:
        return [para(f"- Nguồn kinh phí thực hiện từ nguồn ngân sách của {ctx.unit_word} được phân bổ và lồng ghép "
                     "từ nguồn kinh phí thực hiện một số chương trình, đề án có liên quan về công tác bảo vệ, chăm "
                     "sóc trẻ em."),
                para("- Vận động các doanh nghiệp, cơ sở, đơn vị, cá nhân tham gia ủng hộ các nội dung hoạt động "
                     "của kế hoạch.")]
    total = sum(int(b["planned"]) for b in lines)
    by: dict[str, int] = {}
    for b in lines:
        by[b["source_label"]] = by.get(b["source_label"], 0) + int(b["planned"])
    rows: list[list[str]] = [["TT", "Hoạt động", "Nguồn kinh phí", "Dự toán (đồng)"]]
    rows += [[str(i), b["activity"], b["source_label"], format_dong(int(b["planned"])).removesuffix(" đồng")]
             for i, b in enumerate(lines, 1)]
    rows.append(["", "Tổng cộng", "", format_dong(total).removesuffix(" đồng")])
    w = text_width()
    widths = [10 * mm, 0, 38 * mm, 36 * mm]
    widths[1] = w - sum(widths)
    return [para(f"Tổng kinh phí dự kiến: {format_dong(total)}, trong đó: "
                 + "; ".join(f"{k}: {format_dong(v)}" for k, v in by.items()) + "."),
            data_table(rows, widths, center_cols=[0], bold_rows=[len(rows) - 1]),
            para("- Vận động các doanh nghiệp, cơ sở, đơn vị, cá nhân tham gia ủng hộ các nội dung hoạt động "
                 "của kế hoạch.")]


def _criteria_of(ctx: DocContext, sector: str) -> list[str]:
    return [c.id for c in ctx.ruleset.criteria if c.sector == sector]


def organisation(ctx: DocContext) -> list[Flowable]:
    """IV. Tổ chức thực hiện: each sector of the rule set with the criteria it follows, then Tài chính -
    Kế toán, MTTQ and the đoàn thể, the villages (seed 002's order)."""
    std = "Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ" \
        if "06/QĐ-TTg" in ctx.ruleset.legal_basis else ctx.ruleset.legal_basis
    vill = villages_word(ctx)
    sectors = ["vhxh", *[s for s in SECTOR_LABELS if s != "vhxh" and _criteria_of(ctx, s)]]
    roles = {
        "vhxh": [f"- Tham mưu thành lập, kiện toàn {ctx.council_name}.",
                 f"- Chủ trì, phối hợp với các cơ quan, đơn vị, MTTQ và các đoàn thể, {vill} tổ chức triển khai kế "
                 f"hoạch; hướng dẫn trình tự, thủ tục đánh giá và công nhận; đôn đốc, kiểm tra việc thực hiện trên "
                 "địa bàn.",
                 f"- Tổng hợp số liệu, chuẩn bị nội dung họp Hội đồng, hoàn thiện hồ sơ trình "
                 f"{ctx.upper_level or 'cấp trên'} xem xét, công nhận."],
        "tu_phap": ["- Chủ trì hướng dẫn và kiểm tra việc đăng ký khai sinh đúng thời hạn cho trẻ em trên địa bàn."],
        "cong_an": ["- Phối hợp thực hiện tốt các chỉ tiêu phòng, chống xâm hại, bạo lực trẻ em, trẻ em vi phạm "
                    "pháp luật; thường xuyên kiểm tra địa bàn, phát hiện và xử lý nghiêm các hành vi vi phạm."],
        "y_te": ["- Phối hợp với các ngành liên quan thực hiện tốt các chỉ tiêu chăm sóc sức khỏe trẻ em do ngành y "
                 "tế quản lý."],
        "mam_non": ["- Thực hiện các nhiệm vụ giáo dục mầm non, tổ chức thực hiện tốt các chỉ tiêu do ngành giáo "
                    "dục quản lý."],
    }
    out: list[Flowable] = []
    n = 0
    for s in sectors:
        n += 1
        out.append(markup(f"<b>{n}. {esc(ctx.local(SECTOR_LABELS[s]))}</b>"))
        for line in roles.get(s, ["- Chủ trì, phối hợp thực hiện các chỉ tiêu do ngành quản lý."]):
            out.append(para(line))
        ids = _criteria_of(ctx, s)
        if ids:
            out.append(para(f"- Tham mưu giúp {ctx.committee} theo dõi, đánh giá tiêu chí {', '.join(ids)} tại Phụ "
                            f"lục Tiêu chí đánh giá ban hành kèm theo {std}."))
    extra = [
        ("Công chức Tài chính - Kế toán",
         [f"- Tham mưu bố trí kinh phí; hướng dẫn, kiểm tra việc sử dụng kinh phí thực hiện xây dựng {ctx.unit_word} "
          "phù hợp với trẻ em theo quy định hiện hành."]),
        ("Đề nghị MTTQ và các đoàn thể",
         [f"- Trong phạm vi chức năng, nhiệm vụ của mình tham gia triển khai và giám sát thực hiện quy định tiêu "
          f"chuẩn {ctx.unit_word} phù hợp với trẻ em."]),
        (vill[:1].upper() + vill[1:],
         ["- Phối hợp cung cấp số liệu theo phân công, tuyên truyền đến từng hộ gia đình và tổ chức niêm yết công "
          "khai kết quả."]),
    ]
    for title, lines in extra:
        n += 1
        out.append(markup(f"<b>{n}. {esc(title)}</b>"))
        out += [para(x) for x in lines]
    return out


def assignment_table(ctx: DocContext, deadline: str) -> Flowable:
    rows: list[list[str]] = [["TT", "Tiêu chí", "Người, ngành thu thập số liệu", "Thời hạn gửi số liệu"]]
    assigned = ctx.snapshot.get("assignments") or {}
    for c in ctx.ruleset.criteria:
        who = assigned.get(c.id, "")
        sector = ctx.criterion_sector(c.id)
        rows.append([c.id, ctx.local(c.name), f"{who} ({sector})" if who else sector, deadline])
    w = text_width()
    widths = [10 * mm, 0, 52 * mm, 27 * mm]
    widths[1] = w - sum(widths)
    return data_table(rows, widths, center_cols=[0, 3])


def build(ctx: DocContext) -> list[Part]:
    t = ctx.timeline
    rnd = ctx.snapshot.get("round") or {}
    deadline = _d(rnd.get("sector_deadline") or t.get("sector_deadline"))
    vill = villages_word(ctx)
    w = text_width()
    steps = [
        ["1", "Các ngành thu thập số liệu, gửi công chức Văn hóa - Xã hội",
         f"Từ {_d(rnd.get('window_start'))} đến {deadline}"],
        ["2", f"Họp {ctx.council_name}, chấm điểm từng tiêu chí", _d(t.get("council_date"))],
        ["3", f"Niêm yết công khai kết quả ({ctx.posting_days:02d} ngày làm việc)", f"Từ {_d(t.get('posting_start'))}"],
        ["4", "Hoàn thiện hồ sơ, gửi " + (ctx.upper_level or "cấp trên"), _d(t.get("submission_date"))],
    ]
    sw = [10 * mm, 0, 50 * mm]
    sw[1] = w - sum(sw)
    subject = f"Thực hiện xây dựng {ctx.unit_word} phù hợp với trẻ em trên địa bàn {ctx.unit_name} năm {ctx.year}"
    f: list[Flowable] = [
        ctx.header("plan"),
        *title_block("Kế hoạch", subject),
        *[para(f"Căn cứ {line}{';' if i < len(legal_lines(ctx)) - 1 else '.'}")
          for i, line in enumerate(legal_lines(ctx))],
        para(f"{ctx.committee} xây dựng Kế hoạch thực hiện xây dựng {ctx.unit_word} phù hợp với trẻ em trên địa bàn "
             f"năm {ctx.year} như sau:"),
        heading(HEADINGS[0]),
        markup("<b>1. Mục đích</b>"),
        para(f"- Nâng cao nhận thức, trách nhiệm của cấp ủy đảng, chính quyền, đoàn thể và {vill} về công tác bảo "
             "vệ, chăm sóc trẻ em."),
        para(f"- Xây dựng {ctx.unit_name} đạt tiêu chuẩn phù hợp với trẻ em, tạo môi trường sống an toàn, lành mạnh "
             "mà ở đó tất cả trẻ em đều được bảo vệ; chủ động phòng ngừa, giảm thiểu các nguy cơ gây tổn hại trẻ em."),
        markup("<b>2. Yêu cầu</b>"),
        para(f"- Đánh giá đúng, đủ theo {ctx.ruleset.title}; bảo đảm công bằng, dân chủ, công khai. Số liệu trung "
             f"thực, có nguồn, kỳ số liệu từ ngày {_d(rnd.get('window_start'))} đến ngày "
             f"{_d(rnd.get('window_end'))}; chỉ ghi số lượng, không ghi họ tên trẻ em (Nghị định 13/2023/NĐ-CP)."),
        para(f"- Các cơ quan, đơn vị, MTTQ, các đoàn thể và {vill} xác định việc xây dựng {ctx.unit_word} phù hợp với "
             "trẻ em là một trong những nhiệm vụ cần quan tâm lãnh đạo, chỉ đạo thực hiện."),
        heading(HEADINGS[1]),
        para(f"1. Triển khai thu thập thông tin, tổ chức đánh giá và đề nghị công nhận {ctx.unit_word} phù hợp với "
             f"trẻ em năm {ctx.year} theo {ctx.ruleset.legal_basis}."),
        para("2. Tổ chức các hoạt động truyền thông, tuyên truyền nâng cao ý thức trách nhiệm của các cấp, các "
             "ngành, các tổ chức đoàn thể và Nhân dân."),
        para("3. Tổ chức kiểm tra, giám sát, đôn đốc việc thực hiện; phân công cán bộ, công chức theo dõi."),
        para("4. Nâng cao năng lực cho cán bộ, công chức, cộng tác viên làm công tác bảo vệ, chăm sóc trẻ em."),
        para(f"5. Tăng cường phối hợp giữa các cơ quan, đơn vị, MTTQ, các đoàn thể và {vill}; lồng ghép các hoạt "
             "động thường xuyên."),
        para("6. Vận động các tổ chức, cá nhân đóng góp kinh phí; thực hiện đầy đủ, kịp thời các chế độ, chính sách "
             "đối với trẻ em."),
        *_table_heading("Các bước và thời gian thực hiện:"),
        data_table([["TT", "Nội dung", "Thời gian"], *steps], sw, center_cols=[0]),
        heading(HEADINGS[2]),
        *budget_flow(ctx),
        heading(HEADINGS[3]),
        *organisation(ctx),
        *_table_heading("Bảng phân công thu thập số liệu:"),
        assignment_table(ctx, deadline),
        heading(HEADINGS[4]),
        para(f"Các cơ quan, đơn vị, MTTQ và các đoàn thể, {vill} báo cáo kết quả thực hiện đã được phân công gửi về "
             f"{ctx.committee} (qua công chức Văn hóa - Xã hội) trước ngày {deadline}."),
        para(f"Trên đây là Kế hoạch thực hiện xây dựng {ctx.unit_word} phù hợp với trẻ em năm {ctx.year}, "
             f"{ctx.committee} yêu cầu các cơ quan, đơn vị, MTTQ và các đoàn thể, {vill} phối hợp triển khai thực "
             "hiện đạt kết quả tốt./."),
    ]
    sign_off(f, closing_block(ctx.signer, *ctx.recipients_for("plan", [
        ctx.upper_level, f"Thường trực Đảng ủy, HĐND {ctx.unit_word}", "MTTQ và các đoàn thể",
        "Các ngành, thôn, tổ dân phố"])), 1)
    return [Part("plan", "Kế hoạch tự đánh giá", f)]

"""Editing the commune profile, the round's timeline and installation settings (set-up screens)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import nfc
from cff_desktop.services.rounds import ADMIN, check_category, get_round, require_open
from cff_desktop.services.workspace import Workspace

COMMUNE_FIELDS = {
    "name": "Tên xã",
    "code": "Mã đơn vị hành chính",
    "province": "Tỉnh, thành phố",
    "district": "Huyện (nếu còn)",
    "unit_type": "Loại đơn vị",
    "category": "Nhóm đánh giá",
    "upper_level": "Cấp trên nhận hồ sơ",
    "chair_name": "Họ tên người ký (Chủ tịch/Phó Chủ tịch)",
    "chair_title": "Chức danh người ký",
}
UNIT_TYPES = {"xa": "Xã", "phuong": "Phường", "thi_tran": "Thị trấn", "dac_khu": "Đặc khu"}
ROUND_DATES = {
    "window_start": "Kỳ số liệu từ ngày",
    "window_end": "Kỳ số liệu đến ngày",
    "sector_deadline": "Hạn các ngành báo cáo",
    "council_date": "Ngày họp hội đồng",
    "posting_start": "Ngày niêm yết công khai",
    "submission_date": "Ngày gửi hồ sơ lên cấp trên",
}
SETTINGS_DEFAULTS = {"idle_lock_minutes": "10", "language": "vi"}


def update_commune(ws: Workspace, changes: dict[str, Any], *, actor: str = ADMIN) -> dict[str, Any]:
    rnd = get_round(ws)
    clean: dict[str, Any] = {}
    for key, val in changes.items():
        if key not in COMMUNE_FIELDS and key != "villages":
            raise BadInput(f"không có trường '{key}' trong hồ sơ xã", key)
        if key == "villages":
            clean[key] = json.dumps([nfc(v) for v in val if nfc(v)], ensure_ascii=False)
            continue
        val = nfc(str(val))
        if key == "category":
            val = check_category(val)
        if key == "unit_type" and val not in UNIT_TYPES:
            raise BadInput(f"loại đơn vị '{val}' không hợp lệ. Chọn: {', '.join(UNIT_TYPES)}", key)
        if key in ("name", "province") and not val:
            raise BadInput(f"{COMMUNE_FIELDS[key]} không được để trống", key)
        clean[key] = val
    old = {k: rnd.commune.get(k) for k in clean}
    if old == clean:
        return rnd.commune
    with ws.store.transaction() as conn:
        for key, val in clean.items():
            conn.execute(f"UPDATE commune SET {key} = ? WHERE id = ?", (val, rnd.commune["id"]))
        ws.store.audit(actor, "commune.update", f"commune:{rnd.commune['id']}", old, clean)
    return get_round(ws).commune


def update_round_dates(ws: Workspace, changes: dict[str, str], *, actor: str = ADMIN,
                       posting_days: int | None = None) -> dict[str, Any]:
    rnd = get_round(ws)
    require_open(rnd)
    clean: dict[str, Any] = {}
    for key, val in changes.items():
        if key not in ROUND_DATES:
            raise BadInput(f"không có mốc thời gian '{key}'", key)
        val = nfc(val)
        if val:
            try:
                date.fromisoformat(val)
            except ValueError:
                raise BadInput(f"{ROUND_DATES[key]}: ngày '{val}' không hợp lệ", key) from None
        clean[key] = val
    if posting_days is not None:
        if not 1 <= posting_days <= 60:
            raise BadInput("số ngày niêm yết phải từ 1 đến 60", "posting_days")
        clean["posting_days"] = posting_days
    merged = {**{k: rnd.row.get(k) for k in ROUND_DATES}, **clean}
    if merged["window_start"] and merged["window_end"] and merged["window_start"] > merged["window_end"]:
        raise BadInput("ngày bắt đầu kỳ số liệu phải trước ngày kết thúc", "window_start")
    old = {k: rnd.row.get(k) for k in clean}
    if old == clean:
        return rnd.row
    with ws.store.transaction() as conn:
        for key, val in clean.items():
            conn.execute(f"UPDATE round SET {key} = ? WHERE id = ?", (val, rnd.id))
        ws.store.audit(actor, "round.update", f"round:{rnd.id}", old, clean)
    return get_round(ws).row


# Settings of the printed papers (issue 15). "Nơi nhận" differs from office to office (which Party
# committee, which sections keep a copy); the office's own days off (a local holiday, a day swapped by
# the province) lengthen a posting period just as public holidays do.
PRINT_SETTINGS = {
    "recipients.report": "Nơi nhận của báo cáo (mỗi dòng một nơi; dòng 'Lưu: …' là nơi lưu)",
    "recipients.proposal": "Nơi nhận của tờ trình",
    "recipients.notice": "Nơi nhận của thông báo niêm yết",
    "extra_days_off": "Ngày nghỉ thêm của cơ quan (YYYY-MM-DD, cách nhau bởi dấu phẩy)",
    # the upper level's decision: its "Căn cứ" lines (replacing the local-government law line the app
    # picks by the signing date) and who proposes it ("Theo đề nghị của …")
    "upper.legal_lines": "Cấp trên: các dòng 'Căn cứ …' của Quyết định công nhận (mỗi dòng một văn bản)",
    "upper.proposer": "Cấp trên: 'Theo đề nghị của …' (ví dụ: Trưởng phòng Văn hóa - Xã hội)",
    "recipients.council_decision": "Nơi nhận của quyết định thành lập Hội đồng",
    "recipients.plan": "Nơi nhận của kế hoạch",
    # the office's own wording, frozen with the paper's number
    "report_highlights": "Báo cáo: kết quả nổi bật",
    "report_advantages": "Báo cáo: thuận lợi",
    "report_difficulties": "Báo cáo: khó khăn, hạn chế",
    "report_causes": "Báo cáo: nguyên nhân",
    "report_proposals": "Báo cáo: kiến nghị",
    "posting_feedback": "Biên bản kết thúc niêm yết: ý kiến phản ánh nhận được",
    "posting_handling": "Biên bản kết thúc niêm yết: kết quả xem xét, giải quyết",
}
TEXT_SETTINGS = ("report_highlights", "report_advantages", "report_difficulties", "report_causes",
                 "report_proposals", "posting_feedback", "posting_handling")
MAX_RECIPIENTS = 15


def recipient_lines(value: str) -> list[str]:
    """Lines of a "Nơi nhận" or "Căn cứ" setting: one per line (or separated by ";"), leading "-" and a
    leading "Căn cứ" dropped (the paper writes it)."""
    parts = [p.strip().lstrip("-").strip().rstrip(";.").strip() for p in nfc(value).replace(";", "\n").splitlines()]
    parts = [p[len("Căn cứ"):].strip() if p.lower().startswith("căn cứ ") else p for p in parts]
    return [p for p in parts if p]


def days_off_list(value: str) -> list[date]:
    """The office's extra days off from the setting's text; a wrong date names itself."""
    out = []
    for part in nfc(value).replace(";", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            raise BadInput(f"ngày nghỉ '{part}' không đúng dạng YYYY-MM-DD (ví dụ 2025-01-24)",
                           "extra_days_off") from None
    return sorted(set(out))


def set_print_setting(ws: Workspace, key: str, value: str, *, actor: str = ADMIN) -> str:
    """Check and store one setting of the printed papers; returns the value as stored."""
    if key not in PRINT_SETTINGS:
        raise BadInput(f"không có thiết lập '{key}'. Chọn: {', '.join(PRINT_SETTINGS)}", "KEY")
    if key == "extra_days_off":
        clean = ", ".join(d.isoformat() for d in days_off_list(value))
    elif key in TEXT_SETTINGS:
        clean = nfc(value).strip()
        if len(clean) > 4000:
            raise BadInput(f"nội dung dài {len(clean)} ký tự; tối đa 4.000. Viết gọn lại hoặc sửa trên bản Word.",
                           key)
    elif key == "upper.proposer":
        clean = " ".join(nfc(value).split()).rstrip(".")
        if len(clean) > 200:
            raise BadInput("'Theo đề nghị của' dài quá 200 ký tự; viết ngắn lại.", key)
    else:
        lines = recipient_lines(value)
        if len(lines) > MAX_RECIPIENTS:
            raise BadInput(f"nơi nhận có {len(lines)} dòng; tối đa {MAX_RECIPIENTS}. Gộp bớt rồi lưu lại.", key)
        long = next((x for x in lines if len(x) > 200), None)
        if long:
            raise BadInput(f"một nơi nhận dài quá 200 ký tự ('{long[:40]}…'); viết ngắn lại.", key)
        clean = "\n".join(lines)
    set_setting(ws, key, clean, actor=actor)
    return clean


def print_settings(ws: Workspace) -> dict[str, str]:
    """The settings of the printed papers as stored (empty = the paper's default)."""
    return {k: get_setting(ws, k) for k in PRINT_SETTINGS}


def get_setting(ws: Workspace, key: str) -> str:
    row = ws.store.one("SELECT value FROM setting WHERE key = ?", (key,))
    return row["value"] if row else SETTINGS_DEFAULTS.get(key, "")


def set_setting(ws: Workspace, key: str, value: str, *, actor: str = ADMIN) -> None:
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, nfc(value)))
        ws.store.audit(actor, "setting", f"setting:{key}", None, {"value": nfc(value)})


def update_officer(ws: Workspace, officer_id: int, changes: dict[str, str], *, actor: str = ADMIN) -> None:
    from cff_desktop.rules.model import SECTOR_LABELS
    from cff_desktop.services.officers import ROLES, get_officer

    off = get_officer(ws, str(officer_id))
    clean = {}
    for key, val in changes.items():
        val = nfc(val)
        if key not in ("name", "position", "sector", "role"):
            raise BadInput(f"không sửa được trường '{key}'", key)
        if key == "name" and not val:
            raise BadInput("họ tên cán bộ không được để trống", key)
        if key == "sector" and val not in SECTOR_LABELS:
            raise BadInput(f"ngành '{val}' không hợp lệ", key)
        if key == "role" and val not in ROLES:
            raise BadInput(f"vai trò '{val}' không hợp lệ", key)
        clean[key] = val
    old = {k: off[k] for k in clean}
    if old == clean:
        return
    with ws.store.transaction() as conn:
        for key, val in clean.items():
            conn.execute(f"UPDATE officer SET {key} = ? WHERE id = ?", (val, off["id"]))
        ws.store.audit(actor, "officer.update", f"officer:{off['id']}", old, clean)

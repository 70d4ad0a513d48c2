"""Editing the commune profile, the round's timeline and installation settings (set-up screens)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.common.text import clean_name, nfc
from cff_desktop.services.rounds import ADMIN, RoundInfo, check_category, get_round, require_open
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
SETTINGS_DEFAULTS = {"idle_lock_minutes": "10", "language": "vi", "text_scale": "100"}
# What the council's result or the frozen papers depend on: locked once the council closed, so
# the dashboard can never say "ngưỡng 900" while the minutes say 800. Who signs (chair_name,
# chair_title) and where the dossier goes (upper_level) stay editable: the printed papers take
# them from the profile as it is on the day they are signed and sent (see services.printing).
LOCKED_AFTER_CLOSE = ("name", "code", "province", "district", "unit_type", "category")


def check_commune(changes: dict[str, Any]) -> dict[str, Any]:
    """Commune profile changes as they will be stored, or :class:`BadInput` naming the field."""
    clean: dict[str, Any] = {}
    for key, val in changes.items():
        if key not in COMMUNE_FIELDS and key != "villages":
            raise BadInput(f"không có trường '{key}' trong hồ sơ xã", key)
        if key == "villages":
            names = [clean_name(str(v), key, what="tên thôn", required=False) for v in val]
            clean[key] = json.dumps([v for v in names if v], ensure_ascii=False)
            continue
        val = clean_name(str(val), key, what=COMMUNE_FIELDS[key], required=False)
        if key == "category":
            val = check_category(val)
        if key == "unit_type" and val not in UNIT_TYPES:
            raise BadInput(f"loại đơn vị '{val}' không hợp lệ. Chọn: {', '.join(UNIT_TYPES)}", key)
        if key == "code" and val and not re.fullmatch(r"[0-9]{1,10}", val):
            # the upper level files units by this code (digits only, as in its CSV of units)
            raise BadInput(f"mã đơn vị hành chính chỉ gồm chữ số, ví dụ 02845; không phải '{val[:20]}'", key)
        if key in ("name", "province") and not val:
            raise BadInput(f"{COMMUNE_FIELDS[key]} không được để trống", key)
        clean[key] = val
    return clean


def require_unlocked(rnd: RoundInfo, old: dict[str, Any], clean: dict[str, Any]) -> None:
    """Refuse a change to a field the closed council's result or frozen papers depend on.

    Every way of editing the profile (the set-up window, ``cff commune set``, ``cff profile set``)
    passes through here, so none of them can move a closed round's threshold or wording.
    """
    if not rnd.closed:
        return
    changed = [k for k in clean if k in LOCKED_AFTER_CLOSE and clean[k] != old.get(k)]
    if changed:
        raise Refused(
            f"{', '.join(COMMUNE_FIELDS[k] for k in changed)} đã khóa vì hội đồng đã kết thúc họp vòng năm "
            f"{rnd.year} (kết quả và biên bản dựa vào đó). Muốn sửa, văn thư mở lại vòng đánh giá và ghi rõ "
            "lý do (Họp hội đồng → \"Mở lại vòng đánh giá\", hoặc cff council reopen --reason \"...\").",
            changed[0])


def update_commune(ws: Workspace, changes: dict[str, Any], *, actor: str = ADMIN) -> dict[str, Any]:
    rnd = get_round(ws)
    clean = check_commune(changes)
    old = {k: rnd.commune.get(k) for k in clean}
    if old == clean:
        return rnd.commune
    require_unlocked(rnd, old, clean)
    with ws.store.transaction() as conn:
        for key, val in clean.items():
            conn.execute(f"UPDATE commune SET {key} = ? WHERE id = ?", (val, rnd.commune["id"]))
        ws.store.audit(actor, "commune.update", f"commune:{rnd.commune['id']}", old, clean)
    return get_round(ws).commune


def update_round_dates(ws: Workspace, changes: dict[str, str], *, actor: str = ADMIN,
                       posting_days: int | None = None) -> dict[str, Any]:
    rnd = get_round(ws)
    require_open(rnd)
    clean = check_round_dates(rnd, changes, posting_days)
    old = {k: rnd.row.get(k) for k in clean}
    if old == clean:
        return rnd.row
    with ws.store.transaction() as conn:
        for key, val in clean.items():
            conn.execute(f"UPDATE round SET {key} = ? WHERE id = ?", (val, rnd.id))
        ws.store.audit(actor, "round.update", f"round:{rnd.id}", old, clean)
    return get_round(ws).row


def check_round_dates(rnd: RoundInfo, changes: dict[str, str],
                      posting_days: int | None = None) -> dict[str, Any]:
    """The round's timeline changes as they will be stored (ISO dates, window in order)."""
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
    return clean


SETTINGS = {"idle_lock_minutes": "Tự khóa khi không dùng (phút, 0 = không khóa)",
            "language": "Ngôn ngữ giao diện (vi | en)"}
LANGUAGES = ("vi", "en")


def check_setting(key: str, value: str) -> str:
    """A setting's value as stored, judged as the set-up window's controls judge it."""
    value = nfc(str(value))
    if key == "idle_lock_minutes":
        if not (value.isdigit() and len(value) <= 3 and 0 <= int(value) <= 240):
            raise BadInput(f"số phút tự khóa phải từ 0 đến 240, không phải '{value[:20]}'", key)
        return str(int(value))
    if key == "language":
        if value not in LANGUAGES:
            raise BadInput(f"ngôn ngữ '{value[:20]}' không có. Chọn: {', '.join(LANGUAGES)}", key)
        return value
    raise BadInput(f"không có thiết lập '{key}'", key)


PROFILE_KEYS = {**COMMUNE_FIELDS, "villages": "Thôn, tổ dân phố (cách nhau bằng dấu ;)",
                **ROUND_DATES, "posting_days": "Số ngày niêm yết công khai", **SETTINGS}


def profile_view(ws: Workspace) -> dict[str, Any]:
    """Every set-up field of the latest round with its current value (what `cff profile show` prints)."""
    rnd = get_round(ws)
    out: dict[str, Any] = {k: rnd.commune.get(k) or "" for k in COMMUNE_FIELDS}
    out["villages"] = json.loads(rnd.commune.get("villages") or "[]")
    out.update({k: rnd.row.get(k) or "" for k in ROUND_DATES})
    out["posting_days"] = int(rnd.row.get("posting_days") or 5)
    out.update({k: get_setting(ws, k) for k in SETTINGS})
    out["round"] = rnd.year
    out["ruleset"] = f"{rnd.ruleset.id} {rnd.ruleset.version}"
    return out


def apply_profile(ws: Workspace, changes: dict[str, str], *, actor: str = ADMIN) -> dict[str, Any]:
    """Set any set-up fields at once (text values, as typed), all or none.

    Every value is checked first, with the same checks the set-up window's fields use; only then is
    anything written, in one transaction, with the same audit rows the window leaves.
    """
    rnd = get_round(ws)
    unknown = [k for k in changes if k not in PROFILE_KEYS]
    if unknown:
        raise BadInput(f"không có trường '{unknown[0]}'. Các trường: {', '.join(PROFILE_KEYS)}", unknown[0])
    commune_in: dict[str, Any] = {k: v for k, v in changes.items() if k in COMMUNE_FIELDS}
    if "villages" in changes:
        commune_in["villages"] = str(changes["villages"]).split(";")
    commune = check_commune(commune_in)
    dates_in = {k: v for k, v in changes.items() if k in ROUND_DATES}
    posting = None
    if "posting_days" in changes:
        txt = nfc(str(changes["posting_days"]))
        if not (txt.isdigit() and len(txt) <= 3):
            raise BadInput(f"số ngày niêm yết phải là số nguyên từ 1 đến 60, không phải '{txt[:20]}'",
                           "posting_days")
        posting = int(txt)
    dates: dict[str, Any] = {}
    if dates_in or posting is not None:
        require_open(rnd)
        dates = check_round_dates(rnd, dates_in, posting)
    settings = {k: check_setting(k, v) for k, v in changes.items() if k in SETTINGS}
    old_c = {k: rnd.commune.get(k) for k in commune}
    require_unlocked(rnd, old_c, commune)
    old_d = {k: rnd.row.get(k) for k in dates}
    old_s = {k: get_setting(ws, k) for k in settings}
    with ws.store.transaction() as conn:
        if commune and old_c != commune:
            for key, val in commune.items():
                conn.execute(f"UPDATE commune SET {key} = ? WHERE id = ?", (val, rnd.commune["id"]))
            ws.store.audit(actor, "commune.update", f"commune:{rnd.commune['id']}", old_c, commune)
        if dates and old_d != dates:
            for key, val in dates.items():
                conn.execute(f"UPDATE round SET {key} = ? WHERE id = ?", (val, rnd.id))
            ws.store.audit(actor, "round.update", f"round:{rnd.id}", old_d, dates)
        for key, val in settings.items():
            if old_s[key] != val:
                conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, val))
                ws.store.audit(actor, "setting", f"setting:{key}", None, {"value": val})
    return profile_view(ws)


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
    # the plan's "Căn cứ" lines (seed 002: QĐ 06 and Hướng dẫn 604 by default) and the upper level's own
    # plan it carries out ("Kế hoạch số 135/KH-UBND ngày 26/3/2024 của UBND thành phố Lạng Sơn …")
    "report_situation": "Báo cáo A.I.1: đặc điểm tình hình kinh tế, chính trị, văn hóa - xã hội",
    "report_child_work": "Báo cáo A.I.2: tình hình công tác bảo vệ, chăm sóc trẻ em",
    "report_direction": "Báo cáo A.II: công tác chỉ đạo, điều hành (thêm vào câu có sẵn)",
    "report_training": "Báo cáo A.II: công tác bồi dưỡng, tập huấn",
    "report_communication": "Báo cáo A.II: công tác tuyên truyền",
    "report_supervision": "Báo cáo A.II: công tác kiểm tra, giám sát",
    "report_coordination": "Báo cáo A.II: công tác phối hợp",
    "report_budget_need": "Báo cáo A.II: mức độ đáp ứng của ngân sách",
    "report_next": "Báo cáo B: phương hướng, nhiệm vụ, giải pháp duy trì",
    "plan_legal_lines": "Kế hoạch: các dòng 'Căn cứ …' (mỗi dòng một văn bản; để trống = QĐ 06 và Hướng dẫn 604)",
    "plan_upper_plan": "Kế hoạch: kế hoạch của cấp trên được thực hiện (số, ngày, cơ quan ban hành)",
}
TEXT_SETTINGS = ("report_highlights", "report_advantages", "report_difficulties", "report_causes",
                 "report_proposals", "posting_feedback", "posting_handling", "plan_legal_lines", "plan_upper_plan",
                 "report_situation", "report_child_work", "report_direction", "report_training",
                 "report_communication", "report_supervision", "report_coordination", "report_budget_need",
                 "report_next")
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
    from cff_desktop.services.officers import ROLES, get_officer, refuse_lookalike

    off = get_officer(ws, str(officer_id))
    clean = {}
    for key, val in changes.items():
        if key not in ("name", "position", "sector", "role"):
            raise BadInput(f"không sửa được trường '{key}'", key)
        val = clean_name(val, key, what="họ tên cán bộ" if key == "name" else key,
                         required=key == "name")
        if key == "name":
            refuse_lookalike(ws, val, key, except_id=off["id"])
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

"""A realistic demo commune, built through the same services an officer uses.

Figures are summed from per-village tallies of a mountain commune with 16 villages; ``seed``
varies them so that some demo rounds are recognised and some are not (useful for the README's run
command, screenshots and tests of both outcomes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from cff_desktop.common.errors import Refused
from cff_desktop.services.officers import add_officer
from cff_desktop.services.rounds import init_round
from cff_desktop.services.values import set_value
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

VILLAGES = [
    "Thôn Nà Cạn", "Thôn Pò Mục", "Thôn Bó Pia", "Thôn Khòn Pát", "Thôn Nà Lầu", "Thôn Kéo Cặp",
    "Thôn Nà Pàn", "Thôn Pác Lùng", "Thôn Khuổi Phầy", "Thôn Nà Múc", "Thôn Bản Cầu",
    "Thôn Còn Pheo", "Thôn Nặm Tồng", "Thôn Lũng Vài", "Thôn Phai Xả", "Thôn Bản Đồn",
]

DEMO_PIN = "1234"

OFFICERS = [
    # name, position, sector, role
    ("Hoàng Thị Mai", "Công chức Văn hóa - Xã hội", "vhxh", "clerk"),
    ("Lương Văn Tiến", "Công chức Tư pháp - Hộ tịch", "tu_phap", "officer"),
    ("Nông Văn Hải", "Trưởng Công an xã", "cong_an", "officer"),
    ("Vi Thị Hồng", "Trạm trưởng Trạm Y tế xã", "y_te", "officer"),
    ("Lăng Thị Thu", "Hiệu trưởng Trường Mầm non", "mam_non", "officer"),
    ("Chu Văn Đức", "Bí thư Đoàn TNCS Hồ Chí Minh xã", "doan_tn", "officer"),
]

COUNCIL = [
    ("Hoàng Văn Bình", "Chủ tịch UBND xã", "chair"),
    ("Hoàng Thị Mai", "Công chức Văn hóa - Xã hội", "standing"),
    ("Lương Văn Tiến", "Công chức Tư pháp - Hộ tịch", "member"),
    ("Nông Văn Hải", "Trưởng Công an xã", "member"),
    ("Vi Thị Hồng", "Trạm trưởng Trạm Y tế xã", "member"),
    ("Lăng Thị Thu", "Hiệu trưởng Trường Mầm non", "member"),
    ("Hà Văn Sơn", "Hiệu trưởng Trường Tiểu học và THCS", "member"),
    ("Chu Văn Đức", "Bí thư Đoàn TNCS Hồ Chí Minh xã", "member"),
    ("Triệu Thị Lan", "Chủ tịch Hội Liên hiệp Phụ nữ xã", "member"),
    ("Đinh Thị Nga", "Văn phòng - Thống kê", "secretary"),
]


@dataclass(frozen=True)
class DemoResult:
    commune: str
    year: int
    officers: int
    values: int


def _ratio(rng: random.Random, totals: list[int], rate: float) -> dict[str, int]:
    """Numerator/denominator summed over villages; each village's count drawn around ``rate``."""
    num = sum(sum(1 for _ in range(t) if rng.random() < rate) for t in totals)
    return {"numerator": num, "denominator": sum(totals)}


def demo_figures(seed: int) -> dict[str, Any]:
    """Plausible commune figures: mostly top bands; about half the seeds get a few weak spots."""
    rng = random.Random(seed)
    n = len(VILLAGES)
    births = [rng.randint(3, 9) for _ in range(n)]
    under1 = [max(1, b + rng.randint(-1, 1)) for b in births]
    under5 = [rng.randint(20, 45) for _ in range(n)]
    children = [rng.randint(90, 180) for _ in range(n)]
    preschool = [rng.randint(12, 30) for _ in range(n)]
    special = [rng.randint(0, 3) for _ in range(n)]
    weak_spots = ["2.1", "3.1", "4.1", "5.2", "6.2", "7.1", "8.2", "9.1", "10.1", "12.1", "13.1"]
    weak = set(rng.sample(weak_spots, rng.choice([0, 0, 2, 3, 4])))
    figures: dict[str, Any] = {
        "1.1": True, "1.2": True, "1.3": True, "1.4": True,
        "2.1": _ratio(rng, births, 0.93 if "2.1" in weak else 0.995),
        # criteria 3-4 are rates per 1,000 children of the commune: cases and the child population
        "3.1": {"count": rng.randint(1, 2) if "3.1" in weak else 0, "population": sum(children)},
        "4.1": {"count": rng.randint(1, 3) if "4.1" in weak else 0, "population": sum(children)},
        "5.1": {"count": 0},
        "5.2": {"count": rng.randint(4, 9) if "5.2" in weak else rng.randint(0, 2)},
        "6.1": _ratio(rng, special, 1.0),
        "6.2": {"numerator": 1, "denominator": 2} if "6.2" in weak
        else {"numerator": 0, "denominator": 0},
        "7.1": _ratio(rng, under1, 0.95 if "7.1" in weak else 1.0),
        "8.1": _ratio(rng, under5, 0.04),
        "8.2": _ratio(rng, under5, 0.18 if "8.2" in weak else 0.07),
        "9.1": _ratio(rng, children, 0.78 if "9.1" in weak else 0.95),
        "10.1": _ratio(rng, preschool, 0.88 if "10.1" in weak else 0.985),
        "11.1": True, "11.2": True, "11.3": {"points": 20 if weak else 25},
        "12.1": {"numerator": rng.randint(2, 4) if "12.1" in weak else rng.randint(9, 14),
                 "denominator": n},
        "12.2": True,
        "13.1": _ratio(rng, [30], 0.68 if "13.1" in weak else 0.93),
        "13.2": _ratio(rng, [40], 0.9),
    }
    return figures


def create_demo(
    ws: Workspace, *, commune: str = "Xã Hoàng Đồng", province: str = "Lạng Sơn",
    category: str = "mountain_island_disadvantaged", seed: int = 0, year: int = 2024,
    code: str = "", unit_type: str = "xa",
) -> DemoResult:
    from cff_desktop.services.profile import check_commune

    unit = check_commune({"code": code, "unit_type": unit_type})  # refused before anything is written
    if ws.store.one("SELECT 1 FROM commune LIMIT 1"):
        raise Refused(
            "cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ tạo trong cơ sở dữ liệu trống "
            "(dùng --db TỆP_MỚI hoặc CFF_HOME khác).",
            str(ws.paths.db),
        )
    rnd = init_round(ws, commune=commune, province=province, category=category, year=year,
                     upper_level="", district="", villages=VILLAGES)
    ids: dict[str, int] = {}
    for name, position, sector, role in OFFICERS:
        off = add_officer(ws, name=name, sector=sector, role=role, position=position, pin=DEMO_PIN)
        ids[sector] = off["id"]
    figures = demo_figures(seed)
    owners = {c.id: c.sector for c in rnd.ruleset.criteria}
    for iid, raw in figures.items():
        sector = owners[iid.split(".")[0]]
        set_value(ws, iid, raw, as_officer=str(ids[sector]),
                  note=f"Tổng hợp từ số liệu {len(VILLAGES)} thôn")
    from cff_desktop.services.profile import update_round_dates
    from cff_desktop.services.progress import mark_done

    for c in rnd.ruleset.criteria:
        mark_done(ws, c.id, as_officer=str(ids[c.sector]))
    update_round_dates(ws, {"council_date": f"{year}-11-05", "posting_start": f"{year}-11-06",
                            "submission_date": f"{year}-11-15"})
    with ws.store.transaction() as conn:
        # The People's Committee chair signs the printed papers (report, proposal, notice).
        conn.execute("UPDATE commune SET chair_name = ?, chair_title = ?, code = ?, unit_type = ?"
                     " WHERE id = ?", (COUNCIL[0][0], "Chủ tịch", unit["code"], unit["unit_type"],
                                       rnd.commune["id"]))
        conn.execute("INSERT INTO council (round_id, place, started_at) VALUES (?, ?, ?)",
                     (rnd.id, f"Hội trường UBND {commune}", f"{year}-11-05T08:00"))
        for sort, (name, position, role) in enumerate(COUNCIL):
            conn.execute(
                "INSERT INTO council_member (round_id, name, position, council_role, sort)"
                " VALUES (?, ?, ?, ?, ?)", (rnd.id, name, position, role, sort))
        ws.store.audit("dữ liệu mẫu", "council.members", f"round:{rnd.id}", None,
                       {"members": len(COUNCIL), "at": now_iso()})
    return DemoResult(commune, year, len(OFFICERS), len(figures))

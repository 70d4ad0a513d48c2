"""``cff district keys``: the upper level's table of which device may sign for which unit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, ok, run_cff

FP_A = "1A2B-3C4D-5E6F-7A8B-9C0D"
FP_B = "ABCD-EF01-2345-6789-ABCD"


@pytest.fixture
def upper_home(tmp_path: Path) -> Path:
    home = tmp_path / "upper"
    ok(run_cff(home, "district", "init", "--name", "Huyện Cao Lộc", "--level", "district"))
    csv = tmp_path / "units.csv"
    csv.write_text("code,name,category\n04001,Xã Hoàng Đồng,mountain_island_disadvantaged\n"
                   "04002,Phường Vĩnh Trại,urban_ward\n", "utf-8")
    ok(run_cff(home, "district", "units", "import", str(csv)))
    return home


def test_add_list_revoke(upper_home: Path) -> None:
    out = ok(run_cff(upper_home, "district", "keys", "add", "04001", "1a2b 3c4d 5e6f 7a8b 9c0d",
                     "--label", "Máy văn thư"))
    assert f"Đã đăng ký máy {FP_A} ký hồ sơ cho đơn vị 04001." in out
    ok(run_cff(upper_home, "district", "keys", "add", "04002", FP_B))
    rows = json.loads(ok(run_cff(upper_home, "district", "keys", "list", "--json")))
    assert [(r["unit_code"], r["fingerprint"], r["label"], r["revoked_at"]) for r in rows] == [
        ("04001", FP_A, "Máy văn thư", None), ("04002", FP_B, "", None)]
    text = ok(run_cff(upper_home, "district", "keys", "list", "04001"))
    assert FP_A in text and FP_B not in text and "đang dùng" in text
    out = ok(run_cff(upper_home, "district", "keys", "revoke", "04001", FP_A, "--reason", "máy bị mất"))
    assert "gói mới do máy này ký sẽ bị từ chối" in out
    text = ok(run_cff(upper_home, "district", "keys", "list", "04001"))
    assert "đã thu hồi" in text and "máy bị mất" in text
    audit = [r for r in db_dump(upper_home / "cff.sqlite")["audit"] if str(r[3]).startswith("unit_key.")]
    assert sorted(r[3] for r in audit) == ["unit_key.add", "unit_key.add", "unit_key.revoke"]


@pytest.mark.parametrize("args, needles", [
    (("add", "04001", "1A2B-3C4D"), ("dấu vân tay '1A2B-3C4D' không hợp lệ", "20 chữ số")),
    (("add", "04001", "ZZZZ-3C4D-5E6F-7A8B-9C0D"), ("không hợp lệ",)),
    (("add", "09999", FP_A), ("không có đơn vị mã 09999 trong địa bàn",)),
    (("revoke", "04001", FP_B, "--reason", "x"), ("chưa được đăng ký cho đơn vị 04001",)),
    (("revoke", "04001", FP_A, "--reason", "  "), ("ghi lý do thu hồi",)),
])
def test_refusals_write_nothing(upper_home: Path, args: tuple[str, ...], needles: tuple[str, ...]) -> None:
    ok(run_cff(upper_home, "district", "keys", "add", "04001", FP_A))
    before = db_dump(upper_home / "cff.sqlite")
    assert_refused(run_cff(upper_home, "district", "keys", *args), *needles)
    assert db_dump(upper_home / "cff.sqlite") == before


def test_a_key_signs_for_one_unit_only_and_a_revoked_key_stays_out(upper_home: Path) -> None:
    ok(run_cff(upper_home, "district", "keys", "add", "04001", FP_A))
    before = db_dump(upper_home / "cff.sqlite")
    assert_refused(run_cff(upper_home, "district", "keys", "add", "04002", FP_A),
                   "đã được đăng ký ký cho đơn vị 04001", "một máy chỉ ký cho một đơn vị")
    assert db_dump(upper_home / "cff.sqlite") == before
    ok(run_cff(upper_home, "district", "keys", "revoke", "04001", FP_A, "--reason", "máy bị mất"))
    before = db_dump(upper_home / "cff.sqlite")
    assert_refused(run_cff(upper_home, "district", "keys", "add", "04001", FP_A), "đã bị thu hồi")
    assert db_dump(upper_home / "cff.sqlite") == before
    ok(run_cff(upper_home, "district", "keys", "add", "04002", FP_A))  # moved to another unit after revoking

"""The upper level's answer back on a USB stick: a signed receipt the commune imports offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_package_damage import dump, laptop, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.dossier.format import PackageRejected
from cff_desktop.services.council import close_meeting, record_vote
from cff_desktop.services.packages import export_package, import_package


def _closed_commune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, commune: str):
    ws = laptop(tmp_path, monkeypatch, name, commune=commune)
    record_vote(ws, votes_for=10, votes_against=0)
    close_meeting(ws, conclusion="Đề nghị công nhận")
    return ws


def _fp(ws) -> str:
    """The commune laptop's fingerprint, as read out by phone to the upper level."""
    from cff_desktop.services.keys import device_info

    return device_info(ws)["fingerprint"]


def _upper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, communes: list[str]):
    from cff_desktop.services.district import import_units, init_area
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / "upper"))
    ws = open_workspace(create=True)
    init_area(ws, name="Huyện Cao Lộc", level="district", province="Lạng Sơn", signer_name="Hoàng Văn Bình")
    csv = tmp_path / "units.csv"
    csv.write_text("code,name,category\n" + "".join(
        f"9900{i},{c},mountain_island_disadvantaged\n" for i, c in enumerate(communes, 1)), "utf-8")
    import_units(ws, csv)
    return ws


def test_return_travels_back_on_a_stick(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.district import import_path, return_package
    from cff_desktop.services.keys import generate_upper, import_upper
    from cff_desktop.services.receipts import export_receipt

    commune = _closed_commune(tmp_path, monkeypatch, "xa", "Xã Hoàng Đồng")
    usb = tmp_path / "usb"
    usb.mkdir()
    export_package(commune, usb)
    upper = _upper(tmp_path, monkeypatch, ["Xã Hoàng Đồng"])
    import_path(upper, usb, trust_fingerprints=[_fp(commune)])
    return_package(upper, "99001/2024", ["7: Bổ sung sổ tiêm chủng thôn Nà Cạn"])
    back = tmp_path / "usb-back"
    back.mkdir()
    receipt = export_receipt(upper, "99001/2024", back)
    assert receipt.parent == back and receipt.name.startswith("cff-giay-bao-99001-2024")

    generate_upper(upper, tmp_path / "upper.pub")  # the key file carries the key that signs receipts

    monkeypatch.setenv("CFF_HOME", str(commune.paths.home))
    with pytest.raises(PackageRejected):  # the upper level's key is not yet trusted here
        import_package(commune, receipt)
    before = dump(commune)
    with pytest.raises(PackageRejected) as e:  # trusting the signer is not enough: it must be the upper level
        import_package(commune, receipt, trust=True)
    assert e.value.code == "not_upper" and "cff keys import-upper" in e.value.message
    assert dump(commune) == before
    import_upper(commune, str(tmp_path / "upper.pub"))
    res = import_package(commune, receipt)
    assert not res.already
    d = build_dashboard(commune)
    assert any("Cấp trên trả lại hồ sơ" in x and "tiêu chí 7: Bổ sung sổ tiêm chủng thôn Nà Cạn" in x
               for x in d.decisions)
    before = dump(commune)
    assert import_package(commune, receipt).already  # the same stick again changes nothing
    assert dump(commune) == before
    actions = [r["action"] for r in commune.store.query("SELECT action FROM audit ORDER BY seq")]
    assert "receipt.import" in actions


def test_receipt_for_another_commune_is_refused(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.services.district import import_path, return_package
    from cff_desktop.services.keys import generate_upper, import_upper
    from cff_desktop.services.receipts import export_receipt

    a = _closed_commune(tmp_path, monkeypatch, "a", "Xã Hoàng Đồng")
    usb = tmp_path / "usb"
    usb.mkdir()
    export_package(a, usb)
    other = _closed_commune(tmp_path, monkeypatch, "b", "Xã Tân Liên")
    upper = _upper(tmp_path, monkeypatch, ["Xã Hoàng Đồng"])
    import_path(upper, usb, trust_fingerprints=[_fp(a)])
    return_package(upper, "99001/2024", ["3: Thiếu biên bản xác minh"])
    receipt = export_receipt(upper, "99001/2024", tmp_path)
    generate_upper(upper, tmp_path / "upper.pub")
    monkeypatch.setenv("CFF_HOME", str(other.paths.home))
    import_upper(other, str(tmp_path / "upper.pub"))
    before = dump(other)
    with pytest.raises(PackageRejected) as e:
        import_package(other, receipt)
    assert e.value.code == "unknown_package" and "máy này chưa từng gửi" in e.value.message
    assert dump(other) == before


def test_no_receipt_before_a_return_or_decision(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.district import import_path
    from cff_desktop.services.receipts import export_receipt

    commune = _closed_commune(tmp_path, monkeypatch, "xa", "Xã Hoàng Đồng")
    export_package(commune, tmp_path)
    upper = _upper(tmp_path, monkeypatch, ["Xã Hoàng Đồng"])
    import_path(upper, tmp_path, trust_fingerprints=[_fp(commune)])
    with pytest.raises(Refused, match="chưa có gì để gửi"):
        export_receipt(upper, "99001/2024", tmp_path)
    assert not list(tmp_path.glob("cff-giay-bao-*"))


def test_receipt_from_the_unit_page(qtbot, tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.services.district import import_path, return_package
    from cff_desktop.ui.app import build_window

    commune = _closed_commune(tmp_path, monkeypatch, "xa", "Xã Hoàng Đồng")
    usb = tmp_path / "usb"
    usb.mkdir()
    export_package(commune, usb)
    upper = _upper(tmp_path, monkeypatch, ["Xã Hoàng Đồng"])
    import_path(upper, usb, trust_fingerprints=[_fp(commune)])
    return_package(upper, "99001/2024", ["7: Thiếu sổ tiêm chủng"])
    win = build_window(str(upper.paths.db))
    qtbot.addWidget(win)
    win.shell.open_unit("99001")
    out = tmp_path / "stick"
    out.mkdir()
    win.shell.unit.receipt_to_usb(str(out))
    assert "Đã ghi giấy báo" in win.shell.unit.status.text()
    assert len(list(out.glob("cff-giay-bao-99001-2024-*.cffpkg"))) == 1


def test_category_differing_from_the_area_list_is_flagged(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.services.district import import_path, import_units

    commune = _closed_commune(tmp_path, monkeypatch, "xa", "Xã Hoàng Đồng")  # demo: mountain category
    export_package(commune, tmp_path)
    upper = _upper(tmp_path, monkeypatch, [])
    csv = tmp_path / "list.csv"
    csv.write_text("code,name,category\n99001,Xã Hoàng Đồng,other\n", "utf-8")
    import_units(upper, csv)
    [got] = import_path(upper, tmp_path, trust_fingerprints=[_fp(commune)])
    assert got.status == "imported"
    assert "danh sách địa bàn ghi nhóm" in got.warning and "Các xã, phường, thị trấn còn lại" in got.warning

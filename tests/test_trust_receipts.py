"""Receipts come only from the upper level, about a package this commune sent, and in a shape that
cannot crash the dashboard later. Every forged receipt below is a real package signed with a real
key; each is refused with its reason and the commune's database is byte for byte unchanged."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, run_cff
from test_package_damage import dump, laptop, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.dossier.format import PackageRejected
from cff_desktop.dossier.package import PayloadFile, build


@dataclass
class Scene:
    commune: Any
    upper: Any
    receipt: Path
    tmp: Path


@pytest.fixture
def scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    """A commune that sent its dossier; the upper level returned it and wrote a receipt on a stick."""
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.district import import_path, import_units, init_area, return_package
    from cff_desktop.services.keys import generate_upper, import_upper
    from cff_desktop.services.packages import export_package
    from cff_desktop.services.receipts import export_receipt
    from cff_desktop.services.workspace import open_workspace

    commune = laptop(tmp_path, monkeypatch, "xa", commune="Xã Hoàng Đồng")
    record_vote(commune, votes_for=10, votes_against=0)
    close_meeting(commune, conclusion="Đề nghị công nhận")
    usb = tmp_path / "usb"
    usb.mkdir()
    export_package(commune, usb)
    monkeypatch.setenv("CFF_HOME", str(tmp_path / "upper"))
    upper = open_workspace(create=True)
    init_area(upper, name="Huyện Cao Lộc", level="district", province="Lạng Sơn")
    (tmp_path / "units.csv").write_text("code,name,category\n99001,Xã Hoàng Đồng,mountain_island_disadvantaged\n",
                                        "utf-8")
    import_units(upper, tmp_path / "units.csv")
    from cff_desktop.services.keys import device_info

    import_path(upper, usb, trust_fingerprints=[device_info(commune)["fingerprint"]])
    return_package(upper, "99001/2024", ["7: Bổ sung sổ tiêm chủng"])
    back = tmp_path / "back"
    back.mkdir()
    receipt = export_receipt(upper, "99001/2024", back)
    generate_upper(upper, tmp_path / "upper.pub")
    monkeypatch.setenv("CFF_HOME", str(commune.paths.home))
    import_upper(commune, str(tmp_path / "upper.pub"))
    return Scene(commune, upper, receipt, tmp_path)


def forge(scene: Scene, name: str, key: Any, *, decision: dict[str, Any] | None = None,
          drop: str | None = None) -> Path:
    """The real receipt rebuilt with another decision and/or signed with another key."""
    with zipfile.ZipFile(scene.receipt) as z:
        m = json.loads(z.read("manifest.json"))
        doc = json.loads(z.read("payload/decision.json"))
    doc.update(decision or {})
    if drop:
        doc.pop(drop)
    header = {k: v for k, v in m.items() if k not in ("members", "payload", "encryption", "format", "format_version")}
    header["decision"] = doc
    out = scene.tmp / "forged"
    out.mkdir(exist_ok=True)
    work = out / f".{name}"
    work.mkdir()
    build(out / f"{name}.cffpkg", header, [PayloadFile("decision.json", data=json.dumps(doc).encode())], key,
          None, work)
    work.rmdir()
    return out / f"{name}.cffpkg"


def refused(scene: Scene, path: Path, code: str, *needles: str) -> None:
    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.packages import import_package
    from cff_desktop.services.sync import status

    before = dump(scene.commune)
    with pytest.raises(PackageRejected) as e:
        import_package(scene.commune, path)
    assert e.value.code == code, e.value
    for n in needles:
        assert n in e.value.message, e.value.message
    assert dump(scene.commune) == before
    build_dashboard(scene.commune)  # what the officer sees after sign-in still builds
    status(scene.commune)


def test_the_real_receipt_is_accepted(scene: Scene) -> None:
    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.packages import import_package

    assert not import_package(scene.commune, scene.receipt).already
    assert any("Cấp trên trả lại hồ sơ" in d for d in build_dashboard(scene.commune).decisions)


def test_receipt_signed_by_the_communes_own_key_is_refused(scene: Scene) -> None:
    from cff_desktop.services.keys import device_key

    bad = forge(scene, "own", device_key(scene.commune).key, decision={"decision": "accepted"})
    refused(scene, bad, "not_upper", "chính máy này", "không phải khóa của cấp trên")


def test_receipt_signed_by_a_trusted_sector_laptop_is_refused(scene: Scene, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import keys
    from cff_desktop.services.packages import export_package, verify_package

    health = laptop(tmp_path, monkeypatch, "tram-y-te")
    sector = export_package(health, tmp_path / "usb", kind="sector-data", criteria="7").path
    monkeypatch.setenv("CFF_HOME", str(scene.commune.paths.home))
    verify_package(scene.commune, sector, trust=True)  # the clerk trusts the health laptop (sector data)
    bad = forge(scene, "sector", keys.device_key(health).key, decision={"decision": "accepted"})
    fp = keys.device_key(health).fingerprint
    refused(scene, bad, "not_upper", fp)


def test_receipt_for_a_package_never_sent_is_refused(scene: Scene) -> None:
    from cff_desktop.services.keys import device_key

    bad = forge(scene, "never", device_key(scene.upper).key,
                decision={"package_uuid": "00000000-0000-4000-8000-000000000000", "id": "GBN-X"})
    refused(scene, bad, "unknown_package", "máy này chưa từng gửi")


@pytest.mark.parametrize("name, change, drop, needle", [
    ("no-id", None, "id", "decision.json sai ở trường (gốc)"),
    ("comments-string", {"comments": "đạt"}, None, "decision.json sai ở trường comments"),
    ("bad-date", {"decided_at": "hôm qua"}, None, "decision.json sai ở trường decided_at"),
    ("future", {"decided_at": "9999-01-01T00:00:00+00:00"}, None, "ở tương lai"),
    ("comment-object", {"comments": [{"text": {"x": 1}}]}, None, "comments.0.text"),
])
def test_malformed_decisions_are_refused_before_they_are_stored(scene: Scene, name: str, change: Any,
                                                                drop: str | None, needle: str) -> None:
    from cff_desktop.services.keys import device_key

    bad = forge(scene, name, device_key(scene.upper).key, decision=change, drop=drop)
    refused(scene, bad, "bad_manifest", needle)


def test_cli_refuses_a_self_signed_receipt_in_one_line(scene: Scene) -> None:
    from cff_desktop.services.keys import device_key

    bad = forge(scene, "own-cli", device_key(scene.commune).key, decision={"decision": "accepted"})
    scene.commune.close()
    before = dump(scene.commune)
    # the CLI process needs the device key too: the in-memory keyring of this test is not visible there,
    # so the refusal must come from the signer check, which needs no private key.
    p = run_cff(scene.commune.paths.home, "package", "import", str(bad))
    assert_refused(p, "không phải khóa của cấp trên")
    assert dump(scene.commune) == before

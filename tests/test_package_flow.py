"""Packages between real installations: sector data from the health station's laptop to the
clerk's, the dossier from the commune to the upper level, and faults of the target drive."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_package_damage import dump, laptop, listing, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.common.errors import CffError, StoreError
from cff_desktop.dossier.format import PackageRejected
from cff_desktop.services.keys import device_key


def _usb(tmp_path: Path, name: str = "usb") -> Path:
    p = tmp_path / name
    p.mkdir(exist_ok=True)
    return p


def _photo(path: Path, size: tuple[int, int] = (4000, 3000), seed: int = 1) -> Path:
    """A camera-sized JPEG with texture (noise compresses like a real photo, not like a flat fill)."""
    from PIL import Image

    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 60 + seed).resize(size)
    Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise)).save(path, "JPEG", quality=95)
    return path


@pytest.fixture
def two_laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The clerk's laptop and the health station's, both starting from the same demo round."""
    clerk = laptop(tmp_path, monkeypatch, "clerk")
    health = laptop(tmp_path, monkeypatch, "health")
    yield clerk, health
    clerk.close()
    health.close()


def _value(ws, iid: str) -> dict[str, Any]:
    row = ws.store.one("SELECT v.value, v.note, v.entered_at, o.name AS officer FROM value v"
                       " LEFT JOIN officer o ON o.id = v.officer_id WHERE indicator_id = ?", (iid,))
    assert row is not None
    return row | {"value": json.loads(row["value"])}


# --- sector data between laptops ------------------------------------------------------------------


def test_sector_data_lands_with_original_author_and_time(two_laptops, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package, import_package, plan_import
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    set_value(health, "7.1", "97/100", as_officer="Vi Thị Hồng", note="Sổ tiêm chủng tháng 10")
    set_value(health, "5.2", {"count": 1}, as_officer="Vi Thị Hồng")
    theirs = _value(health, "7.1")
    seen: list[tuple[int, int]] = []
    res = export_package(health, _usb(tmp_path), kind="sector-data", criteria=["5", "7", "8", "9"],
                         progress=lambda d, t: seen.append((d, t)))
    assert res.path.name.endswith(".cffpkg") and not res.encrypted
    assert seen[-1] == (1000, 1000) and all(a <= b for (a, _), (b, _) in itertools.pairwise(seen))
    # the clerk's laptop does not know the health laptop's key yet: refused, nothing written
    before = dump(clerk)
    with pytest.raises(PackageRejected) as e:
        import_package(clerk, res.path)
    assert e.value.code == "unknown_device" and "--device-of" in e.value.message and dump(clerk) == before
    # the clerk's own (demo) figures were entered here and never imported from that laptop: the
    # differing ones are conflicts for a person to resolve, never overwritten silently
    plan = plan_import(clerk, res.path, device_of="Vi Thị Hồng")
    assert sorted(c.indicator for c in plan.conflicts) == ["5.2", "7.1"] and not plan.apply
    assert dump(clerk) == before
    out = import_package(clerk, res.path, device_of="Vi Thị Hồng", resolutions={"5.2": "theirs", "7.1": "theirs"})
    assert out.applied == ["5.2", "7.1"] and out.kept_mine == [] and len(out.unchanged) == 4
    mine = _value(clerk, "7.1")
    assert mine["value"] == {"numerator": 97, "denominator": 100}
    assert (mine["officer"], mine["entered_at"], mine["note"]) == ("Vi Thị Hồng", theirs["entered_at"],
                                                                   "Sổ tiêm chủng tháng 10")
    audit = clerk.store.one("SELECT * FROM audit WHERE action = 'value.import' AND entity LIKE '%indicator:7.1'")
    assert audit["actor"].startswith("Vi Thị Hồng")
    assert json.loads(audit["new"])["entered_at"] == theirs["entered_at"]
    assert json.loads(audit["new"])["package"] == res.uuid
    row = clerk.store.one("SELECT * FROM package WHERE uuid = ?", (res.uuid,))
    assert row["direction"] == "in" and row["sha256"] == res.sha256
    from cff_desktop.services.audit import verify_chain

    assert verify_chain(clerk) is None
    # the same package again: a no-op success
    again = import_package(clerk, res.path)
    assert again.already and dump(clerk)["value"] == dump(clerk)["value"]


def test_a_value_the_clerk_changed_is_a_conflict_never_overwritten(two_laptops, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    set_value(clerk, "8.1", "1/100", as_officer="Hoàng Thị Mai")  # the clerk corrects a figure
    set_value(health, "8.1", "2/100", as_officer="Vi Thị Hồng")  # ... and so does the officer
    set_value(health, "7.1", "96/100", as_officer="Vi Thị Hồng")
    p = export_package(health, _usb(tmp_path), kind="sector-data", criteria="5,7,8,9").path
    before = dump(clerk)
    with pytest.raises(PackageRejected) as e:
        import_package(clerk, p, device_of="Vi Thị Hồng")
    assert e.value.code == "conflicts" and "8.1" in e.value.message and "--keep-mine 7.1,8.1" in e.value.message
    assert [c["indicator"] for c in e.value.details["conflicts"]] == ["7.1", "8.1"]
    assert dump(clerk) == before
    out = import_package(clerk, p, device_of="Vi Thị Hồng", resolutions={"8.1": "mine", "7.1": "theirs"})
    assert out.applied == ["7.1"] and out.kept_mine == ["8.1"]
    assert _value(clerk, "8.1")["value"] == {"numerator": 1, "denominator": 100}
    assert _value(clerk, "7.1")["value"] == {"numerator": 96, "denominator": 100}
    keep = clerk.store.one("SELECT * FROM audit WHERE action = 'value.conflict_keep'")
    assert json.loads(keep["old"])["rejected"]["value"] == {"numerator": 2, "denominator": 100}


def test_take_theirs_resolves_a_conflict(two_laptops, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    set_value(clerk, "8.1", "1/100", as_officer="Hoàng Thị Mai")
    set_value(health, "8.1", "2/100", as_officer="Vi Thị Hồng")
    p = export_package(health, _usb(tmp_path), kind="sector-data", criteria="8").path
    out = import_package(clerk, p, device_of="Vi Thị Hồng", resolutions={"8.1": "theirs"})
    assert out.applied == ["8.1"]
    assert _value(clerk, "8.1")["officer"] == "Vi Thị Hồng"


def test_older_package_after_a_newer_one_changes_nothing(two_laptops, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    usb = _usb(tmp_path)
    set_value(health, "7.1", "90/100", as_officer="Vi Thị Hồng")
    a = export_package(health, usb, kind="sector-data", criteria="7")
    set_value(health, "7.1", "95/100", as_officer="Vi Thị Hồng")
    b = export_package(health, usb, kind="sector-data", criteria="7")
    set_value(health, "7.1", "99/100", as_officer="Vi Thị Hồng")
    c = export_package(health, usb, kind="sector-data", criteria="7")
    assert b.supersedes == a.uuid and c.supersedes == b.uuid and c.manifest["chain"] == [a.uuid, b.uuid]
    import_package(clerk, c.path, device_of="Vi Thị Hồng", resolutions={"7.1": "theirs"})
    after_c = dump(clerk)
    for old in (a, b):
        res = import_package(clerk, old.path)
        assert res.superseded_by == c.uuid and not res.applied
        assert dump(clerk) == after_c
    assert _value(clerk, "7.1")["value"] == {"numerator": 99, "denominator": 100}


def test_import_is_all_or_nothing_when_the_database_fails_midway(two_laptops, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    for iid, v in (("7.1", "91/100"), ("9.1", "1500/1900"), ("5.2", {"count": 3})):
        set_value(health, iid, v, as_officer="Vi Thị Hồng")
    p = export_package(health, _usb(tmp_path), kind="sector-data", criteria="5,7,8,9").path
    real = clerk.store.audit
    calls = {"n": 0}

    def failing(*a: Any, **kw: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise StoreError("ổ đĩa đã đầy, chưa ghi được gì.", "test")
        return real(*a, **kw)

    monkeypatch.setattr(clerk.store, "audit", failing)
    before = dump(clerk)
    with pytest.raises(StoreError):
        import_package(clerk, p, device_of="Vi Thị Hồng", resolutions={"7.1": "theirs", "9.1": "theirs",
                                                                       "5.2": "theirs"})
    assert calls["n"] == 3 and dump(clerk) == before


def test_sector_data_needs_an_open_round_and_known_officers(two_laptops, tmp_path: Path) -> None:
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    set_value(health, "7.1", "92/100", as_officer="Vi Thị Hồng")
    p = export_package(health, _usb(tmp_path), kind="sector-data", criteria="7").path
    clerk.store.conn.execute("UPDATE officer SET name = 'Vi Thị Hồng Nhung' WHERE name = 'Vi Thị Hồng'")
    before = dump(clerk)
    with pytest.raises(PackageRejected) as e:
        import_package(clerk, p, device_of="Vi Thị Hồng")
    assert e.value.code == "unknown_officer" and "cff officer add" in e.value.message
    clerk.store.conn.execute("UPDATE officer SET name = 'Vi Thị Hồng' WHERE name = 'Vi Thị Hồng Nhung'")
    record_vote(clerk, votes_for=10, votes_against=0)
    close_meeting(clerk, conclusion="Đạt")
    before = dump(clerk)
    with pytest.raises(PackageRejected) as e:
        import_package(clerk, p)
    assert e.value.code == "round_closed" and dump(clerk) == before


def test_export_refusals_write_nothing(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package

    usb = _usb(tmp_path)
    before = dump(demo_ws)
    with pytest.raises(CffError, match="chưa kết thúc họp hội đồng"):
        export_package(demo_ws, usb)  # dossier of an open round
    with pytest.raises(CffError, match="không có tiêu chí '42'"):
        export_package(demo_ws, usb, kind="sector-data", criteria="7,42")
    with pytest.raises(CffError, match="loại gói"):
        export_package(demo_ws, usb, kind="receipt")
    with pytest.raises(CffError, match="không thấy thư mục đích"):
        export_package(demo_ws, tmp_path / "unplugged", kind="sector-data")
    assert dump(demo_ws) == before and listing(usb) == {}


# --- the target drive fails ------------------------------------------------------------------------


def _assert_nothing_complete(usb: Path) -> None:
    for f in usb.iterdir():
        assert not f.name.endswith(".cffpkg"), f
        assert f.name.endswith(".part"), f


@pytest.mark.parametrize("fault", ["full_on_write", "read_only", "removed_mid_write", "fsync_eio",
                                   "rename_fails", "full_before_start", "readback_mismatch"])
def test_target_drive_faults_leave_no_complete_looking_file(demo_ws, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    import cff_desktop.common.files as files
    import cff_desktop.dossier.writer as writer
    from cff_desktop.services.packages import export_package

    usb = _usb(tmp_path)
    device_key(demo_ws)  # first-run key creation is not the fault under test (os.* is patched globally)
    real_open = open

    class Stick(io.FileIO):
        """A file on a stick that fails after half of what is written reaches it."""

        def write(self, b: Any) -> int:
            n = len(b) // 2
            super().write(bytes(b[:n]))
            code = {"full_on_write": errno.ENOSPC, "read_only": errno.EROFS}.get(fault, errno.EIO)
            raise OSError(code, os.strerror(code))

    def fake_open(path: Any, mode: str = "r", *a: Any, **kw: Any):
        if "x" in mode and fault in ("full_on_write", "read_only", "removed_mid_write"):
            return Stick(path, "xb")
        return real_open(path, mode, *a, **kw)

    monkeypatch.setattr(files, "open", fake_open, raising=False)  # where the .part file is created
    if fault == "fsync_eio":
        monkeypatch.setattr(files.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    if fault == "rename_fails":
        monkeypatch.setattr(files.os, "replace",
                            lambda a, b: (_ for _ in ()).throw(OSError(errno.ENODEV, "No such device")))
    if fault == "full_before_start":
        monkeypatch.setattr(writer.shutil, "disk_usage", lambda p: type("U", (), {"free": 1000, "total": 10**9})())
    if fault == "readback_mismatch":
        monkeypatch.setattr(writer, "sha256_of", lambda p: "0" * 64)
    before = dump(demo_ws)
    with pytest.raises(StoreError) as e:
        export_package(demo_ws, usb, kind="sector-data", criteria="7")
    msg = e.value.message
    expected = {"full_on_write": "đầy", "read_only": "chỉ cho phép đọc", "removed_mid_write": "rút",
                "fsync_eio": "rút", "rename_fails": "rút", "full_before_start": "không đủ chỗ",
                "readback_mismatch": "không khớp"}[fault]
    assert expected in msg, msg
    _assert_nothing_complete(usb)
    assert dump(demo_ws) == before  # no package row, no audit row: nothing was sent


def test_stick_pulled_while_part_file_cannot_be_removed(demo_ws, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the stick is gone the .part cannot even be deleted: its name still says incomplete."""
    import cff_desktop.common.files as files
    from cff_desktop.services.packages import export_package

    usb = _usb(tmp_path)
    device_key(demo_ws)
    monkeypatch.setattr(files.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: (_ for _ in ()).throw(
        OSError(errno.EIO, "I/O error")))
    with pytest.raises(StoreError):
        export_package(demo_ws, usb, kind="sector-data", criteria="7")
    left = list(usb.iterdir())
    assert len(left) == 1 and left[0].name.endswith(".cffpkg." + left[0].name.split(".")[-2] + ".part")
    from cff_desktop.services.packages import inspect_package

    v = inspect_package(demo_ws, left[0])
    assert v.ok or v.code in ("truncated", "not_zip")  # whatever it holds, it is not offered as a package


# --- the dossier at the upper level -----------------------------------------------------------------


def test_dossier_with_evidence_encrypted_to_the_upper_level(demo_ws, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.evidence import attach
    from cff_desktop.services.keys import generate_upper, import_upper
    from cff_desktop.services.packages import export_package, import_package, verify_package
    from cff_desktop.services.workspace import open_workspace

    commune_paths = demo_ws.paths
    a = attach(demo_ws, "7", _photo(tmp_path / "so-tiem-chung.jpg"), "Vi Thị Hồng")
    b = attach(demo_ws, "1", _photo(tmp_path / "quyet-dinh.jpg", seed=2), "Hoàng Thị Mai")
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đạt")
    monkeypatch.setenv("CFF_HOME", str(tmp_path / "province"))
    province = open_workspace(create=True)
    up = generate_upper(province, tmp_path / "tinh-lang-son.pub")
    info = import_upper(demo_ws, (tmp_path / "tinh-lang-son.pub").read_text())
    assert info["fingerprint"] == up["fingerprint"] and demo_ws.paths == commune_paths
    usb = _usb(tmp_path)
    res = export_package(demo_ws, usb)
    assert res.encrypted and res.recipient_fingerprint == up["fingerprint"]
    with zipfile.ZipFile(res.path) as z:
        assert sorted(z.namelist()) == ["manifest.json", "payload.age", "signature"]
        m = json.loads(z.read("manifest.json"))
        assert "Hoàng Đồng" in z.read("manifest.json").decode()  # readable without the key
        assert z.read("payload.age").startswith(b"age-encryption.org/v1")
    assert m["snapshot_sha256"] == demo_ws.store.one("SELECT sha256 FROM snapshot")["sha256"]
    inner = {p["path"] for p in m["payload"]}
    assert {"payload/snapshot.json", "payload/audit.json", "payload/evidence.json",
            f"payload/evidence/{a['sha256']}", f"payload/evidence/{b['sha256']}"} <= inner
    # the commune checks integrity, the province reads it (after trusting the commune's key)
    assert verify_package(demo_ws, res.path).readable is False
    v = verify_package(province, res.path, trust=True)
    assert v.readable and v.summary["recognized"] is True and v.summary["evidence"] == 2
    got = import_package(province, res.path)
    stored = Path(got.stored_path)
    assert stored.is_file() and stored.read_bytes() == res.path.read_bytes()
    assert import_package(province, res.path).already
    row = province.store.one("SELECT * FROM package")
    assert row["direction"] == "in" and row["round_id"] is None
    out = demo_ws.store.one("SELECT * FROM package WHERE direction = 'out'")
    assert out["uuid"] == res.uuid and out["path"] == str(res.path)
    province.close()


def test_dossier_without_upper_key_is_signed_but_not_encrypted(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.packages import export_package, verify_package

    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đạt")
    res = export_package(demo_ws, _usb(tmp_path))
    assert not res.encrypted
    v = verify_package(demo_ws, res.path)
    assert v.readable and v.summary["total"] is not None
    snap = json.loads(zipfile.ZipFile(res.path).read("payload/snapshot.json"))
    assert snap["commune"]["name"] == "Xã Hoàng Đồng"


def test_upper_key_from_text_read_out_and_a_misheard_character(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.dossier import crypto
    from cff_desktop.services.keys import import_upper, upper_recipient

    rec = crypto.recipient_of(crypto.new_identity())
    spoken = " ".join(rec[i:i + 4].upper() for i in range(0, len(rec), 4))
    assert import_upper(demo_ws, spoken)["recipient"] == rec
    assert upper_recipient(demo_ws)["fingerprint"] == crypto.recipient_fingerprint(rec)
    wrong = rec[:-1] + ("q" if rec[-1] != "q" else "p")
    with pytest.raises(CffError, match="sai mã kiểm tra"):
        import_upper(demo_ws, wrong)
    with pytest.raises(CffError, match="age1"):
        import_upper(demo_ws, "age1xyz")
    assert upper_recipient(demo_ws)["recipient"] == rec


@pytest.mark.slow  # each age passphrase operation is ~1.4 s of scrypt, on purpose
def test_passphrase_protected_upper_key(tmp_path: Path, cff_home: Path) -> None:
    from cff_desktop.services.keys import generate_upper, upper_identity
    from cff_desktop.storage.paths import data_paths

    paths = data_paths()
    info = generate_upper(paths, tmp_path / "pub.txt", private_file=tmp_path / "secret.age",
                          passphrase="mật khẩu dài")
    assert info["store"] == "file" and b"AGE-SECRET" not in (tmp_path / "secret.age").read_bytes()
    ident = upper_identity(paths, tmp_path / "secret.age", "mật khẩu dài")
    from cff_desktop.dossier import crypto

    assert crypto.recipient_of(ident) == info["recipient"]
    with pytest.raises(CffError, match="sai mật khẩu"):
        upper_identity(paths, tmp_path / "secret.age", "sai rồi sai rồi")
    with pytest.raises(CffError, match="ít nhất 8"):
        generate_upper(paths, tmp_path / "pub2.txt", private_file=tmp_path / "s2.age", passphrase="123")
    assert not (tmp_path / "pub2.txt").exists() and not (tmp_path / "s2.age").exists()
    keyfile = json.loads((cff_home / "keys.json").read_text())
    assert "AGE-SECRET" not in json.dumps(keyfile)


def test_keyring_unavailable_is_a_clear_refusal(demo_ws, tmp_path: Path) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from cff_desktop.services.packages import export_package

    keyring.set_keyring(FailKeyring())
    with pytest.raises(StoreError, match="kho khóa"):
        export_package(demo_ws, _usb(tmp_path), kind="sector-data")


@pytest.mark.parametrize("recognized", [True, False])
def test_dossier_carries_the_printed_papers(demo_ws, tmp_path: Path, recognized: bool) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("cff_desktop.services.printing")
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.packages import export_package
    from cff_desktop.services.scoring import set_override

    if not recognized:
        set_override(demo_ws, "12", 0, "Điểm vui chơi các thôn đều xuống cấp")
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đạt")
    res = export_package(demo_ws, _usb(tmp_path))
    docs = res.manifest["summary"]["documents"]
    assert len(docs) == (1 if recognized else 3)
    with zipfile.ZipFile(res.path) as z:
        for name in docs:
            reader = pypdf.PdfReader(io.BytesIO(z.read(f"payload/documents/{name}")))
            assert len(reader.pages) >= 1
            assert "Hoàng Đồng" in "".join(page.extract_text() or "" for page in reader.pages)

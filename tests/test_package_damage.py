"""Real packages from the demo, damaged in every way the issue lists; each verdict is checked,
and so is that nothing was written (database rows and the target folder unchanged)."""

from __future__ import annotations

import json
import sqlite3
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import using_memory_keyring

from cff_desktop.common.errors import CffError
from cff_desktop.dossier import crypto
from cff_desktop.dossier.format import PackageRejected
from cff_desktop.dossier.package import PayloadFile, build

# --- helpers -----------------------------------------------------------------------------------




@pytest.fixture(autouse=True)
def memory_keyring() -> Any:
    with using_memory_keyring() as kr:
        yield kr


def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, **demo: Any):
    """Another installation (its own data folder, database and device key) holding a demo round."""
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / name))
    ws = open_workspace(create=True)
    create_demo(ws, **demo)
    return ws


def dump(ws) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(ws.paths.db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite(src: Path, dst: Path, *, drop: str | None = None, replace: dict[str, bytes] | None = None,
            add: dict[str, bytes] | None = None) -> Path:
    """Copy a package member by member, changing what the test asks (a real ZIP again)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def flip(data: bytes, at: int | None = None) -> bytes:
    i = len(data) // 2 if at is None else at
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


@pytest.fixture
def sector(demo_ws, tmp_path: Path) -> Path:
    """A sector-data package of criteria 5, 7, 8, 9 exported from the demo."""
    from cff_desktop.services.packages import export_package

    usb = tmp_path / "usb"
    usb.mkdir()
    return export_package(demo_ws, usb, kind="sector-data", criteria="5,7,8,9").path


def verdict(ws, path: Path, **kw: Any) -> PackageRejected:
    from cff_desktop.services.packages import verify_package

    with pytest.raises(PackageRejected) as e:
        verify_package(ws, path, **kw)
    return e.value


def refused_import(ws, path: Path, code: str, **kw: Any) -> PackageRejected:
    """Import refuses with ``code`` and writes nothing to the database."""
    from cff_desktop.services.packages import import_package

    before = dump(ws)
    with pytest.raises(PackageRejected) as e:
        import_package(ws, path, **kw)
    assert e.value.code == code, e.value
    assert dump(ws) == before
    return e.value


# --- intact --------------------------------------------------------------------------------------


def test_intact_package_verifies_and_says_who_signed_it(demo_ws, sector: Path) -> None:
    from cff_desktop.services.keys import device_info
    from cff_desktop.services.packages import verify_package

    v = verify_package(demo_ws, sector)
    assert v.ok and v.kind == "sector-data" and v.criteria == ["5", "7", "8", "9"]
    assert v.signer == device_info(demo_ws)["fingerprint"]
    assert v.commune["name"] == "Xã Hoàng Đồng" and v.year == 2024
    assert [c["path"] for c in v.contents] == ["payload/values.json"]
    with zipfile.ZipFile(sector) as z:
        m = json.loads(z.read("manifest.json"))
    assert m["format"] == "cffpkg" and m["format_version"] == 2 and m["kind"] == "sector-data"
    for key in ("uuid", "commune", "round", "ruleset", "created_at", "app_version", "device", "supersedes"):
        assert key in m


# --- damage to the members --------------------------------------------------------------------------


def test_a_flipped_byte_in_any_member_is_refused(demo_ws, sector: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(sector) as z:
        names = z.namelist()
        contents = {n: z.read(n) for n in names}
    assert set(names) == {"manifest.json", "signature", "payload/values.json"}
    expected = {"manifest.json": {"bad_signature", "bad_manifest"}, "signature": {"bad_signature"},
                "payload/values.json": {"tampered"}}
    for n in names:
        for at in (0, len(contents[n]) // 2, len(contents[n]) - 2):
            name = f"flip-{n.replace('/', '_')}-{at}.cffpkg"
            bad = rewrite(sector, tmp_path / name, replace={n: flip(contents[n], at)})
            assert verdict(demo_ws, bad).code in expected[n], (n, at)


def test_a_flipped_byte_anywhere_in_the_file_is_refused(demo_ws, sector: Path, tmp_path: Path) -> None:
    raw = sector.read_bytes()
    for at in range(0, len(raw), max(1, len(raw) // 60)):
        bad = tmp_path / "raw-flip.cffpkg"
        bad.write_bytes(flip(raw, at))
        try:
            from cff_desktop.services.packages import verify_package

            verify_package(demo_ws, bad)
        except CffError:
            continue
        # Only bytes no reader looks at (ZIP header fields like timestamps) may change harmlessly;
        # every member still matches its signed hash then.
        with zipfile.ZipFile(bad) as z:
            assert {n: z.read(n) for n in z.namelist()} == {n: zipfile.ZipFile(sector).read(n)
                                                           for n in z.namelist()}, at


def test_member_added_or_removed(demo_ws, sector: Path, tmp_path: Path) -> None:
    added = rewrite(sector, tmp_path / "added.cffpkg", add={"payload/extra.json": b"{}"})
    e = verdict(demo_ws, added)
    assert e.code == "extra_member" and "payload/extra.json" in e.message
    removed = rewrite(sector, tmp_path / "removed.cffpkg", drop="payload/values.json")
    e = verdict(demo_ws, removed)
    assert e.code == "missing_member" and "payload/values.json" in e.message
    assert verdict(demo_ws, rewrite(sector, tmp_path / "nosig.cffpkg", drop="signature")).code == "bad_signature"
    assert verdict(demo_ws, rewrite(sector, tmp_path / "noman.cffpkg", drop="manifest.json")).code == "missing_member"


def test_manifest_edited_after_signing(demo_ws, sector: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(sector) as z:
        m = json.loads(z.read("manifest.json"))
    m["round"]["year"] = 2022
    body = json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2).encode()
    e = verdict(demo_ws, rewrite(sector, tmp_path / "edited.cffpkg", replace={"manifest.json": body}))
    assert e.code == "bad_signature" and "manifest" in e.message
    # editing a member and its hash in the manifest together still breaks the signature
    with zipfile.ZipFile(sector) as z:
        values = json.loads(z.read("payload/values.json"))
    values["values"]["7.1"]["value"] = {"numerator": 1, "denominator": 1}
    new = json.dumps(values).encode()
    import hashlib

    m = json.loads(zipfile.ZipFile(sector).read("manifest.json"))
    for lst in (m["members"], m["payload"]):
        lst[0].update(sha256=hashlib.sha256(new).hexdigest(), size=len(new))
    body = json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2).encode()
    e = verdict(demo_ws, rewrite(sector, tmp_path / "both.cffpkg",
                                 replace={"manifest.json": body, "payload/values.json": new}))
    assert e.code == "bad_signature"


def test_signature_from_an_unknown_key(demo_ws, sector: Path, tmp_path: Path) -> None:
    other = crypto.new_signing_key()
    with zipfile.ZipFile(sector) as z:
        body = z.read("manifest.json")
    # a signature by another key over the genuine manifest: does not match the key it names
    forged = rewrite(sector, tmp_path / "forged.cffpkg", replace={"signature": crypto.sign(other, body)})
    assert verdict(demo_ws, forged).code == "bad_signature"
    # a manifest naming the other key, correctly signed by it: a stranger's package
    m = json.loads(body)
    pub = crypto.public_key_text(other)
    m["device"].update(public_key=pub, fingerprint=crypto.key_fingerprint(pub))
    body2 = json.dumps(m, ensure_ascii=False, sort_keys=True, indent=2).encode()
    stranger = rewrite(sector, tmp_path / "stranger.cffpkg",
                       replace={"manifest.json": body2, "signature": crypto.sign(other, body2)})
    e = verdict(demo_ws, stranger)
    assert e.code == "unknown_key" and crypto.key_fingerprint(pub) in e.message
    # the service says what to do in words for both front ends; the CLI and the window add their own way
    assert e.remedy == "trust_device" and "tin máy này" in e.message and "--" not in e.message
    # importing sector data, the question is whose laptop it is (an officer's registered device)
    e = refused_import(demo_ws, stranger, "unknown_device")
    assert crypto.key_fingerprint(pub) in e.message and "--device-of" in e.message


def test_another_communes_or_rounds_package(demo_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.packages import export_package

    usb = tmp_path / "usb"
    usb.mkdir()
    other = laptop(tmp_path, monkeypatch, "other-commune", commune="Xã Tả Van", province="Lào Cai", code="99002")
    p = export_package(other, usb, kind="sector-data", criteria="7").path
    e = refused_import(demo_ws, p, "other_commune", trust=True)
    assert "Xã Tả Van" in e.message
    older = laptop(tmp_path, monkeypatch, "other-round", year=2022)
    p = export_package(older, usb, kind="sector-data", criteria="7").path
    e = refused_import(demo_ws, p, "other_round", trust=True)
    assert "2022" in e.message
    other.close()
    older.close()


def test_unknown_rule_set_says_which_to_import(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.keys import device_key

    dev = device_key(demo_ws)
    header = {"uuid": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "kind": "sector-data",
              "commune": {"code": "", "name": "Xã Hoàng Đồng", "province": "Lạng Sơn"}, "round": {"year": 2024},
              "ruleset": {"id": "qd06-2019", "version": "2026.1", "sha256": "ab" * 32},
              "created_at": "2026-01-01T00:00:00+00:00", "app_version": "9", "device": {"id": dev.device_id},
              "supersedes": None, "chain": [], "criteria": ["7"]}
    out = tmp_path / "newer-rules.cffpkg"
    build(out, header, [PayloadFile("values.json", data=b'{"values": {}}')], dev.key, None, tmp_path)
    e = verdict(demo_ws, out)
    assert e.code == "unknown_ruleset"
    assert "qd06-2019 phiên bản 2026.1" in e.message and e.remedy == "import_ruleset" and "cff " not in e.message


# --- hostile ZIPs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("evil", ["../evil.txt", "payload/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt",
                                  "payload\\..\\evil.txt"])
def test_zip_slip_names_are_refused_before_anything_is_read(demo_ws, sector: Path, tmp_path: Path,
                                                            evil: str) -> None:
    bad = rewrite(sector, tmp_path / "slip.cffpkg", add={evil: b"owned"})
    e = verdict(demo_ws, bad)
    assert e.code == "unsafe_member" and "không an toàn" in e.message
    refused_import(demo_ws, bad, "unsafe_member")
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


def test_symlink_member_is_refused(demo_ws, sector: Path, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("payload/link")
    link.external_attr = 0o120777 << 16  # S_IFLNK, as `zip --symlinks` writes it
    bad = rewrite(sector, tmp_path / "symlink.cffpkg")
    with zipfile.ZipFile(bad, "a") as z:
        z.writestr(link, "/etc/passwd")
    e = verdict(demo_ws, bad)
    assert e.code == "unsafe_member" and "symlink" in e.message


def test_zip_bomb_by_ratio_and_by_declared_size(demo_ws, sector: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.cffpkg"
    with zipfile.ZipFile(sector) as zin, zipfile.ZipFile(bomb, "w") as z:
        for info in zin.infolist():
            z.writestr(info, zin.read(info))
        info = zipfile.ZipInfo("payload/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as f:
            for _ in range(64):
                f.write(bytes(1024 * 1024))  # 64 MiB of zeros: ~64 kB compressed, ratio ~1000
    assert bomb.stat().st_size < 1024 * 1024
    e = verdict(demo_ws, bomb)
    assert e.code == "too_large" and "zip bomb" in e.message
    # A header that claims a huge size (here 4 GB) is refused before a byte is inflated.
    raw = bytearray(sector.read_bytes())
    cd = raw.rfind(b"PK\x01\x02")  # the last central directory entry
    struct.pack_into("<I", raw, cd + 24, 0xFFFFFFF0)
    lying = tmp_path / "lying.cffpkg"
    lying.write_bytes(bytes(raw))
    assert verdict(demo_ws, lying).code == "too_large"
    # The total is limited too: many members within the ratio that add up past the limit.
    from cff_desktop.dossier.format import Limits
    from cff_desktop.dossier.package import open_package

    with pytest.raises(PackageRejected) as ex:
        open_package(sector, is_trusted=lambda *_: True, limits=Limits(max_total=100))
    assert ex.value.code == "too_large"


def test_truncated_empty_and_not_a_zip(demo_ws, sector: Path, tmp_path: Path) -> None:
    raw = sector.read_bytes()
    for cut in (len(raw) // 2, len(raw) - 10, 30):
        t = tmp_path / f"cut-{cut}.cffpkg"
        t.write_bytes(raw[:cut])
        e = verdict(demo_ws, t)
        assert e.code == "truncated" and "Chép lại" in e.message
    empty = tmp_path / "empty.cffpkg"
    empty.write_bytes(b"")
    assert verdict(demo_ws, empty).code == "truncated"
    text = tmp_path / "notes.cffpkg"
    text.write_text("Biên bản họp hội đồng", "utf-8")
    e = verdict(demo_ws, text)
    assert e.code == "not_zip" and "không phải gói" in e.message
    assert verdict(demo_ws, tmp_path).code == "not_zip"  # a folder
    assert verdict(demo_ws, tmp_path / "missing.cffpkg").code == "not_zip"
    refused_import(demo_ws, text, "not_zip")


def test_newer_format_version_says_to_upgrade(demo_ws, sector: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(sector) as z:
        m = json.loads(z.read("manifest.json"))
    m["format_version"] = 99
    e = verdict(demo_ws, rewrite(sector, tmp_path / "v99.cffpkg",
                                 replace={"manifest.json": json.dumps(m).encode()}))
    assert e.code == "format_version" and "phiên bản cff_desktop mới hơn" in e.message


# --- encryption ---------------------------------------------------------------------------------------


def _closed_with_upper(ws, tmp_path: Path, upper_public: str):
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.keys import import_upper

    import_upper(ws, upper_public)
    record_vote(ws, votes_for=10, votes_against=0)
    close_meeting(ws, conclusion="Đạt")


def test_package_encrypted_to_a_different_key(demo_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.keys import generate_upper
    from cff_desktop.services.packages import export_package, verify_package
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / "province"))
    province = open_workspace(create=True)
    mine = generate_upper(province, tmp_path / "province.pub")
    stranger = crypto.new_identity()
    _closed_with_upper(demo_ws, tmp_path, crypto.recipient_of(stranger))
    usb = tmp_path / "usb"
    usb.mkdir()
    p = export_package(demo_ws, usb).path
    e = verdict(province, p, trust=True)
    assert e.code == "wrong_recipient" and mine["fingerprint"] in e.message
    before = dump(province)
    from cff_desktop.services.packages import import_package

    with pytest.raises(PackageRejected):
        import_package(province, p, trust=True)
    assert dump(province) == before and not (province.paths.home / "inbox").exists()
    # the commune (no private key) can still check integrity without reading the payload
    v = verify_package(demo_ws, p)
    assert v.ok and v.encrypted and not v.readable
    province.close()

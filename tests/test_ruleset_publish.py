"""The upper level publishes the official table it imported; communes get it by sync or by USB.

The commune sees who signed it before anything is installed, installs only what the signature,
the hashes, the schema and the arithmetic vouch for, and a tampered package changes nothing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sync_helpers import District
from test_package_damage import dump, laptop, memory_keyring  # noqa: F401  (fixture)
from test_sync_flow import enrol, passes

from cff_desktop.dossier.format import PackageRejected
from cff_desktop.services import keys
from cff_desktop.services import rulesets as rs_svc
from cff_desktop.services.packages import import_package, inspect_package
from cff_desktop.services.ruleset_package import export_ruleset_package, publish_to_inbox


def upper_with_official_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A province that entered the official table from the Excel workbook (7.1's top band at 99 %)."""
    from cff_desktop.rules import spreadsheet
    from cff_desktop.services.district import init_area
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(tmp_path / "tinh"))
    ws = open_workspace(create=True)
    init_area(ws, name="Tỉnh Lạng Sơn", level="province", province="Lạng Sơn", signer_name="Hoàng Văn Bình")
    book = tmp_path / "bang.xlsx"
    book.write_bytes(spreadsheet.template_bytes(ws.library.get("qd06-2019")))
    wb = load_workbook(book)
    sheet = wb["Chỉ số và mức điểm"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "7.1")
    sheet.cell(row, 10).value = 99
    wb.save(book)
    rs, new = rs_svc.import_file(ws.library, book, version="2019.5")
    assert new and rs.indicators["7.1"].bands[0].bound == 99
    return ws, rs


def folder(ws) -> dict[str, bytes]:
    d = ws.paths.rulesets
    return {p.name: p.read_bytes() for p in sorted(d.glob("*"))} if d.exists() else {}


def test_by_usb_the_commune_sees_the_signer_then_installs(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    upper, rs = upper_with_official_table(tmp_path, monkeypatch)
    usb = tmp_path / "usb"
    usb.mkdir()
    pkg = export_ruleset_package(upper, rs, usb)
    assert pkg.parent == usb and pkg.name.startswith("cff-bo-tieu-chi-qd06-2019-2019.5-")
    signer = keys.device_info(upper)["fingerprint"]

    commune = laptop(tmp_path, monkeypatch, "xa", commune="Xã Hoàng Đồng")
    before = (dump(commune), folder(commune))
    seen = inspect_package(commune, pkg)  # what the import screen shows before anything is installed
    assert (seen.ok, seen.code, seen.signer) == (False, "unknown_key", signer)
    with pytest.raises(PackageRejected) as e:
        import_package(commune, pkg)
    assert e.value.code == "unknown_key" and signer in e.value.message
    assert (dump(commune), folder(commune)) == before

    res = import_package(commune, pkg, trust=True)  # after comparing the fingerprint by phone
    assert not res.already and "Đã cài bộ tiêu chí qd06-2019 2019.5 do cấp trên phát hành" in res.message()
    got = commune.library.get("qd06-2019", "2019.5")
    assert got.sha256 == rs.sha256
    assert (commune.paths.rulesets / "qd06-2019-2019.5.json").read_bytes() == Path(rs.source).read_bytes()
    audit = commune.store.one("SELECT actor, new FROM audit WHERE action = 'ruleset.install'")
    assert json.loads(audit["new"])["signer"] == signer
    assert json.loads(audit["new"])["publisher"] == "Tỉnh Lạng Sơn"
    from cff_desktop.services.rounds import get_round

    assert get_round(commune).ruleset.version == "2019.2"  # installing never moves the round
    assert import_package(commune, pkg, trust=True).already
    assert inspect_package(commune, pkg).ok  # the signer is now known
    # the commune may then move its open round, explicitly
    rs_svc.switch(commune, got, reason="Quyết định 45/QĐ-UBND của tỉnh")
    assert get_round(commune).ruleset.sha256 == rs.sha256


def _rezip(src: Path, out: Path, change: Any) -> Path:
    with zipfile.ZipFile(src) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    change(members)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out


def _signed_by_upper(upper, rs, usb: Path, **changes: Any) -> Path:
    """A package built and signed with the upper level's real key, but with a forged content."""
    import shutil
    import tempfile
    import uuid

    from cff_desktop import __version__
    from cff_desktop.dossier.package import PayloadFile, build
    from cff_desktop.storage.db import now_iso

    dev = keys.device_key(upper)
    data = changes["data"] if "data" in changes else Path(rs.source).read_bytes()
    header = {"uuid": str(uuid.uuid4()), "kind": "ruleset", "commune": {"code": "", "name": "Tỉnh Lạng Sơn",
              "province": "Lạng Sơn"}, "round": {"year": 2026},
              "ruleset": {"id": rs.id, "version": changes.get("version", rs.version), "sha256": rs.sha256},
              "created_at": now_iso(), "app_version": __version__, "device": {"id": dev.device_id},
              "supersedes": None, "chain": []}
    work = Path(tempfile.mkdtemp())
    try:
        built = build(work / "p.cffpkg", header, [PayloadFile("ruleset.json", data)], dev.key, None, work)
        out = usb / f"gia-{header['uuid'][:8]}.cffpkg"
        shutil.copy(built.path, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def test_a_tampered_or_forged_package_is_refused_and_nothing_installed(tmp_path: Path, monkeypatch,
                                                                        memory_keyring) -> None:  # noqa: F811
    upper, rs = upper_with_official_table(tmp_path, monkeypatch)
    usb = tmp_path / "usb"
    usb.mkdir()
    pkg = export_ruleset_package(upper, rs, usb)
    raw = json.loads(Path(rs.source).read_text("utf-8"))
    raw["criteria"][6]["indicators"][0]["bands"][0]["at_least"] = 90  # an easier top band
    easier = json.dumps(raw, ensure_ascii=False).encode()

    def swap_payload(m: dict[str, bytes]) -> None:
        m["payload/ruleset.json"] = easier

    def bump_version(m: dict[str, bytes]) -> None:
        man = json.loads(m["manifest.json"])
        man["ruleset"]["version"] = "2019.6"
        m["manifest.json"] = json.dumps(man).encode()

    cases = [
        (_rezip(pkg, tmp_path / "doi-noi-dung.cffpkg", swap_payload), "tampered"),
        (_rezip(pkg, tmp_path / "doi-manifest.cffpkg", bump_version), "bad_signature"),
        # a valid key does not make a forged content acceptable:
        (_signed_by_upper(upper, rs, usb, data=easier), "tampered"),          # bytes ≠ the signed hash
        (_signed_by_upper(upper, rs, usb, version="2019.7"), "tampered"),     # names another version
    ]
    broken = dict(raw)
    broken["max_total"] = 900
    bad_bytes = json.dumps(broken).encode()
    import hashlib

    class Fake:  # a rule set whose own hash is signed but whose arithmetic is wrong
        id, version, source = rs.id, rs.version, ""
        sha256 = hashlib.sha256(bad_bytes).hexdigest()
    cases.append((_signed_by_upper(upper, Fake, usb, data=bad_bytes), "bad_manifest"))

    commune = laptop(tmp_path, monkeypatch, "xa", commune="Xã Hoàng Đồng")
    import_package(commune, export_ruleset_package(upper, upper.library.get("qd06-2019", "2019.2"), tmp_path),
                   trust=True)  # the upper level's key is trusted here (an earlier, genuine package)
    before = (dump(commune), folder(commune))
    for path, code in cases:
        with pytest.raises(PackageRejected) as e:
            import_package(commune, path)
        assert e.value.code == code, (path.name, e.value.code, e.value.message)
        assert (dump(commune), folder(commune)) == before, path.name


def test_by_sync_the_published_table_reaches_the_commune(tmp_path: Path, monkeypatch, memory_keyring) -> None:  # noqa: F811
    from cff_desktop.services.sync import install_ruleset, status

    _upper, rs = upper_with_official_table(tmp_path, monkeypatch)
    district = District(tmp_path / "hop-thu")
    try:
        body = publish_to_inbox(rs, district.data)
        assert body["ruleset"]["sha256"] == rs.sha256
        commune = laptop(tmp_path, monkeypatch, "xa", commune="Xã Hoàng Đồng")
        enrol(commune, district.url, district)
        report = passes(commune)
        assert [(r["id"], r["version"], r["sha256"]) for r in report.rulesets] == [("qd06-2019", "2019.5", rs.sha256)]
        assert not status(commune)["rulesets"][0]["installed"]  # offered, not installed
        assert install_ruleset(commune, rs.sha256[:12])["new"]
        assert commune.library.get("qd06-2019", "2019.5").sha256 == rs.sha256
    finally:
        district.stop()


def test_publish_and_install_from_the_command_line(tmp_path: Path, monkeypatch) -> None:
    """`cff rulesets publish --to USB` at the upper level, `cff package verify/import` at the commune."""
    from cli_helpers import assert_refused, folder_state, ok, run_cff

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    tinh, xa, usb = tmp_path / "tinh", tmp_path / "xa", tmp_path / "usb"
    usb.mkdir()
    ok(run_cff(tinh, "district", "init", "--name", "Tỉnh Lạng Sơn", "--level", "province", "--province",
               "Lạng Sơn"))
    assert_refused(run_cff(tinh, "rulesets", "publish", "qd06-2019"), "--to/--inbox", "chọn nơi phát hành")
    assert_refused(run_cff(tinh, "rulesets", "publish", "qd06-2019", "--to", str(tmp_path / "khong-co")),
                   "không thấy thư mục đích")
    assert_refused(run_cff(tinh, "rulesets", "publish", "qd34-2014@2014.3", "--to", str(usb)),
                   "không có bộ tiêu chí 'qd34-2014 2014.3'")
    from cff_desktop.common.resources import resource_dir

    doc = json.loads(resource_dir("rulesets", "qd34-2014.json").read_text("utf-8"))
    doc["version"] = "2014.3"
    src = tmp_path / "qd34-tinh.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    ok(run_cff(tinh, "rulesets", "import", str(src)))
    out = ok(run_cff(tinh, "rulesets", "publish", "qd34-2014@2014.3", "--to", str(usb)))
    assert "Đã ghi gói bộ tiêu chí qd34-2014 2014.3 có chữ ký" in out
    [pkg] = usb.glob("*.cffpkg")
    ok(run_cff(xa, "demo", "create"))
    seen = json.loads(run_cff(xa, "package", "verify", str(pkg), "--json").stdout)
    signer = json.loads(ok(run_cff(tinh, "keys", "show", "--json")))["device"]["fingerprint"]
    assert (seen["code"], seen["signer"], seen["commune"]["name"]) == ("unknown_key", signer, "Tỉnh Lạng Sơn")
    before = folder_state(xa)
    assert_refused(run_cff(xa, "package", "import", str(pkg)), "máy lạ", "--trust")
    assert folder_state(xa) == before
    assert "Đã cài bộ tiêu chí qd34-2014 2014.3" in ok(run_cff(xa, "package", "import", str(pkg), "--trust"))
    shown = json.loads(ok(run_cff(xa, "rulesets", "show", "qd34-2014", "--json")))
    assert shown == doc
    assert "đã được nhập trước đây" in ok(run_cff(xa, "package", "import", str(pkg)))

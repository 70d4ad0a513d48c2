"""A signed package is still only what its sender wrote: hostile containers and members, each refused.

Every package here is signed with a real device key, so the signature passes and the check that
refuses it is the one under test: the ZIP layout (junk before, two archives glued together,
bytes after), a duplicate JSON key in the manifest, and payload members of the wrong shape
(``snapshot.json = []``, ``total: "lots"``, ``entered_at: "not a date"``, a note that is an object,
a decision whose comments are a string). Each refusal is checked for its message and for the
database and folders being exactly as before.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, run_cff
from test_package_damage import dump, listing, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.dossier.format import PackageRejected
from cff_desktop.dossier.package import PayloadFile, build


def _usb(tmp_path: Path, name: str = "usb") -> Path:
    p = tmp_path / name
    p.mkdir(exist_ok=True)
    return p


@pytest.fixture
def dossier(demo_ws, tmp_path: Path) -> Path:
    """The demo's real dossier after the council closed (signed by the demo laptop, not encrypted)."""
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.packages import export_package

    record_vote(demo_ws, votes_for=9, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    return export_package(demo_ws, _usb(tmp_path)).path


def resign(ws, src: Path, dst: Path, *, manifest: dict[str, Any] | None = None,
           payload: dict[str, bytes] | None = None) -> Path:
    """Rebuild ``src`` with some payload files replaced, signed again with this laptop's real key."""
    from cff_desktop.services.keys import device_key

    with zipfile.ZipFile(src) as z:
        m = json.loads(z.read("manifest.json"))
        files = {i.filename[len("payload/"):]: z.read(i) for i in z.infolist() if i.filename.startswith("payload/")}
    files.update(payload or {})
    header = {k: v for k, v in (manifest or m).items()
              if k not in ("members", "payload", "encryption", "format", "format_version")}
    dev = device_key(ws)
    work = dst.parent / (dst.name + ".work")
    work.mkdir()
    build(dst, header, [PayloadFile(n, data=d) for n, d in files.items()], dev.key, None, work)
    work.rmdir()
    return dst


def verify_refused(ws, path: Path, code: str, *needles: str) -> PackageRejected:
    from cff_desktop.services.packages import verify_package

    before = dump(ws)
    with pytest.raises(PackageRejected) as e:
        verify_package(ws, path)
    assert e.value.code == code, e.value
    for n in needles:
        assert n in e.value.message, e.value.message
    assert "\n" not in str(e.value)
    assert dump(ws) == before
    return e.value


# --- the container ---------------------------------------------------------------------------------

def test_junk_before_the_zip_is_refused(demo_ws, dossier: Path, tmp_path: Path) -> None:
    bad = _usb(tmp_path, "bad") / "junk-before.cffpkg"
    bad.write_bytes(b"MZ\x90\x00 self-extractor stub " * 10 + dossier.read_bytes())
    assert zipfile.is_zipfile(bad)  # Python's zipfile alone would open it
    verify_refused(demo_ws, bad, "not_zip", "dữ liệu lạ trước phần ZIP")


def test_two_zips_concatenated_are_refused(demo_ws, dossier: Path, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package

    other = export_package(demo_ws, _usb(tmp_path, "usb2"), kind="sector-data", criteria="5").path
    bad = _usb(tmp_path, "bad") / "two.cffpkg"
    bad.write_bytes(dossier.read_bytes() + other.read_bytes())
    with zipfile.ZipFile(bad) as z:
        assert "payload/values.json" in z.namelist()  # zipfile reads the second archive
    verify_refused(demo_ws, bad, "not_zip", "mục lục ZIP")


def test_bytes_after_the_zip_are_refused(demo_ws, dossier: Path, tmp_path: Path) -> None:
    bad = _usb(tmp_path, "bad") / "trailing.cffpkg"
    bad.write_bytes(dossier.read_bytes() + b"PK\x05\x06" + b"\0" * 18)
    verify_refused(demo_ws, bad, "not_zip")
    with_comment = _usb(tmp_path, "bad") / "comment.cffpkg"
    with zipfile.ZipFile(dossier) as zin, zipfile.ZipFile(with_comment, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.comment = b"hidden"
    verify_refused(demo_ws, with_comment, "not_zip", "sau mục lục ZIP")


def test_an_honest_package_still_verifies(demo_ws, dossier: Path) -> None:
    from cff_desktop.services.packages import verify_package

    v = verify_package(demo_ws, dossier)
    assert v.ok and v.summary["total"] == 985 and v.summary["recognized"] is True


def test_cli_verify_refuses_junk_before_the_zip_in_one_line(demo_ws, dossier: Path, tmp_path: Path) -> None:
    bad = _usb(tmp_path, "bad") / "junk.cffpkg"
    bad.write_bytes(b"\0" * 100 + dossier.read_bytes())
    demo_ws.close()
    home = demo_ws.paths.home
    before = dump(demo_ws)
    p = run_cff(home, "package", "verify", str(bad))
    assert_refused(p, "dữ liệu lạ trước phần ZIP")
    assert dump(demo_ws) == before


# --- the manifest --------------------------------------------------------------------------------

def test_duplicate_key_in_a_signed_manifest_is_refused(demo_ws, dossier: Path, tmp_path: Path) -> None:
    from cff_desktop.dossier import crypto
    from cff_desktop.services.keys import device_key

    with zipfile.ZipFile(dossier) as z:
        body = z.read("manifest.json").decode("utf-8")
        members = {i.filename: z.read(i) for i in z.infolist()}
    # A second "commune" key after the first: json.loads would silently keep the last one.
    forged = body.replace('"commune": {', '"commune": {"code": "99999", "name": "Xã Khác", "province": "X"},\n'
                          '  "commune": {', 1).encode("utf-8")
    assert forged != body.encode()
    bad = _usb(tmp_path, "bad") / "dup.cffpkg"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("manifest.json", forged)
        z.writestr("signature", crypto.sign(device_key(demo_ws).key, forged))
        for name, data in members.items():
            if name not in ("manifest.json", "signature"):
                z.writestr(name, data)
    verify_refused(demo_ws, bad, "bad_manifest", "manifest.json", '"commune" lặp hai lần')


# --- payload members of the wrong shape ------------------------------------------------------------

@pytest.mark.parametrize("snapshot, field", [
    (b"[]", "(gốc)"),
    (b"null", "(gốc)"),
    (b'{"score": "x"}', "(gốc)"),
])
def test_snapshot_of_the_wrong_shape_is_refused(demo_ws, dossier: Path, tmp_path: Path, snapshot: bytes,
                                                field: str) -> None:
    with zipfile.ZipFile(dossier) as z:
        m = json.loads(z.read("manifest.json"))
    bad = resign(demo_ws, dossier, _usb(tmp_path, "bad") / "snap.cffpkg", manifest=m,
                 payload={"snapshot.json": snapshot})
    verify_refused(demo_ws, bad, "bad_manifest", "snapshot.json sai ở trường", field)


def test_total_lots_is_refused_naming_the_field(demo_ws, dossier: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(dossier) as z:
        snap = json.loads(z.read("payload/snapshot.json"))
    snap["score"]["total"] = "lots"
    bad = resign(demo_ws, dossier, _usb(tmp_path, "bad") / "lots.cffpkg",
                 payload={"snapshot.json": json.dumps(snap, ensure_ascii=False).encode()})
    verify_refused(demo_ws, bad, "bad_manifest", "score.total")


@pytest.fixture
def sector(demo_ws, tmp_path: Path) -> Path:
    from cff_desktop.services.packages import export_package

    return export_package(demo_ws, _usb(tmp_path, "sector"), kind="sector-data", criteria="7").path


@pytest.mark.parametrize("change, field", [
    ({"entered_at": "not a date"}, "entered_at"),
    ({"note": {"x": 1}}, "note"),
    ({"value": "lots"}, "value"),
])
def test_sector_values_of_the_wrong_shape_are_refused(demo_ws, sector: Path, tmp_path: Path,
                                                      change: dict[str, Any], field: str) -> None:
    from cff_desktop.services.packages import import_package

    with zipfile.ZipFile(sector) as z:
        doc = json.loads(z.read("payload/values.json"))
    first = sorted(doc["values"])[0]
    doc["values"][first].update(change)
    bad = resign(demo_ws, sector, _usb(tmp_path, "bad") / "values.cffpkg",
                 payload={"values.json": json.dumps(doc, ensure_ascii=False).encode()})
    before = dump(demo_ws)
    with pytest.raises(PackageRejected) as e:
        import_package(demo_ws, bad, device_of="Vi Thị Hồng")
    assert e.value.code == "bad_manifest" and "values.json sai ở trường" in e.value.message
    assert field in e.value.message
    assert dump(demo_ws) == before


def test_schemas_accept_what_the_app_writes(demo_ws, dossier: Path, sector: Path) -> None:
    """The schemas are not stricter than the app: every member of real packages passes."""
    from cff_desktop.services.packages import open_verified

    with open_verified(demo_ws, dossier) as o:
        assert o.read_json("snapshot.json")["score"]["total"] == 985
        assert isinstance(o.read_json("audit.json"), list) and o.read_json("evidence.json") == []
    with open_verified(demo_ws, sector) as o:
        assert set(o.read_json("values.json")["values"]) >= {"7.1"}


def test_nan_is_not_json(demo_ws, dossier: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(dossier) as z:
        text = z.read("payload/snapshot.json").decode("utf-8")
    forged = re.sub(r'"total":\s*985', '"total": NaN', text, count=1)
    assert forged != text
    bad = resign(demo_ws, dossier, _usb(tmp_path, "bad") / "nan.cffpkg", payload={"snapshot.json": forged.encode()})
    verify_refused(demo_ws, bad, "bad_manifest", "NaN")
    assert listing(tmp_path / "bad") == {"nan.cffpkg": bad.read_bytes()}


def test_the_fast_check_agrees_with_jsonschema(demo_ws, dossier: Path, sector: Path) -> None:
    """The quick validator used on import gives jsonschema's answer, on real members and mutated ones."""
    import copy

    import jsonschema

    from cff_desktop.dossier.schemas import MEMBER_SCHEMAS, fast_valid

    docs: dict[str, Any] = {}
    with zipfile.ZipFile(dossier) as z:
        for n in ("snapshot.json", "audit.json", "evidence.json"):
            docs[n] = json.loads(z.read(f"payload/{n}"))
    with zipfile.ZipFile(sector) as z:
        docs["values.json"] = json.loads(z.read("payload/values.json"))
    docs["decision.json"] = {"id": "GBN-1", "package_uuid": "00000000-0000-4000-8000-000000000000",
                             "decision": "returned", "comments": [{"criterion": "7", "text": "x"}],
                             "decided_at": "2024-11-30T10:00:00+00:00"}
    docs["evidence.json"] = [{"criterion_id": "7", "sha256": "a" * 64, "filename": "a.jpg", "size": 3,
                              "mime": "image/jpeg", "added_at": "", "officer": None, "path": "evidence/" + "a" * 64}]
    odd = [None, True, 0, 1.5, -1, "", "x", [], {}, "9999-01-01", [1], {"a": 1}]

    def mutations(doc: Any, depth: int = 0):
        yield doc
        if depth > 3:
            return
        if isinstance(doc, dict):
            for k in list(doc)[:6]:
                for v in odd:
                    m = copy.deepcopy(doc)
                    m[k] = v
                    yield m
                m = copy.deepcopy(doc)
                del m[k]
                yield m
                for sub in mutations(doc[k], depth + 1):
                    m = copy.deepcopy(doc)
                    m[k] = sub
                    yield m
            yield dict(doc, extra_key=1)
        elif isinstance(doc, list) and doc:
            for sub in mutations(doc[0], depth + 1):
                yield [sub, *doc[1:]]

    n = 0
    for name, doc in docs.items():
        reference = jsonschema.Draft202012Validator(MEMBER_SCHEMAS[name])
        for m in mutations(doc):
            assert fast_valid(MEMBER_SCHEMAS[name], m) == reference.is_valid(m), (name, m)
            n += 1
    assert n > 500


def test_a_dossier_without_a_unit_code_is_not_exported(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.council import close_meeting, record_vote, reopen_round
    from cff_desktop.services.packages import export_package
    from cff_desktop.services.profile import update_commune

    update_commune(demo_ws, {"code": ""})
    record_vote(demo_ws, votes_for=9, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    usb = _usb(tmp_path, "nocode")
    before = dump(demo_ws)
    with pytest.raises(Refused) as e:
        export_package(demo_ws, usb)
    assert "mã đơn vị hành chính" in e.value.message and "Thiết lập → Hồ sơ xã" in e.value.message
    assert dump(demo_ws) == before and listing(usb) == {}
    assert "mở lại vòng đánh giá" in e.value.message  # the code is locked with the closed round
    reopen_round(demo_ws, "Bổ sung mã đơn vị hành chính")
    update_commune(demo_ws, {"code": "99001"})
    close_meeting(demo_ws, conclusion="Đề nghị công nhận")
    assert export_package(demo_ws, usb).manifest["commune"]["code"] == "99001"


def test_a_version_1_package_is_still_read(demo_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Packages written before format 2 (no revision, no audit head) still verify and import."""
    import cff_desktop.dossier.package as package
    from cff_desktop.services.packages import export_package, verify_package

    monkeypatch.setattr(package, "FORMAT_VERSION", 1)
    res = export_package(demo_ws, _usb(tmp_path, "v1"), kind="sector-data", criteria="7")
    monkeypatch.undo()
    with zipfile.ZipFile(res.path) as z:
        assert json.loads(z.read("manifest.json"))["format_version"] == 1
    assert verify_package(demo_ws, res.path).ok

"""The hostile commune's attacks on the upper level, each performed end to end and each refused.

Two real communes (A = 99001 Xã Hoàng Đồng, B = 99002 Xã Tân Liên) close their councils and export
real dossiers; forged packages are rebuilt from those and signed with real device keys. The upper
level is a real installation driven through ``cff district`` as separate processes; after every
refusal its whole data folder (database included) is byte for byte what it was, with no stray
``.part`` file or folder.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, folder_state, ok, run_cff
from memory_keyring import MemoryKeyring, building_dossiers

from cff_desktop.dossier.package import PayloadFile, build

A, B = "99001", "99002"


@dataclass
class Communes:
    root: Path
    keyring: MemoryKeyring
    homes: dict[str, Path]
    fps: dict[str, str]
    honest: dict[str, Path]  # code → its real dossier (revision 1)
    honest2: Path  # B's second export (revision 2, supersedes the first)


@pytest.fixture(scope="module")
def communes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Communes]:

    from cff_desktop.services import council, demo, keys, packages
    from cff_desktop.services.workspace import open_workspace

    root = tmp_path_factory.mktemp("communes")
    with building_dossiers() as kr:
        c = Communes(root, kr, {}, {}, {}, Path())
        for code, name, seed in ((A, "Xã Hoàng Đồng", 0), (B, "Xã Tân Liên", 3)):
            home = root / f"c-{code}"
            os.environ["CFF_HOME"] = str(home)
            ws = open_workspace(create=True)
            demo.create_demo(ws, commune=name, seed=seed, code=code)
            council.record_vote(ws, votes_for=9, votes_against=0)
            council.close_meeting(ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:30")
            out = root / f"usb-{code}"
            out.mkdir()
            c.honest[code] = packages.export_package(ws, out).path
            if code == B:
                again = root / "usb-b2"
                again.mkdir()
                c.honest2 = packages.export_package(ws, again).path
            c.homes[code] = home
            c.fps[code] = keys.device_info(ws)["fingerprint"]
            ws.close()
        yield c


def _key_of(c: Communes, code: str) -> Any:
    import keyring

    from cff_desktop.services import keys
    from cff_desktop.storage.paths import DataPaths

    old = keyring.get_keyring()
    keyring.set_keyring(c.keyring)
    try:
        home = c.homes[code]
        return keys.device_key(DataPaths(home, home / "cff.sqlite")).key
    finally:
        keyring.set_keyring(old)


def forge(c: Communes, src: Path, out: Path, key: Any, *, manifest: dict[str, Any] | None = None,
          snapshot: Any = None, raw_snapshot: bytes | None = None) -> Path:
    """``src`` rebuilt with a changed manifest and/or snapshot, signed with ``key`` (a real device key)."""
    with zipfile.ZipFile(src) as z:
        m = json.loads(z.read("manifest.json"))
        files = {i.filename[len("payload/"):]: z.read(i) for i in z.infolist() if i.filename.startswith("payload/")}
    m.update(manifest or {})
    if snapshot is not None:
        files["snapshot.json"] = json.dumps(snapshot, ensure_ascii=False).encode()
    if raw_snapshot is not None:
        files["snapshot.json"] = raw_snapshot
    header = {k: v for k, v in m.items() if k not in ("members", "payload", "encryption", "format", "format_version",
                                                      "device")}
    header["device"] = {"id": m["device"]["id"]}
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".work-{out.stem}"
    work.mkdir()
    build(out, header, [PayloadFile(n, data=d) for n, d in files.items()], key, None, work)
    work.rmdir()
    return out


def snap_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("payload/snapshot.json"))


def manifest_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


@pytest.fixture
def upper(tmp_path: Path, communes: Communes) -> Path:
    """The district's installation: its area, units A and B, and A's laptop registered (compared by phone)."""
    home = tmp_path / "upper"
    ok(run_cff(home, "district", "init", "--name", "Huyện Cao Lộc", "--level", "district", "--province", "Lạng Sơn"))
    csv = tmp_path / "units.csv"
    csv.write_text(f"code,name,category\n{A},Xã Hoàng Đồng,mountain_island_disadvantaged\n"
                   f"{B},Xã Tân Liên,mountain_island_disadvantaged\n", "utf-8")
    ok(run_cff(home, "district", "units", "import", str(csv)))
    ok(run_cff(home, "district", "keys", "add", A, communes.fps[A], "--label", "máy văn thư xã Hoàng Đồng"))
    return home


def refused_whole(upper: Path, pkg: Path, *needles: str, extra: tuple[str, ...] = ()) -> str:
    """``cff district import PKG`` refuses in one line, exit 2, and the upper level's folder is unchanged."""
    before = folder_state(upper)
    line = assert_refused(run_cff(upper, "district", "import", str(pkg), *extra), *needles)
    assert folder_state(upper) == before  # database bytes included; no .part file or folder
    return line


def keys_of(upper: Path) -> list[tuple[str, str, str]]:
    rows = json.loads(ok(run_cff(upper, "district", "keys", "list", "--json")))
    return [(r["unit_code"], r["fingerprint"], r["source"]) for r in rows if r["revoked_at"] is None]


# --- honest flow ------------------------------------------------------------------------------------

def test_an_honest_dossier_is_filed_under_its_own_code_with_the_recomputed_score(upper: Path,
                                                                                communes: Communes) -> None:
    out = ok(run_cff(upper, "district", "import", str(communes.honest[A])))
    assert f"({A}) năm 2024" in out
    rows = json.loads(ok(run_cff(upper, "district", "list", "--round", "2024", "--json")))
    mine = next(r for r in rows if r["code"] == A)
    assert mine["total"] == snap_of(communes.honest[A])["score"]["total"]


# --- 1. keys belong to units ------------------------------------------------------------------------

def test_As_key_on_a_manifest_naming_B_is_refused(upper: Path, communes: Communes, tmp_path: Path) -> None:
    # B's real payload, B's name on the manifest, signed with A's registered key
    bad = forge(communes, communes.honest[B], tmp_path / "bad" / "a-signs-b.cffpkg", _key_of(communes, A))
    refused_whole(upper, bad, f"được đăng ký ký cho đơn vị {A}", f"({B})", "Một máy chỉ ký cho một đơn vị")


def test_As_key_on_Bs_manifest_carrying_As_payload_is_refused(upper: Path, communes: Communes,
                                                             tmp_path: Path) -> None:
    m = manifest_of(communes.honest[B])
    bad = forge(communes, communes.honest[A], tmp_path / "bad" / "a-payload-as-b.cffpkg", _key_of(communes, A),
                manifest={"commune": m["commune"]})
    refused_whole(upper, bad, f"được đăng ký ký cho đơn vị {A}")
    # even a new key the officer was told to trust for B cannot carry A's snapshot under B's name
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cff_desktop.dossier import crypto

    fresh = Ed25519PrivateKey.generate()
    fp = crypto.key_fingerprint(crypto.public_key_text(fresh))
    bad2 = forge(communes, communes.honest[A], tmp_path / "bad" / "fresh-as-b.cffpkg", fresh,
                 manifest={"commune": m["commune"]})
    refused_whole(upper, bad2, f"manifest ghi mã đơn vị {B} nhưng bản chốt số liệu là của mã {A}",
                  extra=("--trust-fingerprint", fp))
    assert (B, fp, "import") not in keys_of(upper)


def test_an_unknown_signer_is_named_and_trusted_only_for_the_unit_it_claims(upper: Path, communes: Communes,
                                                                            tmp_path: Path) -> None:
    fp_b = communes.fps[B]
    line = refused_whole(upper, communes.honest[B], "máy lạ", fp_b, "Xã Tân Liên", B, "--trust-fingerprint")
    assert "--trust" in line
    ok(run_cff(upper, "district", "import", str(communes.honest[B]), "--trust-fingerprint", fp_b))
    assert (B, fp_b, "import") in keys_of(upper)
    # the same key now claims A's unit: refused, it signs for B only
    m = manifest_of(communes.honest[A])
    bad = forge(communes, communes.honest[A], tmp_path / "bad" / "b-signs-a.cffpkg", _key_of(communes, B),
                manifest={"commune": m["commune"]})
    refused_whole(upper, bad, f"được đăng ký ký cho đơn vị {B}", f"({A})")
    kj = upper / "keys.json"  # trust lives per unit in the database, never in a global list of keys
    assert not kj.exists() or "trusted" not in json.loads(kj.read_text("utf-8"))


def test_the_old_trust_everyone_flag_is_gone(upper: Path, communes: Communes) -> None:
    before = folder_state(upper)
    p = run_cff(upper, "district", "import", str(communes.honest[B]), "--trust")
    assert p.returncode == 2 and "--trust" in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr  # one line saying it was removed and what replaces it, not "expects a value"
    assert "--trust đã bỏ" in lines[0] and "--trust-fingerprint DẤU_VÂN_TAY" in lines[0]
    assert "expected one argument" not in p.stderr
    assert folder_state(upper) == before


# --- 2. the upper level recomputes ------------------------------------------------------------------

def test_a_claimed_1000_and_recognised_over_criteria_adding_up_less_is_refused(upper: Path, communes: Communes,
                                                                              tmp_path: Path) -> None:
    snap = snap_of(communes.honest[A])
    real = snap["score"]["total"]
    assert real < 1000
    snap["score"]["total"] = 1000
    snap["score"]["recognized"] = True
    bad = forge(communes, communes.honest[A], tmp_path / "bad" / "1000.cffpkg", _key_of(communes, A),
                snapshot=snap, manifest={"summary": dict(manifest_of(communes.honest[A])["summary"], total=1000)})
    from cff_desktop.common.text import format_points

    refused_whole(upper, bad, "tổng điểm ghi 1.000", f"chấm lại được {format_points(real)}")


# --- 4. order is what the receiver saw ------------------------------------------------------------

def test_a_dossier_dated_9999_is_refused(upper: Path, communes: Communes, tmp_path: Path) -> None:
    bad = forge(communes, communes.honest[A], tmp_path / "bad" / "9999.cffpkg", _key_of(communes, A),
                manifest={"created_at": "9999-01-01T00:00:00.000+00:00"})
    refused_whole(upper, bad, "thời điểm tạo gói là 01/01/9999", "ở tương lai")


def test_newer_is_decided_by_the_signed_revision_not_the_clock(upper: Path, communes: Communes,
                                                               tmp_path: Path) -> None:
    fp_b = communes.fps[B]
    ok(run_cff(upper, "district", "keys", "add", B, fp_b))
    m1, m2 = manifest_of(communes.honest[B]), manifest_of(communes.honest2)
    assert (m1["revision"], m2["revision"]) == (1, 2) and m2["supersedes"] == m1["uuid"]
    # B's own earlier package re-signed with a clock set a few hours ahead and no chain: still older
    early = forge(communes, communes.honest[B], tmp_path / "b" / "rev1-late-clock.cffpkg", _key_of(communes, B),
                  manifest={"created_at": "2099-01-01T00:00:00.000+00:00"})
    before = folder_state(upper)
    assert_refused(run_cff(upper, "district", "import", str(early)), "ở tương lai")
    assert folder_state(upper) == before
    ok(run_cff(upper, "district", "import", str(communes.honest2)))
    out = ok(run_cff(upper, "district", "import", str(communes.honest[B])))
    assert "gói cũ hơn gói đã có" in out
    rows = json.loads(ok(run_cff(upper, "district", "list", "--round", "2024", "--json")))
    cur = next(r for r in rows if r["code"] == B)
    assert cur["uuid"] == m2["uuid"]


# --- 3. a folder goes on past bad packages ---------------------------------------------------------

def test_a_folder_imports_the_good_and_lists_each_refusal(upper: Path, communes: Communes, tmp_path: Path) -> None:
    usb = tmp_path / "stick"
    usb.mkdir()
    key = _key_of(communes, A)
    for name, raw in (("snap-list", b"[]"), ("snap-null", b"null"), ("snap-score-x", b'{"score": "x"}')):
        forge(communes, communes.honest[A], usb / f"{name}.cffpkg", key, raw_snapshot=raw)
    lots = snap_of(communes.honest[A])
    lots["score"]["total"] = "lots"
    forge(communes, communes.honest[A], usb / "lots.cffpkg", key, snapshot=lots)
    (usb / "junk-before.cffpkg").write_bytes(b"MZ" * 50 + communes.honest[A].read_bytes())
    good = usb / "zz-honest.cffpkg"
    good.write_bytes(communes.honest[A].read_bytes())
    p = run_cff(upper, "district", "import", str(usb))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert sum(x.startswith("Không nhập") for x in lines) == 5
    for name in ("snap-list", "snap-null", "snap-score-x", "lots", "junk-before"):
        assert any(x.startswith(f"Không nhập {name}.cffpkg") for x in lines), name
    assert any("score.total" in x for x in lines) and any("dữ liệu lạ trước phần ZIP" in x for x in lines)
    assert f"Đã nhập: Xã Hoàng Đồng ({A}) năm 2024" in p.stdout
    assert lines[-1] == "Tổng cộng: 1 gói đã nhập, 0 gói đã có, 5 gói bị từ chối."
    assert not [f for f in folder_state(upper) if ".part" in f]

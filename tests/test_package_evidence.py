"""Evidence attached to a criterion (what dossiers carry) and the removable-drive list."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_package_damage import dump, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.common.errors import CffError


def _photo(path: Path, size: tuple[int, int] = (4000, 3000)) -> Path:
    from PIL import Image

    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 70).resize(size)
    Image.merge("RGB", (noise, noise, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).save(path, "JPEG",
                                                                                               quality=95)
    return path


def test_photo_is_downscaled_and_stored_by_content(demo_ws, tmp_path: Path) -> None:
    from PIL import Image

    from cff_desktop.services.evidence import attach, blob_path, list_evidence

    src = _photo(tmp_path / "Sổ tiêm chủng.JPG")
    row = attach(demo_ws, "7", src, "Vi Thị Hồng")
    blob = blob_path(demo_ws, row["sha256"])
    assert blob == demo_ws.paths.blobs / row["sha256"][:2] / row["sha256"][2:4] / row["sha256"]
    assert blob.stat().st_size == row["size"] < src.stat().st_size / 3
    with Image.open(blob) as im:
        assert max(im.size) == 1600 and im.format == "JPEG"
    assert row["filename"] == "Sổ tiêm chủng.jpg" and row["mime"] == "image/jpeg"
    again = attach(demo_ws, "7", src, "Vi Thị Hồng")  # same photo twice: one blob
    assert again["sha256"] == row["sha256"] and len(list(demo_ws.paths.blobs.rglob("*"))) == 3
    audit = demo_ws.store.one("SELECT * FROM audit WHERE action = 'evidence.attach' ORDER BY seq LIMIT 1")
    assert audit["actor"].startswith("Vi Thị Hồng") and json.loads(audit["new"])["downscaled"] is True
    assert [e["id"] for e in list_evidence(demo_ws, "7")] == [row["id"], again["id"]]


def test_keep_original_and_non_images_are_stored_as_given(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.evidence import attach, blob_path

    src = _photo(tmp_path / "scan.jpg", (2000, 1500))
    row = attach(demo_ws, "7", src, "Vi Thị Hồng", keep_original=True)
    assert blob_path(demo_ws, row["sha256"]).read_bytes() == src.read_bytes()
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% minh chung\n")
    row = attach(demo_ws, "1", pdf, "Hoàng Thị Mai")
    assert row["mime"] == "application/pdf" and blob_path(demo_ws, row["sha256"]).read_bytes() == pdf.read_bytes()


def test_empty_huge_unreadable_and_unassigned_files_are_refused(demo_ws, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.evidence import attach

    before = dump(demo_ws)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(CffError, match="0 byte"):
        attach(demo_ws, "7", empty, "Vi Thị Hồng")
    huge = tmp_path / "video.mp4"
    with open(huge, "wb") as f:
        f.truncate(201 * 1000 * 1000)  # sparse: costs no disk
    with pytest.raises(CffError, match="200 MB"):
        attach(demo_ws, "7", huge, "Vi Thị Hồng")
    with pytest.raises(CffError, match="không có tệp"):
        attach(demo_ws, "7", tmp_path / "missing.jpg", "Vi Thị Hồng")
    with pytest.raises(CffError, match="không phải một tệp"):
        attach(demo_ws, "7", tmp_path, "Vi Thị Hồng")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)  # root ignores chmod, so deny at the call
    with pytest.raises(CffError, match="không đọc được"):
        attach(demo_ws, "7", locked, "Vi Thị Hồng")
    monkeypatch.undo()
    with pytest.raises(CffError, match="không được giao tiêu chí 3"):
        attach(demo_ws, "3", locked, "Vi Thị Hồng")
    assert dump(demo_ws) == before and not demo_ws.paths.blobs.exists()


def test_evidence_removed_stays_in_the_audit_and_leaves_the_dossier(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.evidence import attach, list_evidence, remove

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 a")
    row = attach(demo_ws, "1", pdf, "Hoàng Thị Mai")
    remove(demo_ws, row["id"], "Hoàng Thị Mai")
    assert list_evidence(demo_ws) == []
    with pytest.raises(CffError):
        remove(demo_ws, row["id"], "Hoàng Thị Mai")
    assert demo_ws.store.one("SELECT count(*) AS n FROM audit WHERE action = 'evidence.remove'")["n"] == 1


def test_attached_evidence_travels_in_the_dossier(demo_ws, tmp_path: Path) -> None:
    import zipfile

    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.evidence import attach
    from cff_desktop.services.packages import export_package

    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(b"%PDF-1.4 bien ban")
    row = attach(demo_ws, "1", pdf, "Hoàng Thị Mai")
    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đạt")
    usb = tmp_path / "usb"
    usb.mkdir()
    p = export_package(demo_ws, usb).path
    with zipfile.ZipFile(p) as z:
        assert z.read(f"payload/evidence/{row['sha256']}") == pdf.read_bytes()
        index = json.loads(z.read("payload/evidence.json"))
    assert index[0]["filename"] == "bien-ban.pdf" and index[0]["officer"] == "Hoàng Thị Mai"
    conn = sqlite3.connect(demo_ws.paths.db)
    assert conn.execute("SELECT count(*) FROM package WHERE direction = 'out'").fetchone()[0] == 1


# --- removable drives ---------------------------------------------------------------------------


def test_linux_drives_from_proc_mounts(tmp_path: Path) -> None:
    """/proc/mounts as it looks with a stick automounted; only real folders are listed."""
    from cff_desktop.dossier.drives import linux_drives

    media = Path("/media")
    created_media = not media.exists()
    try:
        stick = Path(f"/media/cff-test {tmp_path.name}")
        stick.mkdir(parents=True)
    except OSError:
        pytest.skip("cannot create a mount point under /media here")
    try:
        escaped = str(stick).replace(" ", "\\040")
        mounts = tmp_path / "mounts"
        mounts.write_text(
            "sysfs /sys sysfs rw 0 0\n"
            "/dev/sda1 / ext4 rw,relatime 0 0\n"
            f"/dev/sdb1 {escaped} vfat rw,nosuid,nodev,uid=1000 0 0\n"
            "/dev/sdc1 /media/gone vfat rw 0 0\n"
            "tmpfs /run/media/user/tmp tmpfs rw 0 0\n"
            "/dev/sdd1 /home/user/usb vfat rw 0 0\n", "utf-8")
        drives = linux_drives(mounts)
        assert [d.path for d in drives] == [stick]
        assert drives[0].label == stick.name and drives[0].free is not None and drives[0].free > 0
        assert "còn trống" in drives[0].describe()
    finally:
        stick.rmdir()
        if created_media:
            media.rmdir()
    assert linux_drives(tmp_path / "no-such-file") == []


def test_removable_drives_on_this_machine_returns_a_list() -> None:
    from cff_desktop.services.packages import removable_drives

    drives = removable_drives()
    assert isinstance(drives, list)
    for d in drives:
        assert str(d.path).startswith(("/media/", "/run/media/", "/mnt/"))

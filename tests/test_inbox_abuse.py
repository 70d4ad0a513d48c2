"""The inbox under abuse, on a real server on 127.0.0.1: numbers that are not numbers, promises of
more bytes than a commune may reserve or the disk can hold, and what is stored being owner-only."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import requests
from sync_helpers import District
from test_package_damage import memory_keyring  # noqa: F401  (fixture)
from test_sync_server import UID, create, tus

from cff_desktop.sync.protocol import ServerLimits, encode_metadata

MB = 1024 * 1024


def _token(d: District, commune: str = "03199") -> str:
    from test_sync_server import token_for

    return token_for(d, commune)


def _uploads(d: District) -> list[str]:
    return sorted(p.name for p in (d.data / "uploads").iterdir())


def _offer(d: District, token: str, length: str, sha: str) -> requests.Response:
    """Ask the inbox to open an upload of ``length`` bytes (tus creation); its answer, whatever it is."""
    return requests.post(f"{d.url}/files/", timeout=10, headers=tus(token, **{
        "Upload-Length": length, "Upload-Metadata": encode_metadata({"uuid": UID, "sha256": sha})}))


def _second_promise_refused(d: District, first: int, second: int, sha: str, status: int,
                            error: str) -> requests.Response:
    """Open one upload of ``first`` bytes, then offer another of ``second``: the offer must be
    refused with ``status`` and ``error`` and leave no new upload file. The refusal, for more checks."""
    token = _token(d)
    create(d, token, first)
    before = _uploads(d)
    r = _offer(d, token, str(second), sha)
    assert r.status_code == status and r.json()["error"] == error, r.text
    assert _uploads(d) == before
    return r


@pytest.fixture
def district(tmp_path: Path):
    d = District(tmp_path / "district", limits=ServerLimits(min_free=0, max_package=5_000_000))
    yield d
    d.stop()


@pytest.mark.parametrize("value", ["²", "10^23", "-1", "+5", "1_000", "1" * 25])
def test_upload_length_that_is_not_ascii_digits_is_400(district: District, value: str) -> None:
    token = _token(district)
    r = _offer(district, token, value, "a" * 64)
    assert r.status_code == 400 and r.json()["error"] == "bad_length", r.text
    assert _uploads(district) == []


@pytest.mark.parametrize("value", ["²", "-3", "1e3"])
def test_offsets_lengths_and_query_numbers_that_are_not_digits_are_400(district: District, value: str) -> None:
    token = _token(district)
    url = create(district, token, 1000)
    r = requests.patch(url, data=b"x", timeout=10, headers=tus(token, **{
        "Upload-Offset": value, "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 400 and r.json()["error"] == "bad_offset", r.text
    r = requests.get(f"{district.url}/api/v1/decisions", params={"after": value}, timeout=10,
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400, r.text
    r = requests.post(f"{district.url}/files/", timeout=10, headers=tus(token, **{
        "Upload-Length": "10", "Content-Length": value,
        "Upload-Metadata": encode_metadata({"uuid": UID, "sha256": "b" * 64})}), data=b"")
    assert r.status_code in (400, 413) and r.status_code != 500, r.text
    assert (district.data / "uploads" / url.rsplit("/", 1)[-1]).stat().st_size == 0  # nothing appended


def test_a_commune_cannot_reserve_more_than_its_open_upload_limit(tmp_path: Path) -> None:
    d = District(tmp_path / "d", limits=ServerLimits(min_free=0, max_package=5 * MB, max_open_per_token=8 * MB))
    try:
        r = _second_promise_refused(d, 5 * MB, 4 * MB, "c" * 64, 413, "too_many_open")
        assert "vượt giới hạn" in r.json()["message"] and r.headers["Retry-After"]
        other = _token(d, "03200")  # another commune has its own budget
        create(d, other, 4 * MB)
    finally:
        d.stop()


def test_promises_the_disk_could_not_hold_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    free = shutil.disk_usage(data).free
    # room for one 400 MB promise (with 200 MB to spare for other writers), not for two
    d = District(data, limits=ServerLimits(min_free=max(free - 600 * MB, 0), max_package=1024 * MB,
                                           max_open_per_token=4096 * MB))
    try:
        _second_promise_refused(d, 400 * MB, 400 * MB, "d" * 64, 507, "disk_full")
    finally:
        d.stop()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_stored_uploads_are_owner_only(district: District) -> None:
    url = create(district, _token(district), 1000)
    f = district.data / "uploads" / url.rsplit("/", 1)[-1]
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE((district.data / "uploads").stat().st_mode) == 0o700


def test_a_device_enrolled_for_one_unit_cannot_deliver_for_another(demo_ws, district: District,
                                                                   tmp_path: Path, memory_keyring) -> None:  # noqa: F811
    from sync_helpers import make_package
    from test_sync_flow import enrol

    from cff_desktop.services.sync import _client
    from cff_desktop.sync.errors import PackageRefusedByServer

    enrol(demo_ws, district.url, district, "03199")
    cl = _client(demo_ws, pause=lambda s: None)
    for code in ("99002", ""):  # another unit's code, or none at all
        pkg, uid, sha = make_package(demo_ws, tmp_path / f"x{code}", 10_000, code=code)
        with pytest.raises(PackageRefusedByServer) as e:
            cl.deliver(pkg, uid, sha)
        assert "được đăng ký cho đơn vị 03199" in e.value.message
    assert district.packages() == [] and district.upload_files() == []
    good, uid, sha = make_package(demo_ws, tmp_path / "ok", 10_000, code="03199")
    assert cl.deliver(good, uid, sha)

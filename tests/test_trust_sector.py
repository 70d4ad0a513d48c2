"""Sector data from the right laptop: the health station's laptop cannot write other officers' criteria,
cannot date a figure in the future, and cannot overwrite what the clerk entered since its last import."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, folder_state, run_cff
from test_package_damage import dump, laptop, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.dossier.format import PackageRejected
from cff_desktop.dossier.package import PayloadFile, build

HEALTH = "Vi Thị Hồng"  # the health station's officer: criteria 5, 7, 8, 9 in the demo


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk = laptop(tmp_path, monkeypatch, "clerk")
    health = laptop(tmp_path, monkeypatch, "health")
    set_value(health, "7.1", "96/100", as_officer=HEALTH)
    usb = tmp_path / "usb"
    usb.mkdir()
    first = export_package(health, usb, kind="sector-data", criteria="7").path
    # the clerk registers the health laptop once (fingerprint compared by phone) with its first package
    import_package(clerk, first, device_of=HEALTH, resolutions={"7.1": "theirs"})
    yield clerk, health, usb
    clerk.close()
    health.close()


def forged(health, src: Path, out: Path, values: dict[str, Any], criteria: list[str] | None = None) -> Path:
    """A sector package from the health laptop (its real key) carrying whatever figures we like."""
    from cff_desktop.services.keys import device_key

    with zipfile.ZipFile(src) as z:
        m = json.loads(z.read("manifest.json"))
        doc = json.loads(z.read("payload/values.json"))
    doc["values"] = values
    doc["criteria"] = criteria or doc["criteria"]
    header = {k: v for k, v in m.items() if k not in ("members", "payload", "encryption", "format", "format_version")}
    header["criteria"] = doc["criteria"]
    header["uuid"] = "5f0c8d2e-0000-4000-8000-" + out.stem.encode().hex()[:12].ljust(12, "0")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".w-{out.stem}"
    work.mkdir()
    build(out, header, [PayloadFile("values.json", data=json.dumps(doc, ensure_ascii=False).encode())],
          device_key(health).key, None, work)
    work.rmdir()
    return out


def refused(clerk, path: Path, code: str, *needles: str) -> None:
    from cff_desktop.services.packages import import_package

    before = dump(clerk)
    with pytest.raises(PackageRejected) as e:
        import_package(clerk, path, resolutions={})
    assert e.value.code == code, e.value
    for n in needles:
        assert n in e.value.message, e.value.message
    assert dump(clerk) == before


def _item(value: Any, officer: str, at: str = "2024-10-30T08:00:00+00:00") -> dict[str, Any]:
    return {"value": value, "note": "", "officer": officer, "entered_at": at}


def test_health_laptop_writing_the_clerks_and_justice_officers_criteria_is_refused(laptops, tmp_path: Path) -> None:
    clerk, health, usb = laptops
    src = next(usb.iterdir())
    bad = forged(health, src, tmp_path / "x" / "names.cffpkg",
                 {"12.1": _item(True, "Hoàng Thị Mai"),
                  "2.1": _item({"numerator": 100, "denominator": 100}, "Lương Văn Tiến")}, ["12", "2"])
    refused(clerk, bad, "wrong_author", "Hoàng Thị Mai", "máy của Vi Thị Hồng")


def test_health_laptop_cannot_write_criteria_not_assigned_to_its_officer(laptops, tmp_path: Path) -> None:
    clerk, health, usb = laptops
    bad = forged(health, next(usb.iterdir()), tmp_path / "x" / "crit.cffpkg",
                 {"2.1": _item({"numerator": 100, "denominator": 100}, HEALTH)}, ["2"])
    refused(clerk, bad, "unknown_officer", "không được giao tiêu chí 2")


def test_a_figure_dated_9999_is_refused(laptops, tmp_path: Path) -> None:
    clerk, health, usb = laptops
    bad = forged(health, next(usb.iterdir()), tmp_path / "x" / "future.cffpkg",
                 {"7.1": _item({"numerator": 1, "denominator": 100}, HEALTH, "9999-01-01T00:00:00+00:00")})
    refused(clerk, bad, "future", "thời điểm nhập chỉ số 7.1", "ở tương lai")


def test_a_figure_the_clerk_entered_since_the_last_import_is_a_conflict(laptops, tmp_path: Path) -> None:
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.values import set_value

    clerk, health, usb = laptops
    set_value(clerk, "7.1", "91/100", as_officer="Hoàng Thị Mai")  # the clerk corrects it on her machine
    set_value(health, "7.1", "99/100", as_officer=HEALTH)
    newer = export_package(health, usb, kind="sector-data", criteria="7").path
    refused(clerk, newer, "conflicts", "7.1", "--keep-mine 7.1")
    out = import_package(clerk, newer, resolutions={"7.1": "mine"})
    assert out.kept_mine == ["7.1"]
    # the clerk's edit is now older than the last import from that laptop: its next figure applies
    set_value(health, "7.1", "98/100", as_officer=HEALTH)
    later = export_package(health, usb, kind="sector-data", criteria="7").path
    assert import_package(clerk, later).applied == ["7.1"]
    row = clerk.store.one("SELECT value FROM value WHERE indicator_id = '7.1'")
    assert json.loads(row["value"]) == {"numerator": 98, "denominator": 100}


def test_an_unregistered_laptop_is_asked_for_in_one_line(laptops, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.keys import device_info
    from cff_desktop.services.packages import export_package
    from cff_desktop.services.values import set_value

    clerk, _health, _usb = laptops
    other = laptop(tmp_path, monkeypatch, "police")
    set_value(other, "3.1", 0, as_officer="Nông Văn Hải")
    pkg = export_package(other, tmp_path / "usb", kind="sector-data", criteria="3").path
    fp = device_info(other)["fingerprint"]
    other.close()
    clerk.close()
    before = folder_state(clerk.paths.home)
    assert_refused(run_cff(clerk.paths.home, "package", "import", str(pkg)), fp, "chưa gắn với cán bộ nào",
                   "--device-of")
    assert folder_state(clerk.paths.home) == before

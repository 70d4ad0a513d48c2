"""Printing's bad inputs and faults: each gives one clear message and leaves nothing behind."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from docs_helpers import close_demo, leftovers

from cff_desktop.common import files
from cff_desktop.common.errors import BadInput, StoreError
from cff_desktop.documents import KINDS


def _counts(ws) -> tuple[int, int, int]:
    con = sqlite3.connect(ws.paths.db)
    return (con.execute("SELECT count(*) FROM document").fetchone()[0],
            con.execute("SELECT count(*) FROM doc_counter").fetchone()[0],
            con.execute("SELECT count(*) FROM audit WHERE action = 'document.print'").fetchone()[0])


def test_out_dir_under_a_regular_file(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    blocker = tmp_path / "usb.txt"
    blocker.write_text("không phải thư mục", "utf-8")
    p = cff("print", "minutes", "--out", str(blocker / "in"))
    assert p.returncode == 2
    assert p.stderr.startswith("cff: lỗi: ") and len(p.stderr.strip().splitlines()) == 1
    assert "không phải thư mục" in p.stderr and "Chọn thư mục khác" in p.stderr
    p = cff("print", "minutes", "--out", str(blocker))
    assert p.returncode == 2 and "là một tệp, không phải thư mục" in p.stderr
    assert _counts(demo_ws) == (0, 0, 0)


def test_disk_full_while_writing_leaves_no_partial_file(demo_ws, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import printing

    close_demo(demo_ws)
    out = tmp_path / "in"
    out.mkdir()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)  # where the temporary PDF is synced
    with pytest.raises(StoreError) as e:
        printing.render(demo_ws, "report", out)
    assert "đã đầy" in e.value.message and "chọn nơi lưu khác" in e.value.message
    assert list(out.iterdir()) == [] and leftovers(out) == []
    assert _counts(demo_ws) == (0, 0, 0)


def test_rename_refused_rolls_back_record_and_number(demo_ws, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import printing

    close_demo(demo_ws)
    out = tmp_path / "in"

    def readonly(src: str, dst: str) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(files.os, "replace", readonly)  # where it is renamed into place
    with pytest.raises(StoreError) as e:
        printing.render(demo_ws, "minutes", out)
    assert "chỉ cho phép đọc" in e.value.message and "chọn thư mục khác" in e.value.message.lower()
    assert list(out.iterdir()) == []
    assert _counts(demo_ws) == (0, 0, 0), "no number taken, no record of a paper that does not exist"
    monkeypatch.undo()
    assert printing.render_printed(demo_ws, "minutes", out).number == "01/BB-UBND"


def test_readonly_folder_when_creating_the_temp_file(demo_ws, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import printing

    close_demo(demo_ws)
    out = tmp_path / "in"
    out.mkdir()
    real_open = open

    def guarded(path, mode="r", *a, **k):
        if str(path).startswith(str(out)) and "x" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", guarded)
    with pytest.raises(StoreError) as e:
        printing.render(demo_ws, "scores", out)
    assert "chỉ cho phép đọc" in e.value.message
    assert list(out.iterdir()) == []
    assert _counts(demo_ws) == (0, 0, 0)


def test_missing_chair_named(demo_ws, cff, tmp_path: Path) -> None:
    with demo_ws.store.transaction() as conn:
        conn.execute("UPDATE commune SET chair_name = ''")
    out = tmp_path / "in"
    p = cff("print", "report", "--out", str(out))
    assert p.returncode == 2
    assert "chair_name" in p.stderr and "họ tên Chủ tịch" in p.stderr
    assert not out.exists() or list(out.iterdir()) == []
    # the minutes are signed by the council's chair and secretary, so they still print
    assert cff("print", "minutes", "--out", str(out)).returncode == 0


def test_missing_council_secretary_named(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render

    with demo_ws.store.transaction() as conn:
        conn.execute("UPDATE council_member SET council_role = 'member' WHERE council_role = 'secretary'")
    with pytest.raises(BadInput) as e:
        render(demo_ws, "minutes", tmp_path / "in")
    assert "thư ký" in e.value.message and e.value.where == "council.secretary"
    assert not (tmp_path / "in").exists()


def test_failed_round_has_no_proposal_but_prints_the_rest(cff_home, cff, tmp_path: Path) -> None:
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(create=True) as ws:
        create_demo(ws, seed=3)  # criterion 2 at 0 points: not recognised
        close_demo(ws)
    out = tmp_path / "in"
    p = cff("print", "proposal", "--out", str(out))
    assert p.returncode == 2 and "chưa đạt" in p.stderr and "Tiêu chí 2 đang 0 điểm" in p.stderr
    p = cff("print", "all", "--out", str(out), check=True)
    names = sorted(f.name for f in out.iterdir())
    assert "to-trinh-de-nghi-cong-nhan-2024.pdf" not in names and "ho-so-de-nghi-cong-nhan-2024.pdf" not in names
    # no proposal, no dossier; the founding decision and the plan are dated before the meeting (--date)
    assert len(names) == len(KINDS) - 4 and "không in tờ trình" in p.stdout
    assert "không in quyết định thành lập hội đồng đánh giá: Hội đồng đã họp ngày 05/11/2024" in p.stdout


def test_unknown_kind_and_bad_date(cff, demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render

    out = tmp_path / "in"
    p = cff("print", "letter", "--out", str(out))
    assert p.returncode == 2 and "lỗi cú pháp" in p.stderr
    p = cff("print", "report", "--out", str(out), "--date", "05/11/2024")
    assert p.returncode == 2 and "--date" in p.stderr
    with pytest.raises(BadInput):
        render(demo_ws, "letter", out)
    assert not out.exists()


def test_survey_refused_for_a_rule_set_without_satisfaction(cff, tmp_path: Path) -> None:
    cff("init", "--commune", "Xã Tả Van", "--province", "Lào Cai", "--category", "other", "--round", "2014",
        "--ruleset", "qd34-2014", check=True)
    p = cff("print", "survey", "--out", str(tmp_path / "in"))
    assert p.returncode == 2 and "không có tiêu chí khảo sát mức độ hài lòng" in p.stderr


def test_readonly_database_refuses_before_writing(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render
    from cff_desktop.services.workspace import open_workspace

    close_demo(demo_ws)
    ro = open_workspace(readonly=True)
    try:
        with pytest.raises(StoreError):
            render(ro, "minutes", tmp_path / "in")
    finally:
        ro.close()
    assert leftovers(tmp_path / "in") == [] and list((tmp_path / "in").iterdir()) == []


"""Every paper words the unit as the profile says: xã, phường, thị trấn or đặc khu, never "xã" for a ward."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_helpers import close_demo, flat_text, needs_poppler, pages

from cff_desktop.documents import KINDS
from cff_desktop.documents.content import localise, split_unit_name, unit_word

pytestmark = needs_poppler

UNITS = [
    ("xa", "Xã Hoàng Đồng", "xã", "mountain_island_disadvantaged"),
    ("phuong", "Phường Tân Lập", "phường", "other"),
    ("thi_tran", "Thị trấn Na Sầm", "thị trấn", "other"),
    ("dac_khu", "Đặc khu Vân Đồn", "đặc khu", "other"),
]
# "xã" that is not this unit's word: the standard's own name, "Xã hội", "cấp xã" (the legal text of
# criterion 1 means the commune level of any unit type), "thị xã" and "văn hóa - xã hội" (society).
ALLOWED = re.compile(r"xã, phường, thị trấn|Xã hội|XÃ HỘI|văn hóa - xã hội|cấp xã|thị xã|"
                     r"Xã, thị trấn miền núi[^.”]*khó khăn")


def _demo(cff_home: Path, name: str, category: str):
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(create=True)
    create_demo(ws, commune=name, category=category, seed=0)
    return ws


def test_unit_word_helper() -> None:
    assert split_unit_name("Phường  Tân Lập") == ("phường", "Tân Lập")
    assert split_unit_name("Hoàng Đồng") == ("", "Hoàng Đồng")
    assert unit_word("thi_tran", "Xã Hoàng Đồng") == "thị trấn", "the profile's unit type decides"
    assert unit_word(None, "Đặc khu Vân Đồn") == "đặc khu"
    assert unit_word(None, "Hoàng Đồng") == "xã"
    assert localise("Công an xã", "phường") == "Công an phường"
    assert localise("Lao động - Thương binh và Xã hội", "phường") == "Lao động - Thương binh và Xã hội"
    assert localise("xã hội hóa", "phường") == "xã hội hóa"
    assert localise("được Chủ tịch UBND xã phê duyệt", "đặc khu") == "được Chủ tịch UBND đặc khu phê duyệt"


@pytest.mark.parametrize(("unit_type", "name", "word", "category"), UNITS, ids=[u[0] for u in UNITS])
def test_every_paper_words_the_unit(cff_home: Path, tmp_path: Path, unit_type: str, name: str, word: str,
                                    category: str) -> None:
    from cff_desktop.services.printing import render_all

    ws = _demo(cff_home, name, category)
    try:
        assert ws.store.one("SELECT unit_type FROM commune")["unit_type"] == unit_type, "the demo types its unit"
        from datetime import date

        from cff_desktop.services.printing import render_printed

        for kind in ("council_decision", "plan"):  # issued before the meeting
            render_printed(ws, kind, tmp_path / "out", doc_date=date(2024, 10, 1))
        close_demo(ws)
        done, skipped = render_all(ws, tmp_path / "out")
    finally:
        ws.close()
    assert {p.kind for p in done} | {k for k, _ in skipped} == set(KINDS)
    place = split_unit_name(name)[1]
    upper = f"{word} {place}".upper()
    for p in done:
        text = flat_text(p.path)
        first = " ".join(w.text for w in pages(p.path)[0].words)
        assert place in text, p.kind
        if p.kind not in ("forms", "survey", "scores"):
            assert f"{word} {place}" in text, (p.kind, "the unit named mid-sentence in lower case")
        if p.kind in ("report", "proposal", "notice", "scores", "dossier", "forms", "survey"):
            assert upper in first, (p.kind, "header: ỦY BAN NHÂN DÂN over the unit's name")
        if p.kind == "minutes":
            assert f"HỘI ĐỒNG ĐÁNH GIÁ {word.upper()} PHÙ HỢP VỚI TRẺ EM" in first
            assert f"Họp Hội đồng đánh giá {word} phù hợp với trẻ em" in text
        if word != "xã":
            rest = ALLOWED.sub("", text)
            stray = [m.group(0) for m in re.finditer(r".{25}\bxã\b.{25}", rest, re.I)]
            assert not stray, (p.kind, stray[:5])
            assert f"HĐND {word}" in text or p.kind not in ("report", "proposal", "notice")

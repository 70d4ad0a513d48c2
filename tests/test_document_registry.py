"""Each printed paper's facts live in documents/registry.py; the tables the printing service reads
are derived from it and stay consistent (a cited paper is printed before the paper citing it, a
cited paper is numbered, every kind has its layout module)."""

from __future__ import annotations

import importlib

from cff_desktop.documents import DOCX_KINDS, KINDS
from cff_desktop.documents.registry import DOCUMENT, DOCUMENTS
from cff_desktop.services import printing


def test_every_kind_has_a_layout_and_a_distinct_file_name() -> None:
    assert list(KINDS) == [d.key for d in DOCUMENTS]
    assert len({d.file_name for d in DOCUMENTS}) == len(DOCUMENTS)
    for d in DOCUMENTS:
        mod = importlib.import_module(f"cff_desktop.documents.{d.key}")
        assert hasattr(mod, "render" if d.binding else "build"), d.key
        assert (d.key in DOCX_KINDS) == d.docx


def test_cited_papers_are_numbered_and_printed_first() -> None:
    order = printing.PRINT_ORDER
    assert sorted(order) == sorted(KINDS)
    for d in DOCUMENTS:
        for dep in (*d.depends, *d.optional_cites):
            assert DOCUMENT[dep].numbered, (d.key, dep)
            assert order.index(dep) < order.index(d.key), (d.key, dep)
    assert set(printing.TYPE_CODES) == {d.key for d in DOCUMENTS if d.type_code}
    assert set(printing.ROUND_LEVEL) <= set(printing.TYPE_CODES)  # numbered whenever printed

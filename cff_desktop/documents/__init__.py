"""Printed papers (reportlab), laid out per Nghị định 30/2020/NĐ-CP from the frozen council snapshot.

Builders take a :class:`~cff_desktop.documents.content.DocContext` (the snapshot plus the pinned
rule set) and return PDF bytes; they never touch the database or the services, so a paper printed
twice from the same snapshot says the same thing (the PDF is written in reportlab's invariant
mode: same input, same bytes, same SHA-256).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from cff_desktop.documents.registry import DOCUMENT, DOCUMENTS

if TYPE_CHECKING:
    from cff_desktop.documents.content import DocContext
    from cff_desktop.documents.layout import PdfInfo

#: Kind → Vietnamese label, in the order the dashboard lists them (facts per kind: registry.py).
KINDS: dict[str, str] = {d.key: d.label for d in DOCUMENTS}


def render(kind: str, ctx: DocContext, info: PdfInfo,
           progress: Callable[[int, int], None] | None = None) -> bytes:
    """Lay out document ``kind`` for ``ctx`` with PDF metadata ``info``."""
    from cff_desktop.documents.layout import render_parts

    if kind not in KINDS:
        raise KeyError(kind)
    mod = importlib.import_module(f"cff_desktop.documents.{kind}")
    if DOCUMENT[kind].binding:
        return mod.render(ctx, info, progress)
    return render_parts(mod.build(ctx), info)


# Every paper has an editable Word version (same content, numbers and page numbering as the PDF);
# the dossier is a binding of PDFs with running page numbers, so it is PDF only.
DOCX_KINDS = tuple(d.key for d in DOCUMENTS if d.docx)


def render_docx(kind: str, ctx: DocContext, info: PdfInfo) -> bytes:
    """The same content as :func:`render` as an editable Word file (every paper but the dossier)."""
    from cff_desktop.documents.docx_export import parts_to_docx

    if kind not in DOCX_KINDS:
        raise KeyError(kind)
    mod = importlib.import_module(f"cff_desktop.documents.{kind}")
    return parts_to_docx(mod.build(ctx), info)

"""Báo cáo công tác trẻ em năm (hạn 20/11): the layout is shared (documents/child_work.py)."""

from __future__ import annotations

from cff_desktop.documents.child_work import build_period
from cff_desktop.documents.content import DocContext
from cff_desktop.documents.layout import Part


def build(ctx: DocContext) -> list[Part]:
    return build_period(ctx, "year")

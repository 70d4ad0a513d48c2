"""The kinds of paper this app prints, for the CLI's choices and the windows' lists.

A light re-export of :mod:`cff_desktop.documents` (whose package module loads nothing heavy), so
the CLI and the windows reach documents only through services and ``cff --help`` stays quick.
"""

from __future__ import annotations

from cff_desktop.documents import DOCX_KINDS, KINDS

__all__ = ["DOCX_KINDS", "KINDS"]

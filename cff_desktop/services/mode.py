"""Which of the app's two modes an installation is in: a commune's, or the upper level's.

Its own small module because the window asks it before anything else is shown: importing the
upper level's services (package checks, keys, crypto) to answer it cost the commune's cold start
over 100 ms.
"""

from __future__ import annotations

from cff_desktop.services.workspace import Workspace


def is_upper(ws: Workspace) -> bool:
    """True when this installation works as the upper level (its area is set)."""
    return ws.store.one("SELECT 1 FROM area WHERE id = 1") is not None

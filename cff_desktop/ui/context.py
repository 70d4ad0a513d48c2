"""The state a window shares: the open workspace, who is signed in, and one "changed" signal.

Like Anki's operations, a view never polls the database: whoever changes something emits
``changed`` with what changed (a :class:`~cff_desktop.ui.changes.Change`: values, council, setup, ...),
and each view decides whether to redraw.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from cff_desktop.services.signin import Session
from cff_desktop.services.workspace import Workspace


class AppContext(QObject):
    changed = Signal(str)
    session_changed = Signal()

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.session: Session | None = None
        self.default_actor = "không rõ"  # who the audit names when no officer is signed in

    def sign_in(self, session: Session) -> None:
        self.session = session
        self.session_changed.emit()

    def sign_out(self) -> None:
        self.session = None
        self.session_changed.emit()

    @property
    def actor(self) -> str:
        return self.session.actor if self.session else self.default_actor

    @property
    def officer_ref(self) -> str:
        """The signed-in officer, for the editing pages, which exist only while someone is signed in."""
        assert self.session is not None, "an editing page was used with nobody signed in"
        return self.session.ref

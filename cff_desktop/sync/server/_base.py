"""What the inbox's mixins may use of the assembled :class:`~cff_desktop.sync.server.app.Inbox`.

Each mixin (:mod:`.api`, :mod:`.tus`, :mod:`.finish`, :mod:`.admin`) is written against the whole
inbox: its data folder, store, limits, clock and a few helpers that live in another mixin or in
:mod:`.app`. This base declares those for the type checker only, so a renamed attribute or a changed
helper signature is caught in every mixin that relies on it. At run time it adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from cff_desktop.sync.inbox_store import InboxStore
    from cff_desktop.sync.protocol import ServerLimits
    from cff_desktop.sync.server._common import Verifier
    from cff_desktop.sync.server.tus import _Pumped


class InboxBase:
    """Annotations only: the attributes :class:`Inbox` sets and the helpers one mixin borrows from another."""

    data: Path
    verifier: Verifier
    limits: ServerLimits
    clock: Callable[[], datetime]
    store: InboxStore
    _locks: dict[str, asyncio.Lock]
    _pumps: dict[str, asyncio.Task[_Pumped]]
    _finishing: dict[tuple[str, str], asyncio.Lock]

    if TYPE_CHECKING:
        # defined in app.Inbox
        def _auth(self, request: Request) -> dict[str, Any] | Response: ...
        def _gate(self, request: Request) -> dict[str, Any] | Response: ...
        def _drop_upload(self, upload_id: str) -> None: ...
        def _side_path(self, upload_id: str) -> Path: ...

        # defined in tus.TusMixin, used by finish.FinishMixin
        def _upload_for(self, request: Request, auth: dict[str, Any]) -> dict[str, Any] | Response: ...
        def _offset(self, upload_id: str) -> int: ...

"""Connection time limits for the inbox: slow clients must not hold the server forever.

uvicorn closes a keep-alive connection that stays idle between requests, but it waits without
limit for the headers of a request and for the next piece of a body. A few hundred connections
that send one header byte every ten seconds, or that stop in the middle of a body, would then be
held open for good. :class:`GuardedH11Protocol` adds two limits:

* ``header_timeout``: the whole header block must arrive within this many seconds of the moment
  the server started waiting for it (trickling bytes does not extend it);
* ``idle_timeout``: while a body is being received, a gap longer than this closes the connection.
  The application then sees a disconnect, exactly as for a dropped link, and keeps every byte
  that arrived (a tus upload resumes from there).

Time spent by the application itself (verifying a finished package) is not limited here.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 30.0
IDLE_TIMEOUT = 60.0


class GuardedH11Protocol(H11Protocol):
    header_timeout: float = HEADER_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard: asyncio.TimerHandle | None = None
        self._seen_cycle: object | None = None

    @classmethod
    def with_limits(cls, header_timeout: float, idle_timeout: float) -> type[GuardedH11Protocol]:
        """A protocol class with these limits (uvicorn takes a class, not an instance)."""
        return type("GuardedH11Protocol", (cls,), {"header_timeout": float(header_timeout),
                                                   "idle_timeout": float(idle_timeout)})

    def _cancel(self) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None

    def _arm(self, seconds: float) -> None:
        self._cancel()
        self._guard = self.loop.call_later(seconds, self._expire)

    def _expire(self) -> None:
        self._guard = None
        if not self.transport.is_closing():
            self.transport.close()  # connection_lost tells a waiting application "disconnected"

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle is not self._seen_cycle:
            self._seen_cycle = self.cycle  # headers complete: the header deadline is over
            self._cancel()
        if self.cycle is not None and self.cycle is self._seen_cycle:
            if self.conn.their_state is h11.SEND_BODY:
                self._arm(self.idle_timeout)  # every piece of body restarts the idle limit
            else:
                self._cancel()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(max(self.header_timeout, self.timeout_keep_alive))  # the next request's headers

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

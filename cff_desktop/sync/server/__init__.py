"""The upper level's inbox: an ASGI app (Starlette) speaking tus 1.0 plus a small JSON API.

Why ASGI: uvicorn hands the app each piece of a request body as it arrives, and the app appends it
to the upload file at once, so when a 2G link drops in the middle of a chunk every byte that got
here is kept and the client resumes from there (a WSGI server buffers the whole body and would
drop it). The tus subset, the checksum decision, receipts, idempotency and authentication are
described in ``docs/sync-protocol.md``.

The app never trusts an id from the wire: upload ids, package UUIDs and hashes are matched
against fixed patterns before they reach SQL or a path, and every row a request can see is
filtered by the commune its token belongs to (another commune's upload is simply "not found").

The package check itself (signature by an enrolled device, member hashes, limits) is injected as
``verifier`` by the services layer, which owns the package format; this module only knows that a
verifier either returns the manifest or raises :class:`PackageRefused`.

Where things live: :mod:`.app` (the :class:`Inbox`, routing, the token gate, ``serve``),
:mod:`.api` (JSON API), :mod:`.tus` (uploads, :func:`write_chunk`), :mod:`.finish` (verify, store,
receipt), :mod:`.admin` (decisions, :func:`publish_ruleset`). This module re-exports their names.
"""

from __future__ import annotations

from cff_desktop.sync.server._common import PackageRefused, Verifier, VerifyRequest, _conflict_message, error
from cff_desktop.sync.server.admin import publish_ruleset
from cff_desktop.sync.server.api import _TooLarge
from cff_desktop.sync.server.app import Inbox, serve
from cff_desktop.sync.server.tus import CHECKSUM_ALGORITHMS, TUS_EXTENSIONS, _Pumped, write_chunk

__all__ = [
    "CHECKSUM_ALGORITHMS", "TUS_EXTENSIONS", "Inbox", "PackageRefused", "Verifier", "VerifyRequest",
    "_Pumped", "_TooLarge", "_conflict_message", "error", "publish_ruleset", "serve", "write_chunk",
]

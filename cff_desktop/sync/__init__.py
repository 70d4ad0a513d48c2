"""Sync with the upper level: the tus client and outbox (commune side) and the inbox server.

The wire protocol is written down in ``docs/sync-protocol.md``. This package knows HTTP, tus,
signatures and its own SQLite tables; it never imports the services (the services call it and
inject what it needs, such as the package verifier of the inbox).
"""

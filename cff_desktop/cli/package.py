"""``cff package ...`` commands (being built)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to ``cff``."""

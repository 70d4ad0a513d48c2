"""What an upper level does by phone before a USB stick is imported: register each unit's laptop.

Tests that are about something else than trust (appraisal, decisions, reports) register the
signers of the packages they built, for the unit each package names, exactly as
``cff district keys add CODE FINGERPRINT`` would; the trust checks themselves are tested in
test_trust_*.py.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any


def register_signers(ws: Any, *where: Path) -> None:
    """Register the signer of every package in ``where`` (files or folders) for the unit it names."""
    from cff_desktop.services.unit_keys import add_key, allowed

    files: list[Path] = []
    for w in where:
        files += sorted(Path(w).rglob("*.cffpkg")) if Path(w).is_dir() else [Path(w)]
    for f in files:
        with zipfile.ZipFile(f) as z:
            m = json.loads(z.read("manifest.json"))
        code, fp = m["commune"]["code"], m["device"]["fingerprint"]
        if not allowed(ws, code, fp):
            add_key(ws, code, fp, label="so qua điện thoại")

"""Packages (``.cffpkg``): export to a USB stick or folder, verify, import. The UI calls these.

Two kinds are built here:

* ``dossier`` — the frozen round as the council closed it (the snapshot, byte for byte, with its
  SHA-256), the audit excerpt of the round, the evidence files, and the printed PDFs when the
  printing service is installed. Encrypted to the upper level's key when one is configured.
* ``sector-data`` — the figures of chosen criteria, each with its author and time, carried from
  a sector officer's laptop to the clerk's. Counts and notes only (no evidence, no names of
  children), so they are signed but not encrypted: the clerk's laptop must read them and holds
  no key of the upper level.

Every function that can take long accepts ``progress(done, total)``; it is called from the
calling thread (the UI runs these off the UI thread and forwards the calls).

Import is all or nothing: the whole package is verified first, then every change is applied in
one transaction. A figure the clerk changed on this laptop is never overwritten silently: it is
a conflict that the caller resolves per indicator (``"mine"`` keeps it, ``"theirs"`` takes the
package's); an unresolved conflict refuses the import with the list. Imported figures keep their
original author and time; importing a package that a later one already replaced changes nothing.

Where things live: :mod:`.verify` (Verdict, verify/open/inspect), :mod:`.export` (building and
writing), :mod:`.import_` (plan, import, receive a dossier, list), :mod:`.receipt` (the upper
level's answer at the commune). This module re-exports the public names.
"""

from __future__ import annotations

from cff_desktop.dossier.drives import Drive, removable_drives
from cff_desktop.services.packages._common import Progress
from cff_desktop.services.packages.export import ExportResult, export_package
from cff_desktop.services.packages.import_ import (
    Conflict,
    ImportPlan,
    ImportResult,
    Resolution,
    import_package,
    list_packages,
    plan_import,
)
from cff_desktop.services.packages.verify import Verdict, inspect_package, open_verified, verify_package

__all__ = [
    "Conflict", "Drive", "ExportResult", "ImportPlan", "ImportResult", "Progress", "Resolution", "Verdict",
    "export_package", "import_package", "inspect_package", "list_packages", "open_verified", "plan_import",
    "removable_drives", "verify_package",
]

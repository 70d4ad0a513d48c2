"""The ``.cffpkg`` format: names, limits and the refusal every check raises.

A package is a ZIP read with :mod:`zipfile` (never a hand-written reader) holding ``manifest.json``,
``signature`` and the payload. Everything here is data a reader of ``docs/package-format.md``
can check against; bump :data:`FORMAT_VERSION` on any change an older reader would misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cff_desktop.common.errors import BadInput

FORMAT = "cffpkg"
FORMAT_VERSION = 2  # 2: revision, audit_head; unit code required on dossiers (1 is still read)
EXTENSION = ".cffpkg"
# A file being written carries this suffix until it is complete and verified, so a stick pulled
# out mid-write never holds a file whose name says ".cffpkg".
PART_SUFFIX = ".part"

MANIFEST = "manifest.json"
SIGNATURE = "signature"
ENCRYPTED_PAYLOAD = "payload.age"
PAYLOAD_PREFIX = "payload/"

KIND_DOSSIER = "dossier"
KIND_SECTOR = "sector-data"
KIND_RECEIPT = "receipt"
KIND_RULESET = "ruleset"  # a rule set the upper level publishes to its communes, signed, for USB


@dataclass(frozen=True)
class PackageKind:
    """The facts of one kind of package that more than one part of the program reads.

    ``members`` are the payload JSON files its readers take, each checked against its schema in
    dossier/schemas.py on every read. ``from_commune``: a commune exports it and the inbox server
    accepts it. ``signer_checked_later``: the importer decides who may sign it (an officer's
    laptop registered here), so opening only checks the signature. ``brings_ruleset``: it carries
    its own rule set, so the receiving machine need not have it yet. How a kind is applied on
    import is services/packages/import_.py's table of importers, checked complete against this one.
    """

    key: str
    label: str
    members: tuple[str, ...] = ()
    from_commune: bool = False
    signer_checked_later: bool = False
    brings_ruleset: bool = False


PACKAGE_KINDS: dict[str, PackageKind] = {k.key: k for k in (
    PackageKind(KIND_DOSSIER, "Hồ sơ đề nghị công nhận", ("snapshot.json", "audit.json", "evidence.json"),
                from_commune=True),
    PackageKind(KIND_SECTOR, "Dữ liệu tiêu chí", ("values.json",), from_commune=True, signer_checked_later=True),
    PackageKind(KIND_RECEIPT, "Giấy báo nhận", ("decision.json",)),
    PackageKind(KIND_RULESET, "Bộ tiêu chí do cấp trên phát hành", brings_ruleset=True),
)}
KINDS = tuple(PACKAGE_KINDS)
KIND_LABELS = {k: p.label for k, p in PACKAGE_KINDS.items()}
#: Kinds a commune exports and the inbox server accepts.
COMMUNE_KINDS = tuple(k for k, p in PACKAGE_KINDS.items() if p.from_commune)
#: Kinds whose signer the importer checks (see :class:`PackageKind`).
SIGNER_CHECKED_LATER = tuple(k for k, p in PACKAGE_KINDS.items() if p.signer_checked_later)

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a reader accepts before it reads a byte of payload (ZIP bombs, huge manifests).

    Evidence files are at most 200 MB each when attached, and photos are downscaled, so a real
    dossier stays far below these; the ratio check applies to members big enough to matter
    (JSON compresses 5-10x, JPEG/PDF/age not at all; a ZIP bomb compresses 1000x and more).
    """

    max_members: int = 20_000
    max_total: int = 4096 * MiB
    max_member: int = 256 * MiB
    max_ratio: int = 100
    ratio_floor: int = 1 * MiB
    max_manifest: int = 4 * MiB
    max_signature: int = 1024


DEFAULT_LIMITS = Limits()


class PackageRejected(BadInput):
    """A package refused by a check; ``code`` tells a program (and the UI) which one.

    Codes: ``not_zip``, ``truncated``, ``unsafe_member``, ``too_large``, ``bad_manifest``,
    ``format_version``, ``bad_signature``, ``unknown_key``, ``missing_member``, ``extra_member``,
    ``tampered``, ``wrong_recipient``, ``not_readable``, ``unknown_ruleset``, ``other_commune``,
    ``other_round``, ``wrong_kind``, ``round_closed``, ``unknown_officer``, ``conflicts``.
    """

    code: str  # always set here, unlike CffError's optional one

    def __init__(self, code: str, message: str, where: str | None = None,
                 details: dict[str, Any] | None = None, *, remedy: str | None = None) -> None:
        super().__init__(message, where, code=code, remedy=remedy)
        self.code = code
        self.details: dict[str, Any] = details or {}


@dataclass
class Member:
    """One listed member: its name in the ZIP, SHA-256 (hex) and size in bytes."""

    path: str
    sha256: str
    size: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}

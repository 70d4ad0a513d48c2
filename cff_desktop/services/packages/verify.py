"""Checking a package: the :class:`Verdict` the import screen and `cff package verify --json` show.

A package is opened, its signature, hashes and rule set checked, and an unknown signer is
remembered only when the person asked for it (``trust``) and every other check passed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import CffError
from cff_desktop.dossier.format import KIND_DOSSIER, KIND_LABELS, KIND_SECTOR, PACKAGE_KINDS, PackageRejected
from cff_desktop.dossier.package import Opened, open_package
from cff_desktop.services import keys, sector_trust
from cff_desktop.services.library import RuleLibrary
from cff_desktop.services.packages._common import Progress, _work_dir
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.paths import DataPaths


@dataclass
class Verdict:
    """The result of checking a package, whether it passed or not (for the import screen)."""

    ok: bool
    path: str
    code: str = ""
    reason: str = ""
    sha256: str = ""
    size: int = 0
    uuid: str = ""
    kind: str = ""
    kind_label: str = ""
    commune: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    ruleset: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    app_version: str = ""
    signer: str = ""
    device_id: str = ""
    trusted: bool = False
    encrypted: bool = False
    readable: bool = False
    recipient_fingerprint: str = ""
    supersedes: str | None = None
    criteria: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    contents: list[dict[str, Any]] = field(default_factory=list)
    remedy: str | None = None  # refused: how to fix it, worded by the CLI or the window (common.errors.REMEDIES)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fill(v: Verdict, m: dict[str, Any]) -> None:
    v.uuid, v.kind = m["uuid"], m["kind"]
    v.kind_label = KIND_LABELS.get(m["kind"], m["kind"])
    v.commune = dict(m["commune"])
    v.year = m["round"]["year"]
    v.ruleset = dict(m["ruleset"])
    v.created_at, v.app_version = m["created_at"], m["app_version"]
    v.signer, v.device_id = m["device"]["fingerprint"], m["device"]["id"]
    v.encrypted = m["encryption"] is not None
    v.recipient_fingerprint = (m["encryption"] or {}).get("recipient_fingerprint", "")
    v.supersedes = m["supersedes"]
    v.criteria = list(m.get("criteria", []))
    v.summary = dict(m.get("summary", {}))
    v.contents = [{"path": p["path"], "size": p["size"]} for p in m.get("payload", m["members"])]


def _paths(where: Workspace | DataPaths) -> DataPaths:
    return where.paths if isinstance(where, Workspace) else where


def _check_ruleset(where: Workspace | DataPaths, m: dict[str, Any], path: Path) -> None:
    """The package's rule set must be on this installation (shipped, imported or pinned)."""
    rs = m["ruleset"]
    if PACKAGE_KINDS[m["kind"]].brings_ruleset:  # checked against the manifest on import
        return
    if isinstance(where, Workspace):
        if where.store.one("SELECT 1 FROM ruleset_pin WHERE sha256 = ?", (rs["sha256"],)):
            return
        library = where.library
    else:
        library = RuleLibrary(where.rulesets)
    if any(r.sha256 == rs["sha256"] for r in library.all()):
        return
    same = [r for r in library.all() if r.id == rs["id"] and r.version == rs["version"]]
    extra = " (máy này có bản cùng tên nhưng nội dung khác)" if same else ""
    raise PackageRejected(
        "unknown_ruleset", f"gói tính điểm theo bộ tiêu chí {rs['id']} phiên bản {rs['version']} "
        f"(SHA-256 {rs['sha256'][:12]}…) mà máy này chưa có{extra}. Xin tệp bộ tiêu chí đó, nhập vào máy, "
        "sau đó mở lại gói.", str(path), {"ruleset": rs}, remedy="import_ruleset")


def _open_checked(where: Workspace | DataPaths, path: Path, *, trust: bool, identity_file: Path | None,
                  passphrase: str | None, progress: Progress | None,
                  signer_checked_later: bool | tuple[str, ...] = False) -> Opened:
    """Open and check a package; an unknown signer is remembered only if every check passes.

    ``signer_checked_later`` (True, or the kinds it applies to): the caller decides who may sign
    (the upper level, per unit; the clerk's machine, per officer device), so this layer only
    checks that the signature is valid.
    """
    paths = _paths(where)
    identity = keys.upper_identity(paths, identity_file, passphrase)
    newly_trusted: list[dict[str, Any]] = []

    def trusted(fp: str, manifest: dict[str, Any]) -> bool:
        later = signer_checked_later if isinstance(signer_checked_later, bool) \
            else manifest["kind"] in signer_checked_later
        if later or keys.is_trusted(paths, fp):
            return True
        if isinstance(where, Workspace) and manifest["kind"] == KIND_SECTOR \
                and sector_trust.device_officer(where, fp) is not None:
            return True
        if trust:
            newly_trusted.append(manifest)
            return True
        return False

    opened = open_package(Path(path), is_trusted=trusted, identity=identity, work_dir=_work_dir(paths),
                          progress=progress)
    try:
        _check_ruleset(where, opened.manifest, Path(path))
        for manifest in newly_trusted:
            keys.trust_device(paths, manifest)
    except BaseException:
        opened.close()
        raise
    return opened


def verify_package(where: Workspace | DataPaths, path: str | Path, *, trust: bool = False,
                   identity_file: Path | None = None, passphrase: str | None = None,
                   progress: Progress | None = None) -> Verdict:
    """Check a package completely; raises :class:`PackageRejected` with the reason when it fails.

    ``trust=True`` accepts and remembers an unknown signer (after a person compared the
    fingerprint by phone). Nothing else is written.
    """
    with _open_checked(where, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=progress) as opened:
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, opened.manifest)
        if opened.readable and opened.manifest["kind"] == KIND_DOSSIER:
            snap = opened.read_json("snapshot.json")
            score = snap.get("score", {})
            v.summary |= {"total": score.get("total"), "threshold": score.get("threshold"),
                          "recognized": score.get("recognized")}
        return v


def open_verified(where: Workspace | DataPaths, path: str | Path, *, trust: bool = False,
                  identity_file: Path | None = None, passphrase: str | None = None,
                  progress: Progress | None = None, signer_checked_later: bool | tuple[str, ...] = False) -> Opened:
    """Check a package exactly as :func:`verify_package` does and keep it open for reading.

    The upper level reads the snapshot, the evidence index and the printed papers from the same
    checked bytes instead of opening (and decrypting) the package a second time. Close it after use.
    """
    return _open_checked(where, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                         progress=progress, signer_checked_later=signer_checked_later)


def inspect_package(where: Workspace | DataPaths, path: str | Path, **kw: Any) -> Verdict:
    """Like :func:`verify_package` but returns a failed :class:`Verdict` instead of raising."""
    try:
        return verify_package(where, path, **kw)
    except PackageRejected as e:
        v = Verdict(ok=False, path=str(path), code=e.code, reason=e.message, remedy=e.remedy)
        if "fingerprint" in e.details:
            v.signer = e.details["fingerprint"]
            v.device_id = e.details.get("device_id", "")
            v.commune = dict(e.details.get("commune", {}))
        return v
    except CffError as e:
        return Verdict(ok=False, path=str(path), code="error", reason=e.message)

"""Build and open ``.cffpkg`` packages (format in ``docs/package-format.md``).

Building: payload files are hashed as they are written; with an upper-level recipient they go
into an inner ZIP that is encrypted with age into one member ``payload.age``. The manifest lists
every other member's SHA-256 and size (and, when encrypted, the inner members too) and is signed
with the device's Ed25519 key. The manifest stays readable so anyone can check integrity and see
who sent what without the private key; only the holder of the upper level's key reads the payload.

Opening checks, in this order, and stops at the first problem: a readable, safe ZIP; a manifest
of a known format version; a signature that matches the manifest and the key it names; exactly
the listed members, each with its listed hash and size; a signer this installation trusts; and,
when the payload is encrypted and a key is at hand, that it was encrypted to that key and that
the inner members match too. Services add the checks that need the database (commune, round,
rule set).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import jsonschema
import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cff_desktop.dossier import crypto
from cff_desktop.dossier.format import (
    DEFAULT_LIMITS,
    ENCRYPTED_PAYLOAD,
    FORMAT,
    FORMAT_VERSION,
    KINDS,
    MANIFEST,
    PAYLOAD_PREFIX,
    SIGNATURE,
    Limits,
    Member,
    PackageRejected,
)
from cff_desktop.dossier.safezip import CHUNK, SafeZip
from cff_desktop.dossier.schemas import MEMBER_SCHEMAS, check_member, loads_strict

Progress = Callable[[int, int], None]
TrustCheck = Callable[[str, dict[str, Any]], bool]

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_SUMMARY = {"type": "object", "properties": {
    "total": _NUM_OR_NULL, "max_total": _NUM_OR_NULL, "threshold": _NUM_OR_NULL,
    "recognized": {"type": ["boolean", "null"]}, "evidence": {"type": "integer", "minimum": 0},
    "documents": {"type": "array", "items": {"type": "string"}}, "values": {"type": "integer", "minimum": 0}}}
_MEMBER = {"type": "object", "required": ["path", "sha256", "size"],
           "properties": {"path": {"type": "string"}, "sha256": _HEX64,
                          "size": {"type": "integer", "minimum": 0}}}
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "format_version", "uuid", "kind", "commune", "round", "ruleset", "created_at",
                 "app_version", "device", "supersedes", "members", "encryption"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"type": "integer", "minimum": 1},
        "uuid": _UUID,
        "kind": {"enum": list(KINDS)},
        "commune": {"type": "object", "required": ["code", "name", "province"],
                    "properties": {k: {"type": "string"} for k in ("code", "name", "province")}},
        "round": {"type": "object", "required": ["year"], "properties": {"year": {"type": "integer"}}},
        "ruleset": {"type": "object", "required": ["id", "version", "sha256"],
                    "properties": {"id": {"type": "string"}, "version": {"type": "string"}, "sha256": _HEX64}},
        "created_at": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"},
        "app_version": {"type": "string"},
        "device": {"type": "object", "required": ["id", "public_key", "fingerprint"],
                   "properties": {k: {"type": "string"} for k in ("id", "public_key", "fingerprint")}},
        "supersedes": {"oneOf": [{"type": "null"}, _UUID]},
        "chain": {"type": "array", "items": _UUID},
        "revision": {"type": "integer", "minimum": 1},
        "audit_head": {"type": "object", "required": ["count", "hash"],
                       "properties": {"count": {"type": "integer", "minimum": 0}, "hash": _HEX64}},
        "criteria": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 32}},
        "snapshot_sha256": _HEX64,
        "summary": _SUMMARY,
        "members": {"type": "array", "items": _MEMBER},
        "payload": {"type": "array", "items": _MEMBER},
        "encryption": {"oneOf": [{"type": "null"}, {
            "type": "object", "required": ["scheme", "recipient", "recipient_fingerprint", "member"],
            "properties": {"scheme": {"const": "age-x25519"}, "recipient": {"type": "string"},
                           "recipient_fingerprint": {"type": "string"}, "member": {"const": ENCRYPTED_PAYLOAD}}}]},
    },
}


@dataclass
class PayloadFile:
    """One payload file to pack: ``name`` inside ``payload/``, from a file or from bytes."""

    name: str
    data: bytes | None = None
    source: Path | None = None
    compress: bool = True

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else Path(self.source or "").stat().st_size


@dataclass
class Built:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


class _Meter:
    """Byte progress over the whole build or check, reported to an optional callable."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.progress = progress
        self._tick()

    def _tick(self) -> None:
        if self.progress:
            self.progress(min(self.done, self.total), self.total)

    def add(self, n: int) -> None:
        self.done += n
        self._tick()

    def finish(self) -> None:
        self.done = self.total
        self._tick()


def _write_member(zf: zipfile.ZipFile, arcname: str, pf: PayloadFile, meter: _Meter) -> Member:
    info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if pf.compress else zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16  # a regular file, so readers need not guess
    h = hashlib.sha256()
    n = 0
    with zf.open(info, "w", force_zip64=pf.size > 2**31) as out:
        if pf.data is not None:
            for i in range(0, len(pf.data), CHUNK):
                chunk = pf.data[i:i + CHUNK]
                out.write(chunk)
                h.update(chunk)
                n += len(chunk)
                meter.add(len(chunk))
        else:
            with open(pf.source or "", "rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                    h.update(chunk)
                    n += len(chunk)
                    meter.add(len(chunk))
    return Member(arcname, h.hexdigest(), n)


def _check_payload_names(files: list[PayloadFile]) -> None:
    from cff_desktop.dossier.safezip import _check_name

    seen: set[str] = set()
    for pf in files:
        _check_name(PAYLOAD_PREFIX + pf.name, "payload")
        if pf.name in seen:
            raise ValueError(f"duplicate payload file {pf.name}")
        seen.add(pf.name)


def build(out_path: Path, header: dict[str, Any], files: list[PayloadFile], key: Ed25519PrivateKey,
          recipient: str | None, work_dir: Path, progress: Progress | None = None) -> Built:
    """Write a complete, signed package to ``out_path`` (a local working file, not the target).

    ``header`` carries uuid, kind, commune, round, ruleset, created_at, app_version, supersedes,
    chain and kind-specific fields; the device block, member lists and encryption are filled here.
    """
    _check_payload_names(files)
    payload_bytes = sum(pf.size for pf in files)
    meter = _Meter(payload_bytes * (3 if recipient else 1), progress)
    manifest: dict[str, Any] = dict(header)
    pub = crypto.public_key_text(key)
    manifest.update(format=FORMAT, format_version=FORMAT_VERSION,
                    device=dict(header.get("device", {}), public_key=pub, fingerprint=crypto.key_fingerprint(pub)))
    tmp = Path(tempfile.mkdtemp(prefix="cffpkg-build-", dir=work_dir))
    try:
        if recipient:
            inner = tmp / "payload.zip"
            with zipfile.ZipFile(inner, "w") as zf:
                payload = [_write_member(zf, PAYLOAD_PREFIX + pf.name, pf, meter) for pf in files]
            sealed = tmp / ENCRYPTED_PAYLOAD
            crypto.encrypt_file(inner, sealed, recipient)
            inner.unlink()
            meter.add(payload_bytes)
            outer = [PayloadFile(ENCRYPTED_PAYLOAD, source=sealed, compress=False)]
            manifest["encryption"] = {"scheme": "age-x25519", "recipient": recipient,
                                      "recipient_fingerprint": crypto.recipient_fingerprint(recipient),
                                      "member": ENCRYPTED_PAYLOAD}
            manifest["payload"] = [m.to_json() for m in payload]
            # hash the sealed member before the outer ZIP is written (it is listed in the manifest)
            manifest["members"] = [Member(ENCRYPTED_PAYLOAD, *_file_digest(sealed)).to_json()]
        else:
            outer = [PayloadFile(PAYLOAD_PREFIX + pf.name, data=pf.data, source=pf.source, compress=pf.compress)
                     for pf in files]
            manifest["encryption"] = None
            manifest["members"] = [{"path": PAYLOAD_PREFIX + pf.name, "sha256": sha, "size": size}
                                   for pf, (sha, size) in zip(files, (_pf_digest(pf) for pf in files), strict=True)]
            manifest["payload"] = manifest["members"]
        body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")
        with zipfile.ZipFile(out_path, "w") as zf:
            _write_member(zf, MANIFEST, PayloadFile(MANIFEST, data=body), _Meter(0, None))
            _write_member(zf, SIGNATURE, PayloadFile(SIGNATURE, data=crypto.sign(key, body), compress=False),
                          _Meter(0, None))
            for pf, listed in zip(outer, manifest["members"], strict=True):
                m = _write_member(zf, listed["path"], pf, meter)
                if (m.sha256, m.size) != (listed["sha256"], listed["size"]):
                    raise OSError(f"{pf.name} changed while the package was being built")
        sha, size = _file_digest(out_path)
        meter.finish()
        return Built(Path(out_path), sha, size, manifest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _file_digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def _pf_digest(pf: PayloadFile) -> tuple[str, int]:
    if pf.data is not None:
        return hashlib.sha256(pf.data).hexdigest(), len(pf.data)
    return _file_digest(pf.source or Path())


# --- opening -----------------------------------------------------------------------------------

@dataclass
class Opened:
    """A package that passed every check this layer can make; read payload files from it."""

    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]
    manifest_bytes: bytes
    readable: bool
    _outer: SafeZip
    _inner: SafeZip | None = None
    _tmp: Path | None = None
    _listed: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def encrypted(self) -> bool:
        return self.manifest.get("encryption") is not None

    @property
    def signer(self) -> str:
        return str(self.manifest["device"]["fingerprint"])

    def payload_names(self) -> list[str]:
        return [p[len(PAYLOAD_PREFIX):] for p in self._listed]

    def _source(self) -> SafeZip:
        if not self.readable:
            raise PackageRejected("not_readable", "nội dung gói được mã hóa cho cấp trên; máy này không có "
                                  "khóa bí mật để đọc.", str(self.path))
        return self._inner or self._outer

    def read(self, name: str, limit: int = 64 * 1024 * 1024) -> bytes:
        """A payload file's bytes, checked again against the signed manifest."""
        arc = PAYLOAD_PREFIX + name
        listed = self._listed.get(arc)
        if listed is None:
            raise PackageRejected("missing_member", f"gói không có tệp {name}.", str(self.path))
        data = self._source().read(arc, limit)
        if hashlib.sha256(data).hexdigest() != listed["sha256"]:
            raise PackageRejected("tampered", f"tệp {name} đổi nội dung sau khi kiểm tra; chép lại gói.",
                                  str(self.path), {"member": arc})
        return data

    def read_json(self, name: str) -> Any:
        """A JSON payload file, parsed strictly and, for the known members, checked against its schema.

        Nothing a sender signed is used before it has the shape the readers expect, so a signed
        ``snapshot.json = []`` is a refusal here, never a crash further on.
        """
        doc = loads_strict(self.read(name), name, str(self.path))
        if name in MEMBER_SCHEMAS:
            check_member(name, doc, str(self.path))
        return doc

    def copy(self, name: str, out: BinaryIO) -> None:
        """Copy a payload file into ``out``; refuses if its bytes differ from the manifest."""
        arc = PAYLOAD_PREFIX + name
        listed = self._listed.get(arc)
        if listed is None:
            raise PackageRejected("missing_member", f"gói không có tệp {name}.", str(self.path))
        sha, size = self._source().copy_to(arc, out)
        if (sha, size) != (listed["sha256"], listed["size"]):
            raise PackageRejected("tampered", f"tệp {name} đổi nội dung sau khi kiểm tra; chép lại gói.",
                                  str(self.path), {"member": arc})

    def close(self) -> None:
        self._outer.close()
        if self._inner is not None:
            self._inner.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_manifest(z: SafeZip) -> tuple[dict[str, Any], bytes]:
    """Parse and schema-check ``manifest.json``; refuse a newer format with what to do."""
    where = z.where
    if MANIFEST not in z.infos:
        raise PackageRejected("missing_member", "gói thiếu manifest.json: không phải gói cff_desktop hoặc "
                              "đã bị sửa.", where, {"member": MANIFEST})
    raw = z.read(MANIFEST, z.limits.max_manifest)
    doc = loads_strict(raw, MANIFEST, where)
    if isinstance(doc, dict) and doc.get("format") == FORMAT and isinstance(doc.get("format_version"), int) \
            and doc["format_version"] > FORMAT_VERSION:
        raise PackageRejected(
            "format_version", f"gói dùng định dạng phiên bản {doc['format_version']}, phiên bản cff_desktop "
            f"này chỉ đọc đến {FORMAT_VERSION}. Cài phiên bản cff_desktop mới hơn rồi mở lại.", where)
    err = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(MANIFEST_SCHEMA).iter_errors(doc))
    if err is not None:
        path = ".".join(str(p) for p in err.absolute_path) or "(gốc)"
        raise PackageRejected("bad_manifest", f"manifest.json sai ở trường {path}: {err.message}", where)
    return doc, raw


def open_package(path: Path, *, is_trusted: TrustCheck, identity: pyrage.x25519.Identity | None = None,
                 work_dir: Path | None = None, limits: Limits = DEFAULT_LIMITS,
                 progress: Progress | None = None) -> Opened:
    """Check a package completely (see the module docstring); the caller must ``close()`` it."""
    path = Path(path)
    where = str(path)
    z = SafeZip(path, limits)
    tmp: Path | None = None
    try:
        manifest, body = read_manifest(z)
        if SIGNATURE not in z.infos:
            raise PackageRejected("bad_signature", "gói không có chữ ký (signature); không tin được nguồn gửi.",
                                  where, {"member": SIGNATURE})
        sig = z.read(SIGNATURE, limits.max_signature)
        dev = manifest["device"]
        try:
            fp_ok = crypto.key_fingerprint(dev["public_key"]) == dev["fingerprint"]
        except ValueError:
            fp_ok = False
        if not fp_ok or not crypto.signature_valid(dev["public_key"], body, sig):
            raise PackageRejected(
                "bad_signature", "chữ ký không khớp: manifest đã bị sửa sau khi ký, hoặc chữ ký không phải "
                "của máy ghi trong gói. Không dùng gói này; đề nghị nơi gửi xuất lại.", where)
        listed = {m["path"]: m for m in manifest["members"]}
        if len(listed) != len(manifest["members"]) or MANIFEST in listed or SIGNATURE in listed:
            raise PackageRejected("bad_manifest", "manifest.json liệt kê tệp trùng hoặc sai.", where)
        present = set(z.names) - {MANIFEST, SIGNATURE}
        extra = sorted(present - set(listed))
        if extra:
            raise PackageRejected("extra_member", f"gói có tệp không ghi trong manifest: {', '.join(extra)}. "
                                  "Gói đã bị thêm tệp sau khi ký; không dùng.", where, {"members": extra})
        missing = sorted(set(listed) - present)
        if missing:
            raise PackageRejected("missing_member", f"gói thiếu tệp ghi trong manifest: {', '.join(missing)}. "
                                  "Chép lại gói từ nơi gửi.", where, {"members": missing})
        enc = manifest["encryption"]
        total = sum(m["size"] for m in listed.values())
        inner_total = sum(m["size"] for m in manifest.get("payload", [])) if enc and identity else 0
        meter = _Meter(total + inner_total, progress)
        for name, m in listed.items():
            if not enc and not name.startswith(PAYLOAD_PREFIX):
                raise PackageRejected("bad_manifest", f"tệp {name} nằm ngoài thư mục payload/.", where)
            sha, size = z.digest(name, meter.add)
            if (sha, size) != (m["sha256"], m["size"]):
                raise PackageRejected("tampered", f"tệp {name} không khớp mã băm trong manifest: gói bị hỏng "
                                      "hoặc bị sửa. Chép lại gói từ nơi gửi.", where, {"member": name})
        if enc and list(listed) != [ENCRYPTED_PAYLOAD]:
            raise PackageRejected("bad_manifest", "gói mã hóa phải có đúng một tệp payload.age.", where)
        if not is_trusted(dev["fingerprint"], manifest):
            raise PackageRejected(
                "unknown_key", f"gói được ký bởi máy lạ (dấu vân tay khóa {dev['fingerprint']}, "
                f"{manifest['commune']['name']}). Gọi điện cho nơi gửi để so dấu vân tay; nếu khớp, "
                "hãy tin máy này rồi nhập lại.", where,
                {"fingerprint": dev["fingerprint"], "device_id": dev["id"], "commune": manifest["commune"]},
                remedy="trust_device")
        inner: SafeZip | None = None
        readable = True
        payload_list = {m["path"]: m for m in (manifest.get("payload") or manifest["members"])}
        if enc:
            readable = identity is not None
            if identity is not None:
                mine = crypto.recipient_fingerprint(crypto.recipient_of(identity))
                if enc["recipient_fingerprint"] != mine or enc["recipient"] != crypto.recipient_of(identity):
                    raise PackageRejected(
                        "wrong_recipient", f"nội dung gói được mã hóa cho khóa khác (dấu vân tay "
                        f"{enc['recipient_fingerprint']}), không phải khóa của máy này ({mine}). Đề nghị nơi "
                        "gửi nhập đúng khóa công khai của cấp trên rồi xuất lại.", where,
                        {"recipient_fingerprint": enc["recipient_fingerprint"], "mine": mine})
                tmp = Path(tempfile.mkdtemp(prefix="cffpkg-open-", dir=work_dir))
                sealed, clear = tmp / ENCRYPTED_PAYLOAD, tmp / "payload.zip"
                with open(sealed, "wb") as f:
                    z.copy_to(ENCRYPTED_PAYLOAD, f)
                if not crypto.decrypt_file(sealed, clear, identity):
                    raise PackageRejected("wrong_recipient", "không giải mã được nội dung gói bằng khóa của máy "
                                          "này: gói được mã hóa cho khóa khác.", where)
                sealed.unlink()
                inner = SafeZip(clear, limits)
                if set(inner.names) != set(payload_list):
                    raise PackageRejected("tampered", "nội dung đã giải mã không khớp danh sách trong manifest.",
                                          where)
                for name, m in payload_list.items():
                    if not name.startswith(PAYLOAD_PREFIX) or inner.digest(name, meter.add) != (m["sha256"], m["size"]):
                        raise PackageRejected("tampered", f"tệp {name} (đã giải mã) không khớp manifest.", where,
                                              {"member": name})
        meter.finish()
        sha, size = _file_digest(path)
        return Opened(path, sha, size, manifest, body, readable, z, inner, tmp, payload_list)
    except BaseException:
        z.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise

"""What both ends of the sync protocol agree on: ids, limits, signed documents, errors.

Signed documents (receipts, decisions, published rule sets) travel as
``{"payload": "<JSON text>", "signature": "<base64 Ed25519>", "key": "<base64 public key>"}``:
the signature covers the exact bytes of ``payload``, so nobody has to agree on a JSON
canonicalisation, and a reader parses the payload only after the signature verified against the
server key it pinned at enrolment (the ``key`` field is informative, never trusted).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cff_desktop.common.errors import CffError

API = "/api/v1"
TUS_PATH = "/files/"
TUS_VERSION = "1.0.0"
RECEIPT_TYPE = "cff-receipt"
DECISION_TYPE = "cff-decision"
RULESET_TYPE = "cff-ruleset"

MiB = 1024 * 1024

# Every id that reaches a file name or a SQL row is matched against one of these first: a path
# trick ("../", "%2f", a drive letter, NUL) can never become part of a path.
UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
COMMUNE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$")
TOKEN_RE = re.compile(r"^cfft_[A-Za-z0-9_-]{43}$")
CODE_RE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def fingerprint(public_key_b64: str) -> str:
    """The same short fingerprint the package format uses: 80 bits of SHA-256, five groups."""
    h = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:20].upper()
    return "-".join(h[i:i + 4] for i in range(0, 20, 4))


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(pub.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def sign_document(key: Ed25519PrivateKey, body: dict[str, Any]) -> dict[str, str]:
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    sig = base64.b64encode(key.sign(payload.encode("utf-8"))).decode("ascii")
    return {"payload": payload, "signature": sig, "key": public_text(key)}


class BadDocument(CffError):
    """A signed document from the server that is malformed or whose signature does not verify."""


def open_document(doc: Any, server_key: str, kind: str) -> dict[str, Any]:
    """Verify a signed document against the pinned server key and return its body.

    Refuses (``BadDocument``) anything that is not exactly a well-formed document of ``kind``
    signed by that key: a bare 200, garbage, or a forged or altered receipt is never accepted.
    """
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("payload", "signature")):
        raise BadDocument(f"máy chủ trả về {_kind_label(kind)} sai cấu trúc; chưa coi là đã gửi.", "máy chủ")
    try:
        pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(server_key, validate=True))
        pub.verify(base64.b64decode(doc["signature"], validate=True), doc["payload"].encode("utf-8"))
    except (ValueError, InvalidSignature):
        raise BadDocument(
            f"chữ ký trên {_kind_label(kind)} không khớp khóa của máy chủ đã ghi nhận khi đăng ký; "
            "chưa coi là đã gửi. Có thể đang kết nối nhầm máy chủ — báo cho cấp trên.", "máy chủ") from None
    try:
        body = json.loads(doc["payload"])
    except json.JSONDecodeError:
        raise BadDocument(f"{_kind_label(kind)} có chữ ký nhưng nội dung không phải JSON.", "máy chủ") from None
    if not isinstance(body, dict) or body.get("type") != kind:
        raise BadDocument(f"máy chủ gửi nhầm loại văn bản (cần {_kind_label(kind)}).", "máy chủ")
    return body


def _kind_label(kind: str) -> str:
    return {RECEIPT_TYPE: "giấy báo nhận", DECISION_TYPE: "quyết định", RULESET_TYPE: "bộ tiêu chí"}.get(kind, kind)


@dataclass(frozen=True)
class ServerLimits:
    """Sizes the inbox accepts. A dossier with downscaled photos is tens of MB; the defaults leave
    room for big evidence while refusing a runaway or hostile body before it fills the disk."""

    max_package: int = 1024 * MiB
    max_json: int = 64 * 1024
    max_ruleset: int = 4 * MiB
    min_free: int = 64 * MiB  # keep this much disk free: refuse (507) rather than fill it
    upload_ttl_hours: int = 7 * 24  # an abandoned upload is deleted after this (tus expiration)
    # What one token may have promised in unfinished uploads at once (the sum of their
    # Upload-Length): a stolen or buggy client cannot reserve the whole disk with empty uploads.
    max_open_per_token: int = 2048 * MiB
    header_timeout: float = 30.0  # seconds for a request's whole header block
    idle_timeout: float = 60.0  # seconds without a byte while a body is being received


_DIGITS = re.compile(r"[0-9]{1,19}")


def ascii_int(text: str | None) -> int | None:
    """A header or query value that must be a non-negative integer: ASCII digits only, or None.

    ``str.isdigit`` accepts ``²`` and other Unicode digits that ``int`` then refuses (a 500), and
    Python's ``int`` accepts ``+5``, `` 5`` and ``1_000``; none of those is a number in HTTP.
    """
    if text is None or not _DIGITS.fullmatch(text):
        return None
    return int(text)


def encode_metadata(meta: dict[str, str]) -> str:
    """tus ``Upload-Metadata``: ``key base64(value)`` pairs separated by commas."""
    return ",".join(f"{k} {base64.b64encode(v.encode('utf-8')).decode('ascii')}" for k, v in meta.items())


def decode_metadata(header: str) -> dict[str, str]:
    """Parse ``Upload-Metadata``; ValueError on a malformed pair."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = part.partition(" ")
        if not key or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) or key in out:
            raise ValueError(f"bad metadata key {key!r}")
        out[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
    return out

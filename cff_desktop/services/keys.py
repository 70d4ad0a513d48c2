"""Keys of this installation: the device signing key, the upper level's key, trusted devices.

Private keys live in the operating system's keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux) through ``keyring``, or, for the upper level's key, in a file protected
by a passphrase; never in the database or a plain file. What is public (device id, public keys,
fingerprints, the upper level's recipient key, the devices this installation trusts) sits in
``keys.json`` in the data folder, written atomically, so it survives with the data and can be read
without the keyring.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cff_desktop.common.errors import BadInput, NotFound, Refused, StoreError
from cff_desktop.common.files import write_atomic
from cff_desktop.dossier import crypto
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import DataPaths, ensure_dir

KEYRING_SERVICE = "cff_desktop"
SETTINGS_FILE = "keys.json"


def _paths(where: Workspace | DataPaths) -> DataPaths:
    return where.paths if isinstance(where, Workspace) else where


def _settings_path(paths: DataPaths) -> Path:
    return paths.home / SETTINGS_FILE


def load_settings(where: Workspace | DataPaths) -> dict[str, Any]:
    p = _settings_path(_paths(where))
    try:
        doc = json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise StoreError(f"không đọc được tệp khóa công khai ({e}). Khôi phục tệp từ bản sao lưu hoặc "
                         "xóa tệp để tạo lại khóa của máy.", str(p)) from None
    return doc if isinstance(doc, dict) else {}


def save_settings(where: Workspace | DataPaths, doc: dict[str, Any]) -> None:
    """Write ``keys.json`` atomically (temp file, fsync, rename): never half a file."""
    paths = _paths(where)
    ensure_dir(paths.home)
    target = _settings_path(paths)
    try:
        write_atomic(target, json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
                     pattern=".keys-{token}.part", private=True)
    except OSError as e:
        raise StoreError(f"không ghi được tệp khóa công khai ({e.strerror}).", str(target)) from None


def _keyring_error(e: Exception) -> StoreError:
    return StoreError(
        f"không dùng được kho khóa của hệ điều hành ({type(e).__name__}: {e}). Trên Windows kho khóa có sẵn; "
        "trên Linux cần dịch vụ Secret Service (GNOME Keyring hoặc KWallet) đang chạy.", "keyring")


INSECURE_OK_ENV = "CFF_ALLOW_INSECURE_KEYRING"  # set by the test suite only (CI has no keyring service)


def _insecure(backend: Any) -> bool:
    """Backends that keep secrets in clear text, or not at all."""
    inner = getattr(backend, "backends", None)
    if inner is not None:  # keyring's chainer: insecure when every backend behind it is
        return all(_insecure(b) for b in inner) if inner else True
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    return (name.startswith(("keyring.backends.null.", "keyring.backends.fail."))
            or "Plaintext" in cls.__qualname__ or "Uncrypted" in cls.__qualname__)


def check_backend() -> None:
    """Refuse to keep a private key where anyone reading the disk can copy it.

    The plaintext file backend (keyrings.alt) and the null backend are fine for tests but would
    leave the device key — the commune's signature — readable by anyone with the laptop.
    """
    if os.environ.get(INSECURE_OK_ENV) == "1":
        return
    backend = keyring.get_keyring()
    if _insecure(backend):
        cls = type(backend)
        raise StoreError(
            f"kho khóa đang dùng ({cls.__module__}.{cls.__qualname__}) không bảo vệ khóa bí mật (lưu dạng chữ thường "
            "hoặc không lưu). Trên Windows dùng Windows Credential Manager (mặc định); trên Linux cài và mở GNOME "
            "Keyring hoặc KWallet, bỏ biến PYTHON_KEYRING_BACKEND, rồi chạy lại.", "keyring")


def _kr_get(name: str) -> str | None:
    check_backend()
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as e:
        raise _keyring_error(e) from None


def _kr_set(name: str, secret: str) -> None:
    check_backend()
    try:
        keyring.set_password(KEYRING_SERVICE, name, secret)
    except keyring.errors.KeyringError as e:
        raise _keyring_error(e) from None


# --- the device key ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceKey:
    device_id: str
    key: Ed25519PrivateKey
    public_key: str
    fingerprint: str


def device_key(where: Workspace | DataPaths) -> DeviceKey:
    """This installation's signing key, created on first use and kept in the keyring."""
    doc = load_settings(where)
    did = doc.get("device_id")
    secret = _kr_get(f"device-key:{did}") if did else None
    if secret is None:
        # First run (or the keyring lost the key, e.g. a new Windows profile): a new identity.
        # Receivers see a new fingerprint and are asked to confirm it, as they should be.
        did = str(uuid.uuid4())
        key = crypto.new_signing_key()
        _kr_set(f"device-key:{did}", crypto.signing_key_to_text(key))
        pub = crypto.public_key_text(key)
        doc.update(device_id=did, device_public_key=pub, device_fingerprint=crypto.key_fingerprint(pub),
                   device_created_at=now_iso())
        save_settings(where, doc)
    else:
        key = crypto.signing_key_from_text(secret)
        pub = crypto.public_key_text(key)
    return DeviceKey(str(did), key, pub, crypto.key_fingerprint(pub))


def device_info(where: Workspace | DataPaths) -> dict[str, str]:
    """Device id and fingerprint to read out to someone who will trust this laptop's packages."""
    k = device_key(where)
    return {"device_id": k.device_id, "public_key": k.public_key, "fingerprint": k.fingerprint}


# --- the audit chain's anchor --------------------------------------------------------------------

def remember_audit_head(where: Workspace | DataPaths, head: dict[str, Any]) -> None:
    """Keep the audit head (count + hash) this installation last signed into a package.

    It lives in the keyring, beside the device key and out of the database, so whoever edits
    the database file cannot also move the anchor; a shorter or different history shows at the
    next ``cff audit --verify``. Never moves backwards.
    """
    did = device_key(where).device_id
    old = signed_audit_head(where)
    if old is not None and old.get("count", 0) > head["count"]:
        return
    _kr_set(f"audit-head:{did}", json.dumps({"count": head["count"], "hash": head["hash"], "at": now_iso()}))


def signed_audit_head(where: Workspace | DataPaths) -> dict[str, Any] | None:
    did = load_settings(where).get("device_id")
    if not did:
        return None
    raw = _kr_get(f"audit-head:{did}")
    if not raw:
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        return {"count": 0, "hash": "", "broken": True}
    return doc if isinstance(doc, dict) else None


# --- trusted senders -----------------------------------------------------------------------------

def is_trusted(where: Workspace | DataPaths, fingerprint: str) -> bool:
    doc = load_settings(where)
    return (fingerprint == doc.get("device_fingerprint") or fingerprint in doc.get("trusted", {})
            or fingerprint == (doc.get("upper") or {}).get("signing_fingerprint"))


def trust_device(where: Workspace | DataPaths, manifest: dict[str, Any]) -> str:
    """Remember a sender's device key, after a person compared its fingerprint by phone."""
    dev = manifest["device"]
    doc = load_settings(where)
    doc.setdefault("trusted", {})[dev["fingerprint"]] = {
        "public_key": dev["public_key"], "device_id": dev["id"],
        "commune": manifest.get("commune", {}).get("name", ""), "trusted_at": now_iso()}
    save_settings(where, doc)
    return str(dev["fingerprint"])


def trusted_devices(where: Workspace | DataPaths) -> dict[str, dict[str, Any]]:
    return dict(load_settings(where).get("trusted", {}))


# --- the upper level's key -----------------------------------------------------------------------

def import_upper(where: Workspace | DataPaths, source: str) -> dict[str, str]:
    """Set the upper level's public key from a key file, its pasted text, or the key read out by phone."""
    where_ = "khóa cấp trên"
    text = source
    is_file = "\n" not in source and len(source) < 1024 and Path(source).is_file()
    if is_file:
        try:
            text = Path(source).read_text("utf-8-sig")
            where_ = source
        except (OSError, UnicodeDecodeError) as e:
            raise BadInput(f"không đọc được tệp khóa ({e}).", source) from None
    elif "age1" not in source.lower():
        raise NotFound("không có tệp khóa này; đưa đường dẫn tệp hoặc chuỗi khóa bắt đầu bằng age1.", source)
    recipient = crypto.parse_recipient(text, where_)
    fp = crypto.recipient_fingerprint(recipient)
    signing = _signing_line(text, where_)
    doc = load_settings(where)
    old = doc.get("upper") or {}
    doc["upper"] = {"recipient": recipient, "fingerprint": fp, "imported_at": now_iso()}
    if signing is None and old.get("signing_key") and old.get("recipient") == recipient:
        signing = old["signing_key"]  # the same key typed again by phone: keep the signing key from the file
    if signing is not None:
        doc["upper"] |= {"signing_key": signing, "signing_fingerprint": crypto.key_fingerprint(signing)}
    save_settings(where, doc)
    out = {"recipient": recipient, "fingerprint": fp}
    if signing is not None:
        out["signing_fingerprint"] = crypto.key_fingerprint(signing)
    return out


SIGNING_PREFIX = "cff-sign:"


def _signing_line(text: str, where: str) -> str | None:
    """The upper level's Ed25519 key that signs receipts, from a ``cff-sign: BASE64`` line of the key file."""
    for line in text.splitlines():
        if line.strip().lower().startswith(SIGNING_PREFIX):
            key = line.strip()[len(SIGNING_PREFIX):].strip()
            try:
                crypto.public_key_from_text(key)
            except ValueError:
                raise BadInput("dòng khóa ký (cff-sign:) trong tệp khóa cấp trên bị hỏng; xin cấp trên gửi lại tệp.",
                               where) from None
            return key
    return None


def upper_signers(where: Workspace | DataPaths) -> dict[str, str]:
    """Fingerprints of the keys that speak for the upper level here → where each came from.

    Only these may sign a receipt or a decision: the key in the upper level's key file
    (``cff keys import-upper``) and the inbox server's key pinned at enrolment.
    """
    out: dict[str, str] = {}
    up = load_settings(where).get("upper") or {}
    if up.get("signing_fingerprint"):
        out[up["signing_fingerprint"]] = "tệp khóa cấp trên"
    if isinstance(where, Workspace):
        row = where.store.one("SELECT value FROM setting WHERE key = 'sync.server_key'")
        if row and row["value"]:
            with contextlib.suppress(ValueError):
                out[crypto.key_fingerprint(row["value"])] = "máy chủ đã đăng ký"
    return out


def upper_recipient(where: Workspace | DataPaths) -> dict[str, str] | None:
    """The configured upper-level public key (``recipient``, ``fingerprint``), or None."""
    up = load_settings(where).get("upper")
    return {"recipient": up["recipient"], "fingerprint": up["fingerprint"]} if up else None


def generate_upper(where: Workspace | DataPaths, out: Path, *, private_file: Path | None = None,
                   passphrase: str | None = None) -> dict[str, str]:
    """The upper level's key pair: public key to ``out``, private key to the keyring or a file.

    With ``private_file`` the private key is written there encrypted with ``passphrase`` (age
    scrypt); otherwise it goes to this installation's keyring and is used automatically.
    """
    out = Path(out)
    if out.exists():
        raise Refused("đã có tệp này; chọn tên khác để không ghi đè khóa cũ.", str(out))
    if private_file is not None and Path(private_file).exists():
        raise Refused("đã có tệp này; chọn tên khác để không ghi đè khóa bí mật cũ.", str(private_file))
    signer = device_key(where)  # signs the receipts sent back on a stick; communes learn it from this file
    identity = crypto.new_identity()
    recipient = crypto.recipient_of(identity)
    fp = crypto.recipient_fingerprint(recipient)
    doc = load_settings(where)
    if private_file is not None:
        if not passphrase:
            raise BadInput("cần mật khẩu để bảo vệ tệp khóa bí mật.", "--passphrase")
        _write_new(Path(private_file), crypto.protect_identity(identity, passphrase))
        store = {"store": "file", "file": str(Path(private_file).absolute())}
    else:
        _kr_set(f"upper-identity:{fp}", crypto.identity_to_text(identity))
        store = {"store": "keyring"}
    public_text = (f"# Khóa công khai của cấp trên (cff_desktop)\n# Dấu vân tay: {fp}\n"
                   f"# Khóa ký giấy báo, dấu vân tay: {signer.fingerprint}\n"
                   f"# Nhập ở xã bằng: cff keys import-upper TỆP\n{recipient}\n"
                   f"{SIGNING_PREFIX} {signer.public_key}\n")
    _write_new(out, public_text.encode("utf-8"))
    doc["upper_identity"] = {"recipient": recipient, "fingerprint": fp, "created_at": now_iso()} | store
    save_settings(where, doc)
    return {"recipient": recipient, "fingerprint": fp, "public_file": str(out)} | store


def _write_new(path: Path, data: bytes) -> None:
    try:
        with open(path, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except FileExistsError:
        raise Refused("đã có tệp này; chọn tên khác.", str(path)) from None
    except OSError as e:
        raise StoreError(f"không ghi được tệp ({e.strerror}).", str(path)) from None


def upper_identity(where: Workspace | DataPaths, identity_file: Path | None = None,
                   passphrase: str | None = None) -> pyrage.x25519.Identity | None:
    """The upper level's private key when this installation holds it (keyring or given file)."""
    if identity_file is not None:
        try:
            data = Path(identity_file).read_bytes()
        except OSError as e:
            raise BadInput(f"không đọc được tệp khóa bí mật ({e.strerror}).", str(identity_file)) from None
        if data.lstrip().startswith(b"AGE-SECRET-KEY-1") or b"\nAGE-SECRET-KEY-1" in data:
            return crypto.identity_from_text(data.decode("ascii", "replace"))
        if not passphrase:
            raise BadInput("tệp khóa bí mật được bảo vệ bằng mật khẩu; cần nhập mật khẩu.", "--passphrase")
        return crypto.unprotect_identity(data, passphrase, str(identity_file))
    info = load_settings(where).get("upper_identity")
    if not info or info.get("store") != "keyring":
        return None
    secret = _kr_get(f"upper-identity:{info['fingerprint']}")
    return crypto.identity_from_text(secret) if secret else None

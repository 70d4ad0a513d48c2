"""Keys of this installation: the device signing key, the upper level's key, trusted devices.

Private keys live in the operating system's keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux) through ``keyring``, or, for the upper level's key, in a file protected
by a passphrase; never in the database or a plain file. What is public (device id, public keys,
fingerprints, the upper level's recipient key, the devices this installation trusts) sits in
``keys.json`` in the data folder, written atomically, so it survives with the data and can be read
without the keyring.
"""

from __future__ import annotations

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


def _kr_get(name: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as e:
        raise _keyring_error(e) from None


def _kr_set(name: str, secret: str) -> None:
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


# --- trusted senders -----------------------------------------------------------------------------

def is_trusted(where: Workspace | DataPaths, fingerprint: str) -> bool:
    doc = load_settings(where)
    return fingerprint == doc.get("device_fingerprint") or fingerprint in doc.get("trusted", {})


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
    doc = load_settings(where)
    doc["upper"] = {"recipient": recipient, "fingerprint": fp, "imported_at": now_iso()}
    save_settings(where, doc)
    return {"recipient": recipient, "fingerprint": fp}


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
                   f"# Nhập ở xã bằng: cff keys import-upper TỆP\n{recipient}\n")
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

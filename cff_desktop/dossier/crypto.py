"""Keys, signatures and payload encryption, all from maintained libraries.

Signatures are Ed25519 (``cryptography``); payload encryption is the age format (``pyrage``)
to an X25519 recipient, so any age tool can decrypt a payload with the upper level's key.
Nothing here stores a key: the services decide where keys live (keyring, passphrase file).

Fingerprints are what people compare by phone: the first 80 bits of SHA-256 over the public key,
as five groups of four hexadecimal digits (``3F2A-91C0-7B4E-0D18-A6C2``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from cff_desktop.common.errors import BadInput


def fingerprint(data: bytes) -> str:
    """Short, readable fingerprint of public key bytes (or of an age recipient's text)."""
    h = hashlib.sha256(data).hexdigest()[:20].upper()
    return "-".join(h[i:i + 4] for i in range(0, 20, 4))


# --- Ed25519 device keys -----------------------------------------------------------------------

def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_key_to_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def signing_key_from_text(text: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError:
        raise BadInput("khóa ký của máy trong kho khóa bị hỏng; tạo lại khóa của máy.", "keyring") from None


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(pub.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """Parse a base64 raw Ed25519 public key; ValueError when it is not one."""
    raw = base64.b64decode(text, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)


def key_fingerprint(public_text: str) -> str:
    return fingerprint(base64.b64decode(public_text))


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The ``signature`` member: base64 of the 64-byte Ed25519 signature, one line."""
    return base64.b64encode(key.sign(data)) + b"\n"


def signature_valid(public_text: str, data: bytes, signature_member: bytes) -> bool:
    try:
        pub = public_key_from_text(public_text)
        sig = base64.b64decode(signature_member.strip(), validate=True)
        pub.verify(sig, data)
        return True
    except (ValueError, InvalidSignature):
        return False


# --- age (X25519) recipient keys of the upper level --------------------------------------------

_RECIPIENT_RE = re.compile(r"age1[023456789acdefghjklmnpqrstuvwxyz]{58}")


def new_identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


def identity_to_text(identity: pyrage.x25519.Identity) -> str:
    return str(identity)


def identity_from_text(text: str) -> pyrage.x25519.Identity:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-1"):
            try:
                return pyrage.x25519.Identity.from_str(line)
            except pyrage.IdentityError:
                break
    raise BadInput("không đọc được khóa bí mật của cấp trên (cần dòng AGE-SECRET-KEY-1…).", "identity")


def recipient_of(identity: pyrage.x25519.Identity) -> str:
    return str(identity.to_public())


def parse_recipient(text: str, where: str = "khóa cấp trên") -> str:
    """The age recipient (``age1…``) in ``text``: a key file, or the text read out by phone.

    Spaces, hyphens and line breaks a person adds while copying are ignored and case is folded;
    the Bech32 checksum inside the key then catches any misheard character.
    """
    compact = re.sub(r"[\s\-–—.]", "", text).lower()
    m = _RECIPIENT_RE.search(compact)
    if m is None:
        raise BadInput(
            "không thấy khóa công khai của cấp trên (chuỗi bắt đầu bằng age1, dài 62 ký tự). "
            "Kiểm tra lại tệp hoặc đọc lại từng ký tự.", where)
    try:
        pyrage.x25519.Recipient.from_str(m.group(0))
    except pyrage.RecipientError:
        raise BadInput(
            "khóa công khai của cấp trên sai mã kiểm tra (có ký tự bị đọc nhầm). "
            "Đề nghị cấp trên đọc lại hoặc gửi tệp khóa.", where) from None
    return m.group(0)


def recipient_fingerprint(recipient: str) -> str:
    return fingerprint(recipient.encode("ascii"))


def encrypt_file(src: Path, dst: Path, recipient: str) -> None:
    """Encrypt ``src`` to ``dst`` for ``recipient`` (streamed by pyrage, not held in memory)."""
    pyrage.encrypt_file(str(src), str(dst), [pyrage.x25519.Recipient.from_str(recipient)])


def decrypt_file(src: Path, dst: Path, identity: pyrage.x25519.Identity) -> bool:
    """Decrypt ``src`` to ``dst``; False when the file was not encrypted to ``identity``."""
    try:
        pyrage.decrypt_file(str(src), str(dst), [identity])
        return True
    except pyrage.DecryptError:
        if os.path.exists(dst):
            os.unlink(dst)
        return False


def protect_identity(identity: pyrage.x25519.Identity, passphrase: str) -> bytes:
    """The identity encrypted with a passphrase (age scrypt), for a key file kept off the keyring."""
    if len(passphrase) < 8:
        raise BadInput("mật khẩu bảo vệ khóa phải dài ít nhất 8 ký tự.", "passphrase")
    body = f"# khóa bí mật cấp trên (cff_desktop), công khai: {recipient_of(identity)}\n{identity}\n"
    return pyrage.passphrase.encrypt(body.encode("utf-8"), passphrase)


def unprotect_identity(data: bytes, passphrase: str, where: str) -> pyrage.x25519.Identity:
    try:
        body = pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError:
        raise BadInput("sai mật khẩu, hoặc tệp không phải khóa bí mật được bảo vệ bằng mật khẩu.",
                       where) from None
    return identity_from_text(body.decode("utf-8", "replace"))

"""What every part of the inbox shares: the verifier's contract, error answers, the conflict message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from starlette.responses import JSONResponse

from cff_desktop.sync.protocol import TUS_VERSION, ServerLimits


class PackageRefused(Exception):
    """The verifier's refusal: ``code`` for programs, ``message`` (Vietnamese) for the clerk."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VerifyRequest:
    """What the verifier needs to judge an uploaded package for one commune."""

    commune: str
    devices: dict[str, str]  # fingerprint -> public key of the commune's enrolled devices
    uuid: str
    sha256: str
    limits: ServerLimits


Verifier = Callable[[Path, VerifyRequest], dict[str, Any]]


def _http_date(t: datetime) -> str:
    return format_datetime(t, usegmt=True)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    h = {"Tus-Resumable": TUS_VERSION} | (headers or {})
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=h)


def _conflict_message(uid: str, receipt_id: str) -> str:
    return (f"máy chủ đã nhận một gói cùng mã {uid} nhưng nội dung khác (mã tiếp nhận {receipt_id}). Một gói đã gửi "
            "thì không sửa được: xuất hồ sơ mới (gói mới sẽ thay thế gói cũ) rồi gửi lại.")

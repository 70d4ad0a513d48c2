"""What can go wrong while talking to the upper level, sorted by what the outbox does about it.

``retryable`` errors leave the package queued and schedule another try (backoff with jitter);
the others stop that package (``refused``/``conflict``) or, for authentication, the whole pass,
until a person acts. Every message says what happened and what happens next, in Vietnamese.
"""

from __future__ import annotations

from cff_desktop.common.errors import CffError


class SyncError(CffError):
    """A failed exchange with the server."""

    retryable = True
    code = "error"

    def __init__(self, message: str, where: str | None = None, *, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, where)
        self.status = status
        if code:
            self.code = code


class Offline(SyncError):
    """No connection (DNS, refused, reset, timeout): the normal state of a mountain commune."""

    code = "offline"


class ServerTrouble(SyncError):
    """The server answered 5xx, or something that is not the protocol (a portal page, garbage)."""

    code = "server_error"


class ServerFull(SyncError):
    """The server's disk is full (507): try again later, nothing is lost on either side."""

    code = "disk_full"


class BadReceipt(SyncError):
    """An answer that claims success without a well-formed receipt signed by the pinned key."""

    code = "bad_receipt"


class AuthFailed(SyncError):
    """The token was refused or revoked: no package can go until the device is enrolled again."""

    retryable = False
    code = "unauthorized"


class PackageConflict(SyncError):
    """The server holds another package with the same UUID (409): sending again cannot help."""

    retryable = False
    code = "conflict"


class PackageRefusedByServer(SyncError):
    """The server checked the package and refused it, with its reason."""

    retryable = False
    code = "refused"


class UploadGone(SyncError):
    """The server no longer has this upload (expired or deleted): start a new one."""

    code = "gone"


class TooLarge(SyncError):
    """The server's size limit is below this package."""

    retryable = False
    code = "too_large"

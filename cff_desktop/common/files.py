"""The one way this program replaces a file: complete or absent, never half-written.

Write to a temporary file in the target's own folder (so the rename stays on one file system),
flush, fsync, ``os.replace`` onto the final name, then fsync the folder on POSIX so the rename
itself survives a power cut. A failure removes the temporary file where it can; where it cannot
(a stick pulled out), its name still says it is incomplete.

Callers that must do something between writing and renaming (printing records the paper in the
database first; a package is read back from the stick) use :func:`open_temp` and
:func:`commit_temp`; everyone else calls :func:`write_atomic` or :func:`atomic_file`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PART = ".part"


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); Windows has no directory handles and NTFS journals it."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_temp(folder: Path, pattern: str, *, private: bool = False) -> tuple[Path, BinaryIO]:
    """Create a new file in ``folder`` named ``pattern`` with ``{token}`` replaced by random hex.

    ``open(..., "xb")`` rather than mkstemp: the file gets the user's usual permissions (mkstemp's
    are owner-only, which would hide a PDF from the other accounts of a shared office PC) and an
    existing file is never reused. ``private`` makes it owner-only (keys, evidence of children).
    """
    for _ in range(100):
        tmp = Path(folder) / pattern.format(token=secrets.token_hex(6))
        try:
            fh = open(tmp, "xb")
        except FileExistsError:
            continue
        if private:
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
        return tmp, fh
    raise FileExistsError(f"no free temporary name in {folder}")


def finish_temp(fh: BinaryIO) -> None:
    """Flush and fsync an open temporary file, then close it."""
    with fh:
        fh.flush()
        os.fsync(fh.fileno())


def commit_temp(tmp: Path, final: Path) -> None:
    """Rename a finished temporary file onto ``final`` and make the rename durable."""
    os.replace(tmp, final)
    fsync_dir(Path(final).parent)


def replace_durably(src: Path, final: Path) -> None:
    """fsync a file already written and closed (e.g. a received upload), then commit it as ``final``."""
    with open(src, "rb") as f:
        os.fsync(f.fileno())
    commit_temp(Path(src), Path(final))


@contextlib.contextmanager
def atomic_file(target: Path, *, pattern: str | None = None, private: bool = False) -> Iterator[BinaryIO]:
    """Write ``target`` through a temporary file; it replaces ``target`` only if the block succeeds."""
    target = Path(target)
    tmp, fh = open_temp(target.parent, pattern or f".{target.name}.{{token}}{PART}", private=private)
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        commit_temp(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(target: Path, data: bytes, *, pattern: str | None = None, private: bool = False) -> Path:
    """Replace ``target`` with ``data`` (complete or not at all); returns ``target``."""
    with atomic_file(target, pattern=pattern, private=private) as fh:
        fh.write(data)
    return Path(target)

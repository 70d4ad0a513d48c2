"""A named Windows mutex that says "cff_desktop is running", for the installer to see.

The database lock file (ui/app.py) stops two windows writing one database; this is for something
else: the NSIS installer and uninstaller ask the user to close the app before they replace or
remove its files, and a mutex is what an installer can ask about without knowing where the data
is. Windows removes the mutex when the process ends, even after a crash, so it can't go stale.
Other systems have no such installer; there the function does nothing.
"""

from __future__ import annotations

import sys

# installer/cff_desktop.nsi opens these two names; keep them in step (tests/test_installer.py checks).
RUNNING_MUTEX = "cff_desktop.running"
# The Global\ copy lets an all-users installer running elevated see a copy in another session.
RUNNING_MUTEX_GLOBAL = "Global\\" + RUNNING_MUTEX

_held: list[int] = []


def hold_running_mutex() -> bool:
    """Create the named mutexes for the life of this process; True when at least one exists."""
    if sys.platform != "win32":
        return False
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateMutexW.restype = wintypes.HANDLE
    kernel32.CreateMutexW.argtypes = [ctypes.c_void_p, wintypes.BOOL, wintypes.LPCWSTR]
    for name in (RUNNING_MUTEX, RUNNING_MUTEX_GLOBAL):
        handle = kernel32.CreateMutexW(None, False, name)
        if handle:  # kept open on purpose: closing it would tell the installer we have quit
            _held.append(handle)
    return bool(_held)

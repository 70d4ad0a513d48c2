"""Where the shipped resources (rule sets, fonts, icons, translations) are.

They live in ``resources/`` at the repository root and are installed as the package
``cff_desktop.resources``; a frozen build carries the same folder. One function hides the three
cases so no other module guesses paths.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _base() -> Path:
    # The folder sits beside the package's modules when installed or frozen (cff_desktop/resources)
    # and at the repository root in a checkout; looking there first spares every command the
    # import of importlib.resources (a tenth of `cff score`'s start-up), which stays the fallback.
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "resources", here.parent / "resources"):
        if (candidate / "rulesets").is_dir():
            return candidate
    from importlib import resources

    return Path(str(resources.files("cff_desktop.resources")))


def resource_dir(*parts: str) -> Path:
    """Return the path of a folder or file inside the shipped resources."""
    return _base().joinpath(*parts)

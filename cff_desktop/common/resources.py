"""Where the shipped resources (rule sets, fonts, icons, translations) are.

They live in ``resources/`` at the repository root and are installed as the package
``cff_desktop.resources``; a frozen build carries the same folder. One function hides the three
cases so no other module guesses paths.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(*parts: str) -> Path:
    """Return the path of a folder or file inside the shipped resources."""
    base = Path(str(resources.files("cff_desktop.resources")))
    return base.joinpath(*parts)

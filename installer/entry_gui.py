"""Frozen entry point of the window app (``cff-desktop.exe``).

PyInstaller needs a script, not an ``entry_points`` name; this one only hands over to the same
``main`` that ``cff-desktop`` runs from a source install, so the frozen app cannot drift from it.
"""

import sys

from cff_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())

"""Frozen entry point of the command line (``cff.exe``), shipped beside the window app.

Same reason as ``entry_gui.py``: a thin script over the installed ``main`` so ``cff score`` from
the bundle runs exactly the code a source install runs.
"""

import sys

from cff_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())

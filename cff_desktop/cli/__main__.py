import sys

from cff_desktop.cli import main

sys.exit(main())

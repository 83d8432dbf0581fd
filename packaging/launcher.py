"""The frozen program's entry point (PyInstaller): the same command line as `workstation`."""

import sys

from workstation.cli import main

if __name__ == "__main__":
    sys.exit(main())

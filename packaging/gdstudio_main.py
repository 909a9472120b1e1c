"""The frozen app's entry point: the `gdstudio` command (the window, or a subcommand)."""

import sys

from gdstudio.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m gdstudio`: same as the `gdstudio` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())

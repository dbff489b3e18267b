"""``python -m simcenter``: the same as the ``simcenter`` command."""

import sys

from simcenter.cli import main

if __name__ == "__main__":
    sys.exit(main())

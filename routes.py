"""The map of the routes out of Russia: `python routes.py` reads places.yaml, writes routes.html."""

import sys

from routemap.cli import main

if __name__ == "__main__":
    sys.exit(main())

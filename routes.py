"""The map of the routes out of Russia: `python routes.py` reads places.yaml, writes routes.html."""

from routemap.cli import run

if __name__ == "__main__":
    run()

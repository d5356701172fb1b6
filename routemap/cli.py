"""The command line: the only layer that parses arguments, prints and exits."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import RoutesError


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--places",
        type=Path,
        default=argparse.SUPPRESS,
        help="the places file to read (default: places.yaml)",
    )
    common.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="the HTML map to write (default: routes.html)",
    )
    parser = argparse.ArgumentParser(
        prog="routes",
        description="Build an interactive map of the routes in places.yaml.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("build", parents=[common], help="build the map (the default)")
    check = commands.add_parser("check", parents=[common], help="validate places.yaml only")
    check.add_argument(
        "--articles",
        type=Path,
        help="folder of the articles' texts: also check every quote is verbatim",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    places_path = getattr(args, "places", Path("places.yaml"))
    out_path = getattr(args, "out", Path("routes.html"))
    try:
        if args.command == "check":
            from .check import check

            report = check(places_path, getattr(args, "articles", None))
            print(report)
            return 0
        from .build import build

        result = build(places_path, out_path)
    except RoutesError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    print(
        f"Drew {result.places} places, {result.journeys} journeys and {result.quotes} quotes: "
        f"{result.out}"
    )
    return 0

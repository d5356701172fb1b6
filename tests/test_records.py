"""What the records are, beyond what they accept: a list field left out is the one shared empty
list (models.NO_ENTRIES), which must behave as an empty list of each record's own would, but
for changing it in place, which it refuses, so that no record's change could be every record's.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from routemap.load import read_places
from routemap.models import Journey, Place, PlacesFile
from tests.synthetic import synthetic_places

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


def test_list_fields_left_out_are_empty_and_refuse_changes_in_place():
    places = read_places(MINIMAL)
    tbilisi, yerevan = places.places
    assert tbilisi.sources == [] and tbilisi.also_called == [] and tbilisi.accounts == []
    assert tbilisi.sources is yerevan.sources is places.quotes[0].also  # one list, shared
    assert not tbilisi.sources and len(tbilisi.sources) == 0 and list(tbilisi.sources) == []
    for change in (
        lambda entries: entries.append("paper"),
        lambda entries: entries.extend(["paper"]),
        lambda entries: entries.insert(0, "paper"),
        lambda entries: entries.__iadd__(["paper"]),
        lambda entries: entries.__setitem__(slice(0, 0), ["paper"]),
    ):
        with pytest.raises(TypeError, match="make the record anew"):
            change(tbilisi.sources)
    assert yerevan.sources == [] and places.quotes[0].also == []
    # A list the file gives is the record's own, and a new list is made of either.
    assert places.journeys[0].sources == ["paper"]
    assert tbilisi.sources + ["paper"] == ["paper"] and [*yerevan.sources, "x"] == ["x"]


def test_list_fields_left_out_dump_copy_and_pickle_as_empty_lists():
    place = read_places(MINIMAL).places[0]
    dumped = place.model_dump()
    assert dumped["sources"] == [] and type(dumped["sources"]) is list
    assert json.loads(place.model_dump_json())["also_called"] == []
    for again in (copy.copy(place), copy.deepcopy(place), pickle.loads(pickle.dumps(place))):
        assert again == place and again.sources == []
    changed = place.model_copy(update={"name": "Tiflis"})
    assert changed.name == "Tiflis" and changed.accounts == []
    made = Place(id="x", name="X", kind="city", country="GE", lat=1, lon=2)
    assert made.sources == [] and made == Place.model_validate(made.model_dump())


def test_the_schema_says_list_fields_default_to_empty_lists():
    schema = PlacesFile.model_json_schema()
    place = schema["$defs"]["Place"]["properties"]
    assert place["sources"]["default"] == [] and place["also_called"]["default"] == []
    assert Journey.model_json_schema()["properties"]["accounts"]["default"] == []


BIG_FILE_SCRIPT = """
import sys
from pathlib import Path
from routemap.load import read_places

parsed_ahead = []  # (called only where a child parses the file: parse_ahead)
places = read_places(Path(sys.argv[1]), while_parsing=lambda: parsed_ahead.append(True))
left_out = [place.also_called for place in places.places]
try:
    left_out[0].append("X")
    refused = False
except TypeError:
    refused = True
print(bool(parsed_ahead), len(left_out), all(entries == [] for entries in left_out),
      len({id(entries) for entries in left_out}), refused)
"""


def test_a_big_files_records_share_the_empty_list_as_a_small_files_do(tmp_path):
    """A big file is read in parts, validated from JSON (parse_ahead): the same records. Run in
    a Python of its own, as the command is: no child is forked where a thread runs."""
    path = tmp_path / "places.yaml"
    path.write_text(synthetic_places(600, 600, 1200), encoding="utf-8")
    assert path.stat().st_size > 256_000  # (read in parts: parse_ahead.PARSE_AHEAD_FROM)
    done = subprocess.run(
        [sys.executable, "-c", BIG_FILE_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "600", "True", "1", "True"]

"""The JSON Schema editors use is the one the models make, and it agrees with the validator."""

from __future__ import annotations

import json

from routemap.schema import SCHEMA_PATH, places_schema

from .conftest import SHIPPED_PLACES


def test_the_schema_in_the_repo_matches_the_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == places_schema(), (
        "routemap/places.schema.json is stale: run `python -m routemap.schema`"
    )


def test_places_yaml_points_editors_at_the_schema():
    first_line = SHIPPED_PLACES.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=routemap/places.schema.json"


def test_the_schema_rejects_unknown_keys_like_the_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Place"]["additionalProperties"] is False
    assert "from" in schema["$defs"]["Journey"]["properties"]

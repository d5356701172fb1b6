"""The JSON Schema editors use is the one the models make, and it agrees with the validator."""

from __future__ import annotations

import json

from routemap.schema import SCHEMA_PATH, places_schema

from .conftest import SHIPPED_PLACES

DATA = SHIPPED_PLACES.parent / "tests" / "data"


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


def test_the_schema_offers_precision_with_its_meaning_and_rejects_other_values():
    import jsonschema
    from ruamel.yaml import YAML

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    precision = schema["$defs"]["Place"]["properties"]["precision"]
    assert precision["enum"] == ["exact", "locality", "region", "country"]
    assert precision["default"] == "exact"
    assert "home or a meeting point, should be locality or coarser" in precision["description"]
    document = YAML(typ="safe").load((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    document["places"][0]["precision"] = "locality"
    assert list(validator.iter_errors(document)) == []
    document["places"][0]["precision"] = "street"
    (error,) = validator.iter_errors(document)
    assert list(error.absolute_path) == ["places", 0, "precision"]
    assert error.message == "'street' is not one of ['exact', 'locality', 'region', 'country']"

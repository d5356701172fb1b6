"""The JSON Schema editors use is the one the models make, and it agrees with the validator."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from routemap.schema import SCHEMA_PATH, places_schema

from .conftest import REPO, SHIPPED_PLACES

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


def _properties(schema: dict):
    """(model, key, property schema) for every key of every model in the schema."""
    for name, model in [("places.yaml", schema), *schema["$defs"].items()]:
        for key, prop in model.get("properties", {}).items():
            yield name, key, prop


def test_every_key_has_hover_help_with_an_example_the_schema_accepts():
    schema = json.loads(places_schema())
    undescribed = [
        (name, key) for name, key, prop in _properties(schema) if not prop.get("description")
    ]
    assert undescribed == []
    # One paragraph each: a docstring's line breaks would break a hover's sentence.
    assert [key for _, key, prop in _properties(schema) if "\n" in prop["description"]] == []
    unexampled = [
        (name, key) for name, key, prop in _properties(schema) if not prop.get("examples")
    ]
    assert unexampled == []
    # Each example is a value the key may hold (what an editor offers must not be underlined).
    for name, key, prop in _properties(schema):
        validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], **prop})
        for example in prop["examples"]:
            assert list(validator.iter_errors(example)) == [], (name, key, example)


def _choices(schema: dict, model: str, key: str) -> list[str]:
    prop = schema["$defs"][model]["properties"][key]
    ref = prop.get("$ref") or next((p["$ref"] for p in prop.get("anyOf", []) if "$ref" in p), None)
    return prop.get("enum") or schema["$defs"][ref.split("/")[-1]]["enum"] if ref else prop["enum"]


def test_the_header_comment_lists_the_modes_and_kinds_the_schema_allows():
    schema = json.loads(places_schema())
    header = "".join(
        line[1:]
        for line in SHIPPED_PLACES.read_text(encoding="utf-8").splitlines(True)
        if line.startswith("#")
    )
    header = " ".join(header.split())
    modes = re.search(r"`mode:` ([a-z, ]+?) or ([a-z]+)\)", header)
    assert sorted([*modes.group(1).split(", "), modes.group(2)]) == sorted(
        _choices(schema, "Leg", "mode")
    )
    kinds = re.search(r"a kind \(([a-z, -]+?) or ([a-z-]+):", header)
    assert sorted([*kinds.group(1).split(", "), kinds.group(2)]) == sorted(
        _choices(schema, "Place", "kind")
    )


def test_a_source_needs_a_title_a_publisher_or_an_author_in_the_schema_too():
    schema = json.loads(places_schema())
    source = {"$defs": schema["$defs"], **schema["$defs"]["Source"]}
    for named in ({"title": "A story"}, {"publisher": "The Paper"}, {"author": "A. Writer"}):
        jsonschema.validate({"id": "paper", **named}, source)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "paper", "url": "https://example.org/a"}, source)


def test_an_id_must_have_an_ids_form_in_the_schema_too():
    schema = json.loads(places_schema())
    pattern = schema["$defs"]["Place"]["properties"]["id"]["pattern"]
    assert re.fullmatch(pattern, "upper-lars") and not re.fullmatch(pattern, "Upper Lars")


def test_the_shipped_places_file_passes_the_repos_yamllint_rules():
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    problems = list(linter.run(SHIPPED_PLACES.read_text(encoding="utf-8"), config))
    assert [str(p) for p in problems] == []

"""The JSON Schema of places.yaml, generated from the same models the tool validates with.

Editors (VS Code's YAML extension and others) read it through the first line of places.yaml,
`# yaml-language-server: $schema=routemap/places.schema.json`, to complete keys and underline
mistakes while typing. Regenerate it after changing models.py:

    python -m routemap.schema
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .models import PlacesFile

SCHEMA_PATH = Path(__file__).with_name("places.schema.json")


# Each key's description (its docstring in models.py) ends with an example, `e.g. `…``: the
# schema carries it as the key's `examples` too, which editors offer when completing a value.
EXAMPLE = re.compile(r"e\.g\.\s+`([^`]+)`")


def _is_text(prop: dict) -> bool:
    """A key whose value is text: its example is the text itself, not YAML to be read."""
    kinds = [prop, *prop.get("anyOf", [])]
    return any(kind.get("type") == "string" for kind in kinds)


def _example(prop: dict):
    found = EXAMPLE.search(prop.get("description", ""))
    if not found:
        return None
    written = " ".join(found.group(1).split())
    if _is_text(prop):
        return written
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(written)


def places_schema() -> str:
    schema = PlacesFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "places.yaml"
    for model in [schema, *schema["$defs"].values()]:
        for prop in model.get("properties", {}).values():
            if (example := _example(prop)) is not None:
                prop["examples"] = [example]
            if "description" in prop:  # a docstring's line breaks are no breaks in a hover
                prop["description"] = " ".join(prop["description"].split())
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    from .files import write_atomic

    write_atomic(SCHEMA_PATH, places_schema())

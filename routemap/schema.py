"""The JSON Schema of places.yaml, generated from the same models the tool validates with.

Editors (VS Code's YAML extension and others) read it through the first line of places.yaml,
`# yaml-language-server: $schema=routemap/places.schema.json`, to complete keys and underline
mistakes while typing. Regenerate it after changing models.py:

    python -m routemap.schema
"""

from __future__ import annotations

import json
from pathlib import Path

from .models import PlacesFile

SCHEMA_PATH = Path(__file__).with_name("places.schema.json")


def places_schema() -> str:
    schema = PlacesFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "places.yaml"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(places_schema(), encoding="utf-8")
    print(SCHEMA_PATH)

"""A places file with the same hostile text in every text field that reaches the page."""

from __future__ import annotations

import json

HOSTILE = (
    '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    " ${window.__pwned=3} `${1}` {{ 7*7 }} {% if true %}jinja{% endif %} <!-- '\"& "
    "\u2028 ü Ω 🙂"
)


def hostile_places_yaml(text: str = HOSTILE) -> str:
    """Every text field set to `text` (written as a JSON string, which YAML reads as is)."""
    t = json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028")
    return f"""
title: {t}
dated: {t}
dated_inferred: {t}
sources:
  - id: paper
    publisher: {t}
    title: {t}
    author: {t}
    caveat: {t}
    note: {t}
people:
  - id: ana
    name: {t}
    role: {t}
places:
  - id: a
    name: {t}
    kind: city
    country: GE
    note: {t}
    sources: [paper]
    accounts:
      - {{source: paper, says: {t}}}
    lat: 41.7
    lon: 44.8
  - id: b
    name: {t}
    kind: border-crossing
    country: AM
    inferred: {t}
    approximate: true
    lat: 40.2
    lon: 44.5
groups:
  - id: g
    name: {t}
    note: {t}
    sources: [paper]
    accounts:
      - {{source: paper, says: {t}}}
journeys:
  - id: j
    name: {t}
    person: ana
    summary: {t}
    sources: [paper]
    from: a
    from_inferred: {t}
    accounts:
      - {{source: paper, says: {t}}}
    legs:
      - {{to: b, mode: car, when: {t}, note: {t}, inferred: {t}}}
  - id: k
    name: {t}
    group: g
    status: sold-out
    sources: [paper]
    from: b
    legs:
      - {{to: a, mode: flight}}
quotes:
  - {{text: {t}, speaker: ana, source: paper, via: paper, journey: j,
      also: [{{text: {t}, source: paper, via: paper}}]}}
  - {{text: {t}, speaker: ana, source: paper}}
  - {{text: {t}, speaker: ana, source: paper, place: a}}
  - {{text: {t}, speaker: ana, source: paper, group: g}}
unmapped:
  - {{name: {t}, sources: [paper], why: {t}}}
"""

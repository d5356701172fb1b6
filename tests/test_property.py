"""Whatever an editor's file holds, the tool builds a map or says what is wrong: no traceback."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from routemap.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
PROBLEM_LINE = re.compile(r"^(Error: )?.+:\d+:\d+: .+ — .+$")

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "tbilisi",
            "yerevan",
            "ana",
            "paper",
            "car",
            "flight",
            "city",
            "GE",
            "{{ 1 }}",
            "</script>",
        ]
    ),
    st.lists(st.sampled_from(["paper", "tbilisi", 3]), max_size=3),
)


def paths(node, prefix=()):
    """Every path to a value in the parsed document, in a stable order."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


def apply(document, path, action, value):
    if not path:
        return value if action == "set" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[str(value)[:12] or "key"] = value
    else:
        parent.append(value)
    return document


def run(text: str | bytes, folder: Path) -> tuple[int, str, Path]:
    places, out = folder / "places.yaml", folder / "routes.html"
    if isinstance(text, bytes):
        places.write_bytes(text)
    else:
        places.write_text(text, encoding="utf-8", errors="surrogatepass")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--places", str(places), "--out", str(out), "--offline"])
    return code, err.getvalue(), out


def builds_or_says_what_is_wrong(text: str | bytes) -> None:
    """The file builds, or the build says what is wrong, line by line: in a folder of its own,
    removed after each example (hypothesis runs a test's examples in one test's tmp_path)."""
    with tempfile.TemporaryDirectory() as folder:
        assert_map_or_message(*run(text, Path(folder)))


def assert_map_or_message(code: int, err: str, out: Path) -> None:
    assert code in (0, 1)
    if code == 0:
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    else:
        assert err.startswith("Error: ")
        assert not out.exists()
        for line in err.splitlines():
            assert PROBLEM_LINE.match(line), line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changed_documents_build_or_say_what_is_wrong(data):
    yaml = YAML(typ="safe")
    document = yaml.load(MINIMAL.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        every = list(paths(document))
        path = data.draw(st.sampled_from(every))
        action = data.draw(st.sampled_from(["set", "delete", "add"]))
        if action == "delete" and not path:
            continue
        value = data.draw(leaves)
        if action == "add":
            target = document
            for step in path:
                target = target[step]
            if not isinstance(target, (dict, list)):
                continue
        document = apply(document, path, action, value)
    text = io.StringIO()
    YAML(typ="safe").dump(document, text)
    builds_or_says_what_is_wrong(text.getvalue())


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_arbitrary_text_builds_or_says_what_is_wrong(content):
    builds_or_says_what_is_wrong(content)

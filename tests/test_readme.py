"""The README's promises: its commands are the ones CI runs, its screenshot exists."""

from __future__ import annotations

import re

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_ci_runs_exactly_the_readme_test_command():
    test_command = shell_blocks()[1].strip()
    assert "pytest" in test_command
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_the_build_command_builds_with_routes_py():
    assert shell_blocks()[0].strip().endswith("python routes.py")


def test_the_screenshots_the_readme_shows_exist():
    for image in re.findall(r"\((docs/[\w-]+\.png)\)", README):
        assert (REPO / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_first_example_of_places_yaml_is_a_whole_file_that_builds(tmp_path, capsys):
    """The example under "Editing places.yaml" is what an empty or missing file's message sends
    an editor to ("start from the first example under “Editing places.yaml” in the README"): it
    builds as it stands."""
    from routemap.cli import main

    example = re.findall(r"```yaml\n(.*?)```", README, re.S)[0]
    places = tmp_path / "places.yaml"
    places.write_text(example, encoding="utf-8")
    assert main(["--places", str(places), "--out", str(tmp_path / "routes.html")]) == 0
    assert capsys.readouterr().out.startswith("Drew 3 places, 1 journey and 1 quote:")

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

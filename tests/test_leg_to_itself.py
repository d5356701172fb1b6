"""A leg that ends where it starts (a `to:` copied from the leg above, or the journey's own
`from:`) draws no line: `routes check` and every command that publishes the map warn of it, at
its `to:`, without failing."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
ONE_LEG = "      - {to: yerevan, mode: car, when: tomorrow}\n"


def with_legs(tmp_path: Path, legs: str) -> Path:
    """minimal.yaml (Ana's journey from Tbilisi) with these legs instead of its one."""
    path = tmp_path / "places.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace(ONE_LEG, legs), encoding="utf-8")
    return path


WARNED = {
    "the first leg to the journey's start": (
        "      - {to: tbilisi, mode: car}\n",
        ":32:14: leg 1 of the journey “ana” ends at “tbilisi”, where it starts, so the map draws "
        "no line for it — set its `to:` to the place where the leg ends, or remove the leg\n",
    ),
    "a leg to where the leg before it ends": (
        "      - {to: yerevan, mode: car}\n      - to: yerevan\n        mode: foot\n",
        ":33:13: leg 2 of the journey “ana” ends at “yerevan”, where it starts, so the map draws "
        "no line for it — set its `to:` to the place where the leg ends, or remove the leg\n",
    ),
    "there and back": ("      - {to: yerevan, mode: car}\n      - {to: tbilisi, mode: car}\n", ""),
}


@pytest.mark.parametrize(("legs", "warning"), WARNED.values(), ids=WARNED)
def test_check_warns_of_a_leg_that_ends_where_it_starts(tmp_path, capsys, legs, warning):
    path = with_legs(tmp_path, legs)
    assert main(["check", "--places", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path} is valid: 2 places, 1 journey, 1 quote.\n"
    assert captured.err == (f"Warning: {path}{warning}" if warning else "")


def test_a_build_warns_as_check_does_and_still_draws_the_map(tmp_path, capsys):
    legs, warning = WARNED["the first leg to the journey's start"]
    path = with_legs(tmp_path, legs)
    out = tmp_path / "routes.html"
    assert main(["--places", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"Warning: {path}{warning}"
    assert captured.out == f"Drew 2 places, 1 journey and 1 quote: {out}\n"
    assert out.exists()


def test_many_such_legs_are_warned_of_fifty_at_a_time(tmp_path, capsys):
    """A file with the mistake in every journey says the first fifty and how many more, as
    its errors do (errors.SHOWN_PROBLEMS)."""
    path = with_legs(tmp_path, "      - {to: tbilisi, mode: car}\n" * 60)
    assert main(["check", "--places", str(path)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 51
    assert lines[0].startswith(f"Warning: {path}:32:14: leg 1 of the journey “ana” ends at")
    assert lines[49].startswith(f"Warning: {path}:81:14: leg 50 of the journey “ana” ends at")
    assert lines[50] == f"Warning: {path}: and 10 more warnings like these"

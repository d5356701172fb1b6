"""The worker that makes parts of a big map's page on the other core (aside.py): each answer is
the one this process would make, it is ended however the build ends, and where it fails or
there is none the work is done here. Each test runs in a Python of its own, as the
command does (a worker is forked only where no other thread runs)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synthetic import synthetic_places

ROOT = Path(__file__).resolve().parent.parent

# Texts whose link names take each way link_names has: plain English, a repeated start, words
# in another script, and a text that holds a newline and JSON's own characters.
QUOTES = """
import os
from routemap.aside import start_worker
from routemap.packed import packed_quotes
from routemap.tallies import indexes_of

texts = ["My heart sank when I got the call-up", "My heart sank when I got it", "Это сердце",
         'A "quoted" word,\\nand \\\\ a line'] * 3000
speakers = [f"person-{n % 7}" for n in range(len(texts))]
here = packed_quotes(speakers, texts)
QUOTES_JOB = (packed_quotes, (speakers, texts))
kinds = ["journey-1", None, "journey-2"] * 50
others = ["group-1", "group-2", None] * 50

def left():
    try:
        return os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return "none"
"""


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("then", "printed"),
    [
        # The worker's answers, the very ones made here, each its own job's, asked for out of
        # order while the worker works on.
        (
            "jobs = [QUOTES_JOB, (indexes_of, (kinds, None, others)), (indexes_of, (others, kinds, None))]\n"
            "first, second, third = worker.give(*jobs)\n"
            "print(third.result() == indexes_of(others, kinds, None), third.by_worker)\n"
            "print(first.result() == here, first.by_worker, first.result() is first.result())\n"
            "print(second.result() == indexes_of(kinds, None, others), second.by_worker)",
            ["True", "True", "True", "True", "True", "True", "True"],
        ),
        # A worker that died before its jobs: the answers are made here, the same.
        (
            "os.kill(worker.pid, 9)\n"
            "(aside,) = worker.give(QUOTES_JOB)\n"
            "print(aside.result() == here, aside.by_worker)",
            ["True", "False"],
        ),
        # A job that is not routemap's own: refused by the worker, and it and those after it
        # made here; the answer sent before it stands.
        (
            "first, refused, after = worker.give(QUOTES_JOB, (len, (texts,)), QUOTES_JOB)\n"
            "print(after.result() == here, after.by_worker, refused.result() == len(texts))\n"
            "print(first.result() == here, first.by_worker, refused.by_worker)",
            ["True", "False", "True", "True", "True", "False"],
        ),
        # Jobs given twice: the second time done here (a worker is given jobs once).
        (
            "worker.give(QUOTES_JOB)[0].result()\n"
            "(aside,) = worker.give((packed_quotes, (speakers[:1], texts[:1])))\n"
            "print(aside.result() == packed_quotes(speakers[:1], texts[:1]), aside.by_worker)",
            ["True", "False"],
        ),
        # A job whose work fails in the worker: done here, where it fails as it would have.
        (
            "(aside,) = worker.give((packed_quotes, (speakers, texts[:5])))\n"
            "try:\n    aside.result()\nexcept ValueError:\n    print('refused', aside.done)",
            ["refused", "False"],
        ),
        # No job: closed, it is ended.
        ("print('closed')", ["closed"]),
        # No job, and this side's end of the pipe closed: it ends by itself, without an error.
        (
            "worker._close('jobs')\nprint(os.waitpid(worker.pid, 0)[1])\nworker.pid = None",
            ["0"],
        ),
        # Answers never asked for: closed, it is ended all the same.
        ("(aside,) = worker.give(QUOTES_JOB)\nprint('closed')", ["closed"]),
    ],
    ids=[
        "answers",
        "died",
        "not routemap's",
        "given twice",
        "work fails",
        "no job",
        "ends",
        "not asked",
    ],
)
def test_a_workers_answer_is_the_one_made_here_and_it_is_always_ended(then, printed):
    script = QUOTES + "worker = start_worker()\n" + then + "\nworker.close()\nprint(left())\n"
    assert _run(script) == [*printed, "none"]


def test_no_worker_where_a_thread_runs():
    """A thread may hold a lock a forked child would wait on forever: no worker then."""
    script = QUOTES + (
        "import threading\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait).start()\n"
        "print(start_worker())\n"
        "stop.set()\n"
    )
    assert _run(script) == ["None"]


BUILD = """
import os
import sys
import routemap.aside
import routemap.check
import routemap.render
from routemap.cli import main
from routemap.errors import RoutesError

routemap.render.PAGE_PARTS_ASIDE_FROM = 0  # (the test's file has hundreds of quotes)
workers = []
start_worker = routemap.aside.start_worker
def started():
    worker = None if sys.argv[1] == "no worker" else start_worker()
    workers.append(worker is not None)
    return worker
routemap.aside.start_worker = started
if "--kill" in sys.argv:  # (the worker dies once it has its jobs, before it answers any:
    sys.argv.remove("--kill")  # it is given them stopped, as each is sent as it is written)
    give = routemap.aside.Worker.give
    def give_and_kill(worker, *jobs):
        os.kill(worker.pid, 19)
        asides = give(worker, *jobs)
        os.kill(worker.pid, 9)
        return asides
    routemap.aside.Worker.give = give_and_kill
if "--fail" in sys.argv:  # (the build fails once the worker has its job)
    def fail(*args):
        raise RoutesError("stopped")
    sys.argv.remove("--fail")
    routemap.check.publishing_warnings = fail
answers = []
result = routemap.aside.Aside.result
def asked(aside):
    result(aside)
    answers.append("w" if aside.by_worker else "h")  # (by the worker, or made here)
    return aside.answer
routemap.aside.Aside.result = asked
code = main(sys.argv[2:])
try:
    left = os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    left = "none"
print(workers, code, "".join(answers) or "-", left)
"""


@pytest.mark.parametrize(
    ("args", "with_worker", "without"),
    [
        # (whether a worker was started, the exit status, each answer the worker's (w) or made
        # here (h), and the processes left)
        ([], "[True] 0 wwwwww none", "[False] 0 - none"),
        # The build stops before it reads the file: the worker it started is ended.
        (["--url", "no-address"], "[True] 1 - none", "[False] 1 - none"),
        # The build fails once the page's data is made, before the quotes' part is asked for:
        # the file's references are asked after (they hold: the failure stands), and the worker
        # is ended all the same.
        (["--fail"], "[True] 1 wwwww none", "[False] 1 - none"),
        # The worker dies once it has its jobs: each part is made here, and the page is the
        # same.
        (["--kill"], "[True] 0 hhhhhh none", "[False] 0 - none"),
    ],
    ids=["built", "stopped first", "failed after", "worker died"],
)
def test_a_big_maps_page_is_the_same_made_with_the_worker_or_without(
    tmp_path, args, with_worker, without
):
    """The command starts a worker for a big file; the page it makes with the worker's part is
    the page made without one, byte for byte; and no process is left however the build ends."""
    places = tmp_path / "places.yaml"
    places.write_text(synthetic_places(400, 400, 800, seed=3), encoding="utf-8")
    pages = {}
    for way, printed in (("worker", with_worker), ("no worker", without)):
        out = tmp_path / f"{way}.html"
        command = ["build", "--places", str(places), "--out", str(out), *args]
        assert " ".join(_run(BUILD, way, *command)[-4:]) == printed
        pages[way] = out.read_bytes() if out.exists() else None
    assert pages["worker"] == pages["no worker"]
    assert (pages["worker"] is not None) == (with_worker.split()[1] == "0")


@pytest.mark.parametrize(
    "break_it",
    [
        lambda text: text.replace("speaker: person-3\n", "speaker: person-9999\n", 1),
        lambda text: text.replace("  - id: place-7\n", "  - id: place-6\n", 1),
        lambda text: re.sub(r"\{to: place-\d+,", "{to: nowhere,", text, count=1),
        lambda text: text.replace("    source: source-0\n", "    source: source-999\n", 1),
        # A place to look up as well: the references are refused before anything is looked up.
        lambda text: re.sub(
            r"(  - id: place-7\n(?:    .*\n){3})    lat: .*\n    lon: .*\n", r"\1", text, count=1
        ).replace("speaker: person-3\n", "speaker: person-9999\n", 1),
    ],
    ids=[
        "speaker not there",
        "id twice",
        "leg to nowhere",
        "quote's source not there",
        "and a place to look up",
    ],
)
@pytest.mark.parametrize("way", ["worker", "no worker", "--kill"])
def test_a_big_file_whose_references_break_is_refused_as_check_refuses_it(tmp_path, break_it, way):
    """A big file's parsing child leaves its references to the build, which checks them on the
    worker (or here, where there is none or it dies) while it makes the page: a reference that
    does not hold is refused with `routes check`'s own message, and no map is written."""
    places = tmp_path / "places.yaml"
    text = synthetic_places(400, 400, 800, seed=3)
    places.write_text(break_it(text), encoding="utf-8")
    assert break_it(text) != text
    out = tmp_path / "map.html"
    kill = [way] if way == "--kill" else []
    command = ["build", "--places", str(places), "--out", str(out), *kill]
    done = subprocess.run(
        [sys.executable, "-c", BUILD, "worker" if kill else way, *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    checked = subprocess.run(
        [sys.executable, "routes.py", "check", "--places", str(places)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.stdout.split()[:2] == [str([way != "no worker"]), "1"]
    assert checked.returncode == 1 and "Error: " in checked.stderr
    assert done.stderr == checked.stderr
    assert not out.exists()

"""Reading places.yaml works from any thread, as `routes watch` and library users need, and a
big file is parsed in a child process only where that is safe.

Run in a fresh interpreter each, so the fast parser is first imported inside a thread that then
ends (the case that crashed the process with the parser used before, yaml-rs 0.1.6), and so no
thread of the test run decides whether a child process is used.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from routemap.parse_ahead import PARSE_AHEAD_FROM

from .synthetic import synthetic_places

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"

SCRIPT = """
import sys, threading
from pathlib import Path
from routemap.load import read_places

def read():
    assert read_places(Path(sys.argv[1])).title == "A small map"

for _ in range(3):
    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
print("read three times")
"""


def test_reading_in_threads_one_after_another():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(MINIMAL)], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, "read three times\n"), done.stderr


BIG_FILE_SCRIPT = """
import os, sys, threading
from pathlib import Path
import ryaml
from routemap.errors import PlacesFileError
from routemap.load import read_places
from routemap.models import PlacesFile

forks, done_while_parsing = [], []
real_fork = os.fork

def counting_fork():
    forks.append(os.getpid())
    return real_fork()

os.fork = counting_fork
path = Path(sys.argv[1])
places = read_places(path, while_parsing=lambda: done_while_parsing.append(True))
assert places == PlacesFile.model_validate(ryaml.loads(path.read_text(encoding="utf-8")))
print("main thread:", len(forks), "fork,", len(done_while_parsing), "call while parsing")
read_places(path)
print("with nothing to do meanwhile:", len(forks), "fork in all")

broken = path.with_name("broken.yaml")
broken.write_text(path.read_text(encoding="utf-8") + "  oops: [\\n", encoding="utf-8")
try:
    read_places(broken, while_parsing=lambda: None)
except PlacesFileError as error:
    print("broken:", str(error).replace(str(broken), "FILE"))

def in_thread():
    read_places(path, while_parsing=lambda: done_while_parsing.append(True))

thread = threading.Thread(target=in_thread)
thread.start()
thread.join()
print("in a thread:", len(forks), "forks in all,", len(done_while_parsing), "calls in all")

def failing_fork():
    raise BlockingIOError(11, "Resource temporarily unavailable")

os.fork = failing_fork
assert read_places(path, while_parsing=lambda: done_while_parsing.append(True)) == places
print("no child to be had:", len(done_while_parsing), "calls in all")
"""


def test_a_big_file_is_parsed_in_a_child_process_only_where_that_is_safe(tmp_path):
    """A big file parses on the other core while the build loads its libraries, with the same
    records and the same messages as an in-line parse; never from a process with threads, and
    in-line when no child process can be had."""
    path = tmp_path / "places.yaml"
    path.write_text(synthetic_places(400, 400, 800, seed=3), encoding="utf-8")
    assert path.stat().st_size > PARSE_AHEAD_FROM
    lines = len(path.read_text(encoding="utf-8").splitlines())
    done = subprocess.run(
        [sys.executable, "-c", BIG_FILE_SCRIPT, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "main thread: 1 fork, 1 call while parsing",
        "with nothing to do meanwhile: 1 fork in all",
        f"broken: FILE:{lines + 1}:3: YAML syntax: this line's indentation does not match the "
        "lines around it — indent it like the other keys of the same entry (two spaces a level)",
        "in a thread: 2 forks in all, 1 calls in all",  # the second for the broken file
        "no child to be had: 1 calls in all",
    ]

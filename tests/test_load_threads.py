"""Reading places.yaml works from any thread, as `routes watch` and library users need.

Run in a fresh interpreter, so the fast parser is first imported inside a thread that then ends:
the case that crashed the process with the parser used before (yaml-rs 0.1.6).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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

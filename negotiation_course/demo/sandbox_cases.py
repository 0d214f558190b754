"""Hostile submissions aimed at the sandbox (in the style of :mod:`.hostile`).

Each starts from the release notebook and adds one escape attempt to the first answer cell:
read the course's secrets (``source/``, the gradebook, other learners' work) and answer
from any key found, allocate 12 GB, leave a process running after grading, and write
outside its folder. Each prints what it managed, so tests can show it was contained; a
case scoring above the untouched release has beaten the grader.
"""

from __future__ import annotations

from collections.abc import Callable

from nbformat import NotebookNode

from .hostile import _with_code_in_answers

#: A unique marker for processes the leave-process case starts (tests look for it).
SLEEP_SECONDS = 313
MARKER_FILE = "sandbox-escape-marker.txt"

READ_SOURCE = r'''
import json, os, re
from pathlib import Path
here = Path.cwd()
places = [here.parents[2] if len(here.parents) > 2 else here]
try:
    from negotiation_course.paths import COURSE_ROOT
    places.append(COURSE_ROOT)
except Exception as exc:
    print("no package path:", exc)
found, blocked = [], []
for root in places:
    for pattern in ("source/*/*.ipynb", "gradebook.db", "submitted/*/*/*.ipynb",
                    "autograded/*/*/*.ipynb"):
        try:
            for path in root.glob(pattern):
                try:
                    found.append((path, path.read_text(errors="replace")))
                except OSError as exc:
                    blocked.append(f"{path}: {exc}")
        except OSError as exc:
            blocked.append(f"{root}/{pattern}: {exc}")
keys = [json.loads(k) for _, text in found
        for k in re.findall(r"answer-key:\s*(\{.*?\})(?:\\n|\n|\")", text)]
for key in keys:
    try:
        value = key.get("number", (key.get("text") or key.get("choices") or [None])[0])
        globals()[key["id"]] = value
    except Exception:
        pass
print(f"READ {len(found)} files, {len(keys)} keys; blocked {len(blocked)}")
'''

ALLOCATE = r'''
try:
    hog = bytearray(12 * 1024 ** 3)
    hog[::4096] = b"x" * len(hog[::4096])
    print("ALLOCATED 12 GB")
except MemoryError:
    print("MEMORY REFUSED")
'''

LEAVE_PROCESS = rf'''
import os, subprocess
subprocess.Popen(["sleep", "{SLEEP_SECONDS}"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:  # a classic daemon as well
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{SLEEP_SECONDS}"])
    os._exit(0)
print("STARTED background processes")
'''

WRITE_OUTSIDE = rf'''
from pathlib import Path
here = Path.cwd()
course = here.parents[2] if len(here.parents) > 2 else here
targets = [course / "{MARKER_FILE}", course / "submitted" / "{MARKER_FILE}",
           course / "gradebook.db", here.parent / "{MARKER_FILE}"]
try:
    import negotiation_course
    targets.append(Path(negotiation_course.__file__).parent / "{MARKER_FILE}")
except Exception:
    pass
for target in targets:
    try:
        with open(target, "a") as fh:
            fh.write("escaped\n")
        print("WROTE", target)
    except OSError as exc:
        print("REFUSED", target, type(exc).__name__)
'''


def _case(code: str) -> Callable[[NotebookNode, NotebookNode], bytes]:
    def make(source: NotebookNode, release: NotebookNode) -> bytes:
        return _with_code_in_answers(release, code)
    return make


SANDBOX_CASES: dict[str, Callable[[NotebookNode, NotebookNode], bytes]] = {
    "read-source": _case(READ_SOURCE),
    "allocate-12gb": _case(ALLOCATE),
    "leave-process": _case(LEAVE_PROCESS),
    "write-outside": _case(WRITE_OUTSIDE),
}

#: Each case is contained and grades as the untouched release it starts from (nothing it
#: read, allocated, left or wrote changes a score): ``graded``, 0.
EXPECTED: dict[str, tuple[str, float]] = {name: ("graded", 0.0) for name in SANDBOX_CASES}

"""Hostile submissions aimed at the sandbox (in the style of :mod:`.hostile`).

Each starts from the release notebook and adds one escape attempt to the first answer cell:
read the course's secrets (``source/``, the gradebook, other learners' work) and answer
from any key found, allocate 12 GB, leave a process running after grading, write outside
its folder; and (issue 11) hold every process it can, hold 3 GB in three children, fill
its working folder with bytes and with 100,000 files, print 600 MB, and read every visible
process's command line and environment. Each prints what it managed, so tests can show it
was contained; a case scoring above the untouched release has beaten the grader.
:data:`EXPECTED` gives each case's status and score through the real pipeline.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from nbformat import NotebookNode

from .hostile import _with_code_in_answers

#: A marker for the processes the leave-process case starts, unique to this process (and the
#: grading it forks), so a test that looks for leftovers never sees another run's cases.
SLEEP_SECONDS = 100_000 + secrets.randbelow(800_000)
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


#: Seconds the fork-bomb and memory cases hold what they took (so other learners' kernels
#: run meanwhile).
HOLD_SECONDS = 4

def fork_code(tries: int, hold_seconds: float) -> str:
    """Kernel code that forks up to ``tries`` children, each holding for ``hold_seconds``,
    and prints how far it got (``FORKED ALL n`` or ``FORK REFUSED after n``)."""
    return f'''
import os, time
children = []
try:
    for _ in range({tries}):
        pid = os.fork()
        if pid == 0:
            time.sleep({hold_seconds})
            os._exit(0)
        children.append(pid)
    print("FORKED ALL", len(children))
except OSError as exc:
    print("FORK REFUSED after", len(children), type(exc).__name__)
for pid in children:
    os.waitpid(pid, 0)
'''


FORK_BOMB = fork_code(100_000, HOLD_SECONDS)

#: Three children of one kernel, each touching 1 GB (3 GB against a 2 GB kernel limit).
MEMORY_CHILDREN = rf'''
import subprocess, sys
hold = ("import time; b = bytearray(1024 ** 3); b[::4096] = b'x' * len(b[::4096]); "
        "print('HELD', flush=True); time.sleep({HOLD_SECONDS})")
children = [subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
            for _ in range(3)]
held = sum("HELD" in child.communicate()[0] and child.returncode == 0 for child in children)
print(f"CHILDREN HELD {{held}} of 3 GB; exit codes {{[c.returncode for c in children]}}")
'''

#: 2 GB in 1 MB files, then 100,000 empty files, in the working folder and in /tmp.
FILL_KERNEL_FOLDER = r'''
import os
from pathlib import Path
folder = Path("/run/kernel")  # the kernel folder: its sockets and connection file
best, kind = "", "?"
for line in open("/proc/self/mountinfo"):  # the deepest mount holding the folder
    fields = line.split()
    point, fstype = fields[4], fields[fields.index("-") + 1]
    if (str(folder) + "/").startswith(point.rstrip("/") + "/") and len(point) >= len(best):
        best, kind = point, fstype
print("KERNEL FOLDER ON", kind)
written = 0
try:
    for i in range(64):
        (folder / f"fill-{i}.bin").write_bytes(b"x" * 1024 * 1024)
        written += 1
    print("WROTE", written, "MB in the kernel folder")
except OSError as exc:
    print(f"KERNEL FOLDER FULL after {written} MB:", type(exc).__name__)
for i in range(written):
    (folder / f"fill-{i}.bin").unlink()
'''

FILL_DISK = r'''
import os
from pathlib import Path
for place in (Path.cwd(), Path("/tmp")):
    written = 0
    try:
        for i in range(2048):
            (place / f"fill-{i}.bin").write_bytes(b"x" * 1024 * 1024)
            written += 1
        print("WROTE 2048 MB in", place)
    except OSError as exc:
        print(f"DISK FULL after {written} MB in {place}:", type(exc).__name__)
    for i in range(written):
        (place / f"fill-{i}.bin").unlink()
    made = 0
    try:
        for i in range(100_000):
            (place / f"n{i}").touch()
            made += 1
        print("CREATED 100000 files in", place)
    except OSError as exc:
        print(f"FILES REFUSED after {made} in {place}:", type(exc).__name__)
'''

#: 600 MB printed in 1 MB lines, each flushed: 600 messages streaming into the grader,
#: far past the output cap.
PRINT_FLOOD = r'''
import sys
line = "z" * (1024 * 1024 - 1) + "\n"
for _ in range(600):
    sys.stdout.write(line)
    sys.stdout.flush()
print("PRINTED 600 MB")
'''

#: Every visible process's command line and environment, the mounts and the working folder:
#: printed whole, so a test can search them for the learner id, course paths and secrets.
PROC_SNOOP = r'''
import os
seen = []
for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
    for part in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as fh:
                seen.append(f"{pid}/{part}: " + fh.read().replace(b"\0", b" ").decode(
                    errors="replace"))
        except OSError as exc:
            seen.append(f"{pid}/{part}: unreadable ({type(exc).__name__})")
for extra in ("/proc/self/mountinfo", "/proc/1/fd"):
    try:
        seen.append(extra + ": " + (open(extra).read() if extra.endswith("info")
                                    else " ".join(os.listdir(extra))))
    except OSError as exc:
        seen.append(f"{extra}: unreadable ({type(exc).__name__})")
seen.append("cwd: " + os.getcwd())
seen.append("env: " + " ".join(f"{k}={v}" for k, v in os.environ.items()))
print("SNOOP", len(seen), "items")
print("\n".join(seen))
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

#: The issue-11 limit cases: graded by tests/test_sandbox_limits.py in a course of their
#: own (two workers, so each runs beside another learner), and by ``make demo``.
LIMIT_CASES: dict[str, Callable[[NotebookNode, NotebookNode], bytes]] = {
    "fork-bomb": _case(FORK_BOMB),
    "memory-children": _case(MEMORY_CHILDREN),
    "fill-disk": _case(FILL_DISK),
    "fill-kernel-folder": _case(FILL_KERNEL_FOLDER),
    "print-flood": _case(PRINT_FLOOD),
    "proc-snoop": _case(PROC_SNOOP),
}

#: Expected (status, score) of the limit cases on an untouched release: each is graded
#: (its own limits stop it, nothing of the run fails) and scores what the release scores.
LIMIT_EXPECTED: dict[str, tuple[str, float]] = {
    "fork-bomb": ("graded", 0.0),
    "memory-children": ("graded", 0.0),
    "fill-disk": ("graded", 0.0),
    "fill-kernel-folder": ("graded", 0.0),
    "print-flood": ("graded", 0.0),
    "proc-snoop": ("graded", 0.0),
}

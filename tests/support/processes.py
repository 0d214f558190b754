"""What runs below a process: the tests' view of grading workers and their kernel images."""

from __future__ import annotations

from pathlib import Path

ZYGOTE = b"negotiation_course.grading.zygote"


def _parents_and_cmdlines() -> tuple[dict[int, int], dict[int, bytes]]:
    parent, cmdline = {}, {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline[int(d.name)] = (d / "cmdline").read_bytes()
        except (ValueError, OSError, IndexError):
            pass
    return parent, cmdline


def descendants(pid: int, marker: bytes = b"") -> list[int]:
    """Live processes below ``pid`` whose command line holds ``marker``."""
    parent, cmdline = _parents_and_cmdlines()
    found = []
    for p, line in cmdline.items():
        if marker not in line:
            continue
        q = parent.get(p, 0)
        while q > 1 and q != pid:
            q = parent.get(q, 0)
        if q == pid:
            found.append(p)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"

"""The visible range of each `checks.number`/`checks.function` call in a notebook, by name.

Used by the lesson content tests: a range must hold the key and reject the plausible slips
(a percent for a ratio, a flipped division, the wrong sign), so a green tick means something.
"""

from __future__ import annotations

import re

import nbformat

CALL = re.compile(r'checks\.(?:number|function)\(\s*\w+,\s*name="(\w+)",(?:\s*example=\([^)]*\),)?'
                  r"\s*low=([-\d.e]+),\s*high=([-\d.e]+)")


def ranges(nb: nbformat.NotebookNode) -> dict[str, tuple[float, float]]:
    """name -> (low, high) of every visible numeric check in the notebook's code cells."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for name, low, high in CALL.findall(cell.source):
                found[name] = (float(low), float(high))
    return found

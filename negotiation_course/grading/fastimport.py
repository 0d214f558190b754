"""Skip one slow optional import in grading processes.

``jsonschema`` (imported by nbformat, so by nbgrader) imports ``rfc3987_syntax`` when it is
installed, to validate the rare "iri" string format; building its grammar costs ~0.8-1 s per
process. Nothing in grading validates IRIs, so grading processes (and, through a stub on
``PYTHONPATH``, sandboxed kernels) treat it as absent.
"""

from __future__ import annotations

import importlib.abc
import sys

SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in SLOW_OPTIONAL_MODULES:
            raise ImportError(f"{name} is skipped while grading (slow, not needed)")
        return None


def block_slow_optional_modules() -> None:
    """Install the blocker once (harmless if the module was already imported)."""
    if not any(isinstance(f, _Blocker) for f in sys.meta_path):
        sys.meta_path.insert(0, _Blocker())

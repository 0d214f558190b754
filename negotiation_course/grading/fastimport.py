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


class _CachedJsonschema:
    """``jsonschema`` whose ``validate`` checks each (fixed) schema once, not on every call.

    nbgrader validates every cell's metadata with ``jsonschema.validate``, which first
    re-validates the schema itself: ~2 ms per cell, about 0.1 s of each notebook graded.
    """

    def __init__(self, module):
        self._module = module
        self._validators: dict[int, tuple[dict, object]] = {}

    def validate(self, instance, schema):
        found = self._validators.get(id(schema))
        if found is None or found[0] is not schema:
            cls = self._module.validators.validator_for(schema)
            cls.check_schema(schema)
            found = self._validators[id(schema)] = (schema, cls(schema))
        found[1].validate(instance)

    def __getattr__(self, name):
        return getattr(self._module, name)


def speed_up_nbgrader() -> None:
    """Skip the slow imports and the repeated schema checks (same results, less CPU)."""
    block_slow_optional_modules()
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CachedJsonschema):
        common.jsonschema = _CachedJsonschema(common.jsonschema)

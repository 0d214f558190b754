"""The package is split by audience: learners get only the learner modules.

Learner modules (the package's top-level files) import nothing from the instructor,
grading, research, demo or hub subpackages, production code never imports test support,
and the student bundle's copy of the package works on its own.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from negotiation_course.instructor import bundle
from negotiation_course.paths import PACKAGE_DIR

AUDIENCES = ("instructor", "grading", "research", "demo", "hub")
LEARNER_MODULES = sorted(p for p in PACKAGE_DIR.glob("*.py"))


def _imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("path", LEARNER_MODULES, ids=lambda p: p.name)
def test_learner_modules_import_no_other_audience(path):
    bad = {m for m in _imports(path)
           if any(m.startswith(f"negotiation_course.{a}") for a in AUDIENCES)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_production_code_imports_no_test_support():
    offenders = {str(p.relative_to(PACKAGE_DIR)): sorted(m for m in _imports(p)
                                                         if m.split(".")[0] == "tests")
                 for p in PACKAGE_DIR.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_bundle_ships_the_learner_modules_and_nothing_else(tmp_path):
    dest = bundle.build(tmp_path / "student")
    shipped = dest / "negotiation_course"
    assert [p for p in shipped.iterdir() if p.is_dir()] == []
    assert sorted(p.name for p in shipped.glob("*.py")) == [p.name for p in LEARNER_MODULES]
    # the bundle's own copy imports on its own (cwd first on sys.path, as for a learner)
    code = ("import importlib, negotiation_course as n; "
            + "; ".join(f"importlib.import_module('negotiation_course.{p.stem}')"
                        for p in LEARNER_MODULES if p.stem != "__init__")
            + "; print(n.__file__)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=dest, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(shipped / "__init__.py")

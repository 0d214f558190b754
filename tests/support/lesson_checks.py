"""Checks every lesson's content test makes the same way (one place, so they cannot drift)."""

from __future__ import annotations

import nbformat


def assert_figures_captioned_and_cited(nb: nbformat.NotebookNode, expected: int) -> None:
    """Each figure cell cites its data and is followed by "*Figure N.*"; ``expected`` figures."""
    n = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "plots." in cell.source:
            n += 1
            assert "source=data.cite(" in cell.source
            assert nb.cells[i + 1].cell_type == "markdown"
            assert nb.cells[i + 1].source.startswith(f"*Figure {n}.*")
    assert n == expected


def assert_setup_imports_only_what_is_used(nb: nbformat.NotebookNode,
                                           modules: tuple[str, ...]) -> None:
    """The locked setup cell imports exactly ``modules``; each is used; no other import."""
    setup = nb.cells[1]
    assert setup.metadata["nbgrader"]["locked"]
    assert setup.source == f"from negotiation_course import {', '.join(modules)}"
    code = "\n".join(c.source for c in nb.cells[2:] if c.cell_type == "code")
    for module in modules:
        assert f"{module}." in code
    assert "import" not in code

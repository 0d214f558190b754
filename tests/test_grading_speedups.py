"""Issue 16, item 1: the grader's CPU savings change no result.

* gradebooks of one process share an engine, yet each still sees the others' writes, a
  closed one leaves the others working, and a forked process never uses its parent's;
* a remembered (sanitised once) Markdown cell depends on its attachments too, and text too
  large to remember is still sanitised;
* a new gradebook is stamped with the same schema revision as nbgrader's ``alembic heads``
  finds, without running that program;
* grading kernels store figures of the whole canvas (no crop pass), the same warm or cold.
"""

from __future__ import annotations

import base64
import os
import struct

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from negotiation_course.grading import gradebook_engines, sanitize, schema_version
from negotiation_course.grading.sandbox import GRADING_FIGURES, SandboxedExecute, _runs_as_root
from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path


@pytest.fixture
def shared_engines():
    from nbgrader import api

    before = api.create_engine
    gradebook_engines.enable()
    yield
    api.create_engine = before


@pytest.mark.slow  # nbgrader's gradebook runs alembic on first open
def test_gradebooks_share_an_engine_and_still_see_each_other(tmp_path, shared_engines):
    from nbgrader.api import Gradebook

    ensure_venv_on_path()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    first, second = Gradebook(url, "course"), Gradebook(url, "course")
    other = Gradebook(f"sqlite:///{tmp_path / 'other.db'}", "course")
    try:
        assert first.engine is second.engine and other.engine is not first.engine
        first.add_student("ada")
        assert [s.id for s in second.students] == ["ada"]
        first.close()  # disposes the shared pool: the second one reconnects by itself
        second.add_student("bo")
        assert sorted(s.id for s in second.students) == ["ada", "bo"]
        assert [s.id for s in other.students] == []
        second.find_student("bo")
        cached = len(second.engine._compiled_cache)
        for _ in range(5):
            second.find_student("bo")
        assert len(second.engine._compiled_cache) == cached  # compiled once, then reused
        with Gradebook(url, "course") as third:  # a new gradebook, the same compiled query
            third.find_student("bo")
            assert len(third.engine._compiled_cache) == cached
    finally:
        second.close()
        other.close()


@pytest.mark.slow
def test_a_forked_process_opens_its_own_engine(tmp_path, shared_engines):
    from nbgrader.api import Gradebook

    ensure_venv_on_path()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gb:
        gb.add_student("ada")
        parent_engine = id(gb.engine)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: a fresh engine, the parent's rows
            try:
                with Gradebook(url, "course") as mine:
                    word = b"own" if id(mine.engine) != parent_engine else b"parent's"
                    word += b" " + ",".join(s.id for s in mine.students).encode()
                os.write(write, word)
            finally:
                os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        assert os.read(read, 100) == b"own ada"
        assert [s.id for s in gb.students] == ["ada"]  # the parent's engine still works


@pytest.mark.slow  # runs nbgrader's own ``alembic heads`` once, for the comparison
def test_a_new_gradebook_is_stamped_as_alembic_would_without_running_it(tmp_path,
                                                                         monkeypatch):
    from nbgrader import api
    from sqlalchemy import create_engine, text

    ensure_venv_on_path()
    by_program = api.get_alembic_version()  # nbgrader's own way: the alembic command
    assert schema_version.newest_revision() == by_program
    monkeypatch.setattr(api, "get_alembic_version", api.get_alembic_version)
    schema_version.enable()
    assert schema_version.enabled()
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))  # no alembic to run now
    url = f"sqlite:///{tmp_path}/gradebook.db"
    api.Gradebook(url).close()
    with create_engine(url).connect() as db:
        stamped = db.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert stamped == [by_program]


def test_remembered_markdown_depends_on_the_attachments_too():
    text = "![chart](attachment:chart.png)"
    with_it = sanitize.sanitize_markdown(text, {"chart.png"})
    without = sanitize.sanitize_markdown(text, set())
    assert with_it == text
    assert "missing image attachment" in without and without != text
    assert sanitize.sanitize_markdown(text, ["chart.png"]) == text  # any iterable


def test_markdown_too_large_to_remember_is_still_sanitised():
    text = "[notes](javascript:alert(1))\n\n" + "plain words " * 3000
    assert len(text) > sanitize._REMEMBERED_CHARS
    out = sanitize.sanitize_markdown(text)
    assert "a link to a script address" in out and out.count("~~~~") == 2


def _png_size(data: str) -> tuple[int, int]:
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", raw[16:24])


@pytest.mark.slow
@pytest.mark.skipif(not _runs_as_root(), reason="warm kernels are for grading as root")
@pytest.mark.parametrize("warm", [False, True])
def test_grading_kernels_store_the_whole_figure_canvas(tmp_path, warm):
    assert any("bbox_inches': None" in arg for arg in GRADING_FIGURES)
    nb = new_notebook(cells=[new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(4, 3), dpi=50, layout='constrained')\n"
        "ax.plot([0, 1], [0, 1]); ax.set_title('t')")])
    cfg = Config()
    cfg.SandboxKernelManager.warm_kernels = warm
    ex = SandboxedExecute(timeout=120, shutdown_kernel="immediate", config=cfg)
    ex.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    images = [o["data"]["image/png"] for o in nb.cells[0].outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == 1
    # a tight crop would make it smaller than the 4 x 3 inch canvas at 50 dpi
    assert _png_size(images[0]) == (200, 150)
    nbformat.validate(nb)

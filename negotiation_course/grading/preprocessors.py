"""Two small nbgrader preprocessors that keep answer keys out of the learner's kernel.

Registered in ``nbgrader_config.py``: :class:`StripAnswerKeys` after ``OverwriteCells``
(sanitize pass) and :class:`CheckAnswerKeys` right after ``Execute`` (autograde pass).
:class:`CheckAnswerKeys` replaces each autograded test cell's outputs by what the key
comparison decided, so nothing the learner's code printed or displayed reaches nbgrader's
``SaveAutoGrades`` (see :mod:`.answer_key` for why and which records are trusted).
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from .answer_key import ERROR_NAME, graded_outputs, keys_in, strip_keys


class StripAnswerKeys(NbGraderPreprocessor):
    """Remove ``# answer-key:`` lines from every cell before anything executes."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type == "code":
            cell.source = strip_keys(cell.source)
        return cell, resources


class CheckAnswerKeys(NbGraderPreprocessor):
    """Score autograded test cells by the keys held in the gradebook, and by nothing else."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        self._keys: dict[str, list] = {}
        with Gradebook(info["db_url"]) as gb:
            for cell in nb.cells:
                if not (utils.is_grade(cell) and not utils.is_solution(cell)):
                    continue
                name = cell.metadata["nbgrader"]["grade_id"]
                try:
                    source = gb.find_source_cell(name, info["notebook"], info["assignment"])
                except MissingEntry:
                    continue
                self._keys[name] = keys_in(source.source)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        keys = self._keys.get(cell.metadata["nbgrader"]["grade_id"], [])
        kept, problems = graded_outputs(keys, cell.get("outputs", []))
        cell.outputs = [NotebookNode(out) for out in kept]
        if problems:
            text = "Hidden test did not pass: " + "; ".join(problems) + "."
            cell.outputs.append(NotebookNode(
                output_type="error", ename=ERROR_NAME, evalue=text,
                traceback=[f"{ERROR_NAME}: {text}"]))
        return cell, resources

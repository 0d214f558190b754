"""Two nbgrader preprocessors that keep one odd submission from spoiling grading.

* :class:`RepairDuplicateCells` (sanitize pass, before ``DeduplicateIds``): a learner who
  copy-pastes a graded cell in JupyterLab duplicates its nbgrader metadata. Stock nbgrader
  blanks the metadata of the earlier copy, then ``OverwriteCells`` fails on it (KeyError
  'grade_id') and the learner is not graded. Here the earlier copies become ordinary cells
  (as nbgrader intends: the last copy keeps the grade id), and the repair is noted.
* :class:`LimitOutputBytes` (autograde pass, after ``LimitOutput``): ``LimitOutput`` counts
  lines, so one 5 MB line, or many long lines, still make a huge notebook and feedback page.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from .events import record_event


class RepairDuplicateCells(NbGraderPreprocessor):
    """Strip nbgrader metadata from all but the last cell carrying a grade id."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        seen: set[str] = set()
        repaired: list[str] = []
        for cell in reversed(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if not isinstance(meta, dict):
                continue
            grade_id = meta.get("grade_id")
            if not grade_id:
                continue
            if grade_id in seen:
                del cell.metadata["nbgrader"]
                repaired.append(grade_id)
            else:
                seen.add(grade_id)
        if repaired:
            names = ", ".join(sorted(set(repaired)))
            record_event(f"repaired: duplicated graded cell(s) {names}; the last copy counts")
        return nb, resources


class LimitOutputBytes(NbGraderPreprocessor):
    """Cut text outputs longer than ``max_chars``; drop images larger than ``max_image``."""

    max_chars = Integer(20_000, help="Longest text kept per output").tag(config=True)
    max_image = Integer(5_000_000, help="Largest image (base64 characters) kept").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        self._cut = 0
        nb, resources = super().preprocess(nb, resources)
        if self._cut:
            record_event(f"{self._cut} long output(s) cut to {self.max_chars:,} characters")
        return nb, resources

    def _text(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        self._cut += 1
        return text[: self.max_chars] + f"\n... [output cut: {len(text):,} characters]\n"

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        for out in cell.get("outputs", []):
            if "text" in out and isinstance(out.text, str):
                out.text = self._text(out.text)
            data = out.get("data", {})
            for mime, value in list(data.items()):
                if not isinstance(value, str):
                    continue
                if mime.startswith("text/"):
                    data[mime] = self._text(value)
                elif len(value) > self.max_image:
                    del data[mime]
                    data.setdefault("text/plain", f"[{mime} output removed: too large]")
                    self._cut += 1
            if "traceback" in out:
                out.traceback = [self._text(line) for line in out.traceback]
        return cell, resources

"""The Dask worker plugin that makes each Dask worker process a long-lived grading worker.

Its own module because it subclasses ``distributed.WorkerPlugin``: only the Dask path
imports it, so grading on one machine never imports Dask.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin


class GradingWorker(WorkerPlugin):
    """A Dask worker plugin: set up one grading worker in each Dask worker process."""

    name = "negotiation-course-grading"

    def __init__(self, course_dir: str, overrides: Any, runtime_root: str):
        self.course_dir = course_dir
        self.overrides = overrides
        self.runtime_root = runtime_root

    def setup(self, worker: Any = None) -> None:
        from ..instructor.nbgrader_cli import ensure_venv_on_path
        from . import fastimport
        from .worker import init_worker

        fastimport.block_slow_optional_modules()
        ensure_venv_on_path()
        # A worker on another machine has no runtime folder of the parent's yet.
        Path(self.runtime_root).mkdir(mode=0o700, parents=True, exist_ok=True)
        init_worker(self.course_dir, self.overrides, self.runtime_root)

    def teardown(self, worker: Any = None) -> None:
        from .intake import remove_tree

        remove_tree(Path(self.runtime_root) / f"w{os.getpid()}")

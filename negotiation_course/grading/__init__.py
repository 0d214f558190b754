"""Instructor tools around nbgrader: answer keys, grading, feedback, certificates.

The instructor's job, one command each (``COURSE_DIR`` defaults to the repository):

* ``make grade COURSE_DIR=D WORKERS=N`` (:mod:`.grade`, the command; :mod:`.runner`, the
  run): autograde every submission under ``D/submitted`` with nbgrader's own autograde and
  the pipeline ``D/nbgrader_config.py`` declares (:mod:`.pipeline`), on N long-lived
  workers (:mod:`.executors`), each kernel in the sandbox (:mod:`.sandbox`); every outcome
  kept in :mod:`.outcomes`; ``D/grades.csv`` gives every learner a status (:mod:`.export`).
  ``NEGOTIATION_COURSE_SANDBOX=off`` (or ``--no-sandbox``) grades without the sandbox, on
  purpose only.
* ``make feedback COURSE_DIR=D`` (:mod:`.feedback`): HTML per learner, hidden tests hidden.
* ``python -m negotiation_course.grading.certificates --course-dir D`` (:mod:`.certificates`):
  certificates for complete learners, ``D/conversations.csv`` kept by the instructor (one
  line per mock negotiation with its rubric score, :mod:`.mock_negotiation`).
* ``make demo`` (:mod:`negotiation_course.demo`): all of it on a generated cohort
  (:mod:`.cohort`) in ``build/demo``.

Grading limits (course.toml ``[grading]``, all optional): ``wall_seconds`` per notebook,
``memory_mb``, ``cpu_seconds``, ``file_mb``, ``tmp_mb``, ``processes``, ``work_mb``,
``work_files``, ``output_mb`` (per-kernel groups: :mod:`.kernel_limits`); ``learner_seconds``
(one learner's whole autograde) and ``outcomes`` (where the outcome store lives).
A PostgreSQL gradebook: ``NEGOTIATION_COURSE_DB_URL=postgresql+psycopg2://user@host/db``
(SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3, which the course does not pin).
"""

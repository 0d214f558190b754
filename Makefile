# The front door of the course. `make demo` and `make test` set everything up from nothing.
# Run `make help` for the list of targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE_DIR ?= $(CURDIR)
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv sysdeps demo test test-fast lint release lessons-from-source lab instructor-lab grade feedback certificates \
        reproduce student-bundle lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create or refresh .venv from the pinned requirements

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Python 3.11 or newer is needed (nbgrader 0.9.6 requires it); found %d.%d. Set PYTHON=/path/to/python3.11." % v[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

sysdeps: ## Install the system packages grading, tests and the browser check need (apt; root)
	@bash scripts/sysdeps.sh

demo: venv sysdeps ## The instructor's whole job on the embedded default (SQLite), in build/demo
	$(BIN)/python -m negotiation_course.demo

test: venv sysdeps ## The whole test suite
	$(BIN)/python -m pytest

lint: venv ## ruff over the package and tests
	$(BIN)/ruff check negotiation_course tests

release: venv ## lessons/*.md -> source/ -> release/ and the clock-hour table (FORCE=1 overwrites JupyterLab edits)
	$(BIN)/python -m negotiation_course.instructor.references
	$(BIN)/python -m negotiation_course.instructor.release $(if $(FORCE),--force)

lessons-from-source: venv ## Write lessons edited in JupyterLab (source/) back to lessons/*.md
	$(BIN)/python -m negotiation_course.instructor.lessons from-source

lab: venv ## JupyterLab on the learner's view
	$(BIN)/python -m negotiation_course.instructor.lab

instructor-lab: venv ## JupyterLab for instructors at the repository root (Formgrader and all)
	$(BIN)/python -m negotiation_course.instructor.lab --instructor

grade: venv sysdeps ## Autograde every submission under COURSE_DIR/submitted with WORKERS processes
	$(BIN)/python -m negotiation_course.grading.grade --course-dir "$(COURSE_DIR)" --workers $(WORKERS)

feedback: venv ## Write feedback HTML for every graded submission in COURSE_DIR
	$(BIN)/python -m negotiation_course.grading.feedback --course-dir "$(COURSE_DIR)"

certificates: venv sysdeps ## Issue certificates to complete learners in COURSE_DIR (conversations.csv)
	$(BIN)/python -m negotiation_course.grading.certificates --course-dir "$(COURSE_DIR)"

reproduce: venv ## Rerun every analysis in notebooks/ and write build/reproduce/report.md
	$(BIN)/python -m negotiation_course.research.reproduce

student-bundle: venv ## Write build/student/: what learners get (no source/, no solutions)
	$(BIN)/python -m negotiation_course.instructor.bundle

lock: ## Re-resolve requirements.txt from requirements.in (needs the network)
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in
	(echo "# Full pinned lock of requirements.in, resolved on Python 3.11. Regenerate with 'make lock'."; \
	 build/lock-venv/bin/pip freeze --exclude-editable) > requirements.txt

clean: ## Remove generated work (build/, caches); keeps .venv and the gradebook
	rm -rf build .pytest_cache .ruff_cache

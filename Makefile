# The front door of the course. `make demo` and `make test` set everything up from nothing.
# Run `make help` for the list of targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the venv is made from: the distribution's python3 where there is one, since
# every user (learners, the grader, the hub) can run it; pyenv's or conda's inside a home folder
# cannot. VENV may be anywhere, e.g. make venv VENV=/opt/negotiation-course/venv.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COURSE_DIR ?= $(CURDIR)
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv sysdeps axe demo test test-fast lint release lessons-from-source lab instructor-lab grade feedback certificates \
        provider-packet reproduce student-bundle lock clean \
        hub hub-stop hub-proxy hub-accounts hub-release hub-round

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create or refresh VENV (default .venv) from the hashed lock requirements.txt

$(STAMP): requirements.txt pyproject.toml scripts/new_venv.py
	@PYTHON="$(PYTHON)" bash scripts/sysdeps.sh venv
	@$(PYTHON) scripts/new_venv.py $(VENV)
	umask 022; $(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	umask 022; $(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

sysdeps: ## Install the system packages grading, tests and the browser check need (apt; root)
	@bash scripts/sysdeps.sh

demo: venv sysdeps ## The instructor's whole job on the embedded default (SQLite), in build/demo
	$(BIN)/python -m negotiation_course.demo

TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# axe-core (MPL-2.0), the accessibility checker tests/browser/test_axe.py runs in Chromium;
# keep in step with AXE_VERSION in tests/support/axe.py. npm fetches it once; tests use no network.
AXE_VERSION := 4.10.3
AXE := build/node/node_modules/axe-core

axe: $(AXE)/.installed-$(AXE_VERSION) ## Install the pinned axe-core into build/node (npm)

$(AXE)/.installed-$(AXE_VERSION):
	@bash scripts/sysdeps.sh
	npm install --no-audit --no-fund --no-save --prefix build/node axe-core@$(AXE_VERSION)
	@touch $@

test: venv sysdeps axe hub-proxy ## The whole test suite, in parallel where safe (TEST_WORKERS processes)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-fast: venv ## Everything that needs no kernel, server or browser (the quick loop, about 1.5 minutes)
	NEGOTIATION_COURSE_TEST_FAST=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) -q \
	  -m "not slow and not browser and not hub and not network"

# The course on JupyterHub (deploy/hub/README.md). configurable-http-proxy (BSD-3) is pinned
# with its whole dependency tree by deploy/hub/proxy/package-lock.json (4.6.x runs on Debian
# 12's Node 18) and installed once by npm ci into build/node-proxy.
HUB_DIR ?= build/hub
HUB_SHARE ?= /srv/negotiation-course
HUB_PORT ?= 8000
EXCHANGE ?= /srv/nbgrader/exchange
GRADER ?= grader
GRADER_GROUP ?= formgrade-negotiation
PROXY_DIR := build/node-proxy
PROXY_STAMP := $(PROXY_DIR)/.installed-$(shell sha256sum deploy/hub/proxy/package-lock.json 2>/dev/null | cut -c1-12)
HUB_ARGS = --state "$(HUB_DIR)" --share "$(HUB_SHARE)" --port $(HUB_PORT) --exchange "$(EXCHANGE)" \
           --grader $(GRADER) --group $(GRADER_GROUP)

hub-proxy: $(PROXY_STAMP) ## Install the pinned configurable-http-proxy into build/node-proxy (npm ci)

$(PROXY_STAMP): deploy/hub/proxy/package.json deploy/hub/proxy/package-lock.json
	@bash scripts/sysdeps.sh
	mkdir -p $(PROXY_DIR)
	cp deploy/hub/proxy/package.json deploy/hub/proxy/package-lock.json $(PROXY_DIR)/
	cd $(PROXY_DIR) && npm ci --no-audit --no-fund --omit=dev
	@touch $@

hub-accounts: venv ## Learners' Unix users from ROSTER=roster.csv, the grader and its group (root)
	$(BIN)/python -m negotiation_course.hub.accounts --roster "$(ROSTER)" --grader $(GRADER) --group $(GRADER_GROUP)

hub: venv sysdeps hub-proxy ## Start JupyterHub on 127.0.0.1:HUB_PORT (PAM, a server per learner; root)
	$(BIN)/python -m negotiation_course.hub.serve start $(HUB_ARGS)

hub-stop: venv ## Stop the hub, its proxy and every learner server, by pid
	$(BIN)/python -m negotiation_course.hub.serve stop --state "$(HUB_DIR)"

hub-release: venv ## Release every assignment to the hub's learners (root; runs as GRADER)
	$(BIN)/python -m negotiation_course.hub.round release --grader $(GRADER) --exchange "$(EXCHANGE)"

hub-round: venv sysdeps ## Collect, grade (make grade as GRADER) and release feedback to its owners
	$(BIN)/python -m negotiation_course.hub.round round --grader $(GRADER) --exchange "$(EXCHANGE)" --workers $(WORKERS)

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

grade: venv sysdeps ## Autograde every submission under COURSE_DIR/submitted (WORKERS processes, or SCHEDULER=tcp://host:8786 for Dask)
	$(BIN)/python -m negotiation_course.grading.grade --course-dir "$(COURSE_DIR)" --workers $(WORKERS) \
	  $(if $(SCHEDULER),--scheduler "$(SCHEDULER)")

feedback: venv ## Write feedback HTML for every graded submission in COURSE_DIR
	$(BIN)/python -m negotiation_course.grading.feedback --course-dir "$(COURSE_DIR)"

certificates: venv sysdeps ## Issue certificates to complete learners in COURSE_DIR (conversations.csv)
	$(BIN)/python -m negotiation_course.grading.certificates --course-dir "$(COURSE_DIR)"

provider-packet: venv ## Write build/provider/: reviewer/ (no answer key) and instructor/ (with it)
	$(BIN)/python -m negotiation_course.instructor.provider --course-dir "$(COURSE_DIR)"

reproduce: venv ## Rerun every analysis in notebooks/ and write build/reproduce/report.md
	$(BIN)/python -m negotiation_course.research.reproduce

student-bundle: venv ## Write build/student/: what learners get (no source/, no solutions)
	$(BIN)/python -m negotiation_course.instructor.bundle

lock: $(STAMP) ## Recompile every hashed lock and environment.yml from pyproject.toml (network)
	$(BIN)/python scripts/locks.py compile $(LOCK_FLAGS)

clean: ## Remove generated work (build/, caches); keeps .venv, the gradebook and grading-state/
	rm -rf build .pytest_cache .ruff_cache

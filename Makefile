# dlcourse: the README's commands. Each target installs what it needs into .venv first.
#   make book         build the book into _build/html (executed, offline)
#   make test         run the whole test suite (includes a strict book build)
# Students:
#   make work A=<id>  your own copy of an assignment in work/<id>/ (git ignores it)
# Instructors:
#   make assignments  regenerate exercises/ from solutions/ (nbgrader generate_assignment)
#   make autograde    autograde every submission under _grading/submitted/ (sandboxed);
#                     JOBS=N grades N at once on a local Dask cluster, SCHEDULER=tcp://host:8786
#                     on a running one (both need DLCOURSE_DB_URL, a PostgreSQL gradebook)
#   make marking      marking sheets for the written answers in _grading/marking/
#   make feedback     write feedback under _grading/feedback/ (hidden tests not shown)
#   make grades       export the gradebook to _grading/grades.csv
#   make bench        run every speed comparison in benchmarks/ into one table (QUICK=1, COMPARE=)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# the pinned set for the reference Python; other versions resolve from pyproject's ranges
CONSTRAINTS := $(shell $(PYTHON) -c 'import os, sys; f = "requirements/constraints-py%d%d.txt" % sys.version_info[:2]; print("-c " + f if os.path.exists(f) else "")')
STAMP := $(VENV)/.stamp-install
# tools that the commands start by name (nbgrader runs `alembic`, Jupyter finds its kernels)
# come from the environment, as if it were activated
export PATH := $(abspath $(VENV))/bin:$(PATH)
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9][0-9]_*))
RELEASED := $(notdir $(wildcard exercises/[0-9][0-9]_*))

.PHONY: install book test work assignments autograde marking feedback grades bench clean

install: $(STAMP)

$(STAMP): pyproject.toml $(wildcard requirements/*.txt)
	@missing=$$(for p in $$(grep -v '^#' requirements/debian.txt); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get install -y -qq $$missing >/dev/null || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } || exit 1; \
	  else echo "note: these system packages are missing (see requirements/debian.txt): $$missing"; fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(CONSTRAINTS) -e ".[book,grading,hub,test]" || { \
	  echo "the pinned set does not install on this Python; resolving from pyproject's ranges"; \
	  $(PY) -m pip install --quiet -e ".[book,grading,hub,test]"; }
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build -W -n --keep-going .

test: $(STAMP)
	$(PY) -m pytest

# A student's copy lives in work/<id>/, which git ignores and no command ever deletes
# (`make assignments` rewrites exercises/). FRESH=1 starts again from the release and keeps the
# old copy beside it as work/<id>.<date-time>/.
work:
	@test -n "$(A)" || { echo "say which assignment: make work A=<id>, one of: $(RELEASED)"; exit 2; }
	@test -f exercises/$(A)/$(A).ipynb || { echo "there is no assignment '$(A)'; choose one of: $(RELEASED)"; exit 2; }
	@if [ -e work/$(A) ] && [ -z "$(FRESH)" ]; then \
	  echo "work/$(A)/ exists and holds your work; nothing copied."; \
	  echo "To start again from the release: make work A=$(A) FRESH=1 (your copy is kept beside it)"; \
	elif [ -e work/$(A) ]; then \
	  old=work/$(A).$$(date +%Y%m%d-%H%M%S); mv work/$(A) $$old && \
	  mkdir -p work && cp -R exercises/$(A) work/$(A) && \
	  echo "fresh copy in work/$(A)/; your previous copy is in $$old/"; \
	else \
	  mkdir -p work && cp -R exercises/$(A) work/$(A) && echo "your copy: work/$(A)/$(A).ipynb"; \
	fi

# nbgrader reads nbgrader_config.py from the repo root: solutions/ -> exercises/, the rest
# under _grading/. Submissions go to _grading/submitted/<student>/<assignment>/.
assignments: $(STAMP)
	for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done

# Needs `make assignments` first (it registers the notebooks and tests in the gradebook).
# Each submission is graded on its own, in a sandbox (bubblewrap), and the run always finishes
# with a summary: graded, failed and why, skipped (unchanged since graded; FORCE=1 regrades
# them, keeping manual grades), answers waiting for a manual grade, answers flagged as copied.
# JOBS=N (N > 1) or SCHEDULER=ADDRESS grade on Dask (dlcourse.grading.parallel) into the
# gradebook that DLCOURSE_DB_URL names; without them nothing changes.
autograde: $(STAMP)
	$(PY) -m dlcourse.grading autograde $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS)) \
	  $(if $(SCHEDULER),--scheduler $(SCHEDULER))

# One page per assignment with every written question, its model answer and mark scheme, to
# keep open beside the formgrader: _grading/marking/<id>.md
marking: $(STAMP)
	$(PY) -m dlcourse.grading marking

feedback: $(STAMP)
	$(BIN)/nbgrader generate_feedback "*" --force

grades: $(STAMP)
	$(BIN)/nbgrader export --to _grading/grades.csv

# Every benchmark, one table: benchmarks/results/latest.md and latest.json. QUICK=1 runs small
# sizes (a few minutes); COMPARE=old.json prints how each ratio moved since that run (by
# default the previous latest.json).
bench: $(STAMP)
	$(PY) benchmarks/run.py $(if $(QUICK),--quick) $(if $(COMPARE),--compare $(COMPARE))

clean:
	rm -rf _build _grading/autograded _grading/feedback

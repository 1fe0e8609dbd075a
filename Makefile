# dlcourse: the README's commands. Each target installs what it needs into .venv first.
#   make book         build the book into _build/html (executed, offline)
#   make test         run the whole test suite (includes a strict book build)
# Instructors:
#   make assignments  regenerate exercises/ from solutions/ (nbgrader generate_assignment)
#   make autograde    autograde every submission under _grading/submitted/
#   make feedback     write feedback under _grading/feedback/ (hidden tests not shown)
#   make grades       export the gradebook to _grading/grades.csv
#   make bench        run the speed comparisons in benchmarks/

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

.PHONY: install book test assignments autograde feedback grades bench clean

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
	$(PY) -m pip install --quiet $(CONSTRAINTS) -e ".[book,grading,test]" || { \
	  echo "the pinned set does not install on this Python; resolving from pyproject's ranges"; \
	  $(PY) -m pip install --quiet -e ".[book,grading,test]"; }
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build -W -n --keep-going .

test: $(STAMP)
	$(PY) -m pytest

# nbgrader reads nbgrader_config.py from the repo root: solutions/ -> exercises/, the rest
# under _grading/. Submissions go to _grading/submitted/<student>/<assignment>/.
assignments: $(STAMP)
	for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done

# Needs `make assignments` first (it registers the notebooks and tests in the gradebook).
# New or resubmitted work only; `make autograde FORCE=1` regrades everything (manual grades
# are kept, but nbgrader then flags them for review).
autograde: $(STAMP)
	@ls -d _grading/submitted/*/*/ >/dev/null 2>&1 || { echo "nothing to grade: put submissions in _grading/submitted/<student>/<assignment>/"; exit 1; }
	$(BIN)/nbgrader autograde "*" $(if $(FORCE),--force)

feedback: $(STAMP)
	$(BIN)/nbgrader generate_feedback "*" --force

grades: $(STAMP)
	$(BIN)/nbgrader export --to _grading/grades.csv

bench: $(STAMP)
	$(PY) benchmarks/bench_perceptron.py

clean:
	rm -rf _build _grading/autograded _grading/feedback

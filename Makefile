# probation-evidence: two commands do everything.
#   make book   set up (venv, pinned packages, TeX if missing), execute what changed, build HTML + PDF
#   make test   lint and type checks, unit tests, notebook tests (nbval), strict book build, PDF and browser checks
# Each target calls one thing; the logic lives in tools/ and the package.

PYTHON ?= python3
# Python keeps its bytecode cache (__pycache__/, ignored by git) even where the environment turns it
# off with PYTHONDONTWRITEBYTECODE: without it every process (notebook kernels, the command line, each
# test worker) compiles the package again and pytest rewrites every test module, about a minute of CPU
# in `make test` on two cores.
unexport PYTHONDONTWRITEBYTECODE
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/*.bib book/_static/* book/_ext/*.py) \
                $(wildcard notebooks/*.ipynb) $(wildcard data/*) $(wildcard schemas/*) $(wildcard validation/threshold/*) \
                $(wildcard src/probation_evidence/*.py) $(wildcard src/probation_evidence/*/*.py) \
                $(wildcard tools/*.py) CHANGELOG.md CITATION.cff
PUBLISHED := _build/.published

.PHONY: book test lint check-data bench clean setup tex chromium release publish lab validate-methods

book: $(PUBLISHED)

$(PUBLISHED): $(STAMP) $(BOOK_SOURCES)
	@bash tools/ensure-tex.sh
	$(BIN)/python tools/build.py

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@bash tools/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

check-data: $(STAMP)
	$(BIN)/probation-evidence check-data

# Lint and format check (ruff) and type check (mypy with pandas-stubs), as configured in pyproject.toml.
# `make test` runs this first; `ruff format` and `ruff check --fix` repair most findings.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

TEST_WORKERS ?= 4
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# Lint first (fails fast), then the book is built (make book: nothing to do when it is current); the
# tests then run on four workers (pytest-xdist; each test file on one of them, so two cores stay busy
# while a worker waits on a browser or a build), with one thread each for numerical libraries (their
# thread pools would only compete with the other workers for the same cores).
test: $(STAMP) lint $(PUBLISHED)
	@bash tools/ensure-chromium.sh
	@$(BIN)/python tools/ensure_axe.py
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/python -m pytest tests notebooks $(NBVAL) -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	@bash tools/ensure-tex.sh
	$(BIN)/python tools/bench.py

# Release an edition: checks (clean tree, newer version, complete CHANGELOG entry), sets the version,
# commits, tags vVERSION, builds, tests, and archives the website and PDF as editions/VERSION/ on the
# local gh-pages branch. Pushes nothing. See tools/release.py.
release: $(STAMP)
	@$(BIN)/python tools/release.py "$(VERSION)"

# Publish every archived edition to the gh-pages branch of $(REMOTE): the latest at the root, the PDF
# at /probation-evidence.pdf, earlier editions under /editions/x.y.z/. See tools/publish.py.
REMOTE ?= origin
publish:
	@$(PYTHON) tools/publish.py push --remote "$(REMOTE)"

# JupyterLab on the book's environment, with a kernel named for the project (an optional extra:
# requirements-lab.txt is installed only here). `make lab LAB_ARGS=--no-browser` to skip the browser.
KERNEL    := probation-evidence
LAB_STAMP := $(VENV)/.lab-installed
LAB_ARGS  ?=

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS)

$(LAB_STAMP): $(STAMP) requirements-lab.txt
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-lab.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (probation-evidence)"
	@touch $@

# The threshold method's simulation study (about half an hour on one core; results in validation/threshold/)
validate-methods: $(STAMP)
	nice -n 19 $(BIN)/python tools/validate_methods.py

clean:
	rm -rf _build

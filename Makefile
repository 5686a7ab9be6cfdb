# probation-evidence: two commands do everything.
#   make book   set up (venv, pinned packages, TeX if missing), execute what changed, build HTML + PDF
#   make test   unit tests, notebook tests (nbval), strict book build, PDF and browser checks
# Each target calls one thing; the logic lives in tools/ and the package.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/*.bib book/_static/*) \
                $(wildcard notebooks/*.ipynb) $(wildcard data/*) $(wildcard src/probation_evidence/*.py) \
                $(wildcard tools/*.py) CHANGELOG.md
PUBLISHED := _build/.published

.PHONY: book test check-data bench clean setup tex chromium validate-methods

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

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

test: $(STAMP)
	@bash tools/ensure-tex.sh
	@bash tools/ensure-chromium.sh
	$(BIN)/probation-evidence check-data
	$(BIN)/python -m pytest tests notebooks $(NBVAL) -p no:cacheprovider

bench: $(STAMP)
	@bash tools/ensure-tex.sh
	$(BIN)/python tools/bench.py

# The threshold method's simulation study (about half an hour on one core; results in validation/threshold/)
validate-methods: $(STAMP)
	nice -n 19 $(BIN)/python tools/validate_methods.py

clean:
	rm -rf _build

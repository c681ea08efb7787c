# Each target creates .venv when it is missing, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test quick soak bench i18n check lint clean wheelhouse

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/skillcheck run

# In parallel (pytest-xdist), two workers per core: Pilot tests spend much of their
# time waiting for timers and the screen, so a second worker per core fills those
# waits (on 2 cores: 55 s for the quick group, against 69 s before whole visits
# and the 120x40 screens became slow groups). CI runs this, slow groups included
# (tests/conftest.py lists them; they start first, then the Pilot tests).
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) )))
test: $(STAMP)
	@$(BIN)/python tests/postgres_cluster.py --check
	$(BIN)/pytest -n $(WORKERS) --maxschedchunk=1

# The core and command-line tests, while you work: no slow group (-m slow) and no
# Pilot test (-m pilot: the kiosk's screens, 173 tests and most of the suite's CPU).
quick: $(STAMP)
	@$(BIN)/python tests/postgres_cluster.py --check
	$(BIN)/pytest -n $(WORKERS) --maxschedchunk=1 -m "not slow and not pilot"

# The same suite with the long counts of its attacks, fuzz and fault loops (tests/soak.py:
# 1,000 fuzz events, 60 visits in one process, 50 kill -9 runs, 200 bracketing trials,
# the wheelhouse really installed): before a release, or after touching what they guard.
soak: $(STAMP)
	@$(BIN)/python tests/postgres_cluster.py --check
	SKILLCHECK_SOAK=1 $(BIN)/pytest -n $(WORKERS) --maxschedchunk=1

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py $(BENCH)

check: $(STAMP)
	$(BIN)/skillcheck check

# Translations (docs/translating.md): extract every string into locales/skillcheck.pot
# (the keywords come from skillcheck.translation_checks.KEYWORDS, which `check` uses too),
# then merge it into each locales/<lang>/LC_MESSAGES/skillcheck.po. Existing
# translations are kept; no fuzzy matching, so nothing silently gets a wrong
# translation; obsolete entries stay as #~ for the translator to reuse or delete.
I18N_LANGUAGES = $(sort nl fr en $(patsubst locales/%/LC_MESSAGES/skillcheck.po,%,$(wildcard locales/*/LC_MESSAGES/skillcheck.po)))
I18N_WIDTH = 79

i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o locales/skillcheck.pot.new \
		--no-default-keywords $$($(BIN)/python -m skillcheck.translation_checks --pybabel-keywords) \
		--add-comments=Translators: --sort-by-file \
		--width=$(I18N_WIDTH) --project=skillcheck \
		--version=$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("skillcheck"))') \
		--copyright-holder="skillcheck contributors" --msgid-bugs-address="" .
	@# keep the old template when only its POT-Creation-Date would change (small diffs)
	@if [ -f locales/skillcheck.pot.new ] && \
		diff -q -I '^"POT-Creation-Date:' locales/skillcheck.pot locales/skillcheck.pot.new >/dev/null; \
	then rm locales/skillcheck.pot.new; \
	elif [ -f locales/skillcheck.pot.new ]; then mv locales/skillcheck.pot.new locales/skillcheck.pot; fi
	for lang in $(I18N_LANGUAGES); do \
		$(BIN)/pybabel update -D skillcheck -i locales/skillcheck.pot -d locales -l $$lang \
			--init-missing --no-fuzzy-matching --ignore-pot-creation-date \
			--width=$(I18N_WIDTH) || exit 1; \
	done
	$(BIN)/skillcheck check --allow-incomplete || true

# Every wheel the kiosk needs, for an install on a terminal without internet:
#   pip install --no-index --find-links wheelhouse skillcheck   (docs/deploy.md)
WHEELHOUSE ?= wheelhouse
wheelhouse: $(STAMP)
	$(BIN)/pip wheel --quiet --wheel-dir $(WHEELHOUSE) .

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

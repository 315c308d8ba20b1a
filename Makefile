# ASIS portal. The two commands of the contract: `make run` and `make test`.
PORT ?= 8000
# make test runs the suite in this many processes (pytest-xdist); 0 runs it in one
TEST_WORKERS ?= 2
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# make run is a development server: DEBUG on, demo data and logins loaded.
DEV := DEBUG=1

.PHONY: run serve worker test test-quick lint install install-dev assets migrate demo messages clean bench guide backup restore

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets
assets: node_modules/.installed

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV) $(PY) manage.py load_asis
	$(DEV) $(PY) manage.py load_demo

## run: set up everything from a fresh clone, load the reference data and the demo, serve on PORT (8000)
run: demo
	@echo ""
	@echo "ASIS : http://127.0.0.1:$(PORT)/  (Ctrl+C pour arrêter)"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## serve: production from the environment (deploy/asis.env.example): migrate, collectstatic, check --deploy (fails on
## a warning), then gunicorn on BIND (127.0.0.1:8001) and the worker, DEBUG off; Ctrl+C stops both (docs/operations.md)
serve: install
	$(PY) scripts/serve.py

## test: install what the tests need and run the whole suite (unit, views, browser); lint is separate (make lint)
test: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

## test-quick: the suite without the whole-demo guards (marked `guard` in pytest.ini); CI runs them all
test-quick: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not guard"

## lint: ruff (lint and format) and the import contracts (both configured in pyproject.toml); CI runs it before the tests
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## bench: measure the main pages at scale 1 and BENCH_SCALE (100) and write docs/benchmarks.md (fails when a target fails)
$(VENV)/.bench: requirements.txt requirements-bench.txt | $(PY)
	$(PY) -m pip install -q -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench
	$(PY) scripts/bench.py

## guide: replay the journeys that take the user guide's screenshots in Chromium and refresh them (docs/guide/images/)
guide: install-dev
	GUIDE_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_whole_journey.py tests/browser/test_region_journey.py tests/browser/test_sustainability_journey.py -q -p no:cacheprovider

## worker: send the queued e-mails (retries with back-off), run the scheduled jobs once a day, record the heartbeat
worker:
	$(PY) manage.py worker

## backup: the database and the attachments into BACKUP_ROOT/asis-<date>.tar.gz (docs/backups.md); KEEP=N keeps the N newest
backup:
	$(PY) manage.py backup $(if $(KEEP),--keep $(KEEP))

## restore: FILE=backups/asis-….tar.gz into an empty database and attachments folder; FORCE=1 replaces what is there
restore:
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/asis-….tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

## messages: refresh the English catalogue after changing French strings (needs gettext)
messages: install-dev
	$(DEV) $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules
	$(DEV) $(PY) manage.py compilemessages -l en --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles

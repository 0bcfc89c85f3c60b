# Krug: `make run` to try it, `make test` to test it. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# gunicorn workers: cores + 1 (CPU-bound Python; one spare while another waits on the database)
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
# make bench: bench/pages.py (needs wrk and PostgreSQL); BENCH=health_scale for the other one
BENCH ?= pages
BENCH_ARGS ?=

.PHONY: run serve test lint audit translations compile-translations bench vendor clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

compile-translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d community/translations >/dev/null

## run: install, migrate, seed the demo into an empty database, serve on 127.0.0.1:5000
run: $(VENV)/.runtime compile-translations
	KRUG_ENV=development $(FLASK) db upgrade
	KRUG_ENV=development $(FLASK) seed-demo --if-empty
	KRUG_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

## serve: production mode under gunicorn, cores + 1 workers (needs SECRET_KEY, SERVER_URL, DATABASE_URL)
serve: $(VENV)/.runtime compile-translations
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):8000 --access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' wsgi:app

# The Nu HTML Checker for the browser tests, from the npm registry (optional: needs npm and Java;
# without them the browser tests run and say the HTML check is off)
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "HTML check off: npm is not installed (apt-get install npm default-jre-headless)"; fi

# pytest-xdist workers: cores + 1 (the browser tests and the started processes leave a core idle
# now and then); TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

## test: the whole suite (TEST_WORKERS processes); on PostgreSQL too when TEST_DATABASE_URL is set
test: $(VENV)/.dev compile-translations node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## audit: check the pinned dependencies against the registry's security advisories (pip-audit);
## fails (exit 2) with a clear message when the registry cannot be reached
audit: $(VENV)/.dev
	$(BIN)/python tools/audit.py

## translations: extract strings, update both catalogues, compile
translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o community/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i community/translations/messages.pot -d community/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/fill_english.py community/translations/en/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d community/translations >/dev/null

## bench: page speed against a bare Flask app (bench/pages.py); BENCH=health_scale, BENCH_ARGS="--big"
bench: $(VENV)/.dev compile-translations
	$(BIN)/python bench/$(BENCH).py $(BENCH_ARGS)

## vendor: refresh the vendored Pico CSS from the npm registry
vendor:
	cd /tmp && npm pack @picocss/pico@2.1.1 >/dev/null && tar xzf picocss-pico-2.1.1.tgz
	cp /tmp/package/css/pico.jade.min.css /tmp/package/LICENSE.md community/static/vendor/pico/

clean:
	rm -rf $(VENV) .pytest_cache

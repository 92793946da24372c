# Two set-up commands: `make run` and `make test`. Both build .venv when it is missing.
# `make run` installs only the app's own dependencies (`pip install -e .`); `make test` and
# `make lint` add the test tools (`.[test]`: pytest, playwright, schemathesis, hypothesis, ruff, mypy).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
STAMP := $(VENV)/.installed-test
FLASK := $(BIN)/flask --app wsgi
DEMO_PEOPLE ?= 400
DEMO_SEED ?= 1
PORT ?= 5000
PYTEST_ARGS ?=
# Parallel test workers (pytest-xdist); each gets its own database.
TEST_WORKERS ?= 2

# Python caches compiled modules (__pycache__, in .venv and the source tree, both ignored by git);
# where the environment turns that off, every process would compile the whole app again (seconds
# of CPU per start, for every command, test worker and served test instance).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint bench bench-pages bench-scale load translations messages db-upgrade demo clean worker

# Installing is most of the time from a fresh clone to the first page: uv (Astral's installer,
# fetched into .venv by pip) resolves and downloads in parallel; pip does it when uv cannot be had
# (NO_UV=1 forces pip).
INSTALL = if [ -x $(BIN)/uv ] && [ -z "$(NO_UV)" ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python $(1) \
	  || $(BIN)/pip install --quiet $(1); else $(BIN)/pip install --quiet $(1); fi

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	-@[ -n "$(NO_UV)" ] || $(BIN)/pip install --quiet --disable-pip-version-check uv

$(APP_STAMP): $(BIN)/python pyproject.toml
	@$(call INSTALL,-e .)
	@touch $(APP_STAMP)

$(STAMP): $(BIN)/python pyproject.toml
	@$(call INSTALL,-e '.[test]')
	@touch $(STAMP) $(APP_STAMP)

translations: $(APP_STAMP)
	@$(BIN)/pybabel compile --use-fuzzy -d community/translations

messages: $(APP_STAMP)  ## re-extract strings and update the German catalog
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o community/translations/messages.pot .
	$(BIN)/pybabel update -i community/translations/messages.pot -d community/translations --no-fuzzy-matching --ignore-obsolete

db-upgrade: $(APP_STAMP)
	$(FLASK) db upgrade

# Links in e-mails (the outbox) point to this server unless BASE_URL says otherwise: the demo's
# own e-mails too (they pointed to port 5000 when `make run PORT=5077` built the demo).
demo: db-upgrade
	BASE_URL="$${BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) demo --if-empty --people $(DEMO_PEOPLE) --seed $(DEMO_SEED)

run: translations demo
	BASE_URL="$${BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The task queue: with REDIS_URL a Celery worker with its beat scheduler (periodic tasks),
# without it the embedded worker that runs the periodic tasks in one process.
worker: translations db-upgrade
	@if [ -n "$$REDIS_URL$$CELERY_BROKER_URL" ]; then \
		$(BIN)/celery -A community.worker worker --beat --loglevel=info --schedule instance/celerybeat-schedule; \
	else \
		$(FLASK) tasks worker; \
	fi

test: $(STAMP) translations
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff, then mypy (settings in pyproject.toml)
	$(BIN)/ruff check community tests bench
	$(BIN)/mypy

# BENCH_QUICK=1: small sizes and short runs (a smoke run of the benchmarks themselves).
bench: translations
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python bench/run.py

# Only the pages as served (gunicorn + wrk), see bench/served_bench.py for its options.
bench-pages: translations
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python bench/served_bench.py

# The load mix against one instance (SQLite by default). Several machines on loopback:
# LOAD_INSTANCES=2 LOAD_DATABASE_URL=postgresql://… REDIS_URL=redis://… make load
# (two instances, a round-robin proxy, a Celery worker; see bench/cluster.py).
load: translations
	$(BIN)/python bench/load.py

# 100,000 people and 1,000,000 posts on PostgreSQL (SCALE_DATABASE_URL; that database is
# wiped): search latency as served, the plans, migrations with the data present.
bench-scale: translations
	$(BIN)/python bench/scale_pg.py

clean:
	rm -rf $(VENV) instance/community.sqlite3* .pytest_cache .mypy_cache

# mopsboard: `make run` to use it, `make test` to test it. Each target sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in the links emails carry.
MOPSBOARD_SITE_URL ?= http://$(HOST):$(PORT)
export HOST PORT MOPSBOARD_SITE_URL

.PHONY: run serve worker test test-fast e2e fuzz soak lint format bench lock install backup restore clean-db

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable . --group dev
	touch $@

install: $(BIN)/.installed

## Serve the app with demo data on http://$(HOST):$(PORT), and one worker for the
## task queue (notifications, email, scheduled jobs) beside it. Ctrl-C, SIGTERM and closing
## the terminal stop both (the trap); the server stopping stops the worker.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py intake_links
	$(BIN)/python manage.py worker & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null' HUP INT TERM; \
	wait $$server; kill $$worker 2>/dev/null; wait

## One worker for the task queue: notifications, email delivery, retries and the daily jobs. Run as
## many as you like against one database, each as its own process. It waits out a database
## restart, and exits 1 if the database stays away (MOPSBOARD_QUEUE_OUTAGE_LIMIT).
worker: install
	$(BIN)/python manage.py worker

## The production stack on $(HOST):$(PORT): migrate, collect static files, gunicorn.
## Needs DJANGO_DEBUG=0, DJANGO_SECRET_KEY and the other DJANGO_* settings (README).
WORKERS ?= 2
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile -

## Back the database up (pg_dump, custom format) and print the file's path
backup: install
	@$(BIN)/python manage.py backup

## Restore a backup, the queue's workers stopped: make restore FILE=backups/mopsboard-….dump
## JOBS=drop (cancel the jobs the backup had waiting) or JOBS=keep (run them again)
restore: install
	$(BIN)/python manage.py restore "$(FILE)" $(if $(JOBS),--jobs=$(JOBS))

## The whole suite: model, view and browser tests against the embedded PostgreSQL
test: install /usr/bin/chromium /usr/bin/pdftotext /usr/bin/pg_ctlcluster /usr/sbin/pgbouncer
	$(BIN)/pytest

## The inner loop: the suite less the browser journeys and the production-stack tests, in two
## processes (pytest-xdist), on test databases kept between runs (new migrations are applied)
test-fast: install
	$(BIN)/pytest -m "not e2e and not stack" --reuse-db -n 2

## Every form endpoint fed random input as every role, and every API operation by
## schemathesis, at length: never a 500, every answer as the API's schema says
fuzz: install
	HYPOTHESIS_PROFILE=fuzz MOPSBOARD_API_EXAMPLES=200 $(BIN)/pytest tests/test_fuzz.py tests/api/test_schema_conformance.py

## Only the browser journeys
e2e: install /usr/bin/chromium /usr/bin/pdftotext
	$(BIN)/pytest -m e2e

## Style, the apps' import layers (a back-import fails here), bandit's security checks, and
## stylelint on the stylesheet (logical properties only: stylelint.config.mjs)
lint: install node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive mopsboard people backlog raci conversation capacity goals imports mail intake notifications api webhooks demo --exclude "*/migrations/*"
	npx --no-install stylelint "static/**/*.css" --ignore-pattern "static/vendor/**"

# stylelint, pinned in package-lock.json; npm ci installs exactly that into node_modules/.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Timings and query counts at 1,000 / 10,000 / 100,000 tasks (see bench/README.md);
## a quicker run at the sizes given: make bench SIZES=1000 (or SIZES=1000,10000)
comma := ,
bench: install
	$(BIN)/python -m bench $(if $(SIZES),--sizes $(subst $(comma), ,$(SIZES)))

## 20 clients for 60 s against gunicorn on a PostgreSQL server stopped in the middle
soak: install /usr/bin/pg_ctlcluster
	$(BIN)/python -m bench.soak

## Re-pin every dependency after changing pyproject.toml
lock:
	rm -rf /tmp/mopsboard-lock && $(PYTHON) -m venv /tmp/mopsboard-lock
	/tmp/mopsboard-lock/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	/tmp/mopsboard-lock/bin/python -m pip install --quiet . --group dev
	( echo "# Every package mopsboard installs, pinned. Regenerate with \`make lock\`."; \
	  /tmp/mopsboard-lock/bin/python -m pip freeze --exclude mopsboard ) > constraints.txt

# The production-stack test runs the app against a PostgreSQL server of Debian's, in a
# throwaway cluster of its own (tests/test_production_stack.py).
/usr/bin/pg_ctlcluster:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else \
	  echo "The production-stack test needs Debian's PostgreSQL: sudo apt-get install postgresql"; exit 1; \
	fi

# The pooled-stack test runs the app servers and queue workers through Debian's pgbouncer
# in transaction mode (tests/test_pooled_stack.py).
/usr/sbin/pgbouncer:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer; \
	else \
	  echo "The pooled-stack test needs Debian's pgbouncer: sudo apt-get install pgbouncer"; exit 1; \
	fi

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	else \
	  echo "Browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; \
	fi

# The print journeys read Chromium's PDFs back with poppler's pdftotext and pdfinfo.
/usr/bin/pdftotext:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	else \
	  echo "The print journeys need poppler-utils: sudo apt-get install poppler-utils"; exit 1; \
	fi

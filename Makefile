# Midad — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
MANAGE := $(PYTHON) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

# Without DATABASE_URL the embedded PostgreSQL is stopped when the command ends.
STOP_DEVDB := $(if $(DATABASE_URL),true,$(PYTHON) -m newsroom.devdb stop)

# Development defaults; anything already set in the environment wins.
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test fuzz fonts lint format migrate demo migrations-check bench lock clean help

help:
	@echo "make run    — set everything up and serve the site on http://$(HOST):$(PORT)"
	@echo "make test   — set everything up and run the whole test suite on PostgreSQL"
	@echo "make serve  — the same site under gunicorn with production-like settings"
	@echo "make fuzz   — the fuzz suite at length: no input may answer 5xx"
	@echo "make lint   — ruff, migrations check;  make format — ruff format"

$(PYTHON):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	@$(PYTHON) -m pip install -q --upgrade pip

# Re-installs only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PYTHON)
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	@touch $@

# Front-end packages: axe-core for the accessibility tests, the fonts' source packages.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "!!! npm not found: accessibility tests need axe-core (npm ci) !!!"; fi

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) seed_demo

run: demo
	trap '$(STOP_DEVDB)' EXIT; $(MANAGE) runserver $(HOST):$(PORT)

# Production settings on plain HTTP (HTTPS=0) and loopback; a real deployment sets its own.
SERVE_ENV := DEBUG=0 HTTPS=0 SERVE_MEDIA=1 \
	SECRET_KEY=$${SECRET_KEY:-local-production-like-$$(hostname)-$$(id -u)-serve-key} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}

serve: migrate
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	trap '$(STOP_DEVDB)' EXIT; $(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn newsroom.wsgi -c gunicorn.conf.py

test: install node_modules/.installed
	@if [ -x "$(CHROMIUM)" ]; then echo "Chromium found at $(CHROMIUM): end-to-end tests included."; \
	else echo "!!! NO CHROMIUM at $(CHROMIUM): END-TO-END TESTS WILL FAIL. Install Debian's 'chromium' package. !!!"; fi
	trap '$(STOP_DEVDB)' EXIT; $(BIN)/pytest -n auto --create-db -rs $(PYTEST_ARGS)

# Thousands of generated requests per target instead of `make test`'s few (tests/fuzz).
fuzz: install
	trap '$(STOP_DEVDB)' EXIT; HYPOTHESIS_PROFILE=long $(BIN)/pytest --create-db tests/fuzz $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) migrations-check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

bench: migrate
	scripts/bench

lock:
	scripts/lock

# Refresh the self-hosted fonts from their npm packages (Arabic and Latin subsets only).
fonts: node_modules/.installed
	cp node_modules/@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-{arabic,latin}-{400,700}-normal.woff2 static/fonts/
	cp node_modules/@fontsource/ibm-plex-sans-arabic/files/ibm-plex-sans-arabic-{arabic,latin}-{600,700}-normal.woff2 static/fonts/
	cp node_modules/@fontsource/noto-naskh-arabic/LICENSE static/fonts/LICENSE-noto-naskh-arabic.txt
	cp node_modules/@fontsource/ibm-plex-sans-arabic/LICENSE static/fonts/LICENSE-ibm-plex-sans-arabic.txt

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .ruff_cache

# Midad — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
MANAGE := $(PYTHON) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# The suite in parallel, one worker per core, on a test database made afresh.
PYTEST_PARALLEL = $(BIN)/pytest -n auto --dist worksteal --create-db

# Without DATABASE_URL the embedded PostgreSQL is stopped when the command ends.
STOP_DEVDB := $(if $(DATABASE_URL),true,$(PYTHON) -m newsroom.devdb stop)

# Development defaults; anything already set in the environment wins.
export DEBUG ?= 1
# Compiled modules are kept (__pycache__/, ignored by git): every test worker, and every server
# and command the tests start, would otherwise compile the project's modules again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run serve test screenshots fuzz fonts lint format migrate demo migrations-check bench bench-scale two-hosts lighthouse lock clean help

help:
	@echo "make run    — set everything up and serve the site on http://$(HOST):$(PORT)"
	@echo "make test   — set everything up and run the whole test suite on PostgreSQL"
	@echo "make serve  — the same site under gunicorn with production-like settings"
	@echo "make screenshots — the browser tests, saving pictures of the pages in artifacts/screenshots/"
	@echo "make fuzz   — the fuzz suite at length: no input may answer 5xx"
	@echo "make lint   — ruff, migrations check;  make format — ruff format"

$(PYTHON):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	@$(PYTHON) -m pip install -q --upgrade pip

# Re-installs only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PYTHON)
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	@touch $@

# Front-end packages: axe-core, vnu-jar and Lighthouse for the tests, the fonts' source packages.
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
	trap '$(STOP_DEVDB)' EXIT; $(PYTEST_PARALLEL) -rs $(PYTEST_ARGS)

# The browser tests again, leaving desktop and phone pictures of the pages in artifacts/screenshots/.
screenshots: install node_modules/.installed
	trap '$(STOP_DEVDB)' EXIT; SCREENSHOTS=1 $(PYTEST_PARALLEL) tests/e2e $(PYTEST_ARGS)

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

# Lighthouse 12 (mobile) on home, article, section and search under production settings
# (scripts/lighthouse): the four scores, CLS and page weight; fails under the targets.
lighthouse: install node_modules/.installed
	trap '$(STOP_DEVDB)' EXIT; $(PYTHON) scripts/lighthouse

# The demo against a 100,000-article archive, and the WordPress importer at scale (scripts/bench-scale).
bench-scale: install
	scripts/bench-scale

# Two "hosts" (gunicorn on two loopback ports) behind deploy/nginx.conf, sharing a PostgreSQL
# primary + streaming replica and a Redis of their own (scripts/two-hosts): a comment posted on
# one is moderated on the other, the flood limit holds across both, killing one loses nothing.
two-hosts: install
	$(PYTHON) scripts/two-hosts

lock:
	scripts/lock

# Refresh the self-hosted fonts from their npm packages: body Noto Naskh Arabic 400, headings
# and labels IBM Plex Sans Arabic 600 (see site.css). Latin subsets as they come; the
# Arabic ones cut to the Arabic block with every OpenType feature (shaping unchanged): the
# presentation forms and supplements fontsource adds are half their weight. The @font-face
# unicode-range in static/css/site.css says the same as ARABIC_LETTERS.
ARABIC_LETTERS := U+0600-06FF,U+200C-200F,U+FDF2,U+FDFA
FONTSOURCE := node_modules/@fontsource
fonts: node_modules/.installed install
	rm -f static/fonts/*.woff2
	cp $(FONTSOURCE)/noto-naskh-arabic/files/noto-naskh-arabic-latin-400-normal.woff2 static/fonts/
	cp $(FONTSOURCE)/ibm-plex-sans-arabic/files/ibm-plex-sans-arabic-latin-600-normal.woff2 static/fonts/
	for font in noto-naskh-arabic/files/noto-naskh-arabic-arabic-400 ibm-plex-sans-arabic/files/ibm-plex-sans-arabic-arabic-600; do \
		$(BIN)/pyftsubset $(FONTSOURCE)/$$font-normal.woff2 --unicodes='$(ARABIC_LETTERS)' --layout-features='*' \
			--flavor=woff2 --output-file=static/fonts/$$(basename $$font)-normal.woff2 || exit 1; \
	done
	cp node_modules/@fontsource/noto-naskh-arabic/LICENSE static/fonts/LICENSE-noto-naskh-arabic.txt
	cp node_modules/@fontsource/ibm-plex-sans-arabic/LICENSE static/fonts/LICENSE-ibm-plex-sans-arabic.txt

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .ruff_cache

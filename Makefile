# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the suite (browser tests included) runs in parallel on a two-core machine.
PYTEST_ARGS ?= -n 2

.PHONY: run test install assets migrate demo serve lint format worker beat backup restore clean

run: install assets migrate demo serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.built: node_modules/.installed static/build-assets.mjs
	npm run --silent build
	touch $@

assets: static/vendor/.built

migrate: install
	$(MANAGE) migrate --noinput

demo: install
	$(MANAGE) load_catalogue
	$(MANAGE) load_demo

serve: install assets
	@echo "Откройте http://$(HOST):$(PORT)/ (остановить: Ctrl+C)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: install assets
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

backup: install
	$(PY) -m config.lib.backup backup $(DIR)

restore: install
	@test -n "$(DIR)" || (echo "Укажите каталог копии: make restore DIR=backups/20261123-120000" && exit 1)
	$(PY) -m config.lib.backup restore $(DIR)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles

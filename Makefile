# Huimin — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: install install-test run serve test lint bench demo-city clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate, load the demo city once, serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/huimin migrate --noinput -v 0
	$(BIN)/huimin seed-demo --if-empty
	$(BIN)/huimin collectstatic --noinput -v 0
	@echo
	@echo "惠民 Huimin 已启动：http://$(HOST):$(PORT)/    （接口文档：http://$(HOST):$(PORT)/api/docs）"
	@$(BIN)/huimin demo-logins
	@echo "按 Ctrl+C 停止。"
	@echo
	$(BIN)/gunicorn huimin.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

## make demo-city: rebuild the database with the demo city at the real city's scale
demo-city: install
	$(BIN)/huimin migrate --noinput -v 0
	$(BIN)/huimin flush --noinput
	$(BIN)/huimin seed-demo --scale city

## make test: lint, migrations check and the whole suite (SQLite, or DATABASE_URL when set)
test: install-test
	$(BIN)/ruff check huimin tests e2e bench
	$(BIN)/ruff format --check huimin tests e2e bench
	$(BIN)/mypy
	HUIMIN_TESTING=1 $(BIN)/huimin makemigrations --check --dry-run
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check huimin tests e2e bench
	$(BIN)/ruff format --check huimin tests e2e bench
	$(BIN)/mypy

bench: install-test
	@for b in bench/*.py; do [ "$$b" = "bench/__init__.py" ] || $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache

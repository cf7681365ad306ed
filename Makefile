# Huimin — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: install install-test run serve test lint bench bench-growth demo-city clean

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

## make run: install, migrate, load the demo city once, serve on http://$(HOST):$(PORT) with a
## background task worker (huimin db_worker: builds the payment batches created on the pages).
## Ctrl+C stops both: the terminal's interrupt reaches the worker too, which finishes the task
## in hand; if gunicorn stops by itself, the shell's EXIT trap stops the worker (SIGTERM, once).
run: install
	$(BIN)/huimin migrate --noinput -v 0
	$(BIN)/huimin seed-demo --if-empty
	$(BIN)/huimin supervision daily
	$(BIN)/huimin collectstatic --noinput -v 0
	@echo
	@echo "惠民 Huimin 已启动：http://$(HOST):$(PORT)/    （接口文档：http://$(HOST):$(PORT)/api/docs）"
	@$(BIN)/huimin demo-logins
	@echo "后台任务进程（huimin db_worker，生成发放批次）随服务一起运行。按 Ctrl+C 停止。"
	@echo
	@$(BIN)/huimin db_worker & worker=$$!; \
	trap 'trap - EXIT; [ -n "$$interrupted" ] || kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'interrupted=1; exit 130' INT; \
	trap 'exit 143' TERM; \
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

## make bench: every script in bench/ with its defaults (the subsidy batch at 116,400 children,
## on a scratch PostgreSQL database instead when DATABASE_URL is set; the load benchmark on the
## city demo data in var/bench/city/, built on its first run in about 4–5 minutes, then about
## 2 minutes a run; bench/overview.py: the city overview against a page counting one table, on
## a copy of the same data)
bench: install-test
	@for b in bench/*.py; do [ "$$b" = "bench/__init__.py" ] || $(BIN)/python $$b || exit 1; done

## make bench-growth: the subsidy batch at 1,000,000 children (the growth test, about 1.5 minutes)
bench-growth: install-test
	$(BIN)/python bench/subsidy_batch.py --children 1000000

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .mypy_cache_pg

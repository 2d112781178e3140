# Liaison: one command each. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_URL ?= sqlite:///var/demo.db

.PHONY: demo test test-sqlite test-postgres lint typecheck bench system-deps clean install

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

# The demo runs in development mode, asked for explicitly: the only mode allowed the public built-in secret
# (every page then says so). Without LIAISON_ENV, Liaison runs as production and needs LIAISON_SECRET_KEY.
DEMO_ENV := LIAISON_ENV=development LIAISON_DATABASE_URL=$${LIAISON_DATABASE_URL:-$(DEMO_URL)}

demo: $(STAMP)
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/liaison db upgrade
	$(DEMO_ENV) $(BIN)/liaison demo load --if-empty
	$(DEMO_ENV) $(BIN)/liaison serve

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	LIAISON_TEST_BACKEND=sqlite $(BIN)/python -m pytest -n 2 -q
	@if [ -n "$$LIAISON_TEST_POSTGRES_URL" ]; then \
	  echo "== again on PostgreSQL ($$LIAISON_TEST_POSTGRES_URL)"; \
	  LIAISON_TEST_BACKEND=postgresql $(BIN)/python -m pytest -n 2 -q -m "not browser"; \
	fi

test-postgres: $(STAMP)
	LIAISON_TEST_BACKEND=postgresql LIAISON_TEST_POSTGRES_URL=$${LIAISON_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -n 2 -q -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP) system-deps
	$(BIN)/python bench/on_duty.py

clean:
	rm -rf $(VENV) var build *.egg-info

# Liaison: one command each. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_URL ?= sqlite:///var/demo.db

.PHONY: demo test test-sqlite test-postgres lint typecheck bench system-deps clean install \
	catalogs catalogs-extract catalogs-update node-deps vendor

# Message catalogs (Babel): the template is extracted from the code, each language's catalog updated from it and
# compiled here, at build time. A catalog that does not compile stops the build, not the server at night.
LOCALE := src/liaison/locale
LANGS := ar es fr pt ru zh
MO_FILES := $(foreach l,$(LANGS),$(LOCALE)/$(l)/LC_MESSAGES/messages.mo)

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) catalogs vendor

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -D messages -d $(LOCALE) -l $* --statistics

catalogs: $(MO_FILES)

catalogs-extract: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -c Translators: -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output --no-wrap --project Liaison \
	  --copyright-holder "Liaison contributors" --msgid-bugs-address "" -o $(LOCALE)/messages.pot src/liaison

catalogs-update: catalogs-extract
	$(BIN)/pybabel -q update -D messages -i $(LOCALE)/messages.pot -d $(LOCALE) --ignore-obsolete --no-wrap

system-deps:
	bash scripts/install-system-deps.sh

# Packages from the npm registry, pinned in package-lock.json: cytoscape and cytoscape-svg, which the analysis
# pages load (copied into static/vendor below, served by the node itself: no CDN), and axe-core, which only the
# browser tests load into pages. `npm ci` when node_modules is missing or the lock file changed.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

node-deps: system-deps $(NODE_STAMP)

# The browser libraries the pages use, as the app serves them at /static/vendor/ (gitignored: built from the lock).
VENDOR := src/liaison/web/ui/static/vendor
VENDOR_FILES := $(VENDOR)/cytoscape.min.js $(VENDOR)/cytoscape-svg.js
$(VENDOR)/cytoscape.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/cytoscape/dist/cytoscape.min.js $@
$(VENDOR)/cytoscape-svg.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/cytoscape-svg/cytoscape-svg.js $@

vendor: node-deps $(VENDOR_FILES)

# The demo runs in development mode, asked for explicitly: the only mode allowed the public built-in secret
# (every page then says so). Without LIAISON_ENV, Liaison runs as production and needs LIAISON_SECRET_KEY.
DEMO_ENV := LIAISON_ENV=development LIAISON_DATABASE_URL=$${LIAISON_DATABASE_URL:-$(DEMO_URL)}

demo: $(STAMP) catalogs vendor
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/liaison db upgrade
	$(DEMO_ENV) $(BIN)/liaison demo load --if-empty
	$(DEMO_ENV) $(BIN)/liaison serve

test: $(STAMP) catalogs system-deps node-deps vendor
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	LIAISON_TEST_BACKEND=sqlite $(BIN)/python -m pytest -n 2 -q
	@if [ -n "$$LIAISON_TEST_POSTGRES_URL" ]; then \
	  echo "== again on PostgreSQL ($$LIAISON_TEST_POSTGRES_URL)"; \
	  LIAISON_TEST_BACKEND=postgresql $(BIN)/python -m pytest -n 2 -q -m "not browser"; \
	fi

test-postgres: $(STAMP) catalogs
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
	rm -rf $(VENV) var build *.egg-info node_modules $(VENDOR)

# Two commands from a fresh clone: `make run` and `make test`.
# Both create .venv and install the locked dependencies first, and build the console
# (console/: the web console and GraphiQL, from the npm packages pinned in console/package-lock.json).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
CONSOLE := console
CONSOLE_INSTALLED := $(CONSOLE)/node_modules/.installed
CONSOLE_BUILT := $(CONSOLE)/dist/.built
CONSOLE_SOURCES := $(shell find $(CONSOLE)/src -type f) \
	$(wildcard $(CONSOLE)/*.html $(CONSOLE)/*.ts $(CONSOLE)/tsconfig.json)

.PHONY: run test lint typecheck unit schema lock bench clean console

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "COE Platform needs Python >= 3.11; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# npm ci only when the lock changes (it empties node_modules first); the build when a source does.
$(CONSOLE_INSTALLED): $(CONSOLE)/package.json $(CONSOLE)/package-lock.json
	@command -v npm >/dev/null || { echo "the web console needs Node.js >= 20 with npm" >&2; exit 1; }
	cd $(CONSOLE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CONSOLE_BUILT): $(CONSOLE_INSTALLED) $(CONSOLE_SOURCES)
	cd $(CONSOLE) && npm run --silent build -- --logLevel warn
	@touch $@

console: $(CONSOLE_BUILT)

run: $(STAMP) $(CONSOLE_BUILT)
	$(BIN)/coe up

test: $(STAMP) $(CONSOLE_BUILT) lint typecheck
	cd $(CONSOLE) && npm run --silent test
	$(BIN)/pytest

lint: $(STAMP) $(CONSOLE_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(CONSOLE) && npm run --silent lint

typecheck: $(STAMP) $(CONSOLE_INSTALLED)
	$(BIN)/mypy
	cd $(CONSOLE) && npm run --silent codegen:check
	cd $(CONSOLE) && npm run --silent typecheck

unit: $(STAMP) $(CONSOLE_BUILT)
	cd $(CONSOLE) && npm run --silent test
	$(BIN)/pytest -m "not e2e"

# Regenerate the committed GraphQL schema, the console's TypeScript types made from it
# (console/src/generated/, rewritten only when they change) and the JSON Schemas of the YAML formats.
schema: $(STAMP) $(CONSOLE_INSTALLED)
	$(BIN)/coe graphql-schema > schema.graphql
	cd $(CONSOLE) && npm run --silent codegen
	$(BIN)/coe json-schemas schemas/

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock:
	@test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION))
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements.lock

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(CONSOLE)/node_modules $(CONSOLE)/dist

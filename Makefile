# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test setup ingest serve bench clean

$(BIN)/kg: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

setup: $(BIN)/kg

## Create the environment, load the demo reports into $(STORE), serve on http://$(HOST):$(PORT)/
demo: setup
	$(BIN)/kg ingest data/reports --store $(STORE)
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

## Create the environment and run every test
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

ingest: setup
	$(BIN)/kg ingest data/reports --store $(STORE)

serve: setup
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) var build *.egg-info

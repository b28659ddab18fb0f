# Two commands matter on a fresh machine: `make plan` (set up, validate and plan every shipped
# environment on the embedded local default) and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HYBRID := $(VENV)/bin/hybrid
ENVS ?= dev staging prod

.PHONY: setup plan test bench clean

setup: $(VENV)/.installed node_modules/.installed

# Schema compatibility tools (buf for Protobuf, json-schema-diff for JSON Schema) come from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: pyproject.toml requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

plan: setup
	$(HYBRID) validate
	@for env in $(ENVS); do $(HYBRID) plan $$env || exit $$?; done
	$(HYBRID) drill staging

test: setup
	$(PY) -m pytest -n 2

bench: setup
	$(PY) -m scripts.bench
	$(PY) -m scripts.drill.bench

clean:
	rm -rf plans reports .pytest_cache

# Two commands matter on a fresh machine: `make plan` (set up, validate and plan every shipped
# environment on the embedded local default) and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HYBRID := $(VENV)/bin/hybrid
# Every environments/<env>.yaml is an environment; `make plan ENVS=dev` narrows it.
ENVS ?= $(sort $(basename $(notdir $(wildcard environments/*.yaml))))
# pip says what it collects and installs, a line each (download bars only on a terminal); PIP_FLAGS=--quiet silences it.
PIP_FLAGS ?=

.PHONY: setup plan test bench clean envs

setup: $(VENV)/.installed node_modules/.installed policies/venv/.installed

# The policy pack's own virtualenv, named by policies/PulumiPolicy.yaml: the Pulumi CLI runs a local Python
# pack with it but never creates it (in CI, `pulumi install` in policies/ does the same). Only the pack's
# requirements go in, so a pack that imports anything else fails here, not first in the engine.
policies/venv/.installed: policies/requirements.txt constraints.txt
	@echo "setup: creating the policy pack's virtualenv (policies/venv)"
	$(PYTHON) -m venv policies/venv
	policies/venv/bin/python -m pip install --quiet --upgrade pip
	@echo "setup: installing the policy pack's requirements into policies/venv"
	policies/venv/bin/python -m pip install $(PIP_FLAGS) -c constraints.txt -r policies/requirements.txt
	@touch $@

# Schema compatibility tools (buf for Protobuf, json-schema-diff for JSON Schema) come from npm.
node_modules/.installed: package.json package-lock.json
	@echo "setup: installing the schema-compatibility tools from npm (buf, json-schema-diff)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: pyproject.toml requirements.txt constraints.txt
	@echo "setup: creating the virtualenv ($(VENV))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "setup: installing the blueprint, the Pulumi and provider SDKs, the test and benchmark tools (a few minutes the first time)"
	$(PY) -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[test,bench]'
	@touch $@

# One command plans every environment: the provider SDKs are imported once and the plans run in parallel.
plan: setup
	$(HYBRID) validate $(ENVS)
	$(HYBRID) plan $(ENVS)
	$(HYBRID) drill staging

test: setup
	$(PY) -m pytest -n 2

bench: setup
	$(PY) -m scripts.bench.commands
	$(PY) -m scripts.bench
	$(PY) -m scripts.drill.bench
	$(PY) -m scripts.bench.policies
	$(PY) -m scripts.bench.formats

envs:
	@echo $(ENVS)

clean:
	rm -rf plans reports .pytest_cache

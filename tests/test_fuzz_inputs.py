"""Property: whatever spec, stack file or export arrives, `validate`, `check` and `drift` answer 0, 1 or 2,
never a traceback, and never print a secret planted where secrets go."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scripts.cli import app

from .conftest import ROOT, load_spec_data

PLANTED = "planted-secret-5e1f0c"
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
runner = CliRunner()

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["[/]", "[bold]", "../..", "\x00", "\ufeff", "*a", PLANTED]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=8)


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, (*prefix, i))
    return found


def mutate(data: Any, draw) -> Any:
    """Replace, delete or duplicate one value somewhere in `data`."""
    data = copy.deepcopy(data)
    where = draw(st.sampled_from(paths(data)[1:] or [()]))
    if not where:
        return draw(values)
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "delete", "wrap"]))
    if action == "delete":
        del parent[where[-1]]
    elif action == "wrap":
        parent[where[-1]] = [parent[where[-1]]]
    else:
        parent[where[-1]] = draw(values)
    return data


def answer(*args: str):
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"hybrid {' '.join(args)} raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert PLANTED not in result.output
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "project"
    target.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", target / "Pulumi.yaml")
    for folder in ("environments", "stacks", "apis", "schemas"):
        shutil.copytree(ROOT / folder, target / folder)
    (target / "policies" / "config").mkdir(parents=True)
    return target


def plant_secrets(spec: dict[str, Any]) -> dict[str, Any]:
    """A plaintext where every secret reference of the dev spec goes."""
    spec = copy.deepcopy(spec)
    for cluster in spec.get("clusters") or []:
        cluster["kubeconfig"] = {"secret": PLANTED}
    for entry in (spec.get("observability") or {}).get("integrations") or []:
        entry["endpoint"] = {"secret": f"https://{PLANTED}.example.com/hook"}
    return spec


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_validate_answers_any_spec(project, data):
    spec = mutate(plant_secrets(load_spec_data("dev")) if data.draw(st.booleans()) else load_spec_data("dev"),
                  data.draw)
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    if data.draw(st.booleans()):  # and damage the text itself
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(["\t", ": [", "&x ", "*x", "\x00", "'", "\n  - ", "{"])) + text[at:]
    (project / "environments" / "dev.yaml").write_text(text, encoding="utf-8")
    answer("validate", "dev", "--root", str(project))
    shutil.copy(ROOT / "environments" / "dev.yaml", project / "environments" / "dev.yaml")


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_validate_answers_any_stack_file(project, data):
    stack = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    stack["config"]["hybrid:kubeconfig"] = data.draw(st.sampled_from([PLANTED, {"secure": PLANTED}, [PLANTED]]))
    stack = mutate(stack, data.draw)
    (project / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack), encoding="utf-8")
    answer("validate", "dev", "--root", str(project))
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", project / "stacks" / "Pulumi.dev.yaml")


@pytest.fixture(scope="module")
def dev_plan(plans, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "dev.json"
    path.write_text(json.dumps(plans["dev"].export))
    return path


def planted_export(export: dict[str, Any]) -> dict[str, Any]:
    """The dev plan with the planted plaintext as every secret's ciphertext."""
    text = json.dumps(export).replace('"ciphertext": "[redacted]"', f'"ciphertext": "{PLANTED}"')
    return json.loads(text)


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_check_and_drift_answer_any_export(project, plans, dev_plan, tmp_path_factory, data):
    export = planted_export(plans["dev"].export)
    resources = export["deployment"]["resources"]
    if data.draw(st.booleans()):  # mutate inside one resource (cheap to walk), else anywhere near the top
        i = data.draw(st.integers(0, len(resources) - 1))
        resources[i] = mutate(resources[i], data.draw)
    else:
        export = mutate({"version": export["version"], "deployment": {"manifest": export["deployment"]["manifest"],
                                                                      "resources": resources[:3]}}, data.draw)
    path = tmp_path_factory.mktemp("export") / "export.json"
    path.write_text(json.dumps(export, allow_nan=True))
    answer("check", str(path), "--env", "dev", "--root", str(project))
    answer("drift", "dev", "--export", str(path), "--plan", str(dev_plan), "--root", str(project))

"""The machine-readable spec: the JSON Schema judges environments as the models do, and the generated
schema and reference page are what the models produce today."""

from __future__ import annotations

import copy
import datetime
import json

import jsonschema
import pytest
from typer.testing import CliRunner

from scripts.cli import app
from scripts.reference.markdown import REFERENCE_FILE, sections
from scripts.reference.schema import EDITOR_HEADER, SCHEMA_FILE, environment_schema
from scripts.reference.write import generated

from .conftest import ROOT, SHIPPED, load_spec_data

REGENERATE = "run `hybrid schema --write` and commit the result"


def as_editor_sees(value):
    """YAML as an editor's schema validator sees it: dates are the strings they are written as."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator():
    schema = environment_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("env", SHIPPED)
def test_the_schema_accepts_every_shipped_environment(validator, env):
    errors = sorted(validator.iter_errors(as_editor_sees(load_spec_data(env))), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


@pytest.mark.parametrize("breakage, where", [
    (lambda d: d.update(tier="prod"), ["tier"]),
    (lambda d: d["messaging"]["brokers"][0].update(kindd="sqs-sns"), ["messaging", "brokers", 0]),
    (lambda d: d["messaging"]["brokers"][0]["queues"][0].update(max_receive_count=0),
     ["messaging", "brokers", 0, "queues", 0, "max_receive_count"]),
    (lambda d: d["regions"]["aws"]["primary"].pop("cidr"), ["regions", "aws", "primary"]),
    (lambda d: d["accounts"]["aws"].update(account_id="12345"), ["accounts", "aws", "account_id"]),
])
def test_the_schema_rejects_a_broken_environment_at_the_broken_field(validator, breakage, where):
    data = copy.deepcopy(as_editor_sees(load_spec_data("prod")))
    breakage(data)
    errors = list(validator.iter_errors(data))
    assert errors, "the schema accepted a broken environment"
    assert any(list(e.absolute_path) == where for e in errors), [list(e.absolute_path) for e in errors]


def test_the_committed_schema_and_reference_are_fresh():
    for relative, text in generated(ROOT).items():
        path = ROOT / relative
        assert path.exists(), f"{relative} is missing; {REGENERATE}"
        assert path.read_text(encoding="utf-8") == text, f"{relative} is stale; {REGENERATE}"


def test_hybrid_schema_prints_the_committed_schema():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads((ROOT / SCHEMA_FILE).read_text())


def test_hybrid_schema_write_regenerates_into_the_project(tmp_path):
    (tmp_path / "environments").mkdir()
    for env in SHIPPED:
        (tmp_path / "environments" / f"{env}.yaml").write_text((ROOT / "environments" / f"{env}.yaml").read_text())
    result = CliRunner().invoke(app, ["schema", "--write", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / SCHEMA_FILE).read_text() == (ROOT / SCHEMA_FILE).read_text()
    assert (tmp_path / REFERENCE_FILE).read_text() == (ROOT / REFERENCE_FILE).read_text()
    again = CliRunner().invoke(app, ["schema", "--write", "--root", str(tmp_path)])
    assert "up to date" in again.output and not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_environments_point_editors_at_the_schema(env):
    first_line = (ROOT / "environments" / f"{env}.yaml").read_text().splitlines()[0]
    assert first_line == EDITOR_HEADER
    assert (ROOT / "environments" / EDITOR_HEADER.split("$schema=", 1)[1]).exists()


def test_every_spec_field_has_a_description():
    undocumented = [f"{s.model.__name__}.{name} (at {s.paths[0] or 'top level'})"
                    for s in sections() for name, info in s.model.model_fields.items() if not info.description]
    assert not undocumented, f"spec fields without a description: {undocumented}"


def test_the_reference_lists_every_field_of_every_section():
    text = (ROOT / REFERENCE_FILE).read_text()
    for section in sections():
        for name, info in section.model.model_fields.items():
            assert f"| `{info.alias or name}` |" in text, f"{section.model.__name__}.{name} is not in {REFERENCE_FILE}"

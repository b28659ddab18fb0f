"""Hostile and accidental input to every verb: exit 2 with file, field and expectation; never a traceback,
a hang, or a secret echoed back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from components.spec.documents import MAX_DEPTH, DocumentError, parse_yaml, read_json
from scripts.cli import app

from .conftest import load_spec_data, write_env

runner = CliRunner()


def run(*args: str, stdin: str | bytes | None = None):
    result = runner.invoke(app, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"hybrid {' '.join(args)} raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result


def alias_bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


# ---- the reader ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("tier: dev\nname: x\ntier: prod\n", "duplicate key 'tier' (first on line 1, again on line 3)"),
    ("sites: [{name: a, name: b}]\n", "duplicate key 'name' (first on line 1, again on line 1)"),
    (alias_bomb(), "expands to more than"),
    ("a: &a [*a]\n", "recursive structure"),
    ("[" * 50_000, f"nested deeper than {MAX_DEPTH} levels"),
    ("a: b\x00c\n", "control character (#x0000)"),
    ("a: [1, 2\n", "line 2, column 1: invalid YAML"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document"),
])
def test_the_yaml_reader_refuses_with_a_position(text, expected):
    with pytest.raises(DocumentError) as caught:
        parse_yaml(text, "f.yaml")
    assert expected in str(caught.value)


def test_merge_keys_may_be_overridden_and_positions_are_kept():
    document = parse_yaml("base: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n", "f.yaml")
    assert document.data["c"] == {"x": 2}
    assert document.position("c.x") == (4, 3)
    assert document.position(("c", "function-after[check]", "missing")) == (2, 1)


@pytest.mark.parametrize("data, expected", [
    (b"\xff\xfe{", "expected UTF-8"),  # a UTF-16 BOM and then broken
    (b'{"a": "\xff"}', "is not valid UTF-8 text (byte 0xff)"),
    (b"[" * 100_000 + b"]" * 100_000, f"nested deeper than {MAX_DEPTH} levels"),
    (b'{"a": 1, "a": 2}', "key 'a' appears twice"),
    (b'{"a": \x00}', "NUL character"),
])
def test_the_json_reader_refuses(tmp_path, data, expected):
    path = tmp_path / "x.json"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        read_json(path)
    assert expected in str(caught.value) or "invalid JSON" in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_json_with_a_bom_or_in_utf16_is_read(tmp_path, encoding):
    path = tmp_path / "x.json"
    path.write_bytes('{"version": 3, "name": "é"}'.encode(encoding))
    assert read_json(path) == {"version": 3, "name": "é"}


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(DocumentError, match="is a directory; expected a file"):
        read_json(tmp_path)


# ---- specs --------------------------------------------------------------------------------------------------


def test_spec_errors_carry_line_and_column(project_copy):
    data = load_spec_data("dev")
    data["tier"] = "prodution"
    path = write_env(project_copy, "dev", data)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("tier:"))
    result = run("validate", "dev", "--json", "--root", str(project_copy))
    assert result.exit_code == 2
    problem = json.loads(result.stdout)["problems"]["dev"][0]
    assert problem.startswith("environments/dev.yaml: tier: ".replace("environments", str(project_copy / "environments")))
    assert problem.endswith(f"(line {line}, column 1)")


def test_duplicate_keys_in_a_spec_are_refused_with_both_lines(project_copy):
    path = project_copy / "environments" / "dev.yaml"
    text = path.read_text()
    path.write_text(text + "tier: prod\n")
    first = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("tier:"))
    result = run("validate", "dev", "--root", str(project_copy))
    assert result.exit_code == 2
    assert f"duplicate key 'tier' (first on line {first}, again on line {len(text.splitlines()) + 1})" in result.output


@pytest.mark.parametrize("content", [b"\xff\xfe\x00n\x00a\x00m\x00e", "name: dév".encode("latin-1"), b"name: a\x00",
                                     alias_bomb().encode(), b"- just\n- a list\n"])
def test_broken_spec_files_exit_2(project_copy, content):
    (project_copy / "environments" / "dev.yaml").write_bytes(content)
    result = run("validate", "dev", "--root", str(project_copy))
    assert result.exit_code == 2 and "environments/dev.yaml" in result.output


def test_a_spec_that_is_a_directory_exits_2(project_copy):
    (project_copy / "environments" / "dev.yaml").unlink()
    (project_copy / "environments" / "dev.yaml").mkdir()
    assert run("plan", "dev", "--root", str(project_copy)).exit_code == 2


def test_a_secret_value_where_a_reference_belongs_is_never_echoed(project_copy):
    data = load_spec_data("prod")
    data["observability"]["oncall"][0]["endpoint"] = {"secret": "https://events.pagerduty.com/hook/planted-9f3a"}
    data["clusters"][0]["kubeconfig"] = {"secret": "apiVersion: v1 planted-kube-7c1d"}
    write_env(project_copy, "prod", data)
    result = run("validate", "prod", "--root", str(project_copy))
    assert result.exit_code == 2 and "endpoint" in result.output
    assert "planted" not in result.output


# ---- stack files --------------------------------------------------------------------------------------------


def stack_file(project, stack="dev"):
    return project / "stacks" / f"Pulumi.{stack}.yaml"


@pytest.mark.parametrize("content, expected", [
    ("config: [\n", "invalid YAML"),
    ("- a\n- b\n", "(top level): expected a mapping"),
    ("config: [a, b]\n", "config: expected a mapping of config keys"),
    (alias_bomb(), "expands to more than"),
])
def test_broken_stack_files_exit_2_and_leave_other_environments_alone(project_copy, content, expected):
    stack_file(project_copy, "staging").write_text(content)
    result = run("validate", "--root", str(project_copy))
    assert result.exit_code == 2
    assert expected in result.output and "Pulumi.staging.yaml" in result.output
    assert "✓ dev is valid" in result.output and "✓ prod is valid" in result.output


def test_a_literal_secret_in_a_stack_file_is_refused_without_showing_it(project_copy):
    path = stack_file(project_copy)
    data = yaml.safe_load(path.read_text())
    data["config"]["hybrid:kubeconfig"] = "apiVersion: v1\nclusters: planted-literal-4b2e"
    path.write_text(yaml.safe_dump(data))
    result = run("validate", "dev", "--root", str(project_copy))
    assert result.exit_code == 2
    assert "config.hybrid:kubeconfig: a secret key must not have a literal value" in result.output
    assert "planted" not in result.output
    data["config"]["hybrid:kubeconfig"] = {"secure": "v1:AAAA"}  # what `pulumi config set --secret` writes
    path.write_text(yaml.safe_dump(data))
    assert run("validate", "dev", "--root", str(project_copy)).exit_code == 0


def test_unknown_hybrid_keys_warn_with_a_suggestion_and_pulumis_own_keys_pass(project_copy):
    path = stack_file(project_copy)
    data = yaml.safe_load(path.read_text())
    data["config"]["hybrid:kubeconfg"] = {"secure": "v1:AAAA"}
    data["secretsprovider"] = "awskms://alias/hybrid-dev?region=eu-central-1"
    data["encryptedkey"] = "AQICAHh..."
    data["environment"] = ["hybrid/dev"]
    path.write_text(yaml.safe_dump(data))
    result = run("validate", "dev", "--root", str(project_copy))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "did you mean 'kubeconfig'?" in result.stderr
    assert "secretsprovider" not in result.stderr


@pytest.mark.parametrize("name", ["../../somewhere/evil", "Dev", "dev/../prod", "[/]", "a" * 80])
def test_environment_names_are_checked_before_any_path_is_built(project_copy, name):
    for verb in (["validate", name], ["plan", name], ["window", name], ["catalog", name], ["drill", name]):
        result = run(*verb, "--root", str(project_copy))
        assert result.exit_code == 2, (verb, result.output)
        assert "expected an environment name" in result.output
    assert not (project_copy / "plans").exists()


def test_hybrid_environment_in_a_stack_file_is_checked(project_copy):
    path = stack_file(project_copy, "staging")
    path.write_text(path.read_text().replace("hybrid:environment: staging", "hybrid:environment: ../../etc"))
    result = run("validate", "staging", "--root", str(project_copy))
    assert result.exit_code == 2 and "config.hybrid:environment: expected an environment name" in result.output


# ---- check and drift inputs ---------------------------------------------------------------------------------

STACK = "urn:pulumi:prod::hybrid::pulumi:pulumi:Stack::hybrid-prod"


@pytest.mark.parametrize("document, expected", [
    ({"version": 3, "deployment": {"resources": [{"urn": None}]}}, "deployment.resources[0].urn: expected a URN"),
    ({"version": 3, "deployment": {"resources": [{"urn": "garbage"}]}}, "got 'garbage'"),
    ({"version": 3, "deployment": {"resources": {"a": 1}}}, "deployment.resources: expected a list"),
    ({"steps": [None]}, "steps[0]: expected a step object"),
    ({"steps": {"a": 1}}, "steps: expected a list"),
    ({"version": 1, "deployment": {"resources": []}}, "version: expected a stack export version 3 or 4, got 1"),
    ({"version": 2, "deployment": {"resources": []}}, "got 2"),
    ({"version": "3", "deployment": {"resources": []}}, "got '3'"),
    ({"version": 4, "features": ["timeTravel"], "deployment": {"resources": []}}, "'timeTravel' not supported"),
    ({"version": 3, "deployment": {"resources": [{"urn": STACK, "inputs": [1]}]}}, "inputs: expected an object"),
    ([1, 2], "expected a JSON object"),
])
def test_malformed_check_inputs_exit_2_naming_the_field(tmp_path, document, expected):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document))
    result = run("check", str(path), "--env", "prod")
    assert result.exit_code == 2 and expected in result.output, result.output


def test_export_versions_3_and_4_are_read(plans):
    for version, extra in ((3, {}), (4, {"features": ["refreshBeforeUpdate"]})):
        document = {**json.loads(json.dumps(plans["prod"].export)), "version": version, **extra}
        result = run("check", "-", "--json", stdin=json.dumps(document))
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["file"] == "(standard input)"


def test_check_reads_utf16_from_standard_input(plans):
    result = run("check", "-", "--json", stdin=json.dumps(plans["dev"].export).encode("utf-16"))
    assert result.exit_code == 0, result.output


def test_drift_refuses_an_export_of_another_project_or_another_environments_plan(tmp_path, plans):
    other = json.loads(json.dumps(plans["prod"].export).replace("::hybrid::", "::someone-else::"))
    (tmp_path / "other.json").write_text(json.dumps(other))
    result = run("drift", "prod", "--export", str(tmp_path / "other.json"), "--plan", str(tmp_path / "other.json"))
    assert result.exit_code == 2 and "project someone-else" in result.output
    (tmp_path / "prod.json").write_text(json.dumps(plans["prod"].export))
    (tmp_path / "staging.json").write_text(json.dumps(plans["staging"].export))
    result = run("drift", "prod", "--export", str(tmp_path / "prod.json"), "--plan", str(tmp_path / "staging.json"))
    assert result.exit_code == 2 and "stack staging" in result.output


# ---- console and dates ----------------------------------------------------------------------------------------


def test_markup_in_user_input_prints_as_text(tmp_path):
    (tmp_path / "a[").mkdir()
    path = tmp_path / "a[" / "].json"  # the path holds rich's closing tag, [/]
    path.write_text("{broken")
    result = run("check", str(path))
    assert result.exit_code == 2 and "a[/].json" in result.output


@pytest.mark.parametrize("at", ["9999-12-31T23:59+00:00", "0001-01-01T00:00+00:00", "9999-12-31T23:59"])
def test_window_at_extreme_dates_exits_2(project_copy, at):
    result = run("window", "dev", "--at", at, "--root", str(project_copy))
    assert result.exit_code == 2 and "outside the years" in result.output


# ---- writes ---------------------------------------------------------------------------------------------------


def test_an_interrupted_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    import os

    from scripts.files import write_atomic

    target = tmp_path / "plans" / "staging.json"
    write_atomic(target, '{"version": 3}\n')

    def killed(fd):
        raise KeyboardInterrupt  # as if the process were stopped between writing and renaming

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, '{"version": 3, "deployment": {"half": ')
    assert target.read_text() == '{"version": 3}\n'
    assert [p.name for p in target.parent.iterdir()] == ["staging.json"]  # no temporary left behind


def test_a_full_disk_is_a_clear_error(tmp_path):
    from scripts.files import WriteError, write_atomic

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(WriteError, match="cannot write /dev/full: No space left on device"):
        write_atomic(Path("/dev/full"), "x" * 100_000)


@pytest.fixture
def plan_files(tmp_path, plans):
    (tmp_path / "prod.json").write_text(json.dumps(plans["prod"].export))
    return tmp_path / "prod.json"


@pytest.mark.parametrize("where, expected", [
    ("{tmp}", "is a directory; expected a file path"),
    ("{tmp}/missing/report.md", "does not exist"),
    ("{tmp}/prod.json/report.md", "is a file"),
    ("/dev/full", "No space left on device"),
])
def test_out_paths_that_cannot_be_written_exit_2(plan_files, where, expected):
    target = where.format(tmp=plan_files.parent)
    result = run("drift", "prod", "--export", str(plan_files), "--plan", str(plan_files), "--out", target)
    assert result.exit_code == 2 and expected in result.output, result.output


def test_a_reports_file_in_place_of_the_folder_stops_the_drill_before_it_starts(project_copy):
    (project_copy / "reports").write_text("not a folder")
    result = run("drill", "dev", "--root", str(project_copy))
    assert result.exit_code == 2 and "is a file" in result.output


def test_a_policy_config_folder_that_is_a_file_exits_2(project_copy):
    import shutil

    shutil.rmtree(project_copy / "policies" / "config")
    (project_copy / "policies" / "config").write_text("")
    result = run("validate", "dev", "--root", str(project_copy))
    assert result.exit_code == 2 and "is a file" in result.output

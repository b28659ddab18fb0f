"""`hybrid schemas check`: a named table of compatible and breaking changes per format and mode, run through
the real libraries (Apache Avro, buf, json-schema-diff) against versions committed to a throwaway git repo."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.schemas.check import check_file

from .conftest import ROOT

AVRO_V1 = {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"},
                                                          {"name": "qty", "type": "int"}]}


def avro(*extra, drop=(), qty="int"):
    fields = [f for f in AVRO_V1["fields"] if f["name"] not in drop]
    fields = [dict(f, type=qty) if f["name"] == "qty" else f for f in fields]
    return json.dumps(dict(AVRO_V1, fields=fields + list(extra)))


PROTO_V1 = 'syntax = "proto3";\npackage t.v1;\nmessage Reading {\n  string sensor_id = 1;\n  double value = 2;\n}\n'
JSON_V1 = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["id"],
           "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}


def js(**changes):
    return json.dumps({**JSON_V1, **changes})


# (case name, file, old, new, mode, expected problem fragment or None for compatible)
CASES = [
    ("avro: optional field with default, backward", "o.avsc", avro(), avro({"name": "c", "type": ["null", "string"], "default": None}), "BACKWARD", None),
    ("avro: new field without default breaks backward", "o.avsc", avro(), avro({"name": "c", "type": "string"}), "BACKWARD", "field(s) c"),
    ("avro: new field without default is forward compatible", "o.avsc", avro(), avro({"name": "c", "type": "string"}), "FORWARD", None),
    ("avro: removing a field without default breaks forward", "o.avsc", avro(), avro(drop=("qty",)), "FORWARD", "field(s) qty"),
    ("avro: int to long promotes backward", "o.avsc", avro(), avro(qty="long"), "BACKWARD", None),
    ("avro: int to long breaks full", "o.avsc", avro(), avro(qty="long"), "FULL", "forward"),
    ("avro: anything goes under NONE", "o.avsc", avro(), avro(drop=("qty",), qty="string"), "NONE", None),
    ("proto: new field is compatible", "r.proto", PROTO_V1, PROTO_V1.replace("}\n", "  string unit = 3;\n}\n"), "BACKWARD", None),
    ("proto: field type change breaks", "r.proto", PROTO_V1, PROTO_V1.replace("double value", "string value"), "BACKWARD", "value"),
    ("proto: renamed field breaks full (JSON wire)", "r.proto", PROTO_V1, PROTO_V1.replace("double value", "double reading"), "FULL", "buf rule"),
    ("json: relaxing a type is backward compatible", "s.json", js(), js(properties={**JSON_V1["properties"], "note": {"type": ["string", "null"]}}), "BACKWARD", None),
    # open content model: old data may already carry "extra" with any type, so typing it is a break
    ("json: typing a new optional field breaks backward", "s.json", js(), js(properties={**JSON_V1["properties"], "extra": {"type": "number"}}), "BACKWARD", "'extra' added"),
    ("json: new required field breaks backward", "s.json", js(), js(required=["id", "note"]), "BACKWARD", "'note' became required"),
    ("json: new required field is forward compatible", "s.json", js(), js(required=["id", "note"]), "FORWARD", None),
    ("json: relaxing a type breaks forward", "s.json", js(), js(properties={**JSON_V1["properties"], "note": {"type": ["string", "null"]}}), "FORWARD", "'note' changed"),
]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    # the project's pinned npm tools, without copying node_modules
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def commit(repo: Path, path: str, text: str) -> None:
    (repo / path).write_text(text)
    git(repo, "add", path)
    git(repo, "commit", "-q", "-m", path)


needs_tools = pytest.mark.skipif(not (ROOT / "node_modules" / ".bin" / "buf").exists(),
                                 reason="npm tools not installed: run `npm ci`")


@needs_tools
@pytest.mark.parametrize("name,file,old,new,mode,expected", CASES, ids=[c[0] for c in CASES])
def test_compatibility_table(repo, name, file, old, new, mode, expected):
    path = f"schemas/{file}"
    commit(repo, path, old)
    (repo / path).write_text(new)
    [result] = check_file(repo, "HEAD", path, [mode])
    assert result.error is None, result.error
    if expected is None:
        assert result.problems == [], name
    else:
        assert result.problems and expected in " ".join(result.problems), (name, result.problems)


def test_transitive_modes_compare_every_earlier_version(repo):
    path = "schemas/o.avsc"
    commit(repo, path, avro())
    commit(repo, path, avro({"name": "c", "type": ["null", "string"], "default": None}))
    # v3 drops c's default: a reader on v3 needs c, which v1 data lacks; v2 data has it
    (repo / path).write_text(avro({"name": "c", "type": ["null", "string"]}))
    [latest] = check_file(repo, "HEAD", path, ["BACKWARD"])
    [everything] = check_file(repo, "HEAD", path, ["BACKWARD_TRANSITIVE"])
    assert len(latest.compared_with) == 1 and len(everything.compared_with) == 2
    assert latest.ok, latest.problems  # v2 data carries c
    assert not everything.ok and "field(s) c" in everything.problems[0]  # v1 data does not


def test_unreadable_schema_is_a_clear_error(repo):
    path = "schemas/o.avsc"
    commit(repo, path, avro())
    (repo / path).write_text('{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "strin"}]}')
    [result] = check_file(repo, "HEAD", path, ["BACKWARD"])
    assert result.error and result.error.startswith("schemas/o.avsc: not a valid Avro schema")


@pytest.mark.slow  # runs the command against a throwaway git repository
def test_cli_exit_codes(repo):
    for folder in ("environments", "stacks", "apis"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, repo / folder)
    shutil.copy(ROOT / "Pulumi.yaml", repo / "Pulumi.yaml")
    (repo / "policies" / "config").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", repo / "schemas", dirs_exist_ok=True)
    git(repo, "add", "schemas")
    commit(repo, "schemas/o.avsc", avro())
    # the installed entry point's module, run by this interpreter (wherever its environment lives)
    cli = [sys.executable, "-m", "scripts.cli_main", "schemas", "check", "--base", "HEAD", "--root", str(repo)]
    run = dict(capture_output=True, text=True, cwd=ROOT)
    assert subprocess.run(cli, **run).returncode == 0
    (repo / "schemas/o.avsc").write_text(avro({"name": "c", "type": "string"}))
    broken = subprocess.run(cli, **run)
    assert broken.returncode == 1 and "field(s) c" in broken.stdout  # a finding: stdout
    (repo / "schemas/o.avsc").write_text("{not json")
    assert subprocess.run(cli, **run).returncode == 2
    assert subprocess.run(cli[:-4] + ["--base", "no-such-ref", "--root", str(repo)], **run).returncode == 2

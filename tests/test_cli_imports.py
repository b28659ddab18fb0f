"""A verb imports what it runs: `hybrid --help` and `hybrid validate` never load a provider SDK or the drill's AWS
stand-in (they cost seconds; docs/performance.md). Checked in a fresh interpreter, where sys.modules is honest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

HEAVY = ("pulumi_aws", "pulumi_azure_native", "pulumi_kubernetes", "moto", "boto3", "botocore")

PROBE = """
import json, sys
from scripts import cli
sys.argv = ["hybrid", *json.loads(sys.argv[1])]
try:
    cli.app()
except SystemExit as stop:
    code = stop.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[-1])))
sys.__stdout__.write("\\n" + json.dumps({"code": code, "loaded": loaded}) + "\\n")
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "dev", "--root", "{project}"]], ids=["help", "validate"])
def test_help_and_validate_load_no_provider_sdk_or_moto(args, project_copy):
    args = [a.replace("{project}", str(project_copy)) for a in args]
    done = subprocess.run([sys.executable, "-c", PROBE.replace("sys.argv[-1]", repr(json.dumps(HEAVY))),
                           json.dumps(args)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["code"] in (0, None), done.stderr
    assert answer["loaded"] == [], f"`hybrid {' '.join(args)}` imported {answer['loaded']}"


def test_help_loads_no_verb_machinery():
    """`hybrid --help` needs the verbs' names and options only: not even the spec models (pydantic)."""
    done = subprocess.run([sys.executable, "-c", PROBE.replace("sys.argv[-1]", repr(json.dumps(["components"]))),
                           json.dumps(["--help"])], cwd=ROOT, capture_output=True, text=True, timeout=120)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["loaded"] == [], "a verb module imports components at the top; import it when the verb runs"


def test_plan_still_loads_what_it_needs():
    """The probe can see a provider SDK: without one loaded, the test above would prove nothing."""
    done = subprocess.run([sys.executable, "-c", "import json, sys; from scripts.planner import run; "
                           f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({list(HEAVY)!r})))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "pulumi_aws" in done.stdout, done.stderr

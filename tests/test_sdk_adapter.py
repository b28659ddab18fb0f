"""The planner's hold on Pulumi SDK internals (scripts/planner/sdk.py) still fits the installed SDK.

These fail, naming the piece that moved, when an SDK upgrade renames or reshapes a private name the
planner relies on; docs/performance.md says how to upgrade. The pins themselves are checked too: the
SDKs installed are the ones constraints.txt names, so a plan is reproduced with the SDK it was tested on.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from importlib import metadata

import pulumi
import pytest

from scripts.planner import sdk
from scripts.planner.recorder import NoCalls

from .conftest import ROOT

PINNED_SDKS = ("pulumi", "pulumi-aws", "pulumi-azure-native", "pulumi-kubernetes", "pulumi-policy")


def constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([\w.]+)", line).groups()
            pins[name.lower()] = version
    return pins


@pytest.mark.parametrize("dotted", sorted(sdk.PRIVATE_NAMES))
def test_each_private_sdk_name_the_adapter_uses_exists(dotted):
    holder, attribute = sdk.PRIVATE_NAMES[dotted]
    assert hasattr(holder, attribute), (
        f"the installed pulumi {pulumi.__version__} no longer has {dotted}; update scripts/planner/sdk.py")


def test_the_private_names_keep_the_shapes_the_adapter_calls():
    from pulumi.runtime import resource, settings, stack

    assert list(inspect.signature(resource._get_stack_trace).parameters) == [], "_get_stack_trace takes arguments now"
    assert "_outputs_registered" in inspect.getsource(stack.Stack._finish), \
        "Stack._finish no longer guards on _outputs_registered; register_stack_outputs_again would register nothing"
    assert callable(getattr(settings.ROOT, "set", None)), "settings.ROOT is no longer a context variable"
    assert isinstance(settings.SETTINGS.outputs, set), "settings.SETTINGS.outputs is no longer a set"
    assert callable(getattr(settings.SETTINGS.rpc_manager, "clear", None)), "the RPC manager has no clear() any more"
    assert inspect.iscoroutinefunction(stack.run_pulumi_func), "run_pulumi_func is no longer a coroutine"


def test_provider_service_modules_are_lazy_modules_the_warmer_recognises():
    # In a fresh interpreter: once loaded, a lazy module turns into a plain one, and this session has loaded many.
    probe = ("import pulumi_aws; from scripts.planner import sdk; m = vars(pulumi_aws)['sqs']; "
             "print(isinstance(m, sdk.LazyModule), sdk.lazy_module_name(m))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "pulumi_aws.sqs"], \
        f"pulumi_aws.sqs is no longer an SDK LazyModule, so warm.py would load nothing: {done.stdout}"


def test_a_program_run_through_the_adapter_registers_its_resources_and_stack_outputs():
    """The whole adapter path end to end: reset, mocks, run, outputs registered again, stack traces off."""
    seen_traces = []

    class Monitor(sdk.MockMonitor):
        def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
            seen_traces.append(len(request.stackTrace.frames))
            return super().RegisterResource(request)

        def RegisterResourceOutputs(self, request):  # noqa: N802
            if request.urn.endswith("pulumi:pulumi:Stack::adapter-test"):
                registered.append(dict(request.outputs))
            return super().RegisterResourceOutputs(request)

    class Echo(NoCalls):
        def new_resource(self, args):
            return f"{args.name}-id", args.inputs

    registered: list[dict] = []

    def body():
        pulumi.export("answer", 42)
        sdk.register_stack_outputs_again()

    previous = sdk.current_event_loop()
    sdk.reset_runtime({"project:key": "value"}, [])
    monitor = Monitor(Echo())
    sdk.start_mocks(monitor, "adapter", "test")
    with sdk.no_stack_traces():
        pulumi.ComponentResource("test:index:Thing", "thing")
        sdk.sync_await_result(sdk.run_program(body))
    assert sdk.current_event_loop() is previous
    assert registered and registered[-1] == {"answer": 42.0}, f"stack outputs were not registered again: {registered}"
    # the root stack registers (with a trace) before no_stack_traces is active; the component inside it has none
    assert seen_traces[0] > 0 and seen_traces[1:] == [0], f"stack-trace frames per registration: {seen_traces}"
    sdk.reset_runtime({}, [])


def test_installed_sdks_are_the_pinned_versions():
    pins = constraints()
    for name in PINNED_SDKS:
        assert name in pins, f"constraints.txt does not pin {name}"
        installed = metadata.version(name)
        assert installed == pins[name], (
            f"{name} {installed} is installed but constraints.txt pins {pins[name]}; "
            "rerun `make setup` or follow docs/performance.md to upgrade")


def test_setup_installs_with_the_constraints():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*-c constraints\.txt", makefile), "make setup does not apply constraints.txt"

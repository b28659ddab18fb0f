"""Every Pulumi SDK name the planner uses that the SDK does not document as public, in one place.

The planner runs the real program under the SDK's mock engine several times per process, faster than
the stock mocks, so it must reach into the runtime: reset its module-level state between plans,
re-register the root stack's outputs, swap the stack-trace capture out and put a lazy provider module's
load forward. None of that is public API, so it lives here and only here; `tests/test_sdk_adapter.py`
checks each name against the installed SDK and fails, naming the missing piece, when an upgrade moves
one. The versions the planner is tested with are pinned in constraints.txt; docs/performance.md says how
to upgrade them.
"""

from __future__ import annotations

import asyncio
import types
from contextlib import contextmanager
from typing import Any, Awaitable, Callable, Iterator

from pulumi import _utils as sdk_utils
from pulumi.runtime import mocks, settings
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import stack as sdk_stack
from pulumi.runtime import sync_await
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2, source_pb2

# The mock engine's monitor (the planner subclasses it) and the protobuf messages it answers with.
MockMonitor = mocks.MockMonitor
RegisterResourceResponse = resource_pb2.RegisterResourceResponse
# A provider SDK's lazily loaded service module (pulumi_aws.ec2 ...): loads on first attribute access.
LazyModule = sdk_utils._LazyModule

# Each private name this module touches, by the object that holds it: the adapter test checks them all.
PRIVATE_NAMES: dict[str, tuple[Any, str]] = {
    "pulumi._utils._LazyModule": (sdk_utils, "_LazyModule"),
    "pulumi.runtime.resource._get_stack_trace": (sdk_resource, "_get_stack_trace"),
    "pulumi.runtime.settings.ROOT": (settings, "ROOT"),
    "pulumi.runtime.settings.SETTINGS": (settings, "SETTINGS"),
    "pulumi.runtime.stack.run_pulumi_func": (sdk_stack, "run_pulumi_func"),
    "pulumi.runtime.stack.Stack._finish": (sdk_stack.Stack, "_finish"),
    "pulumi.runtime.sync_await._ensure_event_loop": (sync_await, "_ensure_event_loop"),
    "pulumi.runtime.sync_await._sync_await": (sync_await, "_sync_await"),
}


def reset_runtime(config: dict[str, str], secret_keys: list[str]) -> None:
    """Forget the root stack, outputs and RPCs a previous (possibly failed) plan in this process left behind."""
    set_all_config(config, secret_keys)
    settings.ROOT.set(None)
    settings.SETTINGS.outputs.clear()
    settings.SETTINGS.rpc_manager.clear()


def start_mocks(monitor: Any, project: str, stack: str) -> None:
    """Point the runtime at `monitor` (a MockMonitor) as the engine, for one plan."""
    mocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)


def run_program(body: Callable[[], None]) -> Awaitable[None]:
    """The SDK's own program runner: run `body`, then wait for every outstanding RPC."""
    return sdk_stack.run_pulumi_func(body)


def register_stack_outputs_again() -> None:
    """Register the root stack's outputs once more, now that `pulumi.export` has filled them.

    set_mocks registers the root stack's (then empty) outputs at once; the real entry point registers
    them at the end of the program, which this reproduces.
    """
    root = settings.get_root_resource()
    root._outputs_registered = False
    root._finish()


def current_event_loop() -> asyncio.AbstractEventLoop:
    """The thread's event loop, created if it has none (as the SDK does before it runs a program)."""
    return sync_await._ensure_event_loop()


def sync_await_result(awaitable: Awaitable[Any]) -> Any:
    """Run `awaitable` to completion on the SDK's loop, as the SDK's stock test runner does."""
    return sync_await._sync_await(awaitable)


def _empty_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def no_stack_traces() -> Iterator[None]:
    """Registrations carry an empty stack trace (and so no source position) while this is active.

    The recording monitor ignores stack traces, so the plan is the same without the per-resource cost.
    """
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:  # an SDK that renamed the hook plans with stack traces: slower, same plan (the test says so)
        yield
        return
    sdk_resource._get_stack_trace = _empty_stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


def lazy_module_name(module: Any) -> str:
    """The module name of a LazyModule, read without triggering its load."""
    return types.ModuleType.__getattribute__(module, "__name__")

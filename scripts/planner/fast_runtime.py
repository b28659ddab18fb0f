"""Switch off the SDK work an offline plan never uses, for the duration of one plan only.

Profiling the planner (docs/performance.md) found two per-resource costs that buy nothing offline:

* every RPC to the monitor hops to a thread-pool worker (`loop.run_in_executor(None, ...)`) and back.
  The engine is a remote gRPC server, so the SDK must not block its loop; our monitor is an in-process
  function that answers in microseconds and never blocks, so the hop is pure overhead (thread wake-ups,
  cross-thread future chaining, self-pipe writes). The plan runs on its own event loop whose default
  executor call runs the function inline and returns a finished future.
* every registration captures the Python stack (`traceback.extract_stack`) and turns each frame into a
  source-position message, so the engine can point error messages at user code. The recording
  monitor ignores `stackTrace` and `sourcePosition`, so an empty trace gives the same plan.

* the cyclic garbage collector. A plan allocates hundreds of thousands of long-lived objects (futures,
  outputs, protobuf messages) that all stay alive until the plan ends, so every automatic collection
  finds almost nothing to free, yet each full collection walks the whole heap, including the
  provider SDKs' hundreds of thousands of type objects: half the plan time at 1,000 resources and
  growing faster than linearly. The collector is paused for the plan and resumed afterwards; the
  little cyclic garbage a plan leaves is collected once, right after the plan.

All are scoped: the previous event loop and the SDK function and the collector's state are restored afterwards, so the SDK's
stock mocks (unit tests in the same process) behave exactly as before.
"""

from __future__ import annotations

import asyncio
import gc
from contextlib import contextmanager
from typing import Any, Awaitable, Callable, Iterator, TypeVar

from .sdk import current_event_loop, no_stack_traces

T = TypeVar("T")

# The benchmark turns this off to measure the planner with the SDK's defaults (and to prove the bytes match).
ENABLED = True


class InlineRpcLoop(asyncio.SelectorEventLoop):
    """An event loop whose default executor runs the function inline (explicit executors still get threads)."""

    def run_in_executor(self, executor: Any, func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        if executor is not None:
            return super().run_in_executor(executor, func, *args)
        future: asyncio.Future[T] = self.create_future()
        try:
            future.set_result(func(*args))
        except BaseException as error:  # noqa: BLE001 - delivered to the awaiting coroutine, as the pool would
            future.set_exception(error)
        return future


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic cyclic collections while this is active (reference counting still frees most objects)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            # Collect the plan's cycles here, at a known point, rather than at whatever allocation next
            # trips the threshold (finalizers of abandoned coroutines have then run inside the compiler).
            # With collection paused nothing was promoted, so everything the plan allocated is in the
            # youngest generation: collecting that one frees the plan's cycles without rescanning the
            # provider SDKs' long-lived objects (a full collection cost ~0.1 s per run in a warm process).
            gc.collect(0)


def run_inline(make: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine `make()` builds on a fresh InlineRpcLoop, then put the thread's previous loop back.

    `make` is called once the new loop is current, so anything it creates (the root stack resource, outputs)
    binds to that loop.
    """
    previous = current_event_loop()
    if not ENABLED:
        return previous.run_until_complete(make())
    loop = InlineRpcLoop()
    asyncio.set_event_loop(loop)
    try:
        with no_stack_traces(), gc_paused():
            return loop.run_until_complete(make())
    finally:
        _cancel_leftovers(loop)  # a failed program leaves tasks behind; they must not leak into the next plan
        asyncio.set_event_loop(previous)
        loop.close()


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

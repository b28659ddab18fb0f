"""Load, ahead of the plan, the provider SDK modules the program will touch.

The provider SDKs (pulumi_aws, pulumi_azure_native, ...) import their service modules lazily, on the
first attribute access. For `hybrid plan prod` that first access happens inside the program and costs
seconds (pulumi_azure_native.network alone builds thousands of typing constructs), which would be
reported as plan time. Touching them here moves that one-off cost into the setup phase, so the plan
phase measures planning; the total is unchanged and nothing about the plan differs.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types

from .sdk import LazyModule, lazy_module_name

PROGRAM_PACKAGE = "components"


def _program_modules(package: str) -> list[types.ModuleType]:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)
    return [m for name, m in sorted(sys.modules.items()) if name == package or name.startswith(f"{package}.")]


def warm_provider_modules(package: str = PROGRAM_PACKAGE) -> list[str]:
    """Import every module of `package` and load the lazy provider modules they reference; returns their names."""
    loaded = []
    for module in _program_modules(package):
        for value in list(vars(module).values()):
            if isinstance(value, LazyModule):
                name = lazy_module_name(value)
                # Introspection attributes (__name__, __dict__...) do not trigger the load; any other does.
                getattr(value, "__all__", None)
                loaded.append(name)
    return sorted(set(loaded))

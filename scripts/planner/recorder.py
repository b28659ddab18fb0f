"""A mock monitor that records every registration and computes the URNs the real engine assigns.

The stock MockMonitor gets URNs wrong (it leaks the root stack's type into top-level chains and keeps
only the immediate parent's type) and round-trips every property through Python objects twice. This
monitor answers with correct URNs, so children and dependencies refer to the real ones, and echoes the
request's property struct back with the computed outputs added, which is both what the engine does
(outputs start as inputs) and much cheaper.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks

from .sdk import MockMonitor, RegisterResourceResponse

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    id: str
    inputs: dict[str, Any]
    parent: str
    provider: str
    protect: bool
    dependencies: list[str]


@dataclass
class Recording:
    project: str
    stack: str
    resources: dict[str, Registration] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    stack_outputs: dict[str, Any] = field(default_factory=dict)


# (type, name, urn, inputs, provider inputs) -> (id, extra outputs)
OutputsFn = Callable[[str, str, str, dict[str, Any], dict[str, Any]], tuple[str, dict[str, Any]]]


def _integral(value: Any) -> Any:
    """Protobuf carries every number as a double; give whole numbers back as ints, as state files do."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    return _integral(json_format.MessageToDict(struct, preserving_proto_field_name=True))


class NoCalls(mocks.Mocks):
    """The program makes no provider function calls; if one appears, fail loudly rather than invent data."""

    def call(self, args: mocks.MockCallArgs):
        raise NotImplementedError(f"offline plan has no mock for function {args.token}")

    def new_resource(self, args: mocks.MockResourceArgs):  # only reached through ReadResource
        raise NotImplementedError(f"offline plan cannot read existing resource {args.typ} {args.name}")


class RecordingMonitor(MockMonitor):
    def __init__(self, project: str, stack: str, outputs_fn: OutputsFn):
        super().__init__(NoCalls())
        self.recording = Recording(project=project, stack=stack)
        self._outputs_fn = outputs_fn
        self._lock = threading.Lock()
        self.stack_urn = f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        prefix = f"urn:pulumi:{self.recording.stack}::{self.recording.project}::"
        if type_ == STACK_TYPE:
            return f"{prefix}{STACK_TYPE}::{name}"
        if parent and parent != self.stack_urn:
            type_ = parent[len(prefix):].split("::")[0] + "$" + type_
        return f"{prefix}{type_}::{name}"

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            return RegisterResourceResponse(urn=urn)
        inputs = struct_to_dict(request.object)
        provider_ref = request.provider
        provider_inputs: dict[str, Any] = {}
        if provider_ref:
            provider_urn = provider_ref.rsplit("::", 1)[0]
            registered = self.recording.resources.get(provider_urn)
            provider_inputs = registered.inputs if registered else {}
        id_, extra = self._outputs_fn(request.type, request.name, urn, inputs, provider_inputs)
        registration = Registration(
            urn=urn, type=request.type, name=request.name, custom=bool(request.custom), id=id_ if request.custom else "",
            inputs=inputs, parent=request.parent, provider=provider_ref, protect=bool(request.protect),
            dependencies=sorted(set(request.dependencies)))
        with self._lock:
            if urn in self.recording.resources:
                self.recording.duplicates.append(urn)
            self.recording.resources[urn] = registration
        response = struct_pb2.Struct()
        response.CopyFrom(request.object)
        for key, value in extra.items():
            # Computed outputs the provider adds inside an input object (Key Vault's properties.vaultUri) or inside
            # each entry of an input list (a global table replica's arn and streamArn) merge in.
            if key not in inputs or (isinstance(value, dict) and isinstance(inputs[key], dict)) or (
                    isinstance(value, list) and isinstance(inputs[key], list) and len(value) == len(inputs[key])):
                response[key] = value
        return RegisterResourceResponse(urn=urn, id=id_, object=response)

    def RegisterResourceOutputs(self, request):  # noqa: N802
        if request.urn == self.stack_urn:
            self.recording.stack_outputs = struct_to_dict(request.outputs)
        return super().RegisterResourceOutputs(request)

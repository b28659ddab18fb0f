"""Types and enums from the provider SDKs: every input judged against what the installed SDK declares.

The Args classes' raw `__init__` annotations are read (typing.get_type_hints fails on `Output[T]`) and
turned into a small shape per type token, cached; only the provider submodules of types present are
imported. The mock engine accepts a string where the provider wants an integer, a misspelt nested key or
an enum value the API refuses; the provider (or the cloud) does not. Closed enums are judged: an
annotation that is the enum alone. azure-native's `Union[str, Enum]` is open (new values arrive before
the SDK knows them) and is not judged. pulumi-aws declares few enums; where a value set matters it comes
from botocore's service model (BOTOCORE_ENUMS, each naming its shape).
"""

from __future__ import annotations

import collections.abc
import enum
import importlib
import re
import sys
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Optional

from .context import Context
from .model import SECRET_MARKER, UNKNOWN, Document, Finding

PACKAGES = {"aws": "pulumi_aws", "azure-native": "pulumi_azure_native"}
INDEX_RE = re.compile(r"\[\d+\]")
SCALARS = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}

# (type token, input path with [] for list items) -> (botocore service, shape name) of a closed value set.
BOTOCORE_ENUMS: dict[tuple[str, str], tuple[str, str]] = {
    # kafkaconnect service-2.json, shape KafkaClusterClientAuthenticationType: NONE | IAM
    ("aws:mskconnect/connector:Connector", "kafkaClusterClientAuthentication.authenticationType"):
        ("kafkaconnect", "KafkaClusterClientAuthenticationType"),
    # kafkaconnect service-2.json, shape KafkaClusterEncryptionInTransitType: PLAINTEXT | TLS
    ("aws:mskconnect/connector:Connector", "kafkaClusterEncryptionInTransit.encryptionType"):
        ("kafkaconnect", "KafkaClusterEncryptionInTransitType"),
    # kafka service-2.json, shape ClientBroker: TLS | TLS_PLAINTEXT | PLAINTEXT
    ("aws:msk/cluster:Cluster", "encryptionInfo.encryptionInTransit.clientBroker"): ("kafka", "ClientBroker"),
    # mq service-2.json, shapes EngineType and DeploymentMode
    ("aws:mq/broker:Broker", "engineType"): ("mq", "EngineType"),
    ("aws:mq/broker:Broker", "deploymentMode"): ("mq", "DeploymentMode"),
    # elasticache service-2.json: TransitEncryptionMode, ClusterMode, InputAuthenticationType, DataStorageUnit
    ("aws:elasticache/replicationGroup:ReplicationGroup", "transitEncryptionMode"):
        ("elasticache", "TransitEncryptionMode"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", "clusterMode"): ("elasticache", "ClusterMode"),
    ("aws:elasticache/user:User", "authenticationMode.type"): ("elasticache", "InputAuthenticationType"),
    ("aws:elasticache/serverlessCache:ServerlessCache", "cacheUsageLimits.dataStorage.unit"):
        ("elasticache", "DataStorageUnit"),
}


@dataclass(frozen=True)
class Shape:
    """What an input may hold: scalars, a closed enum, a nested Args class, a list or a map of shapes."""

    scalars: tuple[type, ...] = ()
    enum: Optional[tuple[str, ...]] = None
    """Allowed values of a closed enum (None: not a closed enum)."""
    args: Optional[type] = None
    """Nested object: the Args class, whose fields are read when a value reaches it (recursive types stay cheap)."""
    item: Optional["Shape"] = None
    """List items."""
    value: Optional["Shape"] = None
    """Map values."""
    anything: bool = False


ANY = Shape(anything=True)


def _members(annotation: Any) -> list[Any]:
    """Union members minus None, Awaitable[...] and Output[T] (the ways an input may also arrive)."""
    if typing.get_origin(annotation) is typing.Union:
        members = list(typing.get_args(annotation))
    else:
        members = [annotation]
    out = []
    for member in members:
        if member is type(None) or typing.get_origin(member) is collections.abc.Awaitable:
            continue
        if isinstance(member, typing.ForwardRef) and member.__forward_arg__.startswith("Output"):
            continue
        out.append(member)
    return out


def _resolve(member: Any, module: Any) -> Any:
    if isinstance(member, typing.ForwardRef):
        return getattr(module, member.__forward_arg__, Any)
    if isinstance(member, str):
        return getattr(module, member, Any)
    return member


def _optional(annotation: Any) -> bool:
    args = typing.get_args(annotation) if typing.get_origin(annotation) is typing.Union else (annotation,)
    return type(None) in args


def shape_of(annotation: Any, module: Any) -> Shape:
    members = [_resolve(m, module) for m in _members(annotation)]
    if not members or any(m is Any for m in members):
        return ANY
    if len(members) == 1 and isinstance(members[0], enum.EnumMeta):
        return Shape(enum=tuple(str(e.value) for e in members[0]))
    scalars, nested = [], []
    for member in members:
        origin = typing.get_origin(member)
        if member in SCALARS:
            scalars.append(member)
        elif isinstance(member, enum.EnumMeta):
            scalars.append(str)  # Union[str, Enum]: open
        elif origin in (list, collections.abc.Sequence) or member in (list,):
            args = typing.get_args(member)
            nested.append(Shape(item=shape_of(args[0], module) if args else ANY))
        elif origin in (dict, collections.abc.Mapping) or member in (dict,):
            args = typing.get_args(member)
            nested.append(Shape(value=shape_of(args[1], module) if len(args) == 2 else ANY))
        elif isinstance(member, type) and hasattr(member, "__init__") and member.__name__.endswith("Args"):
            nested.append(Shape(args=member))
        else:
            return ANY
    if nested:
        # one object shape; a union of several (discriminated by a field such as odataType) or of a scalar and
        # an object is not judged
        return nested[0] if len(nested) == 1 and not scalars else ANY
    return Shape(scalars=tuple(scalars))


@lru_cache(maxsize=None)
def fields_of(cls: type) -> dict[str, tuple[Shape, bool]]:
    """camelCase input name -> (shape, required) of an Args class, cached per class."""
    module = sys.modules.get(cls.__module__)
    fields: dict[str, tuple[Shape, bool]] = {}
    for arg, annotation in (getattr(cls.__init__, "__annotations__", None) or {}).items():
        if arg in ("return", "self", "__self__"):
            continue
        prop = cls.__dict__.get(arg)
        key = getattr(getattr(prop, "fget", None), "_pulumi_name", None) or _camel(arg)
        fields[key] = (shape_of(annotation, module), not _optional(annotation))
    return fields


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@lru_cache(maxsize=None)
def args_shape(type_token: str) -> dict[str, tuple[Shape, bool]] | None:
    """The top-level input shape of a resource type, or None when the SDK does not declare it here."""
    package, module_path, name = (type_token.split(":") + ["", ""])[:3]
    if package not in PACKAGES or not name:
        return None
    # aws:<module>/<resource>:<Name> lives in pulumi_aws.<module>; azure-native:<module>[/<api version>]:<Name>
    # in pulumi_azure_native.<module>[.<api version>]
    submodule = module_path.split("/")[0] if package == "aws" else module_path.replace("/", ".")
    module_name = f"{PACKAGES[package]}.{submodule}" if submodule else PACKAGES[package]
    try:
        module = importlib.import_module(module_name)
        cls = getattr(module, f"{name}Args")
    except (ImportError, AttributeError):
        return None
    return fields_of(cls)


@lru_cache(maxsize=None)
def botocore_values(service: str, shape: str) -> tuple[str, ...]:
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model(service, "service-2")
    return tuple(model["shapes"][shape].get("enum") or ())


def _judge(value: Any, shape: Shape, path: str, type_token: str) -> Iterator[tuple[str, str, str]]:
    """(check, path, problem) for every way `value` disagrees with `shape`."""
    if shape.anything or value is None or value in (UNKNOWN, SECRET_MARKER):
        return
    if shape.enum is not None:
        if str(value) not in shape.enum:
            yield "sdk-enum", path, f"{value!r} is not one of {', '.join(shape.enum)}"
        return
    if shape.scalars:
        ok = any(isinstance(value, t) and not (t in (int, float) and isinstance(value, bool)) for t in shape.scalars)
        if float in shape.scalars and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if int in shape.scalars and isinstance(value, float) and value.is_integer():
            ok = True
        if not ok:
            expected = " or ".join(SCALARS[t] for t in shape.scalars)
            yield "sdk-type", path, f"expected {expected}, got {type(value).__name__} {_shown(value)}"
        return
    if shape.item is not None:
        if not isinstance(value, list):
            yield "sdk-type", path, f"expected a list, got {type(value).__name__}"
            return
        for i, item in enumerate(value):
            yield from _judge(item, shape.item, f"{path}[{i}]", type_token)
        return
    if shape.value is not None:
        if not isinstance(value, dict):
            yield "sdk-type", path, f"expected a map, got {type(value).__name__}"
            return
        for key, item in value.items():
            yield from _judge(item, shape.value, f"{path}.{key}", type_token)
        return
    if shape.args is not None:
        if not isinstance(value, dict):
            yield "sdk-type", path, f"expected an object, got {type(value).__name__} {_shown(value)}"
            return
        yield from _judge_object(value, fields_of(shape.args), path, type_token, nested=True)


def _judge_object(value: dict[str, Any], fields: dict[str, tuple[Shape, bool]], path: str, type_token: str,
                  nested: bool) -> Iterator[tuple[str, str, str]]:
    for key, item in value.items():
        if key.startswith("__"):
            continue  # engine bookkeeping such as __defaults
        at = f"{path}.{key}" if path else key
        if key not in fields:
            if nested:
                yield "sdk-unknown-key", at, f"unknown key; the provider declares {', '.join(sorted(fields)) or 'none'} here"
            continue
        closed = BOTOCORE_ENUMS.get((type_token, INDEX_RE.sub("", at)))
        if closed and isinstance(item, str) and item not in (UNKNOWN, SECRET_MARKER):
            allowed = botocore_values(*closed)
            if allowed and item not in allowed:
                yield "sdk-enum", at, f"{item!r} is not one of {', '.join(allowed)} (botocore {closed[0]} {closed[1]})"
        yield from _judge(item, fields[key][0], at, type_token)
    if nested:
        for key, (_, required) in fields.items():
            if required and key not in value:
                yield "sdk-missing-key", f"{path}.{key}" if path else key, "required key is missing"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_sdk_types(doc: Document, context: Context) -> Iterator[Finding]:
    for state in doc.custom():
        fields = args_shape(state.type)
        if not fields:
            continue
        for check, path, problem in _judge_object(state.inputs, fields, "", state.type, nested=False):
            yield Finding(state.urn, check, f"{path}: {problem} (as {state.type} declares it in the installed provider "
                                            "SDK); the provider rejects or misreads it. Fix the input")

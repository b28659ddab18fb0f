"""Synthetic environments of a chosen size, written into a throwaway copy of the project.

The benchmark needs the real program on inputs of growing size. Brokers full of queues are the
cheapest way to grow an environment without touching any component: every queue adds a fixed number
of resources and every broker a few more, so the size is predictable (the constants below aim the
generator as the components stand today; the bench reports the measured count) and the shape is the
one production environments grow along.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import yaml

BASE_ENV = "dev"
QUEUES_PER_BROKER = 40
PER_QUEUE = 6  # queue, dead-letter queue, two queue policies, two CloudWatch alarms
PER_BROKER = 3
CORE_SECTIONS = ("name", "tier", "owner", "accounts", "residency", "regions", "sites", "tags")
# The core of dev without brokers (stack, providers, network, site links).
FOUNDATION = 39


def synthetic_spec(base: dict[str, Any], queues: int) -> dict[str, Any]:
    """`base` (a shipped spec's data) cut to its core, plus brokers holding `queues` queues in all.

    Only the core sections are kept: the optional ones (clusters, observability, ...) change as the
    blueprint grows and would make "about 100 resources" unreachable and the sizes drift between runs.
    """
    region = base["regions"]["aws"]["primary"]["region"]
    brokers = []
    for b in range(max(1, math.ceil(queues / QUEUES_PER_BROKER))):
        count = min(QUEUES_PER_BROKER, queues - b * QUEUES_PER_BROKER)
        brokers.append({
            "name": f"bench-{b:03d}", "kind": "sqs-sns", "region": region, "owner": "benchmark",
            "queues": [{"name": f"q{b:03d}-{q:03d}", "max_receive_count": 3} for q in range(max(1, count))],
        })
    core = {key: base[key] for key in CORE_SECTIONS if key in base}
    return {**core, "messaging": {"brokers": brokers}}


def queues_for(target: int, fixed: int = FOUNDATION) -> int:
    """Queues needed so the environment has about `target` resources, given `fixed` non-broker ones."""
    queues = max(1, round((target - fixed) / PER_QUEUE))
    brokers = math.ceil(queues / QUEUES_PER_BROKER)
    return max(1, round((target - fixed - brokers * PER_BROKER) / PER_QUEUE))


def write_project(source: Path, target: Path, env: str, spec: dict[str, Any]) -> Path:
    """Copy what the program reads (Pulumi.yaml, __main__.py, stacks/, environments/ and the files specs
    refer to) and write `spec` as `env`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(source / name, target / name)
    for folder in ("stacks", "environments", "apis", "schemas", "functions"):  # what specs may point at
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder, dirs_exist_ok=True)
    (target / "environments" / f"{env}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return target

"""From an environment to a drill on a target: the spec's objectives, the plan's inventory, the target's clients."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from components.spec.failover import FaultSpec, secrets_to_promote

from .clients import Clients
from .coverage import coverage, readiness_gaps
from .inventory import DrillInputError, Inventory, read_inventory
from .local import LOCAL_CREDENTIALS, LOCAL_GAPS, StandIn, stand_in
from .runner import DrillConfig
from .seed import seed
from .traffic import Polling

LOCAL_POLLING = Polling(wait_seconds=0, empty_polls=1, timeout_seconds=120, visibility_seconds=5)


@dataclass(frozen=True)
class Prepared:
    """What a drill of one environment works from, before any target is touched."""

    env: str
    production: bool
    inventory: Inventory
    config: DrillConfig


def prepare(root: Path, env: str, target: str, export: Optional[dict[str, Any]] = None,
            fault: Optional[str] = None) -> Prepared:
    """Spec and plan to a drill configuration; DrillInputError (exit 2) when there is nothing to drill.

    `fault` overrides the spec's failover.fault.method for this run (its other settings are kept)."""
    from scripts import environments
    from scripts.planner.run import plan_environment

    spec = environments.load(root, env).spec
    if spec.failover is None:
        raise DrillInputError(f"environments/{env}.yaml has no `failover` section: expected failover.rto_seconds "
                              "(and optionally rpo, fault, promote_secrets) to drill against")
    if spec.regions.aws.secondary is None:
        raise DrillInputError(f"environments/{env}.yaml: regions.aws.secondary is not set; there is nowhere to fail over to")
    primary, secondary = spec.regions.aws.primary.region, spec.regions.aws.secondary.region
    export = export if export is not None else plan_environment(root, env).export
    inventory = read_inventory(export, primary, secondary, spec.failover.record, secrets_to_promote(spec))
    nodes = [c.name for c in spec.clusters if c.cloud == "aws" and c.region == secondary]
    failover = spec.failover
    if fault is not None and fault != failover.fault.method:
        try:
            chosen = FaultSpec.model_validate({**failover.fault.model_dump(), "method": fault})
        except ValueError as error:
            raise DrillInputError(f"--fault {fault}: {error}") from None
        failover = failover.model_copy(update={"fault": chosen})
    config = DrillConfig(env=env, target=target, inventory=inventory, failover=failover, secondary_nodes=nodes,
                         polling=LOCAL_POLLING if target == "local" else Polling(),
                         known_gaps=LOCAL_GAPS if target == "local" else (),
                         expected_account=spec.accounts.aws.account_id if target == "aws" else None,
                         readiness_gaps=tuple(readiness_gaps(spec, inventory)),
                         coverage=tuple(coverage(spec, inventory)))
    return Prepared(env=env, production=spec.production, inventory=inventory, config=config)


@contextmanager
def local_target(inventory: Inventory) -> Iterator[tuple[Clients, dict[str, int], StandIn]]:
    """The local stand-in, seeded from the plan; stopped on every exit path."""
    with stand_in() as running:
        clients = Clients(endpoint_url=running.endpoint, credentials=LOCAL_CREDENTIALS, stand_in=running)
        yield clients, seed(clients, inventory), running


def credentials_configured() -> str:
    """Where credentials would come from, judged without any network call (instance roles are not probed)."""
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        if os.environ.get(variable):
            return f"environment ({variable})"
    home = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", Path.home() / ".aws" / "credentials"))
    if home.exists():
        return f"shared credentials file {home}"
    return ""

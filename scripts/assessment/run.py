"""One audit, end to end: the environment's scope, a target's read-only clients, the read, the verdicts."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from policies.rules.evaluate import Verdict

from .readonly import ReadOnly
from .rules import assess
from .states import Collected


@dataclass
class AuditResult:
    env: str
    target: str
    document: dict[str, Any]
    verdicts: list[Verdict]
    scope: dict[str, Any]
    operations: list[str] = field(default_factory=list)
    seeded: dict[str, int] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        return sum(len(v.violations) for v in self.verdicts if v.level != "disabled")

    @property
    def assessed(self) -> int:
        return sum(1 for r in self.document["deployment"]["resources"] if not r["type"].startswith("pulumi:"))


def _collected(project: str, env: str) -> Collected:
    return Collected(stack=env, project=project)


def audit_aws(spec: Any, project: str, clients: Callable[[str, str], Any], guard: ReadOnly,
              target: str = "aws", today: Optional[date] = None,
              progress: Callable[[str], None] = lambda _: None) -> AuditResult:
    """Read the environment's AWS resources through `clients` (each guarded read-only) and judge them."""
    from ..policy_config import policy_config
    from .aws import Scope, read_aws, regions_of

    scope = Scope(env=spec.name, regions=regions_of(spec), account=spec.accounts.aws.account_id)
    out = _collected(project, spec.name)
    account = read_aws(lambda service, region: guard.boto3(clients(service, region)), scope, out, progress)
    document = out.document()
    return AuditResult(env=spec.name, target=target, document=document,
                       verdicts=assess(document, policy_config(spec), today),
                       scope={"account": account, "regions": list(scope.regions), "tag": f"environment={spec.name}"},
                       operations=guard.operations)


def audit_azure(spec: Any, project: str, client: Any, guard: ReadOnly, today: Optional[date] = None) -> AuditResult:
    """Read the environment's Azure resources through a guarded ARM client and judge them."""
    from ..policy_config import policy_config
    from .azure import read_azure

    out = _collected(project, spec.name)
    subscription = read_azure(client, spec, out)
    document = out.document()
    return AuditResult(env=spec.name, target="azure", document=document,
                       verdicts=assess(document, policy_config(spec), today),
                       scope={"subscription": subscription, "tag": f"environment={spec.name}"},
                       operations=guard.operations)


@contextmanager
def local_stand_in(spec: Any, export: dict[str, Any]) -> Iterator[tuple[Any, dict[str, int], Any]]:
    """The embedded stand-in (moto's server on 127.0.0.1) posing as the environment's account, seeded from
    the plan; yields (client factory, seeded counts, the running stand-in). Stopped on every exit path."""
    from ..drill.clients import Clients
    from ..drill.local import LOCAL_CREDENTIALS, stand_in
    from .aws import regions_of
    from .seed import seed

    with stand_in(account=spec.accounts.aws.account_id) as running:
        clients = Clients(endpoint_url=running.endpoint, credentials=LOCAL_CREDENTIALS, stand_in=running)
        seeded = seed(clients, export, regions_of(spec))
        yield clients, seeded, running


def audit_local(root: Path, spec: Any, project: str, export: Optional[dict[str, Any]] = None,
                plant: Optional[Callable[[Any], None]] = None, today: Optional[date] = None) -> AuditResult:
    """`--target local`: seed the stand-in from the plan (planned now unless `export` is given), let `plant`
    change it (tests plant misconfigurations through it), then audit it read-only like a real account."""
    if export is None:
        from ..planner.run import plan_environment

        export = plan_environment(root, spec.name).export
    with local_stand_in(spec, export) as (clients, seeded, _):
        if plant is not None:
            plant(clients)
        # Fresh, guarded clients for the read: the seeding ones write, and must not be the audit's.
        from ..drill.clients import Clients

        reader = Clients(endpoint_url=clients.endpoint_url, credentials=clients.credentials)
        result = audit_aws(spec, project, reader, ReadOnly(), target="local", today=today)
    result.seeded = seeded
    return result

"""Bad input for secrets and observability is refused with the file, the field and what was expected (exit 2)."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from scripts.cli import app

from .conftest import load_spec_data, write_env

runner = CliRunner()


def validate(project, env):
    result = runner.invoke(app, ["validate", env, "--json", "--root", str(project)], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)["problems"][env]


def mutated(env, change):
    data = copy.deepcopy(load_spec_data(env))
    change(data)
    return data


@pytest.mark.parametrize("change, field, expected", [
    (lambda d: d["observability"]["integrations"][0]["slos"]["availability"].update(target_percent=120),
     "observability.integrations[0].slos.availability.target_percent", "expected a percentage above 0 and below 100"),
    (lambda d: d["observability"]["oncall"].pop(1),
     "observability.integrations[0].slos.latency_p99_ms.severity", "severity 'warning' has no on-call target"),
    (lambda d: d["observability"]["oncall"][0]["endpoint"].update(secret="pagerDutyKeys"),
     "observability.oncall[0].endpoint.secret", "secret reference 'pagerDutyKeys' does not resolve"),
    (lambda d: d["secrets"]["secrets"][0]["sync"][0].update(cluster="eks-nowhere"),
     "secrets.secrets[0].sync[0].cluster", "undefined cluster 'eks-nowhere'"),
    (lambda d: d["secrets"]["secrets"][0].update(promote_on_failover=True),
     "secrets.secrets[0].promote_on_failover", "only be promoted on failover when it is replicated"),
    (lambda d: d["observability"]["integrations"][0].update(queue="no-such-queue"),
     "observability.integrations[0].queue", "undefined queue 'no-such-queue'"),
    (lambda d: d["observability"].update(masked_identifiers=["ShoeSize"]),
     "observability.masked_identifiers[0]", "unknown data identifier 'ShoeSize'"),
    (lambda d: d["observability"]["integrations"][0]["workload"].update(namespace="ledger"),
     "observability.integrations[0].workload", "no processing node named 'order-billing' runs on cluster 'eks-dev' "
                                               "in namespace 'ledger', so the PodMonitor would scrape nothing"),
    (lambda d: d["processing"]["nodes"][0].update(metrics_port=8080),
     "processing.nodes[0]", "metrics_port 8080 is also probes.port"),
])
def test_bad_input_names_the_field_and_exits_2(project_copy, change, field, expected):
    write_env(project_copy, "dev", mutated("dev", change))
    code, problems = validate(project_copy, "dev")
    assert code == 2
    matching = [p for p in problems if f": {field}: " in p]
    assert matching and expected in matching[0], problems
    assert "environments/dev.yaml" in matching[0]


def test_critical_slos_need_a_paging_target(project_copy):
    def only_chat(d):
        d["observability"]["oncall"] = [t for t in d["observability"]["oncall"] if t["kind"] == "chat"]
    write_env(project_copy, "dev", mutated("dev", only_chat))
    code, problems = validate(project_copy, "dev")
    assert code == 2 and any(": observability.oncall: critical alarms must page" in p for p in problems)


def test_a_literal_endpoint_is_refused_and_not_echoed(project_copy):
    literal = "https://events.pagerduty.com/integration/LITERAL-abc/enqueue"
    write_env(project_copy, "dev", mutated("dev", lambda d: d["observability"]["oncall"][0].update(endpoint=literal)))
    code, problems = validate(project_copy, "dev")
    assert code == 2 and any("observability.oncall[0].endpoint" in p for p in problems)
    assert not any("LITERAL-abc" in p for p in problems)

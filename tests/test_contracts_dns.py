"""DNS: records in a managed zone that point into a managed zone point at defined names."""

from __future__ import annotations

from components.spec import parse_environment
from scripts.contracts.dns import check_dns
from scripts.contracts.run import contract_findings

from .conftest import load_spec_data
from .contract_states import checks_of, export, res

ZONE = res("aws:route53/zone:Zone", "zone", {"name": "api.example.com"}, id="ZB337ECD2ACE488928070")


def record(name: str, target: str) -> dict:
    return res("aws:route53/record:Record", name, {"zoneId": ZONE["id"], "name": f"{name}.api.example.com",
                                                   "type": "CNAME", "records": [target], "ttl": 60})


def findings(*states, spec=None):
    return checks_of(contract_findings(export(ZONE, *states), spec, [check_dns]))


def test_a_cname_to_a_name_nothing_defines_is_found():
    assert findings(record("orders", "orders-euc1.api.example.com")) == [("dns-dangling-target", "orders")]


def test_targets_defined_by_a_record_a_gateway_domain_or_a_prerequisite_resolve():
    assert findings(record("orders", "orders-euc1.api.example.com"), record("orders-euc1", "x.execute-api.aws.com")) == []
    domain = res("aws:apigatewayv2/domainName:DomainName", "domain", {"domainName": "orders-euc1.api.example.com"})
    assert findings(record("orders", "orders-euc1.api.example.com"), domain) == []
    data = load_spec_data("prod")
    data["prerequisites"] = {**data.get("prerequisites", {}), "dns_delegations": [{"zone": "api.example.com", "names": ["orders-euc1.api.example.com"],
                                                  "purpose": "legacy names kept by the network team"}]}
    declared = parse_environment(data, "environments/prod.yaml")
    assert findings(record("orders", "orders-euc1.api.example.com"), spec=declared) == []


def test_targets_outside_managed_zones_are_not_judged():
    assert findings(record("orders", "d-abc123.execute-api.eu-central-1.amazonaws.com")) == []

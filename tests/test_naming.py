"""Physical names a real cloud accepts, and globally unique ones that carry the estate's affixes."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, strategies as st

from components.messaging import event_hubs, service_bus
from components.naming import EstateNames
from components.spec import parse_environment
from components.spec.naming import estate_hash

from .conftest import SHIPPED, by_type, load_spec_data

# Azure's rules for the globally unique names the blueprint derives (resource-name-rules, see the components).
AZURE_NAMESPACE = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$")
KEY_VAULT = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
GLOBAL_NAMES = {
    "azure-native:servicebus:Namespace": "namespaceName",
    "azure-native:eventhub:Namespace": "namespaceName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:appconfiguration:ConfigurationStore": "configStoreName",
    "azure-native:apimanagement:ApiManagementService": "serviceName",
}


def estate_of(env: str) -> EstateNames:
    return parse_environment(load_spec_data(env), f"environments/{env}.yaml").estate_names()


def test_service_bus_and_event_hubs_names_never_end_in_a_reserved_suffix():
    # Azure refuses namespace names ending in -sb or -mgmt, whatever comes before.
    for names in (EstateNames(), EstateNames(suffix="a1b2c3"), EstateNames(prefix="acme")):
        for name in (service_bus.namespace_name(names, "prod", "partners"),
                     event_hubs.namespace_name(names, "prod", "clicks")):
            assert not name.endswith(("-sb", "-mgmt")), name
            assert AZURE_NAMESPACE.match(name), name


@given(environment=st.from_regex(r"[a-z][a-z0-9-]{0,38}[a-z0-9]", fullmatch=True),
       broker=st.from_regex(r"[a-z][a-z0-9-]{0,38}[a-z0-9]", fullmatch=True),
       suffix=st.from_regex(r"[a-z0-9]{2,8}", fullmatch=True))
def test_affixed_names_stay_within_the_limit_and_keep_the_affix(environment, broker, suffix):
    names = EstateNames(prefix="acme", suffix=suffix)
    name = service_bus.namespace_name(names, environment, broker)
    assert len(name) <= 50 and name.startswith("acme-") and name.endswith(f"-{suffix}")
    assert "--" not in name


def test_two_estates_get_different_global_names_for_the_same_environment():
    a = estate_hash("111111111111", "")
    b = estate_hash("222222222222", "")
    assert a != b and re.fullmatch(r"[0-9a-f]{6}", a)
    assert service_bus.namespace_name(EstateNames(suffix=a), "prod", "partners") != \
        service_bus.namespace_name(EstateNames(suffix=b), "prod", "partners")


def test_the_default_suffix_is_the_hash_of_the_estates_accounts_and_an_explicit_affix_replaces_it():
    data = copy.deepcopy(load_spec_data("prod"))
    spec = parse_environment(data, "environments/prod.yaml")
    assert spec.estate_names() == EstateNames(suffix=estate_hash(spec.accounts.aws.account_id,
                                                                 spec.accounts.azure.subscription_id))
    data["naming"] = {"prefix": "acme"}
    assert parse_environment(data, "environments/prod.yaml").estate_names() == EstateNames(prefix="acme")


@pytest.mark.parametrize("affix", [{"suffix": "sb"}, {"suffix": "mgmt"}, {"prefix": "9ab"}, {"suffix": "UP"}])
def test_an_affix_azure_would_refuse_is_a_spec_error(affix):
    from components.spec import SpecError

    data = copy.deepcopy(load_spec_data("prod"))
    data["naming"] = affix
    with pytest.raises(SpecError, match=r"naming\.(prefix|suffix)"):
        parse_environment(data, "environments/prod.yaml")


@pytest.mark.parametrize("env", SHIPPED)
def test_every_globally_unique_name_in_the_shipped_plans_carries_the_estate_suffix(plans, env):
    suffix = estate_of(env).suffix
    found = 0
    for type_, key in GLOBAL_NAMES.items():
        for resource in by_type(plans[env], type_):
            name = resource["inputs"][key]
            found += 1
            assert name.endswith(f"-{suffix}"), f"{resource['urn']}: {name} lacks the estate suffix"
            assert not name.endswith(("-sb", "-mgmt")), name
            if type_ == "azure-native:keyvault:Vault":
                assert KEY_VAULT.match(name), name
    for resource in by_type(plans[env], "azure-native:trafficmanager:Profile"):
        assert resource["inputs"]["dnsConfig"]["relativeName"].endswith(f"-{suffix}")
    if env != "dev":
        assert found, f"{env} is expected to plan globally unique Azure names"

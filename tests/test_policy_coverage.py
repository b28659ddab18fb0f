"""The registry drives the pack, and the generated concern -> resource-type table stays fresh against the SDKs."""

from __future__ import annotations

import pytest

from policies.rules import ALL_RULES, RULES_BY_ID
from policies.rules.concerns import CONCERNS
from policies.rules.registry import RegistryError, _validate
from scripts import policy_coverage


def test_rules_are_discovered_one_per_module_with_complete_metadata():
    assert len(RULES_BY_ID) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert rule.concern in CONCERNS and rule.description and rule.remediation
    assert {r.concern for r in ALL_RULES} == set(CONCERNS), "every concern has a rule"


def test_registry_refuses_a_rule_named_unlike_its_module():
    with pytest.raises(RegistryError, match="named after the rule id"):
        _validate(RULES_BY_ID["kms-key-rotation"], "policies.rules.checks.rotation")


def test_coverage_and_docs_table_are_fresh():
    """Fails after a provider SDK upgrade or a rule change: run `python -m scripts.policy_coverage`."""
    data = policy_coverage.build()
    assert policy_coverage.COVERAGE.read_text(encoding="utf-8") == policy_coverage.coverage_text(data)
    docs = policy_coverage.DOCS.read_text(encoding="utf-8")
    assert docs == policy_coverage.render_docs(docs, policy_coverage.docs_table(data))


def test_generated_shapes_reach_the_rules():
    assert "aws:sqs/queuePolicy:QueuePolicy" in RULES_BY_ID["resource-policy-not-public"].types
    assert "aws:opensearch/domain:Domain" in RULES_BY_ID["resource-policy-not-public"].types
    assert "azure-native:storage:StorageAccount" in RULES_BY_ID["azure-tls-minimum"].types
    assert RULES_BY_ID["required-tags"].applies_to("azure-native:keyvault/v20230701:Vault")

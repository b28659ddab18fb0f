"""The concerns the pack owns: each rule judges one, and docs/policies.md groups rules and resource types by them.

A concern names what must hold (with the curriculum practice behind it), not a resource type: every
resource type that can express it is judged (see coverage.json, generated from the provider SDKs).
"""

from __future__ import annotations

CONCERNS: dict[str, str] = {
    "tls-minimum": "TLS 1.2 or later on every endpoint (5.1)",
    "cmk-encryption": "encryption at rest with customer-managed keys (5.1)",
    "key-rotation": "automatic rotation of customer-managed keys: symmetric KMS keys, Key Vault keys (5.1)",
    "open-ingress": "nothing open to the internet but HTTPS to a public entry point (5.5)",
    "least-privilege": "no wildcard grants, no public resource policies (5.4)",
    "data-ownership": "only an entity's owning context writes its stores and publishes its changes (4.5)",
    "public-broker-exposure": "no broker or cache reachable from the internet (5.5)",
    "client-authentication": "authenticated clients only on brokers (5.4)",
    "tunnel-crypto": "IKEv2 and strong IPsec proposals on hybrid tunnels (8.1)",
    "audit-trail-integrity": "multi-region, validated, encrypted audit trails (5.3)",
    "access-logging": "access logs with request ids on every gateway stage (6.1)",
    "log-hygiene": "bounded retention and masking of sensitive identifiers in logs (5.2)",
    "key-vault-protection": "Key Vaults with soft delete and purge protection (5.1, 8.6)",
    "workload-probes-and-limits": "liveness and readiness probes, requests and limits on every container (6.3)",
    "container-privilege": "no privileged containers and no privilege escalation (5.4)",
    "disruption-budgets": "a PodDisruptionBudget for every replicated workload (8.6)",
    "residency": "every resource in a region its residency zone allows (5.6)",
    "tags": "ownership and cost tags on every taggable resource (7.5)",
    "protection": "stateful resources protected against destroy in production (8.6)",
    "dead-letter-queues": "a dead-letter path with bounded redelivery on every queue (3.3)",
    "lag-alarms": "a lag or backlog alarm on every consumer path (3.6)",
    "alert-routing": "a critical alarm that pages someone for every integration (6.4, 7.6)",
    "secret-handling": "credentials secret-marked, secrets encrypted and replicated (5.2, 8.5)",
    "gateway-authorization": "an authorizer on every route (2.4)",
    "gateway-throttling": "throttling on every stage (2.2)",
    "tracing": "distributed tracing outside development (6.2)",
    "web-firewall": "a web application firewall on production partner APIs (5.5)",
    "failover-health": "health-checked failover routing (6.3, 8.6)",
}

"""Every rule of the pack. Imports are relative so this package loads both as `rules` (inside the
policy pack, where the engine runs policies/__main__.py) and as `policies.rules` (offline tooling)."""

from . import messaging, protection, residency, tagging
from . import observability, secrets
from . import messaging_alarms, messaging_transport
from . import gateway
from . import network, routing
from . import nodes
from .framework import NotApplicable, Resource, Rule, RuleContext

ALL_RULES: list[Rule] = [*messaging.RULES, *messaging_transport.RULES, *messaging_alarms.RULES, *residency.RULES, *tagging.RULES, *protection.RULES,
                         *secrets.RULES, *observability.RULES, *gateway.RULES,
                         *network.RULES, *routing.RULES, *nodes.RULES]

__all__ = ["ALL_RULES", "NotApplicable", "Resource", "Rule", "RuleContext"]

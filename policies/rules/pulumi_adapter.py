"""Wraps each rule once into pulumi-policy's ResourceValidationPolicy / StackValidationPolicy."""

from __future__ import annotations


from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from . import clock
from .framework import COMMON_CONFIG_PROPERTIES, NotApplicable, Resource, Rule, RuleContext, exempted


def resource_from_args(args) -> Resource:
    """The rule's view of a pulumi-policy resource; props stay behind the SDK's unknown-checking proxy."""
    provider = getattr(args, "provider", None)
    opts = getattr(args, "opts", None)
    return Resource(urn=args.urn, type=args.resource_type, name=args.name, props=args.props,
                    protect=bool(getattr(opts, "protect", False)),
                    provider_type=provider.resource_type if provider else None,
                    provider_name=provider.name if provider else None,
                    provider_props=provider.props if provider else {})


def _message(rule: Rule, text: str) -> str:
    return f"{text}. Fix: {rule.remediation}"


def to_policy(rule: Rule):
    schema = PolicyConfigSchema(properties={**COMMON_CONFIG_PROPERTIES, **rule.config_properties})
    common = dict(name=rule.id, description=rule.description, config_schema=schema,
                  enforcement_level=EnforcementLevel(rule.level_for("production")),
                  severity=Severity(rule.severity), remediation_steps=rule.remediation)

    if rule.stack:
        def validate_stack(args: StackValidationArgs, report_violation) -> None:
            ctx = RuleContext(config=args.get_config(), today=clock.today())
            resources = [resource_from_args(r) for r in args.resources if rule.applies_to(r.resource_type)]
            by_urn = {r.urn: r for r in resources}
            for urn, text in rule.check(resources, ctx):
                if urn in by_urn and exempted(ctx.config, by_urn[urn], ctx.today):
                    continue
                report_violation(_message(rule, text), urn or None)  # a stack-wide finding names no resource

        return StackValidationPolicy(validate=validate_stack, **common)

    def validate(args: ResourceValidationArgs, report_violation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        ctx = RuleContext(config=args.get_config(), today=clock.today())
        resource = resource_from_args(args)
        if exempted(ctx.config, resource, ctx.today):
            return
        try:
            for text in rule.check(resource, ctx):
                report_violation(_message(rule, text), args.urn)
        except NotApplicable as reason:
            args.not_applicable(reason.reason)

    return ResourceValidationPolicy(validate=validate, **common)

"""Rollback switches (practice 6.6): AppConfig feature flags per integration (kill switch, circuit breaker)
whose environment monitors the integration's critical composite alarm, so a flag deployment rolls back
by itself when the alarm fires during the bake time."""

from __future__ import annotations

import json

import pulumi
from pulumi_aws import appconfig

from ..spec.observability import Integration, RolloutStrategy


def feature_flags_document(flags: dict[str, bool]) -> str:
    """AppConfig's AWS.AppConfig.FeatureFlags content format (version 1)."""
    return json.dumps({"version": "1",
                       "flags": {name: {"name": name} for name in sorted(flags)},
                       "values": {name: {"enabled": flags[name]} for name in sorted(flags)}}, sort_keys=True)


def build_strategy(name: str, environment: str, rollout: RolloutStrategy, opts: pulumi.ResourceOptions
                   ) -> appconfig.DeploymentStrategy:
    return appconfig.DeploymentStrategy(
        name, name=f"{environment}-flags", replicate_to="NONE", growth_type=rollout.growth_type,
        growth_factor=rollout.growth_percent, deployment_duration_in_minutes=rollout.deployment_minutes,
        final_bake_time_in_minutes=rollout.bake_minutes, opts=opts)


def build_switches(name: str, integration: Integration, environment: str, alarm_arn: pulumi.Input[str],
                   role_arn: pulumi.Input[str], strategy_id: pulumi.Input[str],
                   opts: pulumi.ResourceOptions) -> appconfig.Environment:
    tags = {"integration": integration.name, "owner": integration.owner}
    app = appconfig.Application(f"{name}-app", name=f"{environment}-{integration.name}",
                                description=f"rollback switches of {integration.name}", tags=tags, opts=opts)
    env = appconfig.Environment(
        f"{name}-env", application_id=app.id, name=environment, tags=tags,
        monitors=[appconfig.EnvironmentMonitorArgs(alarm_arn=alarm_arn, alarm_role_arn=role_arn)], opts=opts)
    profile = appconfig.ConfigurationProfile(
        f"{name}-flags", application_id=app.id, name="rollback-switches", location_uri="hosted",
        type="AWS.AppConfig.FeatureFlags", tags=tags, opts=opts)
    version = appconfig.HostedConfigurationVersion(
        f"{name}-flags-version", application_id=app.id, configuration_profile_id=profile.configuration_profile_id,
        content_type="application/json", content=feature_flags_document(integration.flags),
        description="flag values from the environment spec", opts=opts)
    # Deployed through the spec's strategy: a critical alarm during the bake rolls the flags back.
    appconfig.Deployment(
        f"{name}-flags-deployment", application_id=app.id, environment_id=env.environment_id,
        configuration_profile_id=profile.configuration_profile_id,
        configuration_version=version.version_number.apply(str), deployment_strategy_id=strategy_id,
        description="flag values from the environment spec", tags=tags, opts=opts)
    return env

"""Rollback switches (practice 6.6): AppConfig feature flags per integration (kill switch, circuit breaker)
whose environment monitors the integration's critical composite alarm, so a flag deployment rolls back
by itself when the alarm fires during the bake time."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import appconfig

from ..spec.observability import Integration, RolloutStrategy


@dataclass(frozen=True)
class FlagSwitches:
    """Where a workload reads its integration's switches (AppConfig Data StartConfigurationSession takes the ids)."""

    region: str
    """Region of the AppConfig application (the integration's region)."""
    application_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    profile_id: pulumi.Output[str]
    environment_arn: pulumi.Output[str]
    """The environment's ARN: the read grant is on its configuration/<profile id>."""


def flags_read_policy(environment_arn: str, profile_id: str) -> str:
    """Read the deployed switches and nothing else (the actions AppConfig Data checks for a session).
    https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-security.html"""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "ReadRollbackSwitches", "Effect": "Allow",
        "Action": ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"],
        "Resource": f"{environment_arn}/configuration/{profile_id}"}]}, sort_keys=True)


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
                   opts: pulumi.ResourceOptions) -> FlagSwitches:
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
    return FlagSwitches(region=integration.region, application_id=app.id, environment_id=env.environment_id,
                        profile_id=profile.configuration_profile_id, environment_arn=env.arn)

"""Shapes shared by the Step Functions rules (sagas, practice 4.1): the types and their inputs."""

from __future__ import annotations

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
ACTIVITY = "aws:sfn/activity:Activity"
CUSTOMER_MANAGED = "CUSTOMER_MANAGED_KMS_KEY"

"""The README's examples are real: its YAML parses with the spec models and its commands exist."""

from __future__ import annotations

import re

import yaml

from components.spec.environment import EnvironmentSpec
from components.spec.foundation import PolicySettings

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def yaml_blocks() -> list[dict]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", README, re.S)]


def test_broker_kinds_example_parses_with_the_spec_model():
    messaging = next(b["messaging"] for b in yaml_blocks() if "messaging" in b)
    model = EnvironmentSpec.model_fields["messaging"].annotation.model_validate(messaging)
    kinds = {broker.kind for broker in model.brokers}
    assert kinds == {"sqs-sns", "amazon-mq-rabbitmq", "msk", "service-bus", "event-hubs", "strimzi-kafka",
                     "rabbitmq-operator"}


def test_policy_example_parses():
    policy = next(b["policy"] for b in yaml_blocks() if "policy" in b)
    assert PolicySettings.model_validate(policy).exemptions[0].rule == "dead-letter-queue-required"


def test_first_screen_gives_the_two_commands_and_the_makefile_has_them():
    first_screen = "\n".join(README.splitlines()[:20])
    assert "make plan" in first_screen and "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^plan: setup", makefile, re.M) and re.search(r"^test: setup", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_verb_in_the_readme_is_registered():
    from scripts.cli import app

    registered = {c.name or c.callback.__name__ for c in app.registered_commands}
    registered |= {g.name for g in app.registered_groups}
    documented = set(re.findall(r"^\| `hybrid (\w+)", README, re.M))
    assert documented and documented <= registered

"""The pack against its peers' own test suites: whole peer test files, re-expressed as Pulumi resource inputs.

Each file in tests/data/peer_corpus/<peer>/ is one peer test file (its source and commit named inside), with
every resource it tests and the verdict the peer's test expects. A case the pack deliberately judges
otherwise carries `judgement: <reason>`, and docs/policies.md lists it. Agreement is counted over the cases
the peer judges (pass or fail); "not-judged" cases (the peer skips them) are run but not counted.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from .rule_harness import Subject, judge

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "peer_corpus"
DOCS = ROOT / "docs" / "policies.md"
# Facts the peers' cases assume: a production environment in the regions they use.
CONFIG = {"allowedRegions": ["eu-central-1", "us-east-1", "westeurope"]}


def corpus() -> Iterator[tuple[Path, dict[str, Any], dict[str, Any]]]:
    for path in sorted(CORPUS.glob("*/*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            yield path, document, case


def subjects(case: dict[str, Any]) -> list[Subject]:
    """A case is one resource, or (for a peer example of several resources) all of them."""
    items = case.get("resources") or [{"type": case["type"], "inputs": case.get("inputs")}]
    return [Subject(item["type"], item.get("inputs") or {}, name=f"r{i}") for i, item in enumerate(items)]


def exposes(message: str, port: int | str) -> bool:
    """Whether an ingress finding ("... on TCP ports 20-30", "... on every protocol and port") covers the port a
    single-port peer check judges (TCP, or every protocol), or every port for port "all"."""
    every_port = "every port" in message or "every protocol and port" in message
    if port == "all":
        return every_port
    if not ("TCP" in message or "every protocol" in message):
        return False
    if every_port:
        return True
    match = re.search(r"ports? ([\d, -]+)$", message)
    for part in (match.group(1).split(",") if match else []):
        low, _, high = part.strip().partition("-")
        if int(low) <= int(port) <= int(high or low):
            return True
    return False


def ours(rule: str, case: dict[str, Any], aspect: str | None = None, port: int | str | None = None) -> str:
    """fail / pass / not-applicable. Where the peer's check covers one aspect of a rule that judges several
    (soft delete of key-vault-protection, port 22 of no-open-ingress), only findings about that aspect count."""
    judgement = judge(rule, *subjects(case), config=CONFIG)
    relevant = [m for m in judgement.messages()
                if (aspect is None or aspect in m) and (port is None or exposes(m, port))]
    if relevant:
        return "fail"
    return "not-applicable" if judgement.not_applicable and not judgement.findings else "pass"


def agrees(peer: str, verdict: str) -> bool:
    return (peer == "fail") == (verdict == "fail")


def case_id(path: Path, case: dict[str, Any]) -> str:
    return f"{path.parent.name}/{path.stem}: {case['name']}"


@pytest.fixture(scope="module")
def results() -> list[tuple[str, dict[str, Any], str, str]]:
    return [(case_id(path, case), case, case["peer"],
             ours(case.get("rule") or document["rule"], case, document.get("aspect"), document.get("port")))
            for path, document, case in corpus()]


def test_corpus_is_large_balanced_and_from_several_peers(results):
    judged = [r for r in results if r[2] in ("pass", "fail")]
    peers = {r[0].split("/")[0] for r in judged}
    share = Counter(r[2] for r in judged)["pass"] / len(judged)
    assert len(judged) >= 150 and len(peers) >= 3, (len(judged), peers)
    assert 0.35 <= share <= 0.65, f"{share:.0%} of the judged cases are compliant"


def test_pack_agrees_with_its_peers(results, record_property):
    judged = [r for r in results if r[2] in ("pass", "fail")]
    disagreements = {name for name, case, peer, verdict in judged if not agrees(peer, verdict)}
    declared = {name for name, case, peer, verdict in judged if case.get("judgement")}
    agreement = 1 - len(disagreements) / len(judged)
    by_peer = Counter(name.split("/")[0] for name, *_ in judged)
    summary = f"agreement {agreement:.1%} over {len(judged)} peer-judged cases ({dict(by_peer)})"
    record_property("peer_agreement", summary)
    print(summary)
    assert disagreements == declared, (f"undeclared disagreements: {sorted(disagreements - declared)}; "
                                       f"declared but agreeing: {sorted(declared - disagreements)}")
    assert agreement >= 0.95, summary


def test_every_judgement_call_is_documented(results):
    docs = DOCS.read_text(encoding="utf-8")
    missing = [name for name, case, *_ in results if case.get("judgement") and f"`{name}`" not in docs]
    assert not missing, f"list these judgement calls in docs/policies.md: {missing}"

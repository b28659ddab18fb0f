"""Cloud contract checks: what a real cloud or engine would refuse, or silently wire to nothing.

Pure functions over resource states (a plan, a `pulumi stack export`, a `pulumi preview --json`), one module
per family: sdk_types (input types and enums the provider SDKs declare), naming (each cloud's naming rules),
references (ARNs and ids resolve to the document or the spec's prerequisites), ordering (a reference comes
with a dependency), kubernetes (namespaces, selectors, CRDs of the pinned operators) and dns (records point
at defined names). enforcement.py holds the one switch that makes findings block.
"""

from .enforcement import CONTRACT_ENFORCEMENT
from .model import Finding
from .run import contract_findings, findings_json

__all__ = ["CONTRACT_ENFORCEMENT", "Finding", "contract_findings", "findings_json"]

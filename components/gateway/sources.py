"""What the program reads from the repository for gateways: OpenAPI documents and the authorizer's code.

Called by the program entry point only; components receive the parsed results (they never read files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..spec import EnvironmentSpec
from ..spec.documents import read_yaml

AUTHORIZER_DIR = Path("functions") / "jwt_authorizer"


def read_api_documents(root: Path, spec: EnvironmentSpec) -> dict[str, dict[str, dict[str, Any]]]:
    """API name -> version -> parsed OpenAPI document."""
    return {api.name: {v.version: read_yaml(root / api.file_of(v)).data
                       for v in api.versions}
            for api in spec.gateways.apis}


def read_authorizer_code(root: Path) -> dict[str, str]:
    """The authorizer's Python files (tests excluded), shipped as the Lambda's code archive."""
    folder = root / AUTHORIZER_DIR
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))} if folder.is_dir() else {}

"""Credential scanning of the repository files the blueprint reads (specs, stack files, schemas, API documents),
with Yelp's detect-secrets. A finding names the file, the line and the kind of credential, never the value.

`{secret: <key>}` references name a key Pulumi.yaml declares secret; detect-secrets' keyword detector sees
`secret: kubeconfig` as a password, so a finding whose value is such a key name is a reference, not a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

READ_FILES = ("Pulumi.yaml", "environments/*.yaml", "stacks/Pulumi.*.yaml", "schemas/**/*", "apis/**/*.yaml",
              "apis/**/*.json")


@dataclass(frozen=True)
class Credential:
    file: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.file}: line {self.line}: looks like a {self.kind} (value not shown); expected no credential in " \
               "the repository: set it with `pulumi config set --secret`"


def files_read(root: Path) -> list[Path]:
    return sorted({p for pattern in READ_FILES for p in root.glob(pattern) if p.is_file()})


def scan(root: Path, secret_keys: set[str]) -> list[Credential]:
    """Every credential-looking value in the files the blueprint reads, references to `secret_keys` excepted."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    found = SecretsCollection()
    with default_settings():
        for path in files_read(root):
            found.scan_file(str(path))
    credentials = [Credential(str(Path(name).relative_to(root) if Path(name).is_absolute() else name),
                              secret.line_number, secret.type)
                   for name, secret in found if secret.secret_value not in secret_keys]
    return sorted(credentials, key=lambda c: (c.file, c.line, c.kind))

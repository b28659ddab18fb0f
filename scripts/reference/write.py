"""Write the generated schema and reference page, each atomically (a failed run leaves the old file whole)."""

from __future__ import annotations

from pathlib import Path

from ..files import write_atomic

from .markdown import REFERENCE_FILE, render
from .schema import SCHEMA_FILE, schema_text


def generated(root: Path) -> dict[Path, str]:
    """Each generated file (relative to the project root) and the text it must hold."""
    return {SCHEMA_FILE: schema_text(), REFERENCE_FILE: render(root)}


def write_generated(root: Path) -> list[Path]:
    """Write every generated file that changed; returns the ones written."""
    written = []
    for relative, text in generated(root).items():
        path = root / relative
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        write_atomic(path, text)
        written.append(relative)
    return written

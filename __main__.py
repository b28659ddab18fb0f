"""Pulumi entry point: everything lives in components/; this only starts it."""

from pathlib import Path

from components.program import run

run(Path(__file__).resolve().parent)

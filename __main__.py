"""Pulumi entry point: everything lives in components/; this only starts it."""

from components.program import run

run()

"""Operator tooling behind the `hybrid` command line."""

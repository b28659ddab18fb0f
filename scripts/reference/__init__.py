"""The environment spec, machine-readable and documented: its JSON Schema and its reference page, both from the models."""

"""`python -m scripts.contracts.crds`: regenerate index.json from the vendored CRD files."""

from . import INDEX, write_index

write_index()
print(f"wrote {INDEX}")

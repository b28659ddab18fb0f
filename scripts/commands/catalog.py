"""`hybrid catalog ENV`: Backstage entities and the Mermaid topology of an environment."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..console import FINDING, emit_json, err, fail, out, plural, verbatim
from ..files import WriteError


def catalog(
    env: Optional[str] = typer.Argument(None, help="environment name; omit with --all"),
    all_envs: bool = typer.Option(False, "--all", help="every environment"),
    out_dir: Path = typer.Option(Path("catalog"), "--out", help="folder; each environment gets <out>/<env>/"),
    check: bool = typer.Option(False, "--check", help="write nothing; exit 1 when the files under --out are stale"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable summary"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Write <out>/<env>/catalog-info.yaml (System, Components, APIs, Resources) and <out>/<env>/topology.md."""
    from components.spec import SpecError

    from .. import environments
    from ..catalog.write import stale, write_catalog

    if (env is None) == (not all_envs):
        fail("name one environment or pass --all (not both)")
    names = environments.known_environments(root) if all_envs else [env]
    target = out_dir if out_dir.is_absolute() else root / out_dir
    specs = {}
    for name in names:
        try:
            specs[name] = environments.load(root, name).spec
        except SpecError as error:
            fail(f"environment {name!r} is invalid", error.issues)
    if check:
        outdated = [path for spec in specs.values() for path in stale(spec, root, target / spec.name)]
        for path in outdated:
            err.print(f"stale: {path} (run `hybrid catalog {path.parent.name}`)", markup=False)
        if outdated:
            raise typer.Exit(FINDING)
        out.print(f"catalog current for {', '.join(names)}", markup=False)
        return
    written = []
    for name, spec in specs.items():
        try:
            info, topology, entities = write_catalog(spec, root, target)
        except WriteError as error:
            fail(str(error))
        kinds: dict[str, int] = {}
        for entity in entities:
            kinds[entity["kind"]] = kinds.get(entity["kind"], 0) + 1
        written.append({"environment": name, "catalog": str(info), "topology": str(topology), "entities": verbatim(kinds)})
    if json_output:
        emit_json({"environments": written})
        return
    for item in written:
        counts = ", ".join(plural(n, k) for k, n in sorted(item["entities"].items()))
        out.print(f"{item['environment']}: {item['catalog']} ({counts}) · {item['topology']}", markup=False)

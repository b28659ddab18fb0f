"""A new environment made from an existing one: spec, stack file, ESC template and catalog, then the workflows.

The spec is the source's text (comments kept) with its `name:` changed; the stack file is written fresh with
the source's plain config (never a `secure:` value, a secrets provider or a data key: `pulumi stack init`
writes those for the new stack); the ESC template, when the source has one, names the new environment's
secret paths. Every new file is created whole and never over an existing one; the new environment is then
validated with all the others, and only then are its catalog and the generated workflows written. When
validation fails, the files just created are removed again, so a failed run leaves the project as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from components.spec import SpecError, SpecIssue

from . import environments, workflows
from .catalog.write import render
from .files import WriteError, create_atomic, write_atomic
from .project import check_environment_name, load_project, read_stack_config, stack_of_environment

ESC_FOLDER = Path("stacks") / "esc"


@dataclass(frozen=True)
class Created:
    name: str
    source: str
    created: list[Path]
    """New files: spec, stack file, ESC template (when the source has one), catalog files."""
    regenerated: list[Path]
    """Generated files that changed because the environment list did (the workflows)."""
    order: list[str]
    """Every environment in deploy order, the new one included."""
    described: str
    """The same order with what each deploys after ('dev; qa after dev; ...')."""


def _refuse(file: str, field: str, message: str) -> SpecError:
    return SpecError([SpecIssue(file, field, message)])


def spec_text(source_text: str, source: str, name: str, file: str) -> str:
    """The source spec with its top-level `name:` set to `name` and a note saying where it came from."""
    line = re.compile(r"^name:[ \t]*([\"']?)" + re.escape(source) + r"\1[ \t]*(#.*)?$", re.MULTILINE)
    found = line.findall(source_text)
    if len(found) != 1:
        raise _refuse(file, "name", f"expected exactly one top-level line `name: {source}` to rename, found "
                                    f"{len(found)}")
    note = (f"# Created from {source} by `hybrid env new`: review its accounts, regions, CIDRs, sites and "
            "deployment.after.\n")
    return line.sub(lambda m: note + f"name: {name}", source_text, count=1)


def stack_text(config: dict, project_name: str, name: str) -> str:
    """A thin stack file for `name`: the source's plain config, its environment key pointing at `name`."""
    plain = {key: value for key, value in config.items()
             if not (isinstance(value, dict) and set(value) == {"secure"})}
    plain[f"{project_name}:environment"] = name
    body = yaml.safe_dump({"config": plain}, sort_keys=False, default_flow_style=None, width=120)
    return (f"# Thin on purpose: the environment itself lives in environments/{name}.yaml.\n"
            "# Secrets are set per stack with `pulumi config set --secret <key>` (see README); none are committed.\n"
            f"# Create the stack with its own secrets provider: `pulumi stack init {name} --secrets-provider ...`.\n"
            + body)


def esc_text(source_text: str, source: str, name: str) -> str:
    """The source's ESC template naming `name` wherever it names the source as a word (paths, stack, session)."""
    return re.sub(r"(?<![A-Za-z0-9])" + re.escape(source) + r"(?![A-Za-z0-9])", name, source_text)


def create(root: Path, name: str, source: str) -> Created:
    """Create environment `name` from `source`; SpecError (bad input) or WriteError, leaving nothing behind."""
    check_environment_name(name, "(command line)", "NAME")
    check_environment_name(source, "(command line)", "--from")
    project = load_project(root)
    spec_path = project.environment_file(name)
    stack_path = project.stack_file(name)
    esc_source = root / ESC_FOLDER / f"{source}.yaml"
    esc_path = root / ESC_FOLDER / f"{name}.yaml"
    catalog_folder = root / "catalog" / name
    taken = [p for p in (spec_path, stack_path, esc_path, catalog_folder) if p.exists()]
    if name in project.stacks() or taken:
        raise _refuse(str(taken[0] if taken else stack_path), "(file)",
                      f"environment {name!r} already exists ({', '.join(str(p) for p in taken) or stack_path}); "
                      "refusing to overwrite it: choose another name")
    environments.load(root, source)  # the source must be valid before anything is copied
    source_stack = stack_of_environment(project, source)
    texts = [(spec_path, spec_text(project.environment_file(source).read_text(encoding="utf-8"), source, name,
                                   str(project.environment_file(source)))),
             (stack_path, stack_text(read_stack_config(project, source_stack), project.name, name))]
    if esc_source.is_file():
        texts.append((esc_path, esc_text(esc_source.read_text(encoding="utf-8"), source, name)))
    created: list[Path] = []
    replaced: dict[Path, str] = {}
    try:
        for path, text in texts:
            create_atomic(path, text)
            created.append(path)
        specs = workflows.load_all(root)  # the new one with every other: its deployment.after must resolve
        order = environments.deploy_order(specs, {n: str(root / "environments" / f"{n}.yaml") for n in specs})
        described = workflows.describe_order(order, {n: s.deployment.after for n, s in specs.items()})
        generated = workflows.generated(root, specs)
        catalog, _ = render(specs[name], root, catalog_folder)
        for file, text in catalog.items():
            create_atomic(catalog_folder / file, text)
            created.append(catalog_folder / file)
        for path, text in generated.items():
            before = path.read_text(encoding="utf-8") if path.is_file() else None
            if before != text:
                write_atomic(path, text)
                replaced[path] = before or ""
    except (SpecError, WriteError):
        for path, before in replaced.items():
            write_atomic(path, before)
        for path in reversed(created):
            path.unlink(missing_ok=True)
        if catalog_folder.is_dir() and not any(catalog_folder.iterdir()):
            catalog_folder.rmdir()
        raise
    return Created(name=name, source=source, created=created, regenerated=list(replaced), order=order,
                   described=described)

"""`hybrid diff ENV --base REF` / `hybrid diff --all --base REF`: what a change does, as a pull-request comment."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..console import FINDING, emit_json, err, fail, out
from ..files import WriteError, check_writable, write_atomic


def diff(
    env: Optional[str] = typer.Argument(None, help="environment name; omit with --all"),
    base: str = typer.Option(..., "--base", help="git ref to compare with (branch, tag or commit, e.g. origin/main)"),
    all_envs: bool = typer.Option(False, "--all", help="every environment on either side, in one comment"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="also write the Markdown comment to this file"),
    link_base: str = typer.Option("", "--link-base",
                                  help="prefix for links to catalog/<env>/topology.md, e.g. "
                                       "https://github.com/OWNER/REPO/blob/BRANCH/"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Plan ENV at --base (in a temporary worktree) and in the working tree; exit 1 when the change breaks a
    mandatory policy, 2 on bad input (such as a base ref that does not exist)."""
    if (env is None) == (not all_envs):
        fail("name one environment or pass --all (not both)")
    try:
        if out_path:
            check_writable(out_path)
    except WriteError as error:
        fail(str(error))
    from components.spec import SpecError

    from ..diff.base import BaseError
    from ..diff.interrupt import Interrupted
    from ..diff.markdown import render
    from ..diff.report import report_json
    from ..diff.run import HeadError, diff_environments
    from ..planner.export import PlanError

    try:
        commit, reports = diff_environments(root, None if all_envs else [env], base, link_base)
    except Interrupted as stop:
        err.print(f"[yellow]{stop}[/]: the temporary worktree, folders and child plans are cleaned up")
        raise typer.Exit(128 + stop.signum)
    except BaseError as error:
        fail(str(error))
    except HeadError as error:
        fail(str(error), error.issues)
    except SpecError as error:
        fail("the working tree's environment is invalid", error.issues)
    except PlanError as error:
        fail(f"the working tree cannot be planned: {error}")
    blocking = any(r.blocking for r in reports)
    title = f"Infrastructure diff against `{base}` (`{commit[:10]}`)"
    markdown = render(reports, title, more="run `hybrid diff --json` or see the workflow's artifact for every detail")
    if out_path:
        try:
            write_atomic(out_path, markdown)
        except WriteError as error:
            fail(str(error))
    if json_output:
        emit_json({"base": {"ref": base, "commit": commit}, "blocking": blocking,
                   "environments": [report_json(r) for r in reports]})
    else:
        out.print(markdown, markup=False, highlight=False)
    if blocking:
        raise typer.Exit(FINDING)

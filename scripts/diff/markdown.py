"""The pull-request comment: summary table first, loud warnings next, details collapsed last.

GitHub rejects a comment over 65,536 characters. The summary is always kept whole; warnings and then
details are cut to fit, with a note saying how much was left out and where to get all of it.
"""

from __future__ import annotations

import html
from .compare import CREATE, DELETE, PROTECT, REPLACE, UPDATE, Change
from .findings import Finding
from .report import DIFF_LABELS, EnvReport
from .values import shown

GITHUB_LIMIT = 65_536
COMMENT_LIMIT = 65_000
"""What a comment may use: under GitHub's limit even when it counts UTF-16 units (an emoji is two)."""
MARKER = "<!-- hybrid-diff -->"
"""Lets a workflow find its own earlier comment and update it instead of adding another. The renderer writes
it, once, as the first line; the workflow posts the file as it is."""
DRIFT_MARKER = "<!-- hybrid-drift -->"
"""A drift report is another comment (or issue) than the pull request's diff, so it has its own marker."""
SECRET_CHANGED = "changed (secret)"
_CLOSE = "\n</details>\n\n"
_RESERVE = 600  # room kept for closing tags and the truncation note
_ORDER = (DELETE, REPLACE, UPDATE, CREATE)
WARNINGS_PER_KIND = 50  # more would crowd out the details; every one is still in the details and --json


def code(value: str) -> str:
    """Inline code safe inside a table cell (no backtick or pipe can break the row)."""
    return f"<code>{html.escape(value).replace('|', '&#124;')}</code>"


def resource(change_or_finding: Change | Finding, type_: str | None = None) -> str:
    urn = change_or_finding.urn
    type_ = type_ or urn.split("::")[2].split("$")[-1]
    return f"{code(type_)} **{html.escape(urn.split('::')[-1])}**"


def _policy_cell(report: EnvReport) -> str:
    if report.findings is None:
        return "not judged"
    f = report.findings
    parts = []
    mandatory = sum(1 for x in f.introduced if x.mandatory)
    if mandatory:
        parts.append(f"❌ {mandatory} new mandatory")
    if len(f.introduced) - mandatory:
        parts.append(f"⚠️ {len(f.introduced) - mandatory} new advisory")
    if f.fixed:
        parts.append(f"✅ {len(f.fixed)} fixed")
    return " · ".join(parts) or "no new findings"


def summary(reports: list[EnvReport], title: str, labels: dict[str, str], marker: str = MARKER,
            nothing: str = "No changes.") -> str:
    kinds = [k for k in _ORDER]
    lines = [marker, f"## {title}", ""]
    lines.append("| Environment | " + " | ".join(labels[k].capitalize() for k in kinds)
                 + " | Unchanged | Policy | Topology |")
    lines.append("|---|" + "---:|" * (len(kinds) + 1) + "---|---|")
    for r in reports:
        counts = r.diff.counts()
        name = f"**{r.env}**" if not r.quiet else r.env
        topology = f"[diagram]({r.topology})" if r.topology else "–"
        lines.append(f"| {name} | " + " | ".join(str(counts[k]) for k in kinds)
                     + f" | {r.diff.unchanged} | {_policy_cell(r)} | {topology} |")
    if all(r.quiet for r in reports):
        lines += ["", nothing]
    for r in reports:
        for note in r.notes:
            lines += ["", f"> **{r.env}**: {html.escape(note)}"]
    return "\n".join(lines) + "\n\n"


def _destructive_line(env: str, change: Change, labels: dict[str, str]) -> str:
    what = "protected " if change.protected else ""
    what += "stateful " if change.stateful else ""
    why = ""
    if change.kind == REPLACE:
        create_only = [p.path for p in change.properties if p.replaces]
        why = "; ".join(filter(None, [", ".join(change.reasons),
                                      ("create-only " + ", ".join(code(p) for p in create_only[:5])
                                       + " changed") if create_only else ""]))
        why = f" ({why})" if why else ""
    return f"> - **{env}**: {labels[change.kind]} {what}{resource(change, change.type)}{why}\n"


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= WARNINGS_PER_KIND:
        return lines
    return lines[:WARNINGS_PER_KIND] + [f"> - … and {len(lines) - WARNINGS_PER_KIND} more (see the details)\n"]


def warnings(reports: list[EnvReport], labels: dict[str, str]) -> list[str]:
    """Warning lines, loudest first; each a complete Markdown line, at most WARNINGS_PER_KIND per kind."""
    lines: list[str] = []
    destructive = [(r.env, c) for r in reports for c in r.destructive]
    if destructive:
        lines.append("> [!CAUTION]\n> **Data at risk**: stateful or protected resources are deleted or replaced.\n")
        lines += _capped([_destructive_line(env, c, labels) for env, c in destructive])
        lines.append("\n")
    introduced = [(r.env, f) for r in reports if r.findings for f in r.findings.introduced]
    if introduced:
        lines.append("> [!WARNING]\n> **Policy findings this change introduces**\n")
        lines += _capped([f"> - **{env}**: {'❌ mandatory' if f.mandatory else '⚠️ ' + f.level} {code(f.rule)} on "
                          f"{resource(f)}: {html.escape(f.message)}\n" for env, f in introduced])
        lines.append("\n")
    fixed = [(r.env, f) for r in reports if r.findings for f in r.findings.fixed]
    if fixed:
        lines.append("> [!NOTE]\n> **Policy findings this change fixes**\n")
        lines += _capped([f"> - **{env}**: ✅ {code(f.rule)} on {resource(f)}\n" for env, f in fixed])
        lines.append("\n")
    unknown = [(r.env, c) for r in reports for c in r.diff.changes if c.replacement_unknown]
    if unknown:
        lines.append("> [!IMPORTANT]\n> **Replacement not known** (type missing from scripts/diff/replacements.py): "
                     "treat these updates as possible replacements.\n")
        lines += _capped([f"> - **{env}**: {resource(c, c.type)}\n" for env, c in unknown])
        lines.append("\n")
    return lines


def _property_table(change: Change, sides: tuple[str, str]) -> str:
    if not change.properties:
        return ""
    rows = [f"| Property | {sides[0]} | {sides[1]} | |", "|---|---|---|---|"]
    for p in change.properties:
        flag = "replaces" if p.replaces else ("replacement unknown" if p.replaces is None and p.path != PROTECT else "")
        new = code(shown(p.new))
        if p.secret and p.old == p.new:  # both secret: only the keyed digests differed
            new = f"{new} {SECRET_CHANGED}"
        rows.append(f"| {code(p.path)} | {code(shown(p.old))} | {new} | {flag} |")
    return "\n".join(rows) + "\n"


def item(change: Change, sides: tuple[str, str] = ("Before", "After")) -> str:
    notes = [n for n, on in (("protected", change.protected), ("stateful", change.stateful)) if on]
    notes += list(change.reasons)
    suffix = f" ({', '.join(notes)})" if notes else ""
    body = _property_table(change, sides) if change.kind in (UPDATE, REPLACE) else ""
    return f"- {resource(change, change.type)}{suffix}\n" + (f"\n{body}\n" if body else "")


def size(text: str) -> int:
    """Length as GitHub counts it (UTF-16 code units: a character outside the BMP, like most emoji, is two)."""
    return len(text.encode("utf-16-le")) // 2


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.parts, self.size = limit, [], 0

    def fits(self, text: str, reserve: int = 0) -> bool:
        return self.size + size(text) + reserve <= self.limit

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += size(text)


def render(reports: list[EnvReport], title: str, labels: dict[str, str] = DIFF_LABELS,
           limit: int = COMMENT_LIMIT, more: str = "run the same command with `--json` for every detail",
           sides: tuple[str, str] = ("Before", "After"), marker: str = MARKER, nothing: str = "No changes.") -> str:
    """The whole comment, never longer than `limit` UTF-16 code units (what GitHub counts), marker included."""
    budget = _Budget(limit)
    budget.add(summary(reports, title, labels, marker, nothing))
    total = sum(len(r.diff.changes) for r in reports)
    shown_items, cut = 0, False
    warning_lines = warnings(reports, labels)
    for index, line in enumerate(warning_lines):
        if not budget.fits(line, _RESERVE):
            cut = True
            budget.add(f"> … {len(warning_lines) - index} more warning lines left out\n\n")
            break
        budget.add(line)
    for r in reports:
        if cut or r.diff.empty:
            continue
        header = f"### {r.env}\n\n"
        for kind in _ORDER:
            changes = r.diff.of_kind(kind)
            if not changes:
                continue
            opening = f"<details><summary>{labels[kind].capitalize()} ({len(changes)})</summary>\n\n"
            if not budget.fits(header + opening, len(_CLOSE) + _RESERVE):
                cut = True
                break
            budget.add(header + opening)
            header = ""
            for change in changes:
                text = item(change, sides)
                if not budget.fits(text, len(_CLOSE) + _RESERVE):
                    cut = True
                    break
                budget.add(text)
                shown_items += 1
            budget.add(_CLOSE)
            if cut:
                break
    if cut:
        budget.add(f"> [!NOTE]\n> Details truncated to stay under GitHub's {GITHUB_LIMIT:,}-character comment "
                   f"limit: {shown_items} of {total} changed resources shown; {more}.\n")
    return "".join(budget.parts)


"""The migrate report: JSON (for tools) and Markdown (for a pull-request description)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ._engine import MigrateResult
from ._files import Disposition

__all__ = ["to_json", "to_markdown"]


def _sites(result: MigrateResult) -> list[dict[str, Any]]:
    return [{"root": f.root, "file": f.path, "line": s.line, "pattern": s.pattern,
             "rewritten": s.rewritten, "policy": s.policy, "slot": s.slot,
             "algorithm": s.algorithm, "purpose": s.purpose, "reason": s.reason}
            for f in result.files for s in f.sites]


def summary(result: MigrateResult) -> dict[str, Any]:
    return {
        "files": {str(d): result.count(d) for d in Disposition},
        "rewritten_sites": result.rewritten_sites,
        "skipped_sites": result.skipped_sites,
        "written": result.written,
        "elapsed_seconds": round(result.elapsed, 3),
    }


def to_json(result: MigrateResult) -> str:
    """Every file's disposition, every site (rewritten or skipped with its reason), and the
    policies generated per config file."""
    data = {
        "tool": "agile migrate",
        "roots": list(result.roots),
        "summary": summary(result),
        "files": [{"root": f.root, "path": f.path, "disposition": str(f.disposition),
                   "reason": f.reason, "rewritten": f.rewritten, "skipped": f.skipped}
                  for f in result.files],
        "sites": _sites(result),
        "configs": [{"path": str(c.path), "created": not c.old, "changed": c.changed,
                     "policies_added": list(c.added)} for c in result.configs],
    }
    return json.dumps(data, indent=2) + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: MigrateResult) -> str:
    """A summary fit for a pull-request description."""
    s = summary(result)
    out = ["## agile migrate", "",
           f"{s['rewritten_sites']} call sites rewritten onto `agile.raw` with pinned policies, "
           f"{s['skipped_sites']} left unchanged (reasons below); "
           f"{s['files']['rewritten']} files changed.", ""]
    policies: dict[tuple[str, str, str], list[str]] = {}
    for f in result.files:
        for site in f.sites:
            if site.rewritten:
                key = (str(site.policy), str(site.slot), str(site.algorithm))
                policies.setdefault(key, []).append(f"{f.path}:{site.line}")
    if policies:
        out += ["### Policies", "", "| policy | pins | call sites |", "|---|---|---|"]
        for (name, slot, alg), where in sorted(policies.items()):
            out.append(f"| `{_cell(name)}` | {slot} = {alg} | {len(where)} |")
        for change in result.configs:
            if change.changed:
                verb = "created" if not change.old else "updated"
                out.append("")
                out.append(f"Config {verb}: `{change.path}` ({', '.join(change.added)})")
        out.append("")
    rewritten = [(f, x) for f in result.files for x in f.sites if x.rewritten]
    if rewritten:
        out += ["### Rewritten", "", "| file | line | pattern | policy |", "|---|---|---|---|"]
        out += [f"| {_cell(f.path)} | {x.line} | {_cell(x.pattern)} | `{_cell(x.policy)}` |"
                for f, x in rewritten]
        out.append("")
    skipped = [(f, x) for f in result.files for x in f.sites if not x.rewritten]
    if skipped:
        reasons = Counter(x.reason for _, x in skipped)
        out += ["### Left unchanged (review)", "", "| file | line | pattern | reason |",
                "|---|---|---|---|"]
        out += [f"| {_cell(f.path)} | {x.line} | {_cell(x.pattern)} | {_cell(x.reason)} |"
                for f, x in skipped]
        out += ["", "Most common reasons: " + "; ".join(f"{n} x {r}" for r, n
                                                       in reasons.most_common(5)), ""]
    failed = [f for f in result.files if f.disposition is Disposition.FAILED]
    if failed:
        out += ["### Files that could not be processed", ""]
        out += [f"- {_cell(f.path)}: {_cell(f.reason)}" for f in failed]
        out.append("")
    counts = ", ".join(f"{n} {d}" for d, n in s["files"].items() if n)
    out += [f"Files: {counts}.", ""]
    return "\n".join(out)

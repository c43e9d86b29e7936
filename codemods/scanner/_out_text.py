"""The readable report: findings grouped by priority (now, next, later), then file dispositions."""

from __future__ import annotations

from ._engine import ScanResult, status_counts
from ._findings import Status
from ._risk import PRIORITY_ORDER

__all__ = ["to_table"]

_TITLES = {"now": "NOW: fix first", "next": "NEXT: plan the migration",
           "later": "LATER: keep an eye on"}


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: ScanResult, *, max_rows: int = 200) -> str:
    lines: list[str] = []
    counts = status_counts(result)
    lines.append(f"agile scan: {len(result.items)} findings in {counts['scanned']} scanned files "
                 f"({counts['pre-filtered']} pre-filtered, {counts['excluded']} excluded, "
                 f"{counts['parse-failed']} failed) in {result.elapsed:.1f}s")
    risks = ", ".join(f"{n} {r}" for r, n in result.by_risk().items())
    if risks:
        lines.append(f"risk: {risks}")
    lines.extend(_notes(result))
    for priority in PRIORITY_ORDER:
        group = [i for i in result.items if i.ranked.priority is priority]
        if not group:
            continue
        lines.append("")
        lines.append(f"{_TITLES[str(priority)]} ({len(group)})")
        rows = [("LOCATION", "KIND", "ALGORITHM", "RISK", "REASON")]
        for item in group[:max_rows]:
            f = item.finding
            rows.append((_cell(f"{f.file}:{f.line}", 48), f.kind, _cell(f.algorithm, 26),
                         item.verdict.risk, item.ranked.reason))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        for row in rows:
            lines.append("  " + "  ".join(row[c].ljust(widths[c]) for c in range(4)) + "  "
                         + row[4])
        if len(group) > max_rows:
            lines.append(f"  … {len(group) - max_rows} more (use --format json for all)")
    failed = [f for f in result.files if f.status is Status.PARSE_FAILED]
    if failed:
        lines.append("")
        lines.append(f"NOT SCANNED ({len(failed)})")
        lines.extend(f"  {f.path}: {f.reason}" for f in failed)
    if not result.items:
        lines.append("")
        lines.append("no cryptographic calls found")
    return "\n".join(lines) + "\n"


def _notes(result: ScanResult) -> list[str]:
    """One line each for a shard, a baseline and a cache, when used."""
    notes = []
    if result.shard:
        notes.append(f"shard {result.shard}: this report covers only that shard's files")
    if result.baseline:
        notes.append(f"baseline {result.baseline[0]}: {result.baseline[1]} known findings not "
                     "shown; only new findings are listed")
    if result.cache:
        notes.append(f"cache: {result.cache[0]} files reused, {result.cache[1]} parsed")
    return notes


def to_markdown(result: ScanResult, *, max_rows: int = 50) -> str:
    """A short Markdown summary for a pull-request comment."""
    counts = status_counts(result)
    by_priority = result.by_priority()
    out = ["## agile scan: cryptographic inventory", "",
           f"**{len(result.items)} findings** in {counts['scanned']} scanned files "
           f"({counts['parse-failed']} could not be scanned). "
           f"Now: **{by_priority['now']}**, next: {by_priority['next']}, "
           f"later: {by_priority['later']}.", ""]
    out += [*(f"_{note}._" for note in _notes(result) if not note.startswith("cache")), ""] \
        if result.shard or result.baseline else []
    risks = result.by_risk()
    if risks:
        out += ["| risk | findings |", "|---|---|", *(f"| {r} | {n} |" for r, n in risks.items()),
                ""]
    urgent = [i for i in result.items if str(i.ranked.priority) != "later"]
    if urgent:
        out += ["| priority | location | algorithm | risk | reason |", "|---|---|---|---|---|"]
        for item in urgent[:max_rows]:
            f = item.finding
            reason = item.ranked.reason.replace("|", "\\|")
            out.append(f"| {item.ranked.priority} | `{f.file}:{f.line}` | {f.algorithm} | "
                       f"{item.verdict.risk} | {reason} |")
        if len(urgent) > max_rows:
            out.append(f"\n… and {len(urgent) - max_rows} more.")
    failed = [f for f in result.files if f.status is Status.PARSE_FAILED]
    if failed:
        out += ["", "<details><summary>Files not scanned</summary>", "",
                *(f"- `{f.path}`: {f.reason}" for f in failed), "", "</details>"]
    return "\n".join(out) + "\n"

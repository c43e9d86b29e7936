"""``agile scan``: inventory the cryptography a code base uses, ranked by quantum risk.

The scanner lives in the ``codemods`` package and needs libcst; it is imported inside the
command so that ``import agile`` and ``agile --help`` stay light.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._atomic import write_atomic
from .errors import InvalidArgument

if TYPE_CHECKING:
    from codemods.scanner import ScanResult

__all__ = ["EXIT_GATE", "merge_command", "scan_command"]

#: Exit status when findings reach the --fail-on threshold.
EXIT_GATE = 3

_FORMATS = ("table", "json", "sarif", "cyclonedx", "markdown")
_FAIL_ON = ("quantum-vulnerable", "weak", "unknown", "none")


class _Progress:
    """A one-line counter on stderr, redrawn at most every 0.2 s (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.2 and done != total):
            return
        self._last = now
        self._shown = True
        click.echo(f"\rscanning: {done}/{total} files", err=True, nl=False)

    def close(self) -> None:
        if self._shown:
            click.echo("", err=True)


def _gate(result: ScanResult, fail_on: str) -> list[str]:
    """Why the scan fails the gate (empty: it passes). Thresholds include the stricter ones:
    ``weak`` < ``quantum-vulnerable`` (weak too) < ``unknown`` (weak, vulnerable and unknown)."""
    if fail_on == "none":
        return []
    weak = sum(1 for i in result.items if i.verdict.weaknesses)
    vulnerable = sum(1 for i in result.items if i.verdict.risk == "quantum-vulnerable")
    unknown = sum(1 for i in result.items if i.verdict.risk == "unknown")
    reasons = [f"{weak} classically weak"] if weak else []
    if fail_on in ("quantum-vulnerable", "unknown") and vulnerable:
        reasons.append(f"{vulnerable} quantum-vulnerable")
    if fail_on == "unknown" and unknown:
        reasons.append(f"{unknown} unresolved (unknown)")
    return reasons


class _ScanCommand(click.Command):
    """``agile scan PATH...``, and ``agile scan merge FILE...`` when the first word is merge."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        if args and args[0] == "merge":
            name = f"{info_name} merge" if info_name else "merge"
            return merge_command.make_context(name, args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


def _write(text: str, output: Path | None, what: str) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise InvalidArgument(f"{output}: cannot write the report ({exc.strerror or exc})") \
            from None
    click.echo(f"wrote {what} to {output}", err=True)


def _render(result: ScanResult, fmt: str) -> str:
    from codemods.scanner._out_cbom import to_cbom
    from codemods.scanner._out_json import to_json
    from codemods.scanner._out_sarif import to_sarif
    from codemods.scanner._out_text import to_markdown, to_table

    render = {"table": to_table, "json": to_json, "sarif": to_sarif, "cyclonedx": to_cbom,
              "markdown": to_markdown}[fmt]
    return render(result)


def _finish(result: ScanResult, fmt: str, output: Path | None, fail_on: str) -> None:
    _write(_render(result, fmt), output, f"{fmt} report ({len(result.items)} findings)")
    reasons = _gate(result, fail_on)
    if reasons:
        new = " new" if result.baseline else ""
        click.echo(f"agile scan: --fail-on {fail_on}:{new} " + ", ".join(reasons), err=True)
        sys.exit(EXIT_GATE)


_EXIT_STATUS = """\b
    Exit status:
      0  no finding reached --fail-on (always, with the default --fail-on none)
      1  invalid configuration, rules, --baseline or input file (the message says which)
      2  usage error (unknown option, missing PATH, bad --shard)
      3  findings reached --fail-on (with --baseline: new findings only)"""


@click.command("scan", cls=_ScanCommand, epilog=_EXIT_STATUS)
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="Report format: readable table, JSON, SARIF 2.1.0, CycloneDX 1.6 CBOM or a "
                   "Markdown summary for pull requests.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE instead of standard output.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per CPU).")
@click.option("--fail-on", type=click.Choice(_FAIL_ON), default="none", show_default=True,
              help="Exit with status 3 when findings reach this level: weak (classically weak), "
                   "quantum-vulnerable (and weak), unknown (and both).")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="A previous JSON result: report (and gate on) only findings "
                                   "it does not have, matched by their line-independent id.")
@click.option("--shard", "shard_text", metavar="K/N",
              help="Scan only shard K of N: files are assigned by a hash of their path relative "
                   "to PATH, the same on every machine. Combine with `agile scan merge`.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Reuse per-file results by content hash (default: the user "
                                  "cache directory, e.g. ~/.cache/agile/scan).")
@click.option("--no-cache", is_flag=True, help="Parse every file; read and write no cache.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files and directories matching GLOB (relative to each PATH); "
                   "repeatable. .venv, venv, node_modules, build, dist, .git, .tox and "
                   ".gitignore'd paths are always skipped.")
@click.option("--no-gitignore", is_flag=True, help="Do not read .gitignore files.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path),
              metavar="PATH", help="agile.toml or pyproject.toml with the [scan] settings "
                                   "(default: $AGILE_CONFIG, else found from the first PATH up).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress counter on stderr (default: when stderr is a terminal).")
def scan_command(paths: tuple[str, ...], fmt: str, output: Path | None, jobs: int, fail_on: str,
                 baseline: Path | None, shard_text: str | None, cache_dir: Path | None,
                 no_cache: bool, exclude: tuple[str, ...], no_gitignore: bool,
                 config_path: Path | None, progress: bool | None) -> None:
    """Inventory the cryptography in PATH... (directories or files) and rank it by risk.

    Every call into pyca cryptography, hashlib, hmac, ssl, PyCryptodome, python-rsa, ecdsa,
    PyNaCl, paramiko, JWT/JOSE libraries and pyOpenSSL is reported with its algorithm and
    parameters, classified from agile's algorithm registry (quantum-vulnerable, weakened by
    Grover, quantum-resistant, or unknown when it cannot be resolved) and given a priority
    (now / next / later) from Mosca's inequality and the data-retention settings in [scan].

    `agile scan merge FILE...` combines JSON results (or CBOMs) of shards or repositories;
    see `agile scan merge --help`.

    \b
    Examples:
      agile scan .
      agile scan src --format sarif -o agile.sarif --fail-on weak
      agile scan repo1 repo2 --jobs 0 --format json -o inventory.json
      agile scan src --baseline main.json --fail-on quantum-vulnerable
      agile scan . --shard 2/8 --format json -o shard-2.json
    """
    from codemods.scanner import find_scan_config, load_settings, scan
    from codemods.scanner._baseline import apply_baseline, load_baseline
    from codemods.scanner._cache import ScanCache, default_cache_dir
    from codemods.scanner._shard import Shard

    try:
        shard = Shard.parse(shard_text) if shard_text is not None else None
    except InvalidArgument as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None
    if no_cache and cache_dir is not None:
        raise click.UsageError("--cache and --no-cache contradict each other")
    settings = load_settings(config_path or find_scan_config(paths[0]))
    known = load_baseline(baseline) if baseline is not None else None
    cache = None if no_cache else ScanCache(cache_dir or default_cache_dir())
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    try:
        result = scan(list(paths), settings, jobs=jobs or (os.cpu_count() or 1),
                      excludes=exclude, gitignore=not no_gitignore, progress=bar, shard=shard,
                      cache=cache)
    finally:
        bar.close()
    if known is not None:
        result = apply_baseline(result, known)
    _finish(result, fmt, output, fail_on)


@click.command("merge", epilog=_EXIT_STATUS)
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="json", show_default=True,
              help="Output format (from CBOM inputs: cyclonedx only).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the merged report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(_FAIL_ON), default="none", show_default=True,
              help="Exit with status 3 when merged findings reach this level (see agile scan).")
def merge_command(files: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str) -> None:
    """Combine FILE... (agile scan JSON results, or CycloneDX CBOMs) into one report.

    Shards of one scan (--shard K/N) merge into the report of the whole scan: every file's
    disposition and every finding, classification and priority as recorded. Results of
    different repositories keep their files apart under each repository's root. A file given
    twice (the same shard or repository) is an error; a missing shard is reported.

    \b
    Examples:
      agile scan merge shard-*.json -o inventory.json
      agile scan merge shard-*.json --format sarif -o agile.sarif
      agile scan merge repo1.cbom.json repo2.cbom.json --format cyclonedx -o fleet.cbom.json
    """
    import json

    from codemods.scanner._merge import from_record, merge_cboms, merge_results, read_input

    records = [read_input(f) for f in files]
    names = [str(f) for f in files]
    if all(r.get("bomFormat") == "CycloneDX" for r in records):
        if fmt != "cyclonedx":
            raise click.UsageError("CBOM inputs merge into a CBOM: use --format cyclonedx "
                                   "(or merge the JSON results instead)")
        if fail_on != "none":
            raise click.UsageError("--fail-on needs JSON results (CBOMs carry no gate facts)")
        merged = merge_cboms(records, names)
        _write(json.dumps(merged, indent=2) + "\n", output,
               f"merged CBOM ({len(merged['components'])} assets)")
        return
    result = merge_results([from_record(r, n) for r, n in zip(records, names, strict=True)],
                           names)
    if result.shard:
        click.echo(f"agile scan merge: incomplete: only shard(s) {result.shard} given", err=True)
    _finish(result, fmt, output, fail_on)

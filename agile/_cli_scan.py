"""``agile scan``: inventory the cryptography a code base uses, ranked by quantum risk.

The scanner lives in the ``codemods`` package and needs libcst; it is imported inside the
command so that ``import agile`` and ``agile --help`` stay light.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from codemods.scanner import ScanResult

__all__ = ["EXIT_GATE", "scan_command"]

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


@click.command("scan")
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
                 exclude: tuple[str, ...], no_gitignore: bool, config_path: Path | None,
                 progress: bool | None) -> None:
    """Inventory the cryptography in PATH... (directories or files) and rank it by risk.

    Every call into pyca cryptography, hashlib, hmac, ssl, PyCryptodome, python-rsa, ecdsa,
    PyNaCl, paramiko, JWT/JOSE libraries and pyOpenSSL is reported with its algorithm and
    parameters, classified from agile's algorithm registry (quantum-vulnerable, weakened by
    Grover, quantum-resistant, or unknown when it cannot be resolved) and given a priority
    (now / next / later) from Mosca's inequality and the data-retention settings in [scan].

    \b
    Exit status: 0 ok; 1 invalid configuration; 2 usage error;
                 3 findings reached --fail-on.

    \b
    Examples:
      agile scan .
      agile scan src --format sarif -o agile.sarif --fail-on weak
      agile scan repo1 repo2 --jobs 0 --format json -o inventory.json
    """
    from codemods.scanner import find_scan_config, load_settings, scan
    from codemods.scanner._out_cbom import to_cbom
    from codemods.scanner._out_json import to_json
    from codemods.scanner._out_sarif import to_sarif
    from codemods.scanner._out_text import to_markdown, to_table

    settings = load_settings(config_path or find_scan_config(paths[0]))
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    try:
        result = scan(list(paths), settings, jobs=jobs or (os.cpu_count() or 1),
                      excludes=exclude, gitignore=not no_gitignore, progress=bar)
    finally:
        bar.close()
    render = {"table": to_table, "json": to_json, "sarif": to_sarif, "cyclonedx": to_cbom,
              "markdown": to_markdown}[fmt]
    text = render(result)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} report to {output} ({len(result.items)} findings)", err=True)
    else:
        click.echo(text, nl=False)
    reasons = _gate(result, fail_on)
    if reasons:
        click.echo(f"agile scan: --fail-on {fail_on}: " + ", ".join(reasons), err=True)
        sys.exit(EXIT_GATE)

"""``agile rewrap POLICY PATH...``: re-encrypt sealed files under the policy's primary key.

Calls :func:`agile.keyring.rewrap_files`; progress goes to stderr, the summary to stdout.
Exit status 1 when any file failed (those files are left untouched).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._context import Context
from .errors import AgileError
from .keyring import RewrapOutcome, RewrapResult, rewrap_files
from .policy import load_config

__all__ = ["rewrap_command"]

_REWRAP_EPILOG = """\b
Each PATH is one envelope: the whole file is a COSE_Encrypt0 written by seal (AEAD) or
encrypt (HPKE). It is rewritten all-or-nothing: a temporary file next to it, fsync, rename
over the original (permission bits kept). A file that fails is left untouched and the run goes
on. The keyring is the one the policy's configuration names ([keyrings.NAME]).

\b
Exit status: 0 every file rewrapped or already current; 1 a file failed or agile refused
(no keyring, invalid configuration...); 2 usage error."""


def _short(kid: str | None) -> str:
    return kid[:12] if kid else "-"


def _line(done: int, total: int, res: RewrapResult) -> str:
    text = f"[{done}/{total}] {res.path}: {res.outcome}"
    if res.outcome in (RewrapOutcome.REWRAPPED, RewrapOutcome.WOULD_REWRAP):
        text += (f" ({res.old_algorithm} {_short(res.old_kid)} -> {res.new_algorithm} "
                 f"{_short(res.new_kid)})")
    elif res.error:
        text += f": {res.error}"
    return text


@click.command("rewrap", epilog=_REWRAP_EPILOG,
               short_help="Re-encrypt sealed files under the policy's primary key.")
@click.argument("policy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="PATH...")
@click.option("--dry-run", is_flag=True,
              help="Open every file and report what would change; write nothing.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              metavar="PATH", help="Configuration file (default: discovered).")
@click.option("--aad", default="", metavar="TEXT",
              help="External additional authenticated data the files were sealed with (UTF-8).")
@click.option("--quiet", "-q", is_flag=True, help="No per-file progress on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
def rewrap_command(policy: str, paths: tuple[Path, ...], dry_run: bool, config_path: Path | None,
                   aad: str, quiet: bool, as_json: bool) -> None:
    """Re-encrypt each PATH under POLICY's current primary key (rotate first).

    Files already under the primary key are left as they are; the others are opened with the
    keyring key their kid names (their algorithm must still be on the accept-list) and
    re-encrypted. Prints progress on stderr and a summary: rewrapped, already current,
    failed (with the reason).

    \b
    Examples:
      agile keys rotate archive && agile rewrap archive data/*.sealed
      agile rewrap archive data/*.sealed --dry-run
    """
    context = Context(load_config(config_path))

    def progress(done: int, total: int, res: RewrapResult) -> None:
        if not quiet:
            click.echo(_line(done, total, res), err=True)

    report = rewrap_files(context, paths, policy=policy, aad=aad.encode(), dry_run=dry_run,
                          progress=progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        verb = "would rewrap" if dry_run else "rewrapped"
        click.echo(f"{verb}: {len(report.rewrapped)}, already current: {len(report.current)}, "
                   f"failed: {len(report.failed)}" + (" (dry run: nothing written)"
                                                      if dry_run else ""))
        for res in report.failed:
            click.echo(f"  failed {res.path}: {res.error}")
    if not report.ok:
        n = len(report.failed)
        raise AgileError(f"{n} of {len(report.results)} files "
                         + ("would fail (dry run)" if dry_run else
                            "could not be rewrapped and were left unchanged"))

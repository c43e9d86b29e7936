"""``agile migrate``: rewrite raw crypto calls onto ``agile.raw`` with generated policies.

The codemods live in the ``codemods`` package and need libcst; they are imported inside the
command so that ``import agile`` and ``agile --help`` stay light.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import tomllib
from pathlib import Path

import click

from ._atomic import write_atomic
from ._cli_scan import _Progress
from .errors import ConfigError

__all__ = ["EXIT_CHANGES", "migrate_command"]

#: Exit status of --check when something would change.
EXIT_CHANGES = 3
_POLICY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_policy_map(path: Path) -> dict[str, str]:
    """A mapping file: generated policy name -> your name (TOML ``key = "value"`` or JSON)."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the policy map: {exc}", path=str(path),
                          hint='write lines like  "hmac-sha256" = "webhook-signing"') from None
    if isinstance(data, dict) and isinstance(data.get("policies"), dict):
        data = data["policies"]
    if not isinstance(data, dict):
        raise ConfigError("the policy map must be a table of names", path=str(path))
    for key, value in data.items():
        if not isinstance(value, str) or not _POLICY_NAME.match(value):
            raise ConfigError(f"policy map entry {key!r} must name a policy (letters, digits, "
                              f"'-', '_', '.'), not {value!r}", path=str(path))
    return dict(data)


@click.command("migrate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--dry-run", is_flag=True,
              help="Print unified diffs of the code and config changes; write nothing.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit with status 3 if anything would change (for CI).")
@click.option("--annotate", is_flag=True,
              help="Add a '# agile-migrate: review: ...' comment above each crypto call left "
                   "unchanged, saying why.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per CPU).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Write the report to FILE: JSON if it ends in .json, "
                                   "else Markdown (for a pull-request description).")
@click.option("--policy-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help='Rename generated policies: a TOML (or .json) file of '
                                   '"generated-name" = "your-name" entries.')
@click.option("--naming", type=click.Choice(["purpose", "algorithm"]), default="purpose",
              show_default=True,
              help="Name generated policies after what each call is for, read from the names "
                   "around it (the variable, function, class, file: 'session', 'password', "
                   "'webhook'...), falling back to the algorithm ('hmac-sha256') where that is "
                   "unclear; or always after the algorithm.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="PATH", help="Merge the generated policies into PATH (agile.toml or "
                                   "pyproject.toml) instead of each root's own config.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files and directories matching GLOB (relative to each PATH); "
                   "repeatable. Virtualenvs, build output and .gitignore'd paths are skipped.")
@click.option("--no-gitignore", is_flag=True, help="Do not read .gitignore files.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress counter on stderr (default: when stderr is a terminal).")
def migrate_command(paths: tuple[str, ...], dry_run: bool, check: bool, annotate: bool,
                    jobs: int, report_path: Path | None, policy_map: Path | None,
                    naming: str, config_path: Path | None, exclude: tuple[str, ...], no_gitignore: bool,
                    progress: bool | None) -> None:
    """Rewrite raw crypto calls in PATH... onto agile.raw, pinning today's algorithms.

    Each rewritten call goes to agile.raw with a named policy; the policy is generated into
    the root's agile.toml (or [tool.agile] in pyproject.toml, or a new agile.toml) pinning
    exactly the algorithm found, with a comment naming its call sites. Outputs stay
    byte-identical where the primitive is deterministic (hashes, MACs, HKDF, AEAD with the
    caller's nonce, PKCS#1 v1.5 and EdDSA signatures) and interoperable where it is randomised
    (PSS, ECDSA, OAEP). Calls that cannot be proven equivalent are left alone and listed with
    the reason (--annotate marks them). Policies are named after the purpose of the calls
    where the surrounding names make it clear (see --naming); one purpose needing two
    algorithms in one slot gets '<purpose>-<algorithm>' names.

    Handled: hashlib digests, hmac.new/hmac.digest, pyca hashes.Hash/hmac.HMAC update-finalize
    runs, pyca AESGCM/ChaCha20Poly1305 encrypt/decrypt, pyca HKDF derive, pyca RSA (PSS,
    PKCS#1 v1.5) / ECDSA / Ed25519 / Ed448 sign and verify and RSA-OAEP encrypt/decrypt on keys
    whose type is visible, X25519/X448/ECDH exchange, the generation and loading of those keys
    (under the policy of their uses), Fernet tokens, PBKDF2 (pyca and hashlib), PyCryptodome
    X.new(data).digest(), HMAC.new(...).digest(), AES-GCM encrypt/decrypt, PKCS1_OAEP
    encrypt/decrypt and pkcs1_15/pss sign/verify.

    \b
    Exit status: 0 ok; 1 error (nothing written); 2 usage error;
                 3 --check found changes.

    \b
    Examples:
      agile migrate --dry-run src
      agile migrate src --report migrate.md
      agile migrate repo1 repo2 --jobs 0 --report migrate.json
      agile migrate --check .
    """
    from codemods.migrate import migrate, to_json, to_markdown

    mapping = load_policy_map(policy_map) if policy_map is not None else {}
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    try:
        result = migrate(list(paths), write=not (dry_run or check), jobs=jobs or (
            os.cpu_count() or 1), annotate=annotate, policy_map=mapping, naming=naming, excludes=exclude,
            gitignore=not no_gitignore, config=config_path, progress=bar)
    finally:
        bar.close()
    if dry_run:
        for f in result.files:
            if f.diff:
                click.echo(f.diff, nl=False)
        for change in result.configs:
            if change.changed:
                name = str(change.path)
                click.echo("".join(difflib.unified_diff(
                    change.old.splitlines(keepends=True), change.text.splitlines(keepends=True),
                    f"a/{name}", f"b/{name}")), nl=False)
    if report_path is not None:
        render = to_json if report_path.suffix == ".json" else to_markdown
        write_atomic(report_path, render(result).encode("utf-8"))
    changed_files = sum(1 for f in result.files if f.diff)
    verb = "would change" if not result.written else "changed"
    click.echo(f"agile migrate: {result.rewritten_sites} sites rewritten, "
               f"{result.skipped_sites} left unchanged; {verb} {changed_files} files and "
               f"{sum(1 for c in result.configs if c.changed)} config files", err=True)
    for f in result.files:
        if str(f.disposition) == "failed":
            click.echo(f"  could not process {f.path}: {f.reason}", err=True)
    if check and result.changed:
        sys.exit(EXIT_CHANGES)

"""The ``agile`` command line: inspect the algorithm registry; validate, show and explain policies.

Handlers check their arguments, call the library and print. Every :class:`~agile.errors.AgileError`
reaches one ``except`` (in :class:`_AgileGroup`), which prints it on stderr and exits with status 1;
click's usage errors exit with 2. Rendering lives in :mod:`agile._cli_format`.

``import agile`` never imports this module (nor click).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, algorithms, providers
from ._cli_format import algorithm_rows, algorithms_table, explain_policy, policy_record, policy_text
from .algorithms import Family
from .errors import AgileError, ConfigError
from .policy import ENV_VAR, Config, Policy, find_config_file, load_config

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "cli", "main"]

#: Exit status when agile refuses the input (invalid configuration, unknown policy, unreadable file).
EXIT_ERROR = 1
#: Exit status of command-line usage errors (click's own).
EXIT_USAGE = 2

F = TypeVar("F", bound=Callable[..., Any])

_EPILOG = """\b
Exit status:
  0  success
  1  agile refused the input: invalid configuration, unknown policy, unreadable file;
     the message on stderr names the file, line and key, and how to fix it
  2  command-line usage error (unknown option, malformed date, ...)

\b
Configuration is read from PATH/--config if given, else $AGILE_CONFIG, else the
nearest agile.toml, else [tool.agile] in the nearest pyproject.toml, else the
built-in defaults (hybrid and post-quantum)."""


class _AgileGroup(click.Group):
    """The root group: the single place where library errors become an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AgileError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(EXIT_ERROR)


# -- shared helpers ---------------------------------------------------------------------------
def _at_option(func: F) -> F:
    return click.option(
        "--at", "at", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
        help="Evaluate NIST IR 8547 dates as of this day instead of today "
             "(e.g. 2031-01-01 or 2036-01-01 to preview the deadlines).",
    )(func)


def _config_option(func: F) -> F:
    return click.option(
        "--config", "config_path", type=click.Path(path_type=Path), metavar="PATH",
        help="Configuration file (agile.toml or pyproject.toml); default: discovered as below.",
    )(func)


def _day(at: _dt.datetime | None) -> _dt.date:
    return at.date() if at is not None else _dt.date.today()


def _load(path: Path | None, day: _dt.date) -> tuple[Config, str]:
    """The configuration, and a phrase saying where it came from and how it was found."""
    if path is not None:
        return load_config(path, today=day), f"{path} (given on the command line)"
    found = find_config_file()
    if found is None:
        return (load_config(discover=False, today=day),
                f"built-in defaults (no ${ENV_VAR}, agile.toml or [tool.agile] in pyproject.toml "
                "found from the working directory up)")
    if os.environ.get(ENV_VAR):
        how = f"named by ${ENV_VAR}"
    elif found.name == "pyproject.toml":
        how = "[tool.agile] in the nearest pyproject.toml"
    else:
        how = "the nearest agile.toml"
    return load_config(found, today=day), f"{found} ({how})"


def _resolve(config: Config, name: str) -> Policy:
    """The policy applications get for ``name``; says so on stderr when that is a fallback."""
    if name in config.policies or config.default_policy is None:
        return config.policy(name)  # unknown without a default: ConfigError with the fix
    note = (f"note: policy {name!r} is not defined in {config.source}; applications asking for "
            f"it get default_policy {config.default_policy!r}")
    close = difflib.get_close_matches(name, list(config.policies), n=1)
    if close and close[0] != config.default_policy:
        note += f" (did you mean {close[0]!r}?)"
    click.echo(note, err=True)
    return config.policy(name)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2))


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    text = f"agile {__version__}"
    try:
        import cryptography
        from cryptography.hazmat.backends.openssl.backend import backend

        text += f" (cryptography {cryptography.__version__}, {backend.openssl_version_text()})"
    except Exception:  # pragma: no cover - the version line must never fail
        pass
    click.echo(text)
    ctx.exit()


# -- agile ------------------------------------------------------------------------------------
@click.group(cls=_AgileGroup, epilog=_EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show agile's version (and the cryptography/OpenSSL it runs on) and exit.")
def cli() -> None:
    """agile: crypto agility by policy.

    Applications name a policy ("archive", "tls"); the configuration maps it to classical,
    post-quantum or hybrid algorithms. These commands list the algorithms agile knows; check,
    show, explain and diff policies; inventory the cryptography a code base uses and rewrite it
    onto agile; manage keyrings and rewrap data after a rotation; issue certificates and probe
    servers for post-quantum TLS; run and query QKD key management entities; and merge runtime
    inventories.

    \b
    Examples:
      agile algorithms --family kem
      agile policy validate agile.toml --at 2036-01-01
      agile policy explain archive
      agile policy diff old.toml new.toml
      agile scan src --format sarif -o agile.sarif
      agile migrate --dry-run src
      agile keys rotate archive
      agile tls probe example.com:443 --policy tls
      agile qkd status --link dc1-dc2
    """


@cli.command("algorithms", epilog=_EPILOG,
             short_help="List algorithms: status, NIST IR 8547 dates, providers.")
@click.option("--family", type=click.Choice([f.value for f in Family], case_sensitive=False),
              help="Only this family (policy slot), e.g. kem, signature, aead.")
@click.option("--all", "show_all", is_flag=True,
              help="Include legacy algorithms (MD5, SHA-1, CBC, ...), which agile keeps only to "
                   "read old data.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_at_option
def algorithms_command(family: str | None, show_all: bool, as_json: bool,
                       at: _dt.datetime | None) -> None:
    """List the algorithm registry and which installed provider runs each algorithm.

    For every algorithm: family, quantum class (classical, post-quantum, hybrid) and risk, NIST
    security category, status on the day (approved, deprecated, disallowed, legacy), the NIST IR
    8547 dates, the provider(s) serving it here or why none does, and the components of hybrid
    algorithms (--json also gives those of HPKE suites).

    \b
    Examples:
      agile algorithms
      agile algorithms --family signature --at 2036-01-01
      agile algorithms --all --json | jq '.algorithms[] | select(.available | not)'
    """
    day = _day(at)
    pool = algorithms.all_algorithms() if family is None else algorithms.in_family(family.lower())
    hidden = 0 if show_all else sum(1 for a in pool if a.legacy)
    rows = algorithm_rows((a for a in pool if show_all or not a.legacy), day)
    if as_json:
        _echo_json({
            "date": day.isoformat(),
            "providers": [p.name for p in providers.all_providers()],
            "provider_errors": providers.discovery_errors(),
            "hidden_legacy": hidden,
            "algorithms": [r.to_json() for r in rows],
        })
    else:
        click.echo(algorithms_table(rows, day=day, hidden_legacy=hidden))


# -- agile policy -----------------------------------------------------------------------------
@cli.group("policy", epilog=_EPILOG)
def policy_group() -> None:
    """Validate, show and explain the policies in a configuration.

    \b
    Examples:
      agile policy validate                  # the discovered configuration
      agile policy show archive --json
      agile policy explain archive --at 2031-01-01
    """


@policy_group.command("validate", epilog=_EPILOG,
                      short_help="Load and check a configuration (exit 1 if invalid).")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@_at_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings such as deprecations too.")
def validate_command(path: Path | None, at: _dt.datetime | None, strict: bool) -> None:
    """Load and check a configuration; print OK, the policies and any warnings.

    PATH is an agile.toml or a pyproject.toml with [tool.agile]; without it the configuration
    is discovered as described below, and the output says which one was used. Errors name the
    file, line and key, and the fix. With --at the NIST IR 8547 dates are applied as of that
    day, so you can see whether the configuration still loads in 2031 or 2036.

    \b
    Examples:
      agile policy validate
      agile policy validate agile.toml --at 2036-01-01
      agile policy validate pyproject.toml --strict    # in CI
    """
    day = _day(at)
    config, origin = _load(path, day)
    names = list(config.policies)
    count = f"{len(names)} polic{'y' if len(names) == 1 else 'ies'}"
    click.echo(f"OK: {count}" + (f" ({', '.join(names)})" if names else "")
               + f" as of {day.isoformat()}")
    click.echo(f"  configuration: {origin}")
    if config.default_policy is not None:
        click.echo(f"  default_policy: {config.default_policy} (used for undefined policy names)")
    elif not names:
        click.echo("  note: no policies and no default_policy: every policy name is an error at "
                   "run time; add [policies.NAME] or default_policy")
    for warning in config.warnings:
        click.echo(f"warning: {warning}")
    if strict and config.warnings:
        n = len(config.warnings)
        raise ConfigError(f"{n} warning{'s' if n != 1 else ''} and --strict is set",
                          path=config.source, hint="choose algorithms that are not deprecated")


@policy_group.command("show", epilog=_EPILOG,
                      short_help="Show resolved policies: algorithms, accept-lists, rules.")
@click.argument("name", required=False)
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_at_option
def show_command(name: str | None, config_path: Path | None, as_json: bool,
                 at: _dt.datetime | None) -> None:
    """Show resolved policies: per family, the algorithm for new operations and the accept-list.

    Also the constraints, zone, provider preference and source file. Without NAME, every
    policy in the configuration. An undefined NAME shows the default_policy that applications
    asking for it would get (with a note on stderr), or fails if there is none.

    \b
    Examples:
      agile policy show
      agile policy show archive --config deploy/agile.toml
      agile policy show archive --json | jq '.policies.archive.families.signature'
    """
    day = _day(at)
    config, origin = _load(config_path, day)
    selected = [_resolve(config, name)] if name is not None else list(config.policies.values())
    if as_json:
        _echo_json({
            "configuration": config.source,
            "origin": origin,
            "date": day.isoformat(),
            "default_policy": config.default_policy,
            "requested": name,
            "warnings": list(config.warnings),
            "policies": {p.name: policy_record(config, p) for p in selected},
        })
        return
    click.echo(f"configuration: {origin}")
    if config.default_policy is not None:
        click.echo(f"default_policy: {config.default_policy}")
    for warning in config.warnings:
        click.echo(f"warning: {warning}")
    if not selected:
        click.echo("no policies defined")
    for pol in selected:
        click.echo("")
        click.echo(policy_text(config, pol))


@policy_group.command("explain", epilog=_EPILOG,
                      short_help="Explain a policy in plain words, with dates.")
@click.argument("name")
@_config_option
@_at_option
def explain_command(name: str, config_path: Path | None, at: _dt.datetime | None) -> None:
    """Explain a policy in plain words, for a security lead.

    For each family: what new operations use, what old data is still readable, the quantum
    class and risk of each algorithm, their NIST IR 8547 dates and what happens to this
    configuration on each date; then constraints, zone and quantum exposure.

    \b
    Examples:
      agile policy explain default
      agile policy explain archive --config agile.toml --at 2036-01-01
    """
    day = _day(at)
    config, _origin = _load(config_path, day)
    click.echo(explain_policy(config, _resolve(config, name), day))


from ._cli_keys import keys_group  # noqa: E402  (after cli: the group registers on it)

cli.add_command(keys_group)

from ._cli_scan import scan_command  # noqa: E402

cli.add_command(scan_command)

from ._cli_tls import tls_group  # noqa: E402  (after cli: the group registers on it)

cli.add_command(tls_group)

from ._cli_diff import diff_command  # noqa: E402
from ._cli_rewrap import rewrap_command  # noqa: E402

policy_group.add_command(diff_command)
cli.add_command(rewrap_command)

from ._cli_audit import audit_group  # noqa: E402

cli.add_command(audit_group)

from ._cli_qkd import qkd_group  # noqa: E402

cli.add_command(qkd_group)

from ._cli_migrate import migrate_command  # noqa: E402

cli.add_command(migrate_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``agile``); exits with the command's status."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="agile")


if __name__ == "__main__":
    main()

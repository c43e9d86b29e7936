"""``agile policy diff OLD NEW``: what a flip from configuration OLD to NEW changes.

The comparison is :func:`agile.policy.diff_configs`; keyrings are read (never written) through
:func:`agile.keyring.load_policy_keyrings`. Errors reach the root group's ``except AgileError``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .errors import PolicyViolation
from .keyring import Keyring, load_policy_keyrings
from .policy import ConfigDiff, FamilyDiff, KeyImpact, PolicyDiff, diff_configs, load_config

__all__ = ["diff_command", "diff_text"]

_DIFF_EPILOG = """\b
Keys: for each policy whose configuration names a keyring ([keyrings.NAME], keyring = "NAME"),
the keyring file is opened read-only with the key-encryption key that table names (e.g. the
passphrase in $AGILE_KEYRING_PASSPHRASE); --keyring-config takes the keyrings from another
configuration; --no-keys skips them. A keyring that cannot be opened is reported, not fatal.

\b
Exit status: 0 the diff was printed (whatever it says); 1 agile refused (invalid
configuration...) or, with --fail-on-unreadable, something stops being readable; 2 usage error."""


def _names(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def _family_lines(fam: FamilyDiff) -> list[str]:
    head = f"  {fam.family}: "
    if fam.old_algorithm != fam.new_algorithm:
        head += f"writes {fam.old_algorithm or 'nothing'} -> {fam.new_algorithm or 'nothing'}"
    else:
        head += f"still writes {fam.new_algorithm or 'nothing'}"
    out = [head]
    if fam.stops_writing:
        out.append(f"    stops being written:  {_names(fam.stops_writing)}")
    if fam.stops_reading:
        out.append(f"    STOPS BEING READABLE: {_names(fam.stops_reading)} (data under it can "
                   "no longer be opened/verified/decrypted)")
    if fam.starts_reading:
        out.append(f"    newly readable:       {_names(fam.starts_reading)}")
    if fam.still_reading:
        out.append(f"    still readable:       {_names(fam.still_reading)}")
    return out


def _policy_lines(diff: PolicyDiff) -> list[str]:
    title = "names no policy defines (default_policy)" if diff.name == "*" else \
        f"policy {diff.name!r}"
    if diff.change == "unchanged":
        return [f"{title}: unchanged"]
    out = [f"{title}: {diff.change}"]
    if diff.old_resolves_to != diff.name or diff.new_resolves_to != diff.name:
        out.append(f"  resolves to: {diff.old_resolves_to or '(error: undefined)'} -> "
                   f"{diff.new_resolves_to or '(error: undefined)'}")
    for fam in diff.families:
        out += _family_lines(fam)
    for setting in diff.settings:
        out.append(f"  {setting.setting}: {setting.old or '(none)'} -> {setting.new or '(none)'}")
    if diff.keys:
        out.append("  keys:")
        for key in diff.keys:
            label = "UNREADABLE" if key.impact is KeyImpact.UNREADABLE else "cannot be primary"
            out.append(f"    {label}: {key.kid} ({key.family} {key.algorithm}, {key.status}): "
                       f"{key.reason}")
    elif diff.keys_checked:
        out.append("  keys: none affected")
    return out


def diff_text(diff: ConfigDiff, problems: dict[str, str] | None = None) -> str:
    """The diff for people: one block per changed policy, unchanged ones on one line."""
    out = [f"policy diff: {diff.old_source} -> {diff.new_source}"]
    if diff.default_policy is not None:
        out.append(f"default_policy: {diff.default_policy.old or '(none)'} -> "
                   f"{diff.default_policy.new or '(none)'}")
    for label, why in (problems or {}).items():
        out.append(f"note: keys of keyring {label} not checked: {why}")
    for pol in diff.policies:
        out.append("")
        out += _policy_lines(pol)
    if not diff.changed:
        out.append("")
        out.append("no changes")
    return "\n".join(out)


def _unreadable(diff: ConfigDiff) -> bool:
    return any(p.stops_reading or p.keys_with(KeyImpact.UNREADABLE) for p in diff.policies)


@click.command("diff", epilog=_DIFF_EPILOG,
               short_help="What a flip from config OLD to NEW changes (algorithms, keys).")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--keyring-config", type=click.Path(path_type=Path, dir_okay=False),
              metavar="PATH", help="Open keyrings as this configuration names them "
                                   "(default: as OLD, else NEW names them).")
@click.option("--no-keys", is_flag=True, help="Do not open keyrings.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--fail-on-unreadable", is_flag=True,
              help="Exit 1 if any algorithm or key stops being readable (for CI).")
def diff_command(old: Path, new: Path, keyring_config: Path | None, no_keys: bool,
                 as_json: bool, fail_on_unreadable: bool) -> None:
    """Show what switching from configuration OLD to NEW changes, per policy and family.

    Which algorithms stop being written (the current algorithm changes), which stop being
    readable (dropped from an accept-list, or the policy disappears and its name falls to
    default_policy or to nothing), which become newly readable, and constraint, zone and
    keyring setting changes. With a keyring it can open: which keys become unreadable (their
    algorithm is no longer accepted, the policy moved or vanished, retired keys no longer
    read) and which can no longer be primary (their algorithm is no longer written).

    \b
    Examples:
      agile policy diff agile.toml agile.next.toml
      agile policy diff old.toml new.toml --json | jq '.policies.archive.keys'
      agile policy diff old.toml new.toml --fail-on-unreadable    # in CI
    """
    old_cfg, new_cfg = load_config(old), load_config(new)
    rings: dict[str, Keyring] | None = None
    problems: dict[str, str] = {}
    if not no_keys:
        sources = [load_config(keyring_config)] if keyring_config is not None else []
        rings, problems = load_policy_keyrings(*sources, old_cfg, new_cfg)
    diff = diff_configs(old_cfg, new_cfg, rings)
    if as_json:
        data = diff.to_dict()
        data["keyring_problems"] = problems
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(diff_text(diff, problems))
    if fail_on_unreadable and _unreadable(diff):
        raise PolicyViolation("the flip makes data unreadable (see above); keep the old "
                              "algorithms in accept-lists or rewrap first (`agile rewrap`)")

"""``agile keys ...``: create a keyring file and manage each policy's keys.

Handlers resolve the keyring (``--file`` or the configuration's ``[keyrings.NAME]``), call
:class:`agile.keyring.KeyringManager` and print. Errors propagate to the root group's single
``except AgileError`` (exit status 1).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from ._cli_format import table
from ._context import Context
from .errors import InvalidArgument, KeyringError
from .keyring import FileStorage, KdfParams, KeyEntry, KeyringManager, Secret, StorageBackend
from .keyring._manager import _decode_key_text, secret_from_spec
from .policy import Config, load_config
from .policy._loader import DEFAULT_PASSPHRASE_ENV

__all__ = ["keys_group"]

_FAMILIES = ["aead", "signature", "hpke", "kem", "mac"]

_KEYS_EPILOG = """\b
The keyring file is the one the policy's configuration names ([keyrings.NAME] with
path = ..., and keyring = "NAME" in [policies.POLICY]), or --file PATH. Its key-encryption
key comes from the passphrase in $AGILE_KEYRING_PASSPHRASE (or the variable/file the
configuration or --passphrase-env/--key-file names).

\b
Exit status: 0 success; 1 agile refused (wrong passphrase, damaged file, unknown key...);
2 usage error."""


def _options(func: Any) -> Any:
    func = click.option("--config", "config_path", type=click.Path(path_type=Path),
                        metavar="PATH", help="Configuration file (default: discovered).")(func)
    func = click.option("--file", "file", type=click.Path(path_type=Path), metavar="PATH",
                        help="Keyring file to use instead of the one the configuration names.")(func)
    func = click.option("--passphrase-env", metavar="VAR",
                        help=f"With --file: the variable holding the passphrase "
                             f"(default {DEFAULT_PASSPHRASE_ENV}).")(func)
    func = click.option("--key-file", type=click.Path(path_type=Path), metavar="PATH",
                        help="With --file: a file holding a 32-byte key (raw, hex or base64) "
                             "instead of a passphrase.")(func)
    return func


def _secret(passphrase_env: str | None, key_file: Path | None) -> Secret:
    if key_file is not None:
        try:
            data = key_file.read_bytes()
        except OSError as exc:
            raise KeyringError(f"cannot read {key_file}: {exc.strerror}") from None
        return Secret.raw_key(_decode_key_text(data, str(key_file)), str(key_file))
    var = passphrase_env or DEFAULT_PASSPHRASE_ENV
    value = os.environ.get(var)
    if not value:
        raise KeyringError(f"set the keyring passphrase in ${var} (or use --key-file)")
    return Secret.passphrase(value, f"${var}")


class _Target:
    """The configuration and the storage a command works on."""

    def __init__(self, config_path: Path | None, file: Path | None, passphrase_env: str | None,
                 key_file: Path | None, kdf: KdfParams | None = None) -> None:
        self.config: Config = load_config(config_path)
        self.context = Context(self.config)
        self._file = file
        self._override: StorageBackend | None = None
        if file is not None:
            self._override = FileStorage(file, secret=_secret(passphrase_env, key_file), kdf=kdf)
        elif passphrase_env or key_file:
            raise InvalidArgument("--passphrase-env and --key-file go with --file")
        self._kdf = kdf

    def storage(self, policy: str | None = None, keyring: str | None = None) -> StorageBackend:
        if self._override is not None:
            return self._override
        if keyring is None and policy is not None:
            pol = self.context.policy(policy)
            if pol.keyring is None:
                raise KeyringError(f"policy {pol.name!r} names no keyring in {pol.source}; add "
                                   "keyring = \"NAME\" and [keyrings.NAME], or pass --file")
            keyring = pol.keyring
        if keyring is None:
            if len(self.config.keyrings) != 1:
                defined = ", ".join(sorted(self.config.keyrings)) or "none"
                raise KeyringError(f"name the keyring (--keyring NAME; defined: {defined}) or "
                                   "pass --file")
            keyring = next(iter(self.config.keyrings))
        spec = self.config.keyrings.get(keyring)
        if spec is None:
            raise KeyringError(f"keyring {keyring!r} is not defined in {self.config.source}")
        return FileStorage(spec.path, secret=secret_from_spec(spec), kdf=self._kdf)

    def manager(self, policy: str) -> KeyringManager:
        return KeyringManager(self.context, self.context.policy(policy), self.storage(policy))


def _entry_line(action: str, policy: str, entry: KeyEntry) -> str:
    return (f"{action} {entry.family} key {entry.kid.hex()} ({entry.algorithm}) in policy "
            f"{policy!r}: now {entry.status}")


@click.group("keys", epilog=_KEYS_EPILOG)
def keys_group() -> None:
    """Create a keyring and manage each policy's keys (two-phase rotation).

    \b
    Examples:
      agile keys init
      agile keys generate archive          # phase 1: new key, active (readable everywhere)
      agile keys promote archive 3f2a      # phase 2: new data uses it
      agile keys rotate archive --family signature
      agile keys retire archive 91c0 && agile keys destroy archive 91c0 --yes
      agile keys list --json
    """


@keys_group.command("init", epilog=_KEYS_EPILOG, short_help="Create an empty keyring file.")
@click.option("--keyring", "keyring", metavar="NAME", help="Which [keyrings.NAME] to create.")
@click.option("--kdf-memory-kib", type=click.IntRange(8, 1 << 22), default=65536, show_default=True,
              help="Argon2id memory for the passphrase.")
@click.option("--kdf-iterations", type=click.IntRange(1, 64), default=3, show_default=True)
@click.option("--kdf-lanes", type=click.IntRange(1, 64), default=4, show_default=True)
@_options
def init_command(keyring: str | None, kdf_memory_kib: int, kdf_iterations: int, kdf_lanes: int,
                 config_path: Path | None, file: Path | None, passphrase_env: str | None,
                 key_file: Path | None) -> None:
    """Create an empty, encrypted keyring file (0600); never overwrites an existing one."""
    kdf = KdfParams(kdf_memory_kib, kdf_iterations, kdf_lanes)
    storage = _Target(config_path, file, passphrase_env, key_file, kdf).storage(keyring=keyring)
    storage.create()
    click.echo(f"created keyring {storage.name}")


def _family_option(func: Any) -> Any:
    return click.option("--family", type=click.Choice(_FAMILIES), default="aead",
                        show_default=True, help="Which key of the policy.")(func)


@keys_group.command("generate", epilog=_KEYS_EPILOG,
                    short_help="Add a new active key (phase 1 of a rotation).")
@click.argument("policy")
@_family_option
@_options
def generate_command(policy: str, family: str, config_path: Path | None, file: Path | None,
                     passphrase_env: str | None, key_file: Path | None) -> None:
    """Generate a key under the policy's current algorithm and add it as active: every reader
    can open data under it, but new data still uses the primary until you promote it."""
    entry = _Target(config_path, file, passphrase_env, key_file).manager(policy).generate(
        family=family)
    click.echo(_entry_line("generated", policy, entry))


@keys_group.command("rotate", epilog=_KEYS_EPILOG,
                    short_help="Generate a key and make it primary at once.")
@click.argument("policy")
@_family_option
@_options
def rotate_command(policy: str, family: str, config_path: Path | None, file: Path | None,
                   passphrase_env: str | None, key_file: Path | None) -> None:
    """Generate a key under the policy's current algorithm and make it primary; the old primary
    stays active, so data written under it still opens."""
    entry = _Target(config_path, file, passphrase_env, key_file).manager(policy).rotate(
        family=family)
    click.echo(_entry_line("rotated to", policy, entry))


def _kid_command(name: str, short: str, doc: str) -> None:
    @keys_group.command(name, epilog=_KEYS_EPILOG, short_help=short, help=doc)
    @click.argument("policy")
    @click.argument("kid")
    @_options
    def command(policy: str, kid: str, config_path: Path | None, file: Path | None,
                passphrase_env: str | None, key_file: Path | None, **extra: Any) -> None:
        if extra.get("yes") is False:
            raise click.UsageError("destroying a key makes its data unreadable for good; "
                                   "confirm with --yes")
        manager = _Target(config_path, file, passphrase_env, key_file).manager(policy)
        entry = getattr(manager, name)(kid)
        click.echo(_entry_line(f"{name}d" if name.endswith("e") else f"{name}ed", policy, entry))

    if name == "destroy":
        click.option("--yes", is_flag=True, help="Confirm: the key material is erased.")(command)


_kid_command("promote", "Make an active key primary (phase 2).",
             "Make an active key (KID: hex, a unique prefix of 4+ digits works) the primary key "
             "of its family; the former primary stays active.")
_kid_command("retire", "Stop using a key (reads only if read_retired).",
             "Retire a non-primary key: never used for new data; still used to read unless the "
             "policy sets read_retired = false.")
_kid_command("destroy", "Erase a retired key's material for good.",
             "Erase a retired key's material. Data protected only by it can no longer be read; "
             "its entry stays so reads fail with a clear error.")


@keys_group.command("list", epilog=_KEYS_EPILOG, short_help="List keys and their status.")
@click.argument("policy", required=False)
@click.option("--keyring", "keyring", metavar="NAME", help="Which [keyrings.NAME] to list.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_options
def list_command(policy: str | None, keyring: str | None, as_json: bool,
                 config_path: Path | None, file: Path | None, passphrase_env: str | None,
                 key_file: Path | None) -> None:
    """List keys (kid, family, algorithm, status, creation time); never key material."""
    target = _Target(config_path, file, passphrase_env, key_file)
    storage = target.storage(policy, keyring)
    keyrings = storage.load()
    rings = {name: ring for name, ring in sorted(keyrings.rings.items())
             if policy is None or name == target.context.policy(policy).name}
    if as_json:
        click.echo(json.dumps({"keyring": storage.name, "generation": keyrings.generation,
                               "policies": {name: [e.describe() for e in ring]
                                            for name, ring in rings.items()}}, indent=2))
        return
    rows = [[name, e.kid.hex(), e.family, e.algorithm, str(e.status), e.created]
            for name, ring in rings.items() for e in ring]
    click.echo(f"keyring: {storage.name}")
    click.echo(table(["POLICY", "KID", "FAMILY", "ALGORITHM", "STATUS", "CREATED"], rows)
               if rows else "no keys")


@keys_group.command("export-public", epilog=_KEYS_EPILOG,
                    short_help="Print a public key (PEM, or hex of the raw encoding).")
@click.argument("policy")
@click.argument("kid", required=False)
@click.option("--family", type=click.Choice(["signature", "hpke", "kem"]), default="signature",
              show_default=True, help="Without KID: the primary key of this family.")
@click.option("--raw", "raw", is_flag=True, help="Hex of the raw public encoding, not PEM.")
@_options
def export_public_command(policy: str, kid: str | None, family: str, raw: bool,
                          config_path: Path | None, file: Path | None,
                          passphrase_env: str | None, key_file: Path | None) -> None:
    """Print the public key of KID (default: the primary key of --family)."""
    public = _Target(config_path, file, passphrase_env, key_file).manager(policy).public_key(
        kid, family=family)
    if raw:
        click.echo(public.public_bytes().hex())
    else:
        click.echo(public.to_pem().decode().rstrip("\n"))

"""seal/sign/encrypt with the primary key; open/verify/decrypt by kid after the accept-list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import agile
from agile.errors import (
    InvalidArgument,
    KeyDestroyed,
    KeyNotFound,
    KeyRetired,
    KeyringError,
    KeyringNotConfigured,
    PolicyViolation,
)
from agile.keyring import FileStorage, Secret

from .conftest import PASSPHRASE


def test_seal_open_with_the_keyring(keyring_context: agile.Context) -> None:
    ctx = keyring_context
    ring = ctx.keyring("archive")
    first = ring.rotate()
    sealed = ctx.seal(b"one", policy="archive")
    assert agile.envelope.parse(sealed, agile.envelope.TAG_ENCRYPT0).kid == first.kid
    second = ring.rotate()
    assert ctx.open(sealed, policy="archive") == b"one"
    sealed2 = ctx.seal(b"two", policy="archive", aad=b"ctx")
    assert agile.envelope.parse(sealed2, agile.envelope.TAG_ENCRYPT0).kid == second.kid
    assert ctx.open(sealed2, policy="archive", aad=b"ctx") == b"two"
    # an explicit key still works and interoperates
    assert ctx.open(sealed, first.key(), policy="archive") == b"one"  # type: ignore[arg-type]


def test_sign_verify_encrypt_decrypt_with_the_keyring(keyring_context: agile.Context) -> None:
    ctx = keyring_context
    ring = ctx.keyring("archive")
    ring.rotate(family="signature")
    ring.rotate(family="hpke")
    signed = ctx.sign(data=b"msg", policy="archive")
    assert ctx.verify(signed=signed, policy="archive") == b"msg"
    ring.rotate(family="signature")
    assert ctx.verify(None, signed, policy="archive") == b"msg"
    detached = ctx.sign(None, b"msg", policy="archive", detached=True)
    assert ctx.verify(None, detached, policy="archive", payload=b"msg") == b"msg"
    encrypted = ctx.encrypt(data=b"secret", policy="archive")
    ring.rotate(family="hpke")
    assert ctx.decrypt(encrypted=encrypted, policy="archive") == b"secret"
    with pytest.raises(InvalidArgument):
        ctx.sign(policy="archive")


def test_two_phase_rotation_across_processes(keyring_config: Callable[..., Path]) -> None:
    cfg = agile.load_config(keyring_config())
    writer, reader = agile.Context(cfg), agile.Context(cfg)
    writer.keyring("archive").rotate()
    assert reader.open(writer.seal(b"x")) == b"x"
    new = writer.keyring("archive").generate()  # phase 1: distributed, not yet written
    assert writer.seal(b"y")  # still the old primary
    reader.keyring("archive").load()
    writer.keyring("archive").promote(new.kid)  # phase 2
    sealed = writer.seal(b"z")
    assert agile.envelope.parse(sealed, agile.envelope.TAG_ENCRYPT0).kid == new.kid
    assert reader.open(sealed) == b"z"


def test_a_reader_finds_keys_added_since_its_snapshot(keyring_config: Callable[..., Path]) -> None:
    cfg = agile.load_config(keyring_config())
    writer, reader = agile.Context(cfg), agile.Context(cfg)
    writer.keyring("archive").rotate()
    assert reader.open(writer.seal(b"a")) == b"a"  # reader loads its snapshot here
    writer.keyring("archive").rotate()
    assert reader.open(writer.seal(b"b")) == b"b"  # unknown kid: reload once, then found


def test_retired_and_destroyed(keyring_config: Callable[..., Path]) -> None:
    ctx = agile.Context(agile.load_config(keyring_config()))
    ring = ctx.keyring("archive")
    old = ring.rotate()
    sealed = ctx.seal(b"old data")
    ring.rotate()
    ring.retire(old.kid)
    assert ctx.open(sealed) == b"old data"  # read_retired defaults to true
    strict = agile.Context(agile.load_config(keyring_config("read_retired = false")))
    with pytest.raises(KeyRetired, match="read_retired"):
        strict.open(sealed)
    ring.destroy(old.kid)
    with pytest.raises(KeyDestroyed, match="destroyed"):
        ctx.open(sealed)


def test_accept_list_is_checked_before_any_key(keyring_config: Callable[..., Path],
                                               tmp_path: Path) -> None:
    ctx = agile.Context(agile.load_config(keyring_config()))
    ctx.keyring("archive").rotate()
    sealed = ctx.seal(b"data")
    flipped = tmp_path / "flipped.toml"
    flipped.write_text((tmp_path / "agile.toml").read_text().replace(
        'aead = "AES-256-GCM"', 'aead = "ChaCha20-Poly1305"'))
    after = agile.Context(agile.load_config(flipped))
    with pytest.raises(PolicyViolation, match="does not accept AES-256-GCM"):
        after.open(sealed)
    # the primary is for the old algorithm: a clear error saying how to fix it
    with pytest.raises(PolicyViolation, match="agile keys rotate archive"):
        after.seal(b"new")
    after.keyring("archive").rotate()
    assert after.open(after.seal(b"new")) == b"new"


def test_unknown_kid_and_missing_primary(keyring_context: agile.Context) -> None:
    ctx = keyring_context
    with pytest.raises(KeyNotFound, match="agile keys rotate archive --family aead"):
        ctx.seal(b"x")
    other = ctx.generate_key(policy="archive")
    with pytest.raises(KeyNotFound, match="no key"):
        ctx.open(ctx.seal(b"x", other))
    with pytest.raises(KeyNotFound, match="signature"):
        ctx.sign(data=b"x")


def test_no_keyring_configured(default_context: agile.Context) -> None:
    with pytest.raises(KeyringNotConfigured, match="has no keyring"):
        default_context.seal(b"x")
    with pytest.raises(InvalidArgument):  # what callers caught before keyrings existed
        default_context.seal(b"x")


def test_explicit_storage_for_the_context(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "k", secret=Secret.passphrase(PASSPHRASE))
    from .conftest import FAST

    storage = FileStorage(tmp_path / "k", secret=Secret.passphrase(PASSPHRASE), kdf=FAST)
    storage.create()
    ctx = agile.Context(agile.load_config(discover=False), keyring=storage)
    ctx.keyring().rotate()
    assert ctx.open(ctx.seal(b"hi")) == b"hi"


def test_config_validation(tmp_path: Path) -> None:
    def load(text: str) -> agile.Config:
        path = tmp_path / "c.toml"
        path.write_text(text)
        return agile.load_config(path)

    with pytest.raises(agile.errors.ConfigError, match="did you mean 'main'"):
        load('[keyrings.main]\npath = "k"\n[policies.p]\naead = "AES-256-GCM"\nkeyring = "mian"\n')
    with pytest.raises(agile.errors.ConfigError, match="needs path"):
        load('[keyrings.main]\npassphrase_env = "X"\n')
    with pytest.raises(agile.errors.ConfigError, match="one key-encryption key source"):
        load('[keyrings.main]\npath = "k"\npassphrase_env = "X"\nkey_file = "f"\n')
    with pytest.raises(agile.errors.ConfigError, match="did you mean 'key_file'"):
        load('[keyrings.main]\npath = "k"\nkeyfile = "f"\n')
    with pytest.raises(agile.errors.ConfigError, match="read_retired must be"):
        load('[policies.p]\naead = "AES-256-GCM"\nread_retired = "no"\n')
    cfg = load('[keyrings.main]\npath = "sub/k"\n')
    spec = cfg.keyrings["main"]
    assert spec.path == str((tmp_path / "sub/k").resolve())
    assert spec.passphrase_env == "AGILE_KEYRING_PASSPHRASE"


def test_key_env_and_key_file_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agile.keyring import secret_from_spec

    (tmp_path / "kek").write_text(("ab" * 32) + "\n")
    monkeypatch.setenv("KEK_B64", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
    path = tmp_path / "c.toml"
    path.write_text('[keyrings.a]\npath = "a"\nkey_file = "kek"\n'
                    '[keyrings.b]\npath = "b"\nkey_env = "KEK_B64"\n'
                    '[keyrings.c]\npath = "c"\npassphrase_env = "UNSET_VAR_X"\n')
    cfg = agile.load_config(path)
    assert secret_from_spec(cfg.keyrings["a"]).kind == "key"
    assert secret_from_spec(cfg.keyrings["b"]).kind == "key"
    with pytest.raises(KeyringError, match="UNSET_VAR_X is not set"):
        secret_from_spec(cfg.keyrings["c"])

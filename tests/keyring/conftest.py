"""Keyring fixtures: cheap Argon2id parameters (the default stays 64 MiB), real files in tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import agile
from agile.keyring import FileStorage, KdfParams, Secret

FAST = KdfParams(memory_cost_kib=1024, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"
FAST_INIT = ["--kdf-memory-kib", "1024", "--kdf-iterations", "1", "--kdf-lanes", "1"]

CONFIG = """\
default_policy = "archive"

[keyrings.main]
path = "keys.agilekeys"
passphrase_env = "TEST_KEYRING_PASSPHRASE"

[policies.archive]
aead = "AES-256-GCM"
signature = "ML-DSA-65"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
keyring = "main"
{extra}
"""


@pytest.fixture
def store(tmp_path: Path) -> FileStorage:
    storage = FileStorage(tmp_path / "keys.agilekeys", secret=Secret.passphrase(PASSPHRASE),
                          kdf=FAST)
    storage.create()
    return storage


@pytest.fixture
def keyring_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write agile.toml (policy "archive" on keyring "main") and create the keyring file."""
    monkeypatch.setenv("TEST_KEYRING_PASSPHRASE", PASSPHRASE)

    def factory(extra: str = "", *, create: bool = True) -> Path:
        path = tmp_path / "agile.toml"
        path.write_text(CONFIG.format(extra=textwrap.dedent(extra)), encoding="utf-8")
        if create and not (tmp_path / "keys.agilekeys").exists():
            FileStorage(tmp_path / "keys.agilekeys", secret=Secret.passphrase(PASSPHRASE),
                        kdf=FAST).create()
        return path

    return factory


@pytest.fixture
def keyring_context(keyring_config: Callable[..., Path]) -> agile.Context:
    return agile.Context(agile.load_config(keyring_config()))

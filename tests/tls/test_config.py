"""[policies.NAME.tls]: groups, signatures and min_version from config, validated at load."""

from __future__ import annotations

import threading

import pytest

import agile
from agile import tls
from agile.errors import ConfigError

from .conftest import Pki

TLS_TOML = """
[policies.server]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
accept.kem = ["SecP256r1MLKEM768"]

[policies.client]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
require = "quantum-safe"
tls = { groups = ["SecP256r1MLKEM768", "X25519MLKEM768"], signatures = ["ML-DSA-65"], min_version = "1.3" }
"""


def test_tls_table_resolves_to_registry_names() -> None:
    cfg = agile.load_config(text=TLS_TOML, path="agile.toml")
    settings = cfg.policy("client").tls
    assert settings.groups == ("SecP256r1MLKEM768", "X25519MLKEM768")
    assert settings.signatures == ("ML-DSA-65",) and settings.min_version == "1.3"
    view = tls.tls_policy(cfg.policy("client"))
    assert view.group_names == ("SecP256r1MLKEM768", "X25519MLKEM768")
    assert cfg.policy("server").tls.groups == ()  # derived from kem / key-agreement


@pytest.mark.parametrize(("body", "fragment"), [
    ('tls = { groups = ["X25519MLKEM769"] }', "did you mean"),
    ('tls = { groups = ["ML-DSA-65"] }', "is not a TLS key-exchange group"),
    ('tls = { signatures = ["AES-256-GCM"] }', "is not a TLS signature"),
    ('tls = { groups = ["x25519"] }', "quantum-safe is required"),
    ('tls = { min_version = "1.1" }', 'min_version must be "1.2" or "1.3"'),
    ('tls = { group = ["x25519"] }', "did you mean 'groups'?"),
])
def test_bad_tls_table_is_a_config_error(body: str, fragment: str) -> None:
    text = f'[policies.p]\nkem = "X25519MLKEM768"\nrequire = "quantum-safe"\n{body}\n'
    with pytest.raises(ConfigError) as info:
        agile.load_config(text=text, path="agile.toml")
    assert fragment in str(info.value)
    assert "policies.p.tls" in str(info.value)


def test_configured_group_order_is_negotiated(pki: Pki) -> None:
    cfg = agile.load_config(text=TLS_TOML, path="agile.toml")
    cert, key = pki.mldsa_server
    with tls.serve(policy=cfg.policy("server"), certfile=cert, keyfile=key) as server:
        accepted: list[tls.TLSConnection] = []
        thread = threading.Thread(target=lambda: accepted.append(server.accept(timeout=5)))
        thread.start()
        with tls.connect(*server.address, cfg.policy("client"), cafile=pki.mldsa_ca,
                         timeout=5) as conn:
            assert conn.facts.group_name == "SecP256r1MLKEM768"
        thread.join(5)
        accepted[0].close()

"""TLS 1.2 peers: a policy that allows 1.2 reads ECDHE facts from ServerKeyExchange; 1.3 refuses."""

from __future__ import annotations

import pytest

import agile
from agile import tls
from agile.audit import AuditEvent

from .conftest import POLICIES, Pki

ALLOW_12 = POLICIES + """
[policies.transition.tls]
min_version = "1.2"
"""


@pytest.fixture
def config12() -> agile.Config:
    return agile.load_config(text=ALLOW_12, path="agile.toml")


def test_transition_policy_with_tls12_reads_the_ecdhe_group_and_signature(
        pki: Pki, config12: agile.Config, openssl_tls12_server: tuple[str, int],
        events: list[AuditEvent]) -> None:
    with tls.connect(*openssl_tls12_server, "transition", config=config12, cafile=pki.ec_ca,
                     timeout=5) as conn:
        facts = conn.facts
    assert facts.version == "TLSv1.2"
    assert facts.cipher.startswith("ECDHE-ECDSA-")
    # In TLS 1.2 the group and the signature come from ServerKeyExchange, not a key share.
    assert facts.group_name == "x25519" and facts.group_code == 0x001D
    assert facts.signature_scheme == "ecdsa_secp256r1_sha256"
    assert facts.signature is not None and facts.signature.name == "ECDSA-P256-SHA256"
    assert not facts.quantum_safe_key_exchange
    event = next(e for e in events if e.operation == "tls.client")
    assert event.outcome == "classical" and event.algorithm == "x25519"


def test_tls13_minimum_refuses_a_tls12_only_server(
        pki: Pki, config: agile.Config, openssl_tls12_server: tuple[str, int]) -> None:
    with pytest.raises(tls.TLSPolicyViolation) as info:
        tls.connect(*openssl_tls12_server, "transition", config=config, cafile=pki.ec_ca,
                    timeout=5)
    message = str(info.value)
    # The diagnosis names what the server negotiates when allowed, and the rule it breaks.
    assert "the server negotiates TLSv1.2" in message
    assert "below policy 'transition''s minimum TLS 1.3" in message


def test_probe_reports_a_tls12_server(pki: Pki, config12: agile.Config,
                                      openssl_tls12_server: tuple[str, int]) -> None:
    result = tls.probe(*openssl_tls12_server, policy=config12.policy("transition"),
                       cafile=pki.ec_ca, timeout=5)
    assert (result.facts.version, result.facts.group_name) == ("TLSv1.2", "x25519")
    proto = result.as_dict()["cyclonedx"]["cryptoProperties"]["protocolProperties"]
    assert proto["version"] == "1.2"
    assert result.verdict == "pass"

"""Real handshakes over loopback: agile <-> agile (hybrid + ML-DSA), and classical peers."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

import agile
from agile import tls
from agile.algorithms import Algorithm, Family, QuantumClass, QuantumRisk
from agile.errors import PolicyViolation, Reason, UnsupportedAlgorithm
from agile.policy import Policy

from .conftest import Pki


def test_agile_client_and_server_negotiate_x25519mlkem768_with_mldsa65(
        pki: Pki, config: agile.Config, agile_server: tls.TLSServer, events: list) -> None:
    host, port = agile_server.address
    with tls.connect(host, port, "pq", config=config, cafile=pki.mldsa_ca,
                     server_hostname="localhost", timeout=5) as conn:
        conn.sendall(b"ping")
        assert conn.recv(1024) == b"ping"
        facts = conn.facts
    assert facts.version == "TLSv1.3"
    assert facts.group_name == "X25519MLKEM768" and facts.group_code == 0x11EC
    assert facts.group is not None and facts.group.quantum_class is QuantumClass.HYBRID
    assert facts.signature_scheme == "mldsa65" and facts.signature_scheme_code == 0x0905
    assert facts.signature is not None and facts.signature.name == "ML-DSA-65"
    assert facts.cipher == "TLS_AES_256_GCM_SHA384"
    assert [c.signature_algorithm for c in facts.peer_chain] == ["ML-DSA-65"]
    assert facts.peer_chain[0].key_algorithm == "ML-DSA-65"
    client = [e for e in events if e.operation == "tls.client"]
    assert client and client[0].outcome == "ok" and client[0].algorithm == "X25519MLKEM768"
    assert client[0].policy == "pq"


@pytest.mark.parametrize("group", ["SecP256r1MLKEM768", "SecP384r1MLKEM1024"])
def test_nist_curve_hybrid_groups(pki: Pki, group: str) -> None:
    cfg = agile.load_config(text=f'''
[policies.p]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
accept.kem = ["{group}"]
[policies.only]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
''')
    # The server prefers the policy order but only the NIST hybrid is in common with the client.
    only = Policy(name="only-nist", algorithms={}, accept={Family.KEM: frozenset({group}),
                                                           Family.SIGNATURE: frozenset(
                                                               {"ML-DSA-65"})})
    cert, key = pki.mldsa_server
    with tls.serve(policy=cfg.policy("p"), certfile=cert, keyfile=key) as server:
        result: list[tls.TLSConnection] = []
        thread = threading.Thread(target=lambda: result.append(server.accept(timeout=5)))
        thread.start()
        with tls.connect(*server.address, only, cafile=pki.mldsa_ca, timeout=5) as conn:
            assert conn.facts.group_name == group
        thread.join(5)
        result[0].close()
        assert result[0].facts.group_name == group


def test_transition_policy_connects_classically_to_openssl_s_server(
        pki: Pki, config: agile.Config, openssl_server: tuple[str, int], events: list) -> None:
    with tls.connect(*openssl_server, "transition", config=config, cafile=pki.ec_ca,
                     timeout=5) as conn:
        facts = conn.facts
    assert facts.group_name == "x25519" and facts.group_code == 0x001D
    assert facts.hello_retry is False  # agile sent an X25519 key share next to the hybrid one
    assert facts.signature_scheme == "ecdsa_secp256r1_sha256"
    assert facts.signature is not None and facts.signature.name == "ECDSA-P256-SHA256"
    event = next(e for e in events if e.operation == "tls.client")
    assert event.outcome == "classical" and event.algorithm == "x25519"
    assert "classical key exchange and authentication" in event.detail
    assert "transition" in event.detail


def test_transition_policy_connects_classically_to_stdlib_ssl(
        pki: Pki, config: agile.Config, stdlib_server: tuple[str, int], events: list) -> None:
    with tls.connect(*stdlib_server, "transition", config=config, cafile=pki.ec_ca,
                     timeout=5) as conn:
        conn.sendall(b"hello")
        assert conn.recv(1024) == b"hello"
        assert conn.facts.group is not None
        assert conn.facts.group.quantum_risk is QuantumRisk.VULNERABLE
    assert [e.outcome for e in events if e.operation == "tls.client"] == ["classical"]


@pytest.mark.parametrize("server", ["openssl_server", "stdlib_server"])
def test_pq_required_refuses_a_classical_server_naming_the_group(
        pki: Pki, config: agile.Config, server: str, request: pytest.FixtureRequest,
        events: list) -> None:
    address = request.getfixturevalue(server)
    with pytest.raises(PolicyViolation) as info:
        tls.connect(*address, "pq-required", config=config, cafile=pki.ec_ca, timeout=5)
    message = str(info.value)
    assert "policy 'pq-required' refused" in message
    assert "x25519" in message and "classical" in message
    assert "X25519MLKEM768" in message  # what the policy accepts
    assert isinstance(info.value, tls.TLSPolicyViolation)
    assert info.value.facts is not None and info.value.facts.group_name == "x25519"
    assert [e.outcome for e in events if e.operation.startswith("tls.")] == ["refused"]


def test_pq_server_refuses_classical_stdlib_client(pki: Pki, agile_server: tls.TLSServer,
                                                   config: agile.Config, events: list) -> None:
    ctx = ssl.create_default_context(cafile=str(pki.mldsa_ca))
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # OpenSSL 3.0 cannot verify ML-DSA; the groups fail first
    cert, key = pki.mldsa_server
    with tls.serve(policy=config.policy("pq"), certfile=cert, keyfile=key) as server:
        errors: list[BaseException] = []

        def accept() -> None:
            try:
                server.accept(timeout=5)
            except agile.AgileError as exc:
                errors.append(exc)

        thread = threading.Thread(target=accept)
        thread.start()
        with pytest.raises(ssl.SSLError), socket.create_connection(server.address, timeout=5) as raw:
            ctx.wrap_socket(raw, server_hostname="localhost")
        thread.join(5)
    assert isinstance(errors[0], PolicyViolation)
    assert "client offered only key exchange groups x25519" in str(errors[0])
    assert any(e.outcome == "refused" and e.operation == "tls.handshake" for e in events)


def test_openssl_s_client_against_pq_server_fails_cleanly(pki: Pki,
                                                          agile_server: tls.TLSServer) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        pytest.skip("no openssl command")
    host, port = agile_server.address
    out = subprocess.run([exe, "s_client", "-connect", f"{host}:{port}", "-tls1_3"],
                         input=b"", capture_output=True, timeout=15)
    assert out.returncode != 0
    assert b"alert" in out.stderr or b"handshake failure" in out.stderr


def test_classical_agile_server_serves_openssl_s_client(pki: Pki, config: agile.Config,
                                                       events: list) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        pytest.skip("no openssl command")
    cert, key = pki.ec_server
    with tls.serve(policy=config.policy("transition"), certfile=cert, keyfile=key) as server:
        got: list[tls.TLSConnection] = []
        thread = threading.Thread(target=lambda: got.append(server.accept(timeout=10)))
        thread.start()
        subprocess.run([exe, "s_client", "-connect", "{}:{}".format(*server.address),
                        "-CAfile", str(pki.ec_ca)], input=b"", capture_output=True, timeout=15)
        thread.join(10)
    assert got and got[0].facts.group_name == "x25519"
    got[0].close()
    assert any(e.operation == "tls.server" and e.outcome == "classical" for e in events)


@pytest.mark.parametrize(("leaf", "reason", "text"), [
    ("expired", "expired", "certificate has expired"),
    ("wrong_host", "hostname-mismatch", "hostname mismatch"),
])
def test_certificate_errors(pki: Pki, config: agile.Config, leaf: str, reason: str,
                            text: str) -> None:
    cert, key = getattr(pki, leaf)
    with tls.serve(policy=config.policy("pq"), certfile=cert, keyfile=key) as server:
        thread = threading.Thread(target=_swallow, args=(server,))
        thread.start()
        with pytest.raises(tls.CertificateVerificationFailed) as info:
            tls.connect(*server.address, "pq", config=config, cafile=pki.mldsa_ca,
                        server_hostname="localhost", timeout=5)
        thread.join(5)
    assert info.value.reason == reason
    assert text in str(info.value) and "localhost" not in str(info.value).split(":")[0]


def test_untrusted_certificate(pki: Pki, config: agile.Config,
                               stdlib_server: tuple[str, int]) -> None:
    with pytest.raises(tls.CertificateVerificationFailed) as info:  # trusts the ML-DSA CA only
        tls.connect(*stdlib_server, "transition", config=config, cafile=pki.mldsa_ca, timeout=5)
    assert info.value.reason == "untrusted"
    assert "unable to get local issuer certificate" in str(info.value)
    assert "agile ECDSA test CA" in str(info.value)


def _swallow(server: tls.TLSServer) -> None:
    with contextlib.suppress(agile.AgileError):
        server.accept(timeout=5).close()


def test_group_the_build_lacks(config: agile.Config) -> None:
    kyber = Algorithm(name="X25519Kyber768Draft00", family=Family.KEM,
                      quantum_class=QuantumClass.HYBRID, quantum_risk=QuantumRisk.RESISTANT,
                      nist_category=3, description="pre-standard hybrid",
                      params={"tls_group": 0x6399, "tls_group_name": "X25519Kyber768Draft00"})
    policy = Policy(name="old-draft", algorithms={Family.KEM: kyber},
                    accept={Family.SIGNATURE: frozenset({"ML-DSA-65"})})
    with pytest.raises(UnsupportedAlgorithm) as info:
        tls.client_context(policy)
    assert info.value.reason is Reason.NO_PROVIDER
    assert "X25519Kyber768Draft00 (0x6399)" in str(info.value)
    assert "cannot negotiate" in str(info.value)


def test_policy_without_tls_group_or_signature() -> None:
    cfg = agile.load_config(text='[policies.aead-only]\naead = "AES-256-GCM"\n'
                                 '[policies.no-sig]\nkem = "ML-KEM-768"\n')
    with pytest.raises(PolicyViolation, match="names no TLS key-exchange group"):
        tls.client_context("aead-only", config=cfg)
    with pytest.raises(PolicyViolation, match="no signature algorithm usable in TLS"):
        tls.client_context("no-sig", config=cfg)


def test_tls_view_of_policies(config: agile.Config) -> None:
    default = tls.tls_policy(agile.load_config(discover=False).policy("x"))
    assert default.group_names == ("X25519MLKEM768",)  # X-Wing's components map to the group
    assert default.signature_scheme_names == ("mldsa65",)
    transition = tls.tls_policy(config.policy("transition"))
    assert transition.group_names == ("X25519MLKEM768", "x25519", "secp256r1", "secp384r1")
    required = tls.tls_policy(config.policy("pq-required"))
    assert required.group_names == ("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024")
    with pytest.raises(agile.errors.InvalidArgument, match="min_version"):
        tls.tls_policy(config.policy("pq"), min_version="1.1")


def test_connection_refused_is_a_clear_error(config: agile.Config) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(tls.TLSError, match=f"cannot connect to 127.0.0.1:{port}"):
        tls.connect("127.0.0.1", port, "pq", config=config, timeout=2)

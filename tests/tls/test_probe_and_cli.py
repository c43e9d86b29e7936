"""``probe`` and the ``agile tls`` commands against real servers; certificate issuance."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509

import agile
from agile import tls
from agile.cli import cli
from agile.errors import InvalidArgument

from .conftest import POLICIES, Pki


def test_probe_agile_server(pki: Pki, config: agile.Config,
                            agile_server: tls.TLSServer) -> None:
    host, port = agile_server.address
    result = tls.probe(host, port, policy=config.policy("pq"), cafile=pki.mldsa_ca, timeout=5)
    assert (result.facts.version, result.facts.group_name) == ("TLSv1.3", "X25519MLKEM768")
    assert result.facts.signature_scheme == "mldsa65"
    assert result.trusted and result.verdict == "pass"
    component = result.as_dict()["cyclonedx"]
    proto = component["cryptoProperties"]["protocolProperties"]
    assert component["cryptoProperties"]["assetType"] == "protocol"
    assert proto["type"] == "tls" and proto["version"] == "1.3"
    assert proto["cipherSuites"][0]["name"] == "TLS_AES_256_GCM_SHA384"
    assert proto["cipherSuites"][0]["identifiers"] == ["0x13", "0x02"]
    assert "crypto/algorithm/X25519MLKEM768" in proto["cipherSuites"][0]["algorithms"]


@pytest.mark.parametrize("server", ["openssl_server", "stdlib_server"])
def test_probe_classical_servers(pki: Pki, config: agile.Config, server: str,
                                 request: pytest.FixtureRequest) -> None:
    host, port = request.getfixturevalue(server)
    result = tls.probe(host, port, policy=config.policy("pq-required"), cafile=pki.ec_ca,
                       timeout=5)
    facts = result.facts
    assert facts.version == "TLSv1.3" and facts.group_name == "x25519"
    assert facts.signature_scheme == "ecdsa_secp256r1_sha256"
    assert [c.key_algorithm for c in facts.peer_chain] == ["EC-P256"]
    assert [c.signature_algorithm for c in facts.peer_chain] == ["ECDSA-P256-SHA256"]
    assert result.trusted
    assert result.verdict == "fail"
    assert any("x25519" in p and "classical" in p for p in result.problems)
    transition = tls.probe(host, port, policy=config.policy("transition"), cafile=pki.ec_ca,
                           timeout=5)
    assert transition.verdict == "pass"


def test_probe_reports_untrusted_without_failing(pki: Pki,
                                                 stdlib_server: tuple[str, int]) -> None:
    result = tls.probe(*stdlib_server, cafile=pki.mldsa_ca, server_hostname="other.example",
                       timeout=5)
    assert not result.trusted and result.verdict == "none"
    assert result.verify_reason in ("untrusted", "hostname-mismatch")


def _write_config(tmp_path: Path) -> Path:
    path = tmp_path / "agile.toml"
    path.write_text(POLICIES, encoding="utf-8")
    return path


def test_cli_probe_json(pki: Pki, tmp_path: Path, openssl_server: tuple[str, int]) -> None:
    cfg = _write_config(tmp_path)
    host, port = openssl_server
    args = ["tls", "probe", f"{host}:{port}", "--cafile", str(pki.ec_ca), "--config", str(cfg)]
    ok = CliRunner().invoke(cli, [*args, "--policy", "transition", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["group"] == "x25519" and data["verdict"] == "pass" and data["trusted"] is True
    assert data["cyclonedx"]["cryptoProperties"]["protocolProperties"]["version"] == "1.3"
    refused = CliRunner().invoke(cli, [*args, "--policy", "pq-required"])
    assert refused.exit_code == 1
    assert "verdict    fail (policy 'pq-required')" in refused.stdout
    assert "group      x25519 (classical)" in refused.stdout


def test_cli_probe_bad_target() -> None:
    result = CliRunner().invoke(cli, ["tls", "probe", "no-port"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output


def test_cli_cert_then_serve_and_connect(tmp_path: Path, config: agile.Config) -> None:
    cfg = _write_config(tmp_path)
    run = CliRunner().invoke
    out = tmp_path / "pki"
    assert run(cli, ["tls", "cert", "ca", "--out", str(out), "--policy", "pq", "--config",
                     str(cfg)]).exit_code == 0
    result = run(cli, ["tls", "cert", "leaf", "localhost", "127.0.0.1", "--out", str(out),
                       "--policy", "pq", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert "ML-DSA-65 key, signed with ML-DSA-65" in result.output
    assert stat.S_IMODE(os.stat(out / "server.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(out / "ca.key").st_mode) == 0o600
    chain = x509.load_pem_x509_certificates((out / "server.pem").read_bytes())
    assert len(chain) == 2
    sans = chain[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    again = run(cli, ["tls", "cert", "ca", "--out", str(out), "--algorithm", "Ed25519"])
    assert again.exit_code == 1 and "--force" in again.output
    with tls.serve(policy=config.policy("pq"), certfile=out / "server.pem",
                   keyfile=out / "server.key") as server:
        thread = threading.Thread(target=lambda: server.accept(timeout=5).close())
        thread.start()
        with tls.connect(*server.address, config.policy("pq"), cafile=out / "ca.pem",
                         server_hostname="localhost", timeout=5) as conn:
            assert conn.facts.signature_scheme == "mldsa65"
        thread.join(5)


@pytest.mark.parametrize(("alg", "key_alg", "sig_alg"), [
    ("ML-DSA-44", "ML-DSA-44", "ML-DSA-44"),
    ("ECDSA-P384-SHA384", "EC-P384", "ECDSA-P384-SHA384"),
    ("Ed25519", "Ed25519", "Ed25519"),
    ("RSA-PSS-SHA256", "RSA-2048", "RSA-PSS-SHA256"),
    ("RSA-PKCS1v15-SHA256", "RSA-2048", "RSA-PKCS1v15-SHA256"),
])
def test_issue_each_signature_family(alg: str, key_alg: str, sig_alg: str) -> None:
    ca = tls.issue_ca(alg, rsa_bits=2048)
    leaf = tls.issue_certificate(ca, alg, ["example.test", "::1"], rsa_bits=2048, client=True)
    from agile.tls._facts import describe_certificate
    info = describe_certificate(leaf.certificate)
    assert (info.key_algorithm, info.signature_algorithm) == (key_alg, sig_alg)
    assert not info.self_signed and describe_certificate(ca.certificate).self_signed
    assert "PRIVATE" not in repr(leaf)


def test_issue_refuses_non_signature_and_empty_names() -> None:
    with pytest.raises(InvalidArgument, match="signature algorithm"):
        tls.issue_ca("AES-256-GCM")
    ca = tls.issue_ca("Ed25519")
    with pytest.raises(InvalidArgument, match="SANs"):
        tls.issue_certificate(ca, "Ed25519", [])


def test_import_agile_tls_is_explicit() -> None:
    code = "import sys, agile; print('OpenSSL' in sys.modules, 'agile.tls' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]


def test_exported_members() -> None:
    assert sorted(tls.__all__) == sorted(
        ["CertificateInfo", "CertificateVerificationFailed", "HandshakeFacts", "HandshakeFailed",
         "Issued", "ProbeResult", "TLSConnection", "TLSContext", "TLSError", "TLSPolicy",
         "TLSPolicyViolation", "TLSServer", "client_context", "connect", "generate_private_key",
         "issue_ca", "issue_certificate", "load_issued", "probe", "serve", "server_context",
         "tls_policy"])
    assert all(hasattr(tls, name) for name in tls.__all__)

"""TLS fixtures: a PKI on disk, policies, and real classical peers (openssl s_server, stdlib ssl).

Every server listens on an ephemeral port of 127.0.0.1; subprocesses and threads are stopped in
the fixture teardown.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import agile
from agile import tls
from agile.audit import AuditEvent, subscribe

POLICIES = """
[policies.pq]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
require = "quantum-safe"

[policies.pq-required]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
require = "quantum-safe"
accept.kem = ["SecP256r1MLKEM768", "SecP384r1MLKEM1024"]

[policies.transition]
kem = "X25519MLKEM768"
key-agreement = "X25519"
signature = "ML-DSA-65"
accept.key-agreement = ["X25519", "ECDH-P256", "ECDH-P384"]
accept.signature = ["ECDSA-P256-SHA256", "Ed25519", "RSA-PSS-SHA256"]

[policies.classical]
key-agreement = "X25519"
signature = "ECDSA-P256-SHA256"
"""


@dataclass(frozen=True)
class Pki:
    root: Path
    mldsa_ca: Path
    mldsa_server: tuple[Path, Path]
    ec_ca: Path
    ec_server: tuple[Path, Path]
    expired: tuple[Path, Path]
    wrong_host: tuple[Path, Path]
    untrusted: tuple[Path, Path]


def _leaf(root: Path, name: str, ca: tls.Issued, alg: str, names: list[str],
          **kw: object) -> tuple[Path, Path]:
    leaf = tls.issue_certificate(ca, alg, names, **kw)  # type: ignore[arg-type]
    cert, key = root / f"{name}.pem", root / f"{name}.key"
    leaf.write(cert, key)
    return cert, key


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    mldsa_ca = tls.issue_ca("ML-DSA-65", "agile ML-DSA test CA")
    ec_ca = tls.issue_ca("ECDSA-P256-SHA256", "agile ECDSA test CA")
    rogue = tls.issue_ca("ECDSA-P256-SHA256", "rogue CA")
    (root / "mldsa-ca.pem").write_bytes(mldsa_ca.certificate_pem())
    (root / "ec-ca.pem").write_bytes(ec_ca.certificate_pem())
    names = ["localhost", "127.0.0.1"]
    past = _dt.datetime.now(_dt.UTC) - _dt.timedelta(days=30)
    return Pki(
        root=root, mldsa_ca=root / "mldsa-ca.pem",
        mldsa_server=_leaf(root, "mldsa-server", mldsa_ca, "ML-DSA-65", names),
        ec_ca=root / "ec-ca.pem", ec_server=_leaf(root, "ec-server", ec_ca, "ECDSA-P256-SHA256",
                                                  names),
        expired=_leaf(root, "expired", mldsa_ca, "ML-DSA-65", names, days=1, not_before=past),
        wrong_host=_leaf(root, "wrong-host", mldsa_ca, "ML-DSA-65", ["other.example"]),
        untrusted=_leaf(root, "untrusted", rogue, "ECDSA-P256-SHA256", names),
    )


@pytest.fixture
def config() -> agile.Config:
    return agile.load_config(text=POLICIES)


@pytest.fixture
def events() -> Iterator[list[AuditEvent]]:
    seen: list[AuditEvent] = []
    unsubscribe = subscribe(seen.append)
    yield seen
    unsubscribe()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def openssl_server(pki: Pki) -> Iterator[tuple[str, int]]:
    """The system ``openssl s_server`` (OpenSSL 3.0: classical groups only), ECDSA certificate."""
    yield from _openssl_s_server(pki, [])


@pytest.fixture
def openssl_tls12_server(pki: Pki) -> Iterator[tuple[str, int]]:
    """``openssl s_server -tls1_2``: a server that speaks TLS 1.2 only (ECDHE, ECDSA)."""
    yield from _openssl_s_server(pki, ["-tls1_2"])


def _openssl_s_server(pki: Pki, extra: list[str]) -> Iterator[tuple[str, int]]:
    exe = shutil.which("openssl")
    if exe is None:
        pytest.skip("no openssl command")
    port = _free_port()
    cert, key = pki.ec_server
    proc = subprocess.Popen([exe, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert),
                             "-key", str(key), "-naccept", "20", "-quiet", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("openssl s_server did not start: " + (
                        proc.stderr.read().decode() if proc.stderr else "")) from None
                time.sleep(0.05)
        yield "127.0.0.1", port
    finally:
        proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stderr):
            if stream:
                stream.close()


@pytest.fixture
def stdlib_server(pki: Pki) -> Iterator[tuple[str, int]]:
    """Python's ``ssl`` (system OpenSSL 3.0) echo server with the ECDSA certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*pki.ec_server)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            raw.settimeout(5)
            try:
                with ctx.wrap_socket(raw, server_side=True) as conn:
                    data = conn.recv(1024)
                    if data:
                        conn.sendall(data)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[:2]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.fixture
def agile_server(pki: Pki, config: agile.Config) -> Iterator[tls.TLSServer]:
    """An agile echo server, policy ``pq``, ML-DSA-65 certificate."""
    cert, key = pki.mldsa_server
    server = tls.serve("127.0.0.1", 0, "pq", certfile=cert, keyfile=key, config=config,
                       handshake_timeout=5)

    def echo(conn: tls.TLSConnection) -> None:
        data = conn.recv(1024)
        if data:
            conn.sendall(data)

    thread = threading.Thread(target=server.serve_forever, args=(echo,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)

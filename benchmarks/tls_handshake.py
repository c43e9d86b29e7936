"""TLS 1.3 handshake time: X25519MLKEM768 + ML-DSA-65 versus X25519 + ECDSA P-256, one run.

    python benchmarks/tls_handshake.py [--rounds 15] [--n 40] [--json out.json]

Servers run in a child process (so client and server do not share an interpreter lock), the
client in this one, over loopback; each handshake is a full one (new TCP connection, no
resumption). Both configurations run through agile.tls on both sides (including the
post-handshake policy check and the audit event), and, in the same run, as plain pyOpenSSL
handshakes with the same certificates and groups and no agile code: the report separates what
the algorithms cost (the raw ratio) from what agile adds (agile/raw per configuration). Rounds
alternate the order; ratios are of medians. Goal: hybrid/classical <= 1.3 through agile.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from OpenSSL import SSL

import agile
from agile import tls
from agile.errors import AgileError

_POLICIES = """
[policies.hybrid]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
[policies.classical]
key-agreement = "X25519"
signature = "ECDSA-P256-SHA256"
"""
_CONFIGS = {"hybrid": ("ML-DSA-65", b"X25519MLKEM768", ("X25519MLKEM768", "mldsa65")),
            "classical": ("ECDSA-P256-SHA256", b"X25519", ("x25519", "ecdsa_secp256r1_sha256"))}
_CASES = ("agile hybrid", "agile classical", "raw hybrid", "raw classical")


def _files(directory: Path, policy: str) -> tuple[Path, Path, Path]:
    """(CA certificate, leaf certificate, leaf key) of ``policy``'s PKI in ``directory``."""
    return directory / f"{policy}-ca.pem", directory / f"{policy}.pem", directory / f"{policy}.key"


def _issue(directory: Path, policy: str) -> None:
    ca_file, cert, key = _files(directory, policy)
    ca = tls.issue_ca(_CONFIGS[policy][0], f"{policy} CA")
    ca_file.write_bytes(ca.certificate_pem())
    tls.issue_certificate(ca, _CONFIGS[policy][0], ["localhost", "127.0.0.1"]).write(cert, key)


def _set_groups(ctx: SSL.Context, groups: bytes) -> None:
    # pyOpenSSL has no groups setter; set1_curves_list is OpenSSL's old name of set1_groups_list.
    from OpenSSL._util import lib

    if lib.SSL_CTX_set1_curves_list(ctx._context, groups) != 1:
        raise RuntimeError(f"OpenSSL rejected groups {groups!r}")


def _raw_context(policy: str, *, server: bool, directory: Path) -> SSL.Context:
    ca_file, cert, key = _files(directory, policy)
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    _set_groups(ctx, _CONFIGS[policy][1])
    if server:
        ctx.use_certificate_file(str(cert))
        ctx.use_privatekey_file(str(key))
    else:
        ctx.load_verify_locations(str(ca_file))
        ctx.set_verify(SSL.VERIFY_PEER, lambda _c, _x, _e, _d, ok: bool(ok))
    return ctx


# -- the server process -----------------------------------------------------------------------


def _accept_forever(listener: socket.socket, handle: Callable[[socket.socket], None]) -> None:
    while True:
        try:
            sock, _ = listener.accept()
        except OSError:
            return
        with sock, contextlib.suppress(SSL.Error, OSError, AgileError):
            handle(sock)


def _raw_handshake(ctx: SSL.Context) -> Callable[[socket.socket], None]:
    def handle(sock: socket.socket) -> None:
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        conn.do_handshake()
    return handle


def serve(directory: Path) -> None:
    """Start the four servers, print their ports as JSON, serve until stdin closes."""
    config = agile.load_config(text=_POLICIES)
    ports = {}
    for policy in _CONFIGS:
        _ca, cert, key = _files(directory, policy)
        server = tls.serve(policy=config.policy(policy), certfile=cert, keyfile=key)
        ports[f"agile {policy}"] = server.address[1]
        threading.Thread(target=_agile_accept_forever, args=(server,), daemon=True).start()
        listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        ports[f"raw {policy}"] = listener.getsockname()[1]
        handle = _raw_handshake(_raw_context(policy, server=True, directory=directory))
        threading.Thread(target=_accept_forever, args=(listener, handle), daemon=True).start()
    print(json.dumps(ports), flush=True)
    sys.stdin.read()


def _agile_accept_forever(server: tls.TLSServer) -> None:
    while True:
        try:
            server.accept().close()
        except AgileError:
            continue
        except OSError:
            return


# -- the client (this process) ----------------------------------------------------------------


class _Client:
    def __init__(self, case: str, port: int, directory: Path, config: agile.Config) -> None:
        kind, policy = case.split()
        self.port, self.expect = port, _CONFIGS[policy][2]
        if kind == "agile":
            context = tls.client_context(config.policy(policy), cafile=_files(directory, policy)[0])
            self.handshake = lambda: self._agile(context)
        else:
            raw = _raw_context(policy, server=False, directory=directory)
            self.handshake = lambda: self._raw(raw)

    def _agile(self, context: tls.TLSContext) -> tuple[str, str | None]:
        with tls.connect("127.0.0.1", self.port, context=context, timeout=10) as conn:
            return conn.facts.group_name, conn.facts.signature_scheme

    def _raw(self, ctx: SSL.Context) -> tuple[str, str | None]:
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            conn = SSL.Connection(ctx, sock)
            conn.set_connect_state()
            conn.do_handshake()
            return str(conn.get_group_name()), None

    def check(self) -> None:
        group, scheme = self.handshake()
        assert group == self.expect[0] and scheme in (self.expect[1], None), (group, scheme)

    def run(self, n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            self.handshake()
        return (time.perf_counter_ns() - start) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=40, help="handshakes per round and case")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    config = agile.load_config(text=_POLICIES)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for policy in _CONFIGS:
            _issue(directory, policy)
        child = subprocess.Popen([sys.executable, __file__, "--serve", tmp],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None
            ports = json.loads(child.stdout.readline())
            clients = {case: _Client(case, ports[case], directory, config) for case in _CASES}
            for client in clients.values():
                client.check()
                client.run(5)  # warm-up
            runs: dict[str, list[float]] = {case: [] for case in _CASES}
            for i in range(args.rounds):
                for case in _CASES if i % 2 == 0 else reversed(_CASES):
                    runs[case].append(clients[case].run(args.n))
        finally:
            if child.stdin:
                child.stdin.close()
            child.wait(timeout=30)
    return _report(runs, args)


def _report(runs: dict[str, list[float]], args: argparse.Namespace) -> int:
    us = {case: round(statistics.median(times) / 1000, 1) for case, times in runs.items()}
    ratio = us["agile hybrid"] / us["agile classical"]
    raw_ratio = us["raw hybrid"] / us["raw classical"]
    result = {"hybrid_mldsa65_us": us["agile hybrid"], "x25519_ecdsa_p256_us": us["agile classical"],
              "raw_hybrid_mldsa65_us": us["raw hybrid"],
              "raw_x25519_ecdsa_p256_us": us["raw classical"],
              "ratio": round(ratio, 3), "raw_ratio": round(raw_ratio, 3),
              "agile_over_raw_hybrid": round(us["agile hybrid"] / us["raw hybrid"], 3),
              "agile_over_raw_classical": round(us["agile classical"] / us["raw classical"], 3),
              "goal": 1.3, "passed": ratio <= 1.3,
              "rounds": args.rounds, "handshakes_per_round": args.n}
    print(f"{'':28} {'agile':>10} {'raw pyOpenSSL':>14} {'agile/raw':>10}")
    for label, key in (("X25519MLKEM768 + ML-DSA-65", "hybrid"),
                       ("X25519 + ECDSA P-256", "classical")):
        print(f"{label:28} {us['agile ' + key]:>8} us {us['raw ' + key]:>11} us "
              f"{us['agile ' + key] / us['raw ' + key]:>9.3f}x")
    print(f"hybrid/classical ratio: agile {result['ratio']} (goal <= 1.3: "
          f"{'met' if result['passed'] else 'missed'}); raw pyOpenSSL {result['raw_ratio']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""TLS 1.3 handshake time: X25519MLKEM768 + ML-DSA-65 versus X25519 + ECDSA P-256, one run.

    python benchmarks/tls_handshake.py [--rounds 15] [--n 40] [--json out.json]

Both configurations run through agile.tls (pyOpenSSL on cryptography's OpenSSL), client and server
in this process over loopback; each handshake is a full one (new TCP connection, no resumption),
including agile's post-handshake policy check. The same run also times plain pyOpenSSL handshakes
with the same certificates and groups and no agile code, so the report separates what the
algorithms cost (the raw ratio) from what agile adds (agile/raw per configuration). Rounds
alternate the order; ratios are of medians. Goal: hybrid/classical <= 1.3 through agile.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from OpenSSL import SSL

import agile
from agile import tls

_POLICIES = """
[policies.hybrid]
kem = "X25519MLKEM768"
signature = "ML-DSA-65"
[policies.classical]
key-agreement = "X25519"
signature = "ECDSA-P256-SHA256"
"""
_GROUPS = {"hybrid": b"X25519MLKEM768", "classical": b"X25519"}


class _Raw:
    """Plain pyOpenSSL server and client contexts for the same certificates (no agile code)."""

    def __init__(self, setup: _Setup, policy: str) -> None:
        server = SSL.Context(SSL.TLS_METHOD)
        server.set_min_proto_version(SSL.TLS1_3_VERSION)
        server.use_certificate_file(str(setup.cert))
        server.use_privatekey_file(str(setup.key))
        self.client = SSL.Context(SSL.TLS_METHOD)
        self.client.set_min_proto_version(SSL.TLS1_3_VERSION)
        self.client.load_verify_locations(str(setup.ca))
        self.client.set_verify(SSL.VERIFY_PEER, lambda _c, _x, _e, _d, ok: bool(ok))
        for ctx in (server, self.client):
            _set_groups(ctx, _GROUPS[policy])
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, args=(server,), daemon=True).start()

    def _serve(self, ctx: SSL.Context) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with sock:
                conn = SSL.Connection(ctx, sock)
                conn.set_accept_state()
                with contextlib.suppress(SSL.Error):
                    conn.do_handshake()

    def handshake(self) -> str:
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            conn = SSL.Connection(self.client, sock)
            conn.set_connect_state()
            conn.do_handshake()
            return str(conn.get_group_name())

    def run(self, n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            self.handshake()
        return (time.perf_counter_ns() - start) / n


def _set_groups(ctx: SSL.Context, groups: bytes) -> None:
    # pyOpenSSL has no groups setter; set1_curves_list is OpenSSL's old name of set1_groups_list.
    from OpenSSL._util import lib

    if lib.SSL_CTX_set1_curves_list(ctx._context, groups) != 1:
        raise RuntimeError(f"OpenSSL rejected groups {groups!r}")


class _Setup:
    def __init__(self, directory: Path, config: agile.Config, policy: str, alg: str) -> None:
        ca = tls.issue_ca(alg, f"{policy} CA")
        leaf = tls.issue_certificate(ca, alg, ["localhost", "127.0.0.1"])
        self.ca = directory / f"{policy}-ca.pem"
        self.ca.write_bytes(ca.certificate_pem())
        self.cert, self.key = directory / f"{policy}.pem", directory / f"{policy}.key"
        leaf.write(self.cert, self.key)
        self.server = tls.serve(policy=config.policy(policy), certfile=self.cert, keyfile=self.key)
        self.client = tls.client_context(config.policy(policy), cafile=self.ca)
        threading.Thread(target=self.server.serve_forever, args=(lambda c: None,),
                         daemon=True).start()
        self.host, self.port = self.server.address

    def run(self, n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            tls.connect(self.host, self.port, context=self.client, timeout=10).close()
        return (time.perf_counter_ns() - start) / n


def _median_ns(runs: dict[str, list[float]], key: str) -> float:
    return statistics.median(runs[key])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=40, help="handshakes per round and side")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    config = agile.load_config(text=_POLICIES)
    with tempfile.TemporaryDirectory() as tmp:
        hybrid = _Setup(Path(tmp), config, "hybrid", "ML-DSA-65")
        classical = _Setup(Path(tmp), config, "classical", "ECDSA-P256-SHA256")
        with tls.connect(hybrid.host, hybrid.port, context=hybrid.client) as conn:
            assert (conn.facts.group_name, conn.facts.signature_scheme) == (
                "X25519MLKEM768", "mldsa65")
        with tls.connect(classical.host, classical.port, context=classical.client) as conn:
            assert (conn.facts.group_name, conn.facts.signature_scheme) == (
                "x25519", "ecdsa_secp256r1_sha256")
        raw_hybrid, raw_classical = _Raw(hybrid, "hybrid"), _Raw(classical, "classical")
        assert (raw_hybrid.handshake(), raw_classical.handshake()) == ("X25519MLKEM768", "x25519")
        cases: dict[str, _Setup | _Raw] = {"agile hybrid": hybrid, "agile classical": classical,
                                           "raw hybrid": raw_hybrid,
                                           "raw classical": raw_classical}
        for case in cases.values():
            case.run(5)  # warm-up
        runs: dict[str, list[float]] = {name: [] for name in cases}
        order = list(cases)
        for i in range(args.rounds):
            for name in order if i % 2 == 0 else reversed(order):
                runs[name].append(cases[name].run(args.n))
        hybrid.server.close()
        classical.server.close()
        raw_hybrid.listener.close()
        raw_classical.listener.close()
    us = {name: round(_median_ns(runs, name) / 1000, 1) for name in runs}
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

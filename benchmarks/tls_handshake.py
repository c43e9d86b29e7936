"""TLS 1.3 handshake time: X25519MLKEM768 + ML-DSA-65 versus X25519 + ECDSA P-256, one run.

    python benchmarks/tls_handshake.py [--rounds 15] [--n 40] [--json out.json]

Both configurations run through agile.tls (pyOpenSSL on cryptography's OpenSSL), client and server
in this process over loopback; each handshake is a full one (new TCP connection, no resumption),
including agile's post-handshake policy check. Rounds alternate the order; the ratio is
median(hybrid ns) / median(classical ns). Goal: <= 1.3.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

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


class _Setup:
    def __init__(self, directory: Path, config: agile.Config, policy: str, alg: str) -> None:
        ca = tls.issue_ca(alg, f"{policy} CA")
        leaf = tls.issue_certificate(ca, alg, ["localhost", "127.0.0.1"])
        self.ca = directory / f"{policy}-ca.pem"
        self.ca.write_bytes(ca.certificate_pem())
        cert, key = directory / f"{policy}.pem", directory / f"{policy}.key"
        leaf.write(cert, key)
        self.server = tls.serve(policy=config.policy(policy), certfile=cert, keyfile=key)
        self.client = tls.client_context(config.policy(policy), cafile=self.ca)
        threading.Thread(target=self.server.serve_forever, args=(lambda c: None,),
                         daemon=True).start()
        self.host, self.port = self.server.address

    def run(self, n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            tls.connect(self.host, self.port, context=self.client, timeout=10).close()
        return (time.perf_counter_ns() - start) / n


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
        hybrid.run(5), classical.run(5)  # warm-up
        h_times, c_times = [], []
        for i in range(args.rounds):
            pair = (hybrid, classical) if i % 2 == 0 else (classical, hybrid)
            for setup in pair:
                (h_times if setup is hybrid else c_times).append(setup.run(args.n))
        hybrid.server.close()
        classical.server.close()
    h, c = statistics.median(h_times), statistics.median(c_times)
    result = {"hybrid_mldsa65_us": round(h / 1000, 1), "x25519_ecdsa_p256_us": round(c / 1000, 1),
              "ratio": round(h / c, 3), "goal": 1.3, "passed": h / c <= 1.3,
              "rounds": args.rounds, "handshakes_per_round": args.n}
    print(f"X25519MLKEM768 + ML-DSA-65 : {result['hybrid_mldsa65_us']:>8} us/handshake")
    print(f"X25519 + ECDSA P-256       : {result['x25519_ecdsa_p256_us']:>8} us/handshake")
    print(f"ratio {result['ratio']} (goal <= 1.3): {'met' if result['passed'] else 'missed'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""agile over the oqs provider against direct liboqs-python calls: median ratios, one process.

    OQS_INSTALL_PATH=/path/to/liboqs python benchmarks/oqs_provider.py [--quick] [--json out.json] [--check]

Same method as benchmarks/run.py (interleaved rounds, calibrated batches, GC off). The agile side
runs with a policy that prefers the oqs provider; the raw side calls liboqs-python's
``KeyEncapsulation`` / ``Signature`` objects directly. Exits 2 when liboqs is unavailable.
(Not named oqs.py: the script's directory comes first on sys.path and would shadow ``oqs``.)
See benchmarks/README.md.
"""

from __future__ import annotations

import os
import sys

from run import FULL, QUICK, Case, environment, finish, measure_all, parse_args

import agile
from agile import providers

POLICY = """
[policies.oqs]
kem = "ML-KEM-768"
signature = "ML-DSA-65"
providers = ["oqs"]
"""


def _mlkem(ctx: agile.Context, oqs: object, target: float) -> Case:
    key = ctx.generate_keypair(policy="oqs", family="kem")
    pub = key.public_key()
    raw = oqs.KeyEncapsulation("ML-KEM-768")  # type: ignore[attr-defined]
    raw_pub = raw.generate_keypair()

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.decapsulate(key, ctx.encapsulate(pub, policy="oqs")[1], policy="oqs")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            raw.decap_secret(raw.encap_secret(raw_pub)[0])

    shared, ct = ctx.encapsulate(pub, policy="oqs")
    assert key.provider == "oqs" and ctx.decapsulate(key, ct, policy="oqs") == shared
    return Case("encaps+decaps ML-KEM-768 (ctx.encapsulate/decapsulate)", agile_loop, raw_loop,
                target)


def _mldsa(ctx: agile.Context, oqs: object, target: float, *, cose: bool) -> Case:
    msg = os.urandom(1024)
    key = ctx.generate_keypair(policy="oqs", family="signature")
    pub = key.public_key()
    signer = oqs.Signature("ML-DSA-65")  # type: ignore[attr-defined]
    verifier = oqs.Signature("ML-DSA-65")  # type: ignore[attr-defined]
    raw_pub = signer.generate_keypair()

    if cose:
        def agile_loop(n: int) -> None:
            for _ in range(n):
                ctx.verify(pub, ctx.sign(key, msg, policy="oqs"), policy="oqs")
    else:
        def agile_loop(n: int) -> None:
            for _ in range(n):
                ctx.raw.verify(pub, ctx.raw.sign(key, msg, policy="oqs"), msg, policy="oqs")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            if not verifier.verify(msg, signer.sign(msg), raw_pub):
                raise AssertionError("liboqs signature did not verify")

    assert key.provider == "oqs"
    agile_loop(1)
    name = ("sign+verify ML-DSA-65 1 KiB, COSE_Sign1 (ctx.sign/verify)" if cose else
            "sign+verify ML-DSA-65 1 KiB, raw (ctx.raw.sign/verify)")
    # signing is randomized with rejection sampling: long batches average the variation
    return Case(name, agile_loop, raw_loop, target, batch_scale=20, rounds_scale=0.5)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0] if __doc__ else None)
    settings = QUICK if args.quick else FULL

    provider = providers.get("oqs")
    if not provider.algorithms():
        reason = provider.unavailable_reason("HQC-1")  # type: ignore[attr-defined]
        print(f"liboqs is not available: {reason}", file=sys.stderr)
        return 2
    import oqs

    ctx = agile.Context(agile.load_config(text=POLICY, path="bench-oqs.toml"))
    env = {**environment(), "liboqs": oqs.oqs_version(), "liboqs-python": oqs.oqs_python_version()}
    print(f"agile {env['agile']} over liboqs {env['liboqs']} (liboqs-python "
          f"{env['liboqs-python']}); {settings.rounds} rounds", flush=True)
    cases = [_mlkem(ctx, oqs, 1.10), _mldsa(ctx, oqs, 1.10, cose=False),
             _mldsa(ctx, oqs, 1.10, cose=True)]
    return finish(measure_all(cases, settings), args, env, settings)

if __name__ == "__main__":
    sys.exit(main())

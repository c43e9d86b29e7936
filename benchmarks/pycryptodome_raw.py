"""agile.raw for migrated PyCryptodome code against PyCryptodome itself: median ratios.

    python benchmarks/pycryptodome_raw.py [--quick] [--json out.json] [--check]

Same method as benchmarks/run.py (interleaved rounds, calibrated batches, GC off). The agile side
is what ``agile migrate`` writes for PyCryptodome code (``agile.raw.encrypt_detached`` /
``decrypt_detached``, ``agile.raw.sign`` / ``verify`` on the PyCryptodome ``RsaKey``); the raw side
is the PyCryptodome code it replaces. The last case is the one-time price of a PyCryptodome key
object's first use (DER export and pyca's key validation), which the per-object cache then saves.
See benchmarks/README.md.
"""

from __future__ import annotations

import os
import sys

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15
from run import FULL, QUICK, Case, environment, finish, measure_all, parse_args

import agile

POLICY = """
[policies.aes-256-gcm]
aead = "AES-256-GCM"

[policies.rsa-pkcs1v15-sha256]
signature = "RSA-PKCS1v15-SHA256"
"""


def _gcm(ctx: agile.Context, target: float) -> Case:
    key, nonce, aad, data = os.urandom(32), os.urandom(12), os.urandom(16), os.urandom(1024)

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ct, tag = ctx.raw.encrypt_detached(key, nonce, data, aad, policy="aes-256-gcm")
            ctx.raw.decrypt_detached(key, nonce, ct, tag, aad, policy="aes-256-gcm")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
            cipher.update(aad)
            ct, tag = cipher.encrypt_and_digest(data)
            cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
            cipher.update(aad)
            cipher.decrypt_and_verify(ct, tag)

    return Case("AES-256-GCM encrypt+decrypt 1 KiB (raw.encrypt_detached)", agile_loop, raw_loop,
                target)


def _pkcs1(ctx: agile.Context, key: RSA.RsaKey, target: float) -> Case:
    msg, public = os.urandom(1024), key.public_key()

    def agile_loop(n: int) -> None:
        for _ in range(n):
            sig = ctx.raw.sign(key, msg, policy="rsa-pkcs1v15-sha256")
            ctx.raw.verify(public, sig, msg, policy="rsa-pkcs1v15-sha256", raises=ValueError)

    def raw_loop(n: int) -> None:
        for _ in range(n):
            sig = pkcs1_15.new(key).sign(SHA256.new(msg))
            pkcs1_15.new(public).verify(SHA256.new(msg), sig)

    return Case("RSA-2048 PKCS#1 v1.5 sign+verify 1 KiB, PyCryptodome key", agile_loop, raw_loop,
                target, batch_scale=4, rounds_scale=0.3)


def _first_use(ctx: agile.Context, key: RSA.RsaKey, target: float) -> Case:
    msg = os.urandom(64)
    der = key.export_key(format="DER")

    def agile_loop(n: int) -> None:
        for _ in range(n):  # a new key object each time: the cache cannot help
            ctx.raw.sign(RSA.import_key(der), msg, policy="rsa-pkcs1v15-sha256")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            pkcs1_15.new(RSA.import_key(der)).sign(SHA256.new(msg))

    return Case("RSA-2048 sign with a new PyCryptodome key object (first use)", agile_loop,
                raw_loop, target, batch_scale=10, rounds_scale=0.1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0] if __doc__ else None)
    settings = QUICK if args.quick else FULL
    import Crypto

    ctx = agile.Context(agile.load_config(text=POLICY, path="bench-pycryptodome.toml"))
    env = {**environment(), "pycryptodome": Crypto.__version__}
    print(f"agile {env['agile']} against PyCryptodome {env['pycryptodome']}; "
          f"{settings.rounds} rounds", flush=True)
    key = RSA.generate(2048)
    cases = [_gcm(ctx, 1.10), _pkcs1(ctx, key, 1.10), _first_use(ctx, key, 6.0)]
    return finish(measure_all(cases, settings), args, env, settings)


if __name__ == "__main__":
    sys.exit(main())

"""agile against raw pyca ``cryptography``: one process, interleaved rounds, median ratios.

    python benchmarks/run.py [--quick] [--json out.json] [--check]

Each case pairs an agile operation with the raw ``cryptography`` calls it stands for. A round
times ``n`` iterations of one side, then ``n`` of the other (the order alternates every round);
the ratio is median(agile ns/op) / median(raw ns/op) over all rounds. The report always exits 0;
``--check`` exits 1 when a target is missed. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import cryptography
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import agile

Loop = Callable[[int], None]
"""Runs one operation ``n`` times (the loop lives inside, so no per-call wrapper is timed)."""

HEAVY_MODULES = ("libcst", "OpenSSL", "click")  # top-level packages; plus agile.cli itself


@dataclass(frozen=True)
class Case:
    name: str
    agile: Loop
    raw: Loop | None
    target: float  # a ratio, or ns/op when ``absolute``
    absolute: bool = False
    batch_scale: float = 1.0  # longer batches for slow, high-variance operations
    rounds_scale: float = 1.0  # ... and fewer rounds, to keep the run short


@dataclass(frozen=True)
class Result:
    case: str
    agile_ns: float | None
    raw_ns: float | None
    ratio: float | None  # median(agile) / median(raw)
    paired_ratio_p25: float | None  # quartiles of the per-round agile/raw ratios (noise gauge)
    paired_ratio_p75: float | None
    target: str
    passed: bool
    iterations: int = 0
    rounds: int = 0
    note: str = ""


@dataclass(frozen=True)
class Settings:
    rounds: int
    warmup: int
    batch_ns: int  # calibrate ``n`` so one side's batch takes about this long


FULL = Settings(rounds=201, warmup=5, batch_ns=5_000_000)
QUICK = Settings(rounds=9, warmup=1, batch_ns=300_000)


def _bench_config() -> agile.Config:
    """An explicit config: ``archive`` seals with AES-256-GCM, the rest are today's defaults."""
    defaults = agile.load_config(discover=False).policy("default")
    hpke_alg = defaults.algorithm("hpke").name
    sig_alg = defaults.algorithm("signature").name
    if (hpke_alg, sig_alg) != ("HPKE-MLKEM768X25519-SHA256-A256GCM", "ML-DSA-65"):
        raise SystemExit(f"the built-in defaults changed to {hpke_alg} / {sig_alg}; update the raw "
                         "baselines in benchmarks/run.py to match")
    text = (f'[policies.archive]\naead = "AES-256-GCM"\nhpke = "{hpke_alg}"\n'
            f'signature = "{sig_alg}"\n'
            '[policies.hybrid]\nkem = "MLKEM768-X25519"\nsignature = "MLDSA65-Ed25519-SHA512"\n'
            'require = "hybrid"\n')
    return agile.load_config(text=text, path="bench.toml")


def _seal_open(ctx: agile.Context, size: int, target: float) -> Case:
    pt = os.urandom(size)
    key = ctx.generate_key(policy="archive")
    aes = AESGCM(os.urandom(32))

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.open(ctx.seal(pt, key, policy="archive"), key, policy="archive")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            nonce = os.urandom(12)
            aes.decrypt(nonce, aes.encrypt(nonce, pt, None), None)

    assert ctx.open(ctx.seal(pt, key, policy="archive"), key, policy="archive") == pt
    label = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
    return Case(f"seal+open {label}", agile_loop, raw_loop, target)


def _hpke(ctx: agile.Context, target: float) -> Case:
    pt = os.urandom(1024)
    priv = ctx.generate_keypair(policy="archive", family="hpke")
    pub = priv.public_key()
    suite = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    raw_priv = hpke.MLKEM768X25519PrivateKey(mlkem.MLKEM768PrivateKey.generate(),
                                             x25519.X25519PrivateKey.generate())
    raw_pub = raw_priv.public_key()
    info = b"agile-benchmark-hpke-info-string!"  # about the size of agile's Enc_structure

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.decrypt(priv, ctx.encrypt(pub, pt, policy="archive"), policy="archive")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            suite.decrypt(suite.encrypt(pt, raw_pub, info=info), raw_priv, info=info)

    assert ctx.decrypt(priv, ctx.encrypt(pub, pt, policy="archive"), policy="archive") == pt
    assert suite.decrypt(suite.encrypt(pt, raw_pub, info=info), raw_priv, info=info) == pt
    return Case("encrypt+decrypt HPKE-MLKEM768X25519 1 KiB", agile_loop, raw_loop, target,
                batch_scale=4, rounds_scale=0.5)


def _mldsa(ctx: agile.Context, target: float) -> Case:
    msg = os.urandom(1024)
    key = ctx.generate_keypair(policy="archive")
    pub = key.public_key()
    raw_key = mldsa.MLDSA65PrivateKey.generate()
    raw_pub = raw_key.public_key()

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.verify(pub, ctx.sign(key, msg, policy="archive"), policy="archive")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            raw_pub.verify(raw_key.sign(msg), msg)

    assert ctx.verify(pub, ctx.sign(key, msg, policy="archive"), policy="archive") == msg
    # ML-DSA signing is randomized with rejection sampling: single signatures vary a lot in
    # time, so each batch averages ~80 of them.
    return Case("sign+verify ML-DSA-65 1 KiB", agile_loop, raw_loop, target,
                batch_scale=20, rounds_scale=0.5)


def _xwing(ctx: agile.Context, target: float) -> Case:
    """X-Wing encapsulate+decapsulate vs the sum of its raw component operations."""
    key = ctx.generate_keypair(policy="hybrid", family="kem")
    pub = key.public_key()
    m_priv = mlkem.MLKEM768PrivateKey.generate()
    m_pub = m_priv.public_key()
    x_pub = x25519.X25519PrivateKey.generate().public_key()

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.decapsulate(key, ctx.encapsulate(pub, policy="hybrid")[1], policy="hybrid")

    def raw_loop(n: int) -> None:  # ML-KEM encaps+decaps, X25519 ephemeral keygen + 2 exchanges
        for _ in range(n):
            _, ct = m_pub.encapsulate()
            m_priv.decapsulate(ct)
            eph = x25519.X25519PrivateKey.generate()
            eph.exchange(x_pub)
            eph.exchange(eph.public_key())

    shared, ct = ctx.encapsulate(pub, policy="hybrid")
    assert ctx.decapsulate(key, ct, policy="hybrid") == shared
    return Case("encaps+decaps X-Wing (MLKEM768-X25519)", agile_loop, raw_loop, target,
                batch_scale=2)


def _composite(ctx: agile.Context, target: float) -> Case:
    """Composite ML-DSA-65 + Ed25519 COSE sign+verify vs its two raw components."""
    msg = os.urandom(1024)
    key = ctx.generate_keypair(policy="hybrid")
    pub = key.public_key()
    m_key, e_key = mldsa.MLDSA65PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    m_pub, e_pub = m_key.public_key(), e_key.public_key()

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.verify(pub, ctx.sign(key, msg, policy="hybrid"), policy="hybrid")

    def raw_loop(n: int) -> None:
        for _ in range(n):
            m_pub.verify(m_key.sign(msg), msg)
            e_pub.verify(e_key.sign(msg), msg)

    assert ctx.verify(pub, ctx.sign(key, msg, policy="hybrid"), policy="hybrid") == msg
    return Case("sign+verify MLDSA65-Ed25519-SHA512 1 KiB", agile_loop, raw_loop, target,
                batch_scale=20, rounds_scale=0.5)


def _keyring_seal(target: float) -> Case:
    """seal 1 KiB with the keyring's primary key (key=None) vs with the same key passed in."""
    from agile.keyring import FileStorage, KdfParams, Secret

    folder = tempfile.mkdtemp(prefix="agile-bench-")
    atexit.register(shutil.rmtree, folder, True)
    store = FileStorage(os.path.join(folder, "keys.agilekeys"),
                        secret=Secret.passphrase("benchmark"),
                        kdf=KdfParams(memory_cost_kib=1024, iterations=1, lanes=1))
    store.create()
    ctx = agile.Context(agile.load_config(text='[policies.archive]\naead = "AES-256-GCM"\n',
                                          path="bench.toml"), keyring=store)
    entry = ctx.keyring("archive").rotate(family="aead")
    key = entry.key()
    pt = os.urandom(1024)

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.seal(pt, policy="archive")

    def raw_loop(n: int) -> None:  # the baseline here is agile with an explicit key
        for _ in range(n):
            ctx.seal(pt, key, policy="archive")

    assert ctx.open(ctx.seal(pt, policy="archive"), key, policy="archive") == pt
    return Case("seal 1 KiB: keyring primary vs explicit key", agile_loop, raw_loop, target)


def _audit_cost(ctx: agile.Context, target: float) -> Case:
    """The audit work in one seal (count + 'is anyone listening?'), as a share of a 1 KiB seal.

    The agile side runs exactly the statements seal runs for audit, the raw side one seal; the
    ratio is that cost relative to the seal (target: under 2 %).
    """
    from agile import audit

    key = ctx.generate_key(policy="archive")
    pt = os.urandom(1024)
    ctx.seal(pt, key, policy="archive")
    tally = audit.tally("seal", "archive", "AES-256-GCM", "pyca")

    def agile_loop(n: int) -> None:
        for _ in range(n):
            tally.count += 1
            if audit.gate.get(20) is not False:
                audit.record_event(tally, key.kid)

    def raw_loop(n: int) -> None:
        for _ in range(n):
            ctx.seal(pt, key, policy="archive")

    return Case("audit share of a 1 KiB seal (no subscribers)", agile_loop, raw_loop, target)


def _policy(ctx: agile.Context, target_ns: float) -> Case:
    ctx.policy("archive")  # resolve once; the case measures the cached lookup

    def agile_loop(n: int) -> None:
        for _ in range(n):
            ctx.policy("archive")

    return Case('ctx.policy("archive") (cached)', agile_loop, None, target_ns, absolute=True)


def build_cases() -> list[Case]:
    ctx = agile.Context(_bench_config())
    return [
        _seal_open(ctx, 64, 1.25),
        _seal_open(ctx, 1024, 1.15),
        _seal_open(ctx, 64 * 1024, 1.05),
        _hpke(ctx, 1.15),
        _mldsa(ctx, 1.05),
        _xwing(ctx, 1.15),
        _composite(ctx, 1.10),
        _keyring_seal(1.05),
        _audit_cost(ctx, 0.02),
        _policy(ctx, 1000.0),
    ]


def _time(loop: Loop, n: int) -> float:
    start = time.perf_counter_ns()
    loop(n)
    return (time.perf_counter_ns() - start) / n


def _calibrate(loop: Loop, batch_ns: int) -> int:
    n = 1
    while True:
        per_op = _time(loop, n)
        if per_op * n >= batch_ns / 4 or n >= 1 << 22:
            return max(1, round(batch_ns / per_op))
        n *= 2


def measure_all(cases: Iterable[Case], settings: Settings) -> list[Result]:
    """``measure`` each case in turn, saying on stderr when each is done."""
    results = []
    for case in cases:
        results.append(measure(case, settings))
        print(f"  measured {case.name}", file=sys.stderr, flush=True)
    return results


def measure(case: Case, settings: Settings) -> Result:
    n = _calibrate(case.raw or case.agile, round(settings.batch_ns * case.batch_scale))
    rounds = max(3, round(settings.rounds * case.rounds_scale)) | 1  # odd: a true median
    sides = [case.agile] if case.raw is None else [case.agile, case.raw]
    for _ in range(settings.warmup):
        for side in sides:
            side(n)
    times: list[list[float]] = [[] for _ in sides]
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(rounds):
            order = range(len(sides)) if i % 2 == 0 else reversed(range(len(sides)))
            for j in order:
                times[j].append(_time(sides[j], n))
    finally:
        if gc_was_enabled:
            gc.enable()
    agile_ns = statistics.median(times[0])
    if case.absolute:
        return Result(case.name, agile_ns, None, None, None, None, f"< {case.target:g} ns",
                      agile_ns < case.target, n, rounds)
    raw_ns = statistics.median(times[1])
    ratio = agile_ns / raw_ns
    paired = sorted(a / r for a, r in zip(times[0], times[1], strict=True))
    q = statistics.quantiles(paired, n=4) if len(paired) > 1 else [paired[0]] * 3
    return Result(case.name, agile_ns, raw_ns, ratio, q[0], q[2], f"<= {case.target:.2f}x",
                  ratio <= case.target, n, rounds)


def import_check() -> Result:
    """``import agile`` in a fresh interpreter must not load libcst, pyOpenSSL, click, agile.cli."""
    code = ("import json, sys, time; t = time.perf_counter(); import agile; "
            "dt = time.perf_counter() - t; print(json.dumps({'seconds': dt, 'heavy': sorted("
            f"m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r} or m == 'agile.cli'"
            ")}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    heavy: list[str] = found["heavy"]
    roots = sorted({m.split(".")[0] if m != "agile.cli" else m for m in heavy})
    return Result("import agile (fresh process)", found["seconds"] * 1e9, None, None, None, None,
                  "no libcst/OpenSSL/click/agile.cli", not heavy,
                  note="imported: " + ", ".join(roots) if roots else "none of them imported")


def _fmt_ns(ns: float | None) -> str:
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} us"
    return f"{ns:.0f} ns"


def render(results: list[Result]) -> str:
    header = ("case", "agile", "raw", "ratio", "paired IQR", "target", "result")
    rows = [header]
    for r in results:
        iqr = ("-" if r.paired_ratio_p25 is None or r.paired_ratio_p75 is None
               else f"{r.paired_ratio_p25:.3f}-{r.paired_ratio_p75:.3f}")
        rows.append((r.case, _fmt_ns(r.agile_ns), _fmt_ns(r.raw_ns),
                     "-" if r.ratio is None else f"{r.ratio:.3f}x", iqr, r.target,
                     "pass" if r.passed else "FAIL"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.extend(f"  {r.case}: {r.note}" for r in results if r.note)
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "cryptography": cryptography.__version__, "agile": agile.__version__,
            "platform": platform.platform(), "machine": platform.machine(),
            "cpus": os.cpu_count()}


def parse_args(argv: list[str] | None, description: str | None) -> argparse.Namespace:
    """The options every ratio benchmark takes: --quick, --json PATH, --check."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a few-second smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    return parser.parse_args(argv)


def finish(results: list[Result], args: argparse.Namespace, env: dict[str, Any],
           settings: Settings) -> int:
    """Print the table, write --json, report missed targets; the exit status (1: --check missed)."""
    print(render(results))
    if args.json:
        payload = {"environment": env, "settings": asdict(settings), "quick": args.quick,
                   "results": [asdict(r) for r in results]}
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
            fh.write("\n")
    missed = [r.case for r in results if not r.passed]
    if missed:
        print(f"missed {len(missed)} target(s): " + "; ".join(missed))
    return 1 if args.check and missed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0] if __doc__ else None)
    settings = QUICK if args.quick else FULL

    env = environment()
    print(f"agile {env['agile']} / cryptography {env['cryptography']} / {env['implementation']} "
          f"{env['python']} on {env['machine']} ({env['cpus']} CPUs); {settings.rounds} rounds "
          f"(fewer, longer ones for slow cases), "
          f"~{settings.batch_ns / 1e6:g} ms batches{' (quick)' if args.quick else ''}", flush=True)
    results = measure_all(build_cases(), settings)
    results.append(import_check())
    return finish(results, args, env, settings)

if __name__ == "__main__":
    sys.exit(main())

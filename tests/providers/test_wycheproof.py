"""Wycheproof conformance: public test vectors through every provider that offers the algorithm.

One test per (provider, vector file) runs every case of the file and reports all failures, each
with its tcId. Semantics: "valid" must succeed with the expected output; "invalid" must be rejected
with an agile error; "acceptable" may go either way. A foreign (non-agile) exception fails any case.
Cases the provider API cannot express (other IV or tag sizes, expanded ML-KEM/ML-DSA private keys,
an externally computed mu, DER/PEM/JWK key encodings) are counted as not applicable, with a reason.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from agile import algorithms, providers
from agile.errors import AgileError, InvalidSignature
from agile.keys import load_private_key, load_public_key

from .. import vectors

Case = vectors.WycheproofCase
Memo = dict[Any, tuple[bool, Any]]

_DIGEST_SIZE = {"SHA-256": 32, "SHA-384": 48, "SHA-512": 64}
_REGISTRY = frozenset(a.name for a in algorithms.all_algorithms())


class NotApplicable(Exception):
    """The case cannot be expressed through the provider API; the message says why."""


class Mismatch(Exception):
    """An operation succeeded but gave the wrong output (or accepted what it must refuse)."""


# --- small helpers -------------------------------------------------------------------------------


def expect(actual: bytes, expected: bytes, what: str) -> None:
    if actual != expected:
        raise Mismatch(f"{what}: got {actual.hex()[:48]}..., expected {expected.hex()[:48]}...")


def expect_rejected(op: Callable[[], object], what: str) -> None:
    """``op`` must raise an agile error (a foreign one propagates and fails the case)."""
    try:
        op()
    except AgileError:
        return
    raise Mismatch(f"{what} was accepted")


def must_pass(what: str, op: Callable[[], Any]) -> Any:
    """Run one step of a valid case, naming the step if it is rejected."""
    try:
        return op()
    except AgileError as exc:
        raise Mismatch(f"{what} failed: {type(exc).__name__}: {exc}") from exc


def once(memo: Memo, key: Any, make: Callable[[], Any]) -> Any:
    """``make()`` computed once per test (e.g. one key per test group); errors are replayed."""
    if key not in memo:
        try:
            memo[key] = (True, make())
        except Exception as exc:
            memo[key] = (False, exc)
    ok, value = memo[key]
    if not ok:
        raise value
    return value


# --- handlers: one per vector schema; each runs one case, raising on rejection or mismatch ---------

Handler = Callable[[Any, str, Case, Memo], None]


def aead(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    if (case.group["ivSize"], case.group["tagSize"]) != (96, 128) and case.result != "invalid":
        raise NotApplicable("agile AEADs take 12-byte nonces and 16-byte tags")
    cipher = scheme.new(case.raw("key"))
    iv, aad, sealed = case.raw("iv"), case.raw("aad"), case.raw("ct") + case.raw("tag")
    if case.result != "invalid":
        expect(cipher.encrypt(iv, case.raw("msg"), aad), sealed, "ciphertext||tag")
    expect(cipher.decrypt(iv, sealed, aad), case.raw("msg"), "plaintext")


def hmac(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    full = 8 * _DIGEST_SIZE[str(algorithms.get(alg).params["hash"])]
    if case.group["tagSize"] != full and case.result != "invalid":
        raise NotApplicable("truncated HMAC tags: agile MACs use the full-length tag")
    key, msg, tag = case.raw("key"), case.raw("msg"), case.raw("tag")
    if case.result != "invalid":
        expect(scheme.mac(key, msg), tag, "tag")
    scheme.verify(key, msg, tag)


def hkdf(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    ikm, salt, info, size = case.raw("ikm"), case.raw("salt"), case.raw("info"), case.test["size"]
    okm = scheme.derive(ikm, length=size, salt=salt, info=info)
    expect(okm, case.raw("okm"), "okm")
    if not salt:  # RFC 5869: an absent salt is the same as an empty one
        expect(scheme.derive(ikm, length=size, salt=None, info=info), okm, "okm with salt=None")


def x25519(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    private = scheme.private_from_bytes(case.raw("private"))
    public = scheme.public_from_bytes(case.raw("public"))
    expect(scheme.exchange(private, public), case.raw("shared"), "shared secret")


def x25519_encoded(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    """DER/PEM keys go through agile's key loaders, then the provider's exchange."""
    if "jwk" in case.file:
        raise NotApplicable("agile has no JWK key loader")
    if "pem" in case.file:
        private_data, public_data = case.test["private"].encode(), case.test["public"].encode()
    else:
        private_data, public_data = case.raw("private"), case.raw("public")
    provider = next(p for p in providers.all_providers()
                    if alg in p.algorithms() and p.scheme(alg) is scheme)
    private = load_private_key(private_data).native_for(provider)
    public = load_public_key(public_data).native_for(provider)
    expect(scheme.exchange(private, public), case.raw("shared"), "shared secret")


def _group_public(scheme: Any, case: Case, memo: Memo, field_name: str) -> Any:
    return once(memo, ("public", id(case.group)),
                lambda: scheme.public_from_bytes(case.group_raw(field_name)))


def eddsa(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    public = _group_public(scheme, case, memo, "publicKey.pk")
    scheme.verify(public, case.raw("sig"), case.raw("msg"), None)


def ecdsa_der(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    public = _group_public(scheme, case, memo, "publicKey.uncompressed")
    scheme.verify(public, case.raw("sig"), case.raw("msg"), None)


def ecdsa_p1363(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    public = _group_public(scheme, case, memo, "publicKey.uncompressed")
    sig, n = case.raw("sig"), (case.group["publicKey"]["keySize"] + 7) // 8
    if len(sig) != 2 * n:  # the caller's r||s -> DER conversion refuses a wrong length
        raise InvalidSignature()
    der = encode_dss_signature(int.from_bytes(sig[:n], "big"), int.from_bytes(sig[n:], "big"))
    scheme.verify(public, der, case.raw("msg"), None)


def rsa_verify(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    public = _group_public(scheme, case, memo, "publicKeyDer")
    scheme.verify(public, case.raw("sig"), case.raw("msg"), None)


def rsa_sign(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    """PKCS#1 v1.5 signing is deterministic: our signature must equal the vector's."""
    private = once(memo, ("private", id(case.group)),
                   lambda: scheme.private_from_bytes(case.group_raw("privateKeyPkcs8")))
    msg, sig = case.raw("msg"), case.raw("sig")
    expect(scheme.sign(private, msg, None), sig, "signature")
    scheme.verify(scheme.public_of(private), sig, msg, None)


def rsa_oaep(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    private = once(memo, ("private", id(case.group)),
                   lambda: scheme.private_from_bytes(case.group_raw("privateKeyPkcs8")))
    expect(scheme.decrypt(private, case.raw("ct"), case.raw("label")), case.raw("msg"), "plaintext")


def rsa_oaep_multiprime(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    try:
        once(memo, ("private", id(case.group)),
             lambda: scheme.private_from_bytes(case.group_raw("privateKeyPkcs8")))
    except AgileError as exc:
        raise NotApplicable("the provider cannot import multi-prime (3-prime) RSA private keys") from exc
    rsa_oaep(scheme, alg, case, memo)


def mlkem_keygen(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    private = scheme.private_from_bytes(case.raw("seed"))
    expect(scheme.public_bytes(scheme.public_of(private)), case.raw("ek"), "encapsulation key")
    expect(scheme.private_bytes(private), case.raw("seed"), "private key bytes (the seed)")


def mlkem_decaps(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    private = scheme.private_from_bytes(case.raw("seed"))
    if case.has("ek") and case.result != "invalid":
        expect(scheme.public_bytes(scheme.public_of(private)), case.raw("ek"), "encapsulation key")
    expect(scheme.decapsulate(private, case.raw("c")), case.raw("K"), "shared secret")


def _mlkem_seeds(alg: str) -> dict[str, str]:
    """ek (hex) -> 64-byte seed (hex) from the keygen and decapsulation files of ``alg``."""
    size = alg.rsplit("-", 1)[1]
    seeds: dict[str, str] = {}
    for name in (f"mlkem_{size}_keygen_seed_test.json", f"mlkem_{size}_test.json"):
        if (vectors.vectors_dir() / "wycheproof" / name).is_file():
            for case in vectors.wycheproof(name):
                if case.has("ek") and len(case.test["seed"]) == 128:
                    seeds[case.test["ek"]] = case.test["seed"]
    return seeds


def mlkem_encaps(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    """pyca takes no caller randomness m, so check sizes and decapsulation instead of (c, K)."""
    public = scheme.public_from_bytes(case.raw("ek"))
    shared, ct = scheme.encapsulate(public)
    desc = algorithms.get(alg)
    if (len(shared), len(ct)) != (desc.shared_secret_size, desc.ciphertext_size):
        raise Mismatch(f"encapsulate gave sizes ({len(shared)}, {len(ct)})")
    seed = once(memo, "seeds", lambda: _mlkem_seeds(alg)).get(case.test["ek"])
    if seed is not None:  # the same key appears in the keygen/decaps files: decapsulate both
        private = must_pass("import of the matching seed",
                            lambda: scheme.private_from_bytes(bytes.fromhex(seed)))
        expect(must_pass("decapsulate", lambda: scheme.decapsulate(private, ct)), shared,
               "decapsulation of our encapsulation")
        expect(must_pass("decapsulate", lambda: scheme.decapsulate(private, case.raw("c"))),
               case.raw("K"), "decapsulation of the vector ciphertext")


def mlkem_semi_expanded(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    if "IncorrectCiphertextLength" not in case.flags:
        raise NotApplicable("semi-expanded decapsulation keys cannot be imported: the provider API "
                            "takes the 64-byte seed")
    # The length check does not depend on the key, so any key of the parameter set will do.
    private = once(memo, "generated", scheme.generate)
    scheme.decapsulate(private, case.raw("c"))


_MU_ONLY = "externally computed mu (Sign_internal/external mu) is not part of the provider API"


def mldsa_verify(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    if not case.has("msg"):
        raise NotApplicable(_MU_ONLY)
    public = _group_public(scheme, case, memo, "publicKey")
    scheme.verify(public, case.raw("sig"), case.raw("msg"), case.raw_or_none("ctx"))


def _check_context(scheme: Any, public: Any, sig: bytes, msg: bytes, ctx: bytes | None) -> None:
    """A signature binds its context; absent and empty contexts are the same (FIPS 204)."""
    if ctx:
        expect_rejected(lambda: scheme.verify(public, sig, msg, None),
                        "verify without the signing context")
        return
    other = b"" if ctx is None else None
    must_pass("verify with the empty context spelled the other way",
              lambda: scheme.verify(public, sig, msg, other))
    expect_rejected(lambda: scheme.verify(public, sig, msg, b"other"), "verify under another context")


def mldsa_sign_seed(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    """Signing is hedged: check the derived key, and that both signatures verify, not the bytes."""
    if not case.has("msg"):
        raise NotApplicable(_MU_ONLY)
    if getattr(scheme, "private_size", 32) != 32:
        raise NotApplicable("liboqs keeps ML-DSA private keys expanded and cannot import the "
                            "32-byte seed")
    private = once(memo, ("private", id(case.group)),
                   lambda: scheme.private_from_bytes(case.group_raw("privateSeed")))
    msg, ctx, vector_sig = case.raw("msg"), case.raw_or_none("ctx"), case.raw("sig")
    if case.result == "invalid":  # a bad context: verification and signing must both refuse it
        expect_rejected(lambda: scheme.verify(scheme.public_of(private), vector_sig, msg, ctx),
                        "verify with this context")
        scheme.sign(private, msg, ctx)
        return
    expect(scheme.public_bytes(scheme.public_of(private)), case.group_raw("publicKey"),
           "public key derived from the seed")
    public = _group_public(scheme, case, memo, "publicKey")
    must_pass("verify of the vector signature", lambda: scheme.verify(public, vector_sig, msg, ctx))
    sig = must_pass("sign", lambda: scheme.sign(private, msg, ctx))
    must_pass("verify of our signature with the vector key", lambda: scheme.verify(public, sig, msg, ctx))
    _check_context(scheme, public, sig, msg, ctx)


def mldsa_sign_noseed(scheme: Any, alg: str, case: Case, memo: Memo) -> None:
    """Expanded private keys cannot be imported; the vector's signature is still verified."""
    if not case.has("msg"):
        raise NotApplicable(_MU_ONLY)
    if {"IncorrectPrivateKeyLength", "InvalidPrivateKey"} & set(case.flags):
        raise NotApplicable("expanded ML-DSA private keys cannot be imported: the provider API "
                            "takes the 32-byte seed")
    public = _group_public(scheme, case, memo, "publicKey")
    msg, ctx = case.raw("msg"), case.raw_or_none("ctx")
    scheme.verify(public, case.raw("sig"), msg, ctx)
    expanded = case.group_raw("privateKey") + case.group_raw("publicKey")
    if getattr(scheme, "private_size", None) == len(expanded):  # liboqs: secret key || public key
        private = once(memo, ("expanded", id(case.group)),
                       lambda: scheme.private_from_bytes(expanded))
        sig = must_pass("sign with the expanded key", lambda: scheme.sign(private, msg, ctx))
        must_pass("verify of our signature", lambda: scheme.verify(public, sig, msg, ctx))


# --- which algorithm a case belongs to -------------------------------------------------------------

Selector = Callable[[Case], str]


def fixed(alg: str) -> Selector:
    return lambda case: alg


def by_key_size(sizes: dict[int, str], family: str) -> Selector:
    def select(case: Case) -> str:
        alg = sizes.get(case.group["keySize"])
        if alg is None:
            raise NotApplicable(f"{family} with a {case.group['keySize']}-bit key is not in the registry")
        return alg

    return select


def rsa_pss(case: Case) -> str:
    """RSA-PSS-SHAn in the registry means MGF1 with the same hash and salt length = digest length."""
    g = case.group
    alg = f"RSA-PSS-{g['sha'].replace('-', '')}"
    if (g.get("mgf"), g.get("mgfSha"), g.get("sLen")) != ("MGF1", g["sha"], _DIGEST_SIZE.get(g["sha"])) \
            or alg not in _REGISTRY:
        raise NotApplicable("RSA-PSS parameters (hash, MGF1 hash, salt length) match no registry "
                            "algorithm")
    return alg


def rsa_pkcs1(case: Case) -> str:
    alg = f"RSA-PKCS1v15-{case.group['sha'].replace('-', '')}"
    if alg not in _REGISTRY:
        raise NotApplicable(f"RSA PKCS#1 v1.5 with {case.group['sha']} is not in the registry")
    return alg


def rsa_oaep_sha256(case: Case) -> str:
    g = case.group
    params = (g["sha"], g.get("mgf"), g.get("mgfSha"))
    if params == ("SHA-1", "MGF1", "SHA-1"):
        return "RSA-OAEP-SHA1"
    if params != ("SHA-256", "MGF1", "SHA-256"):
        raise NotApplicable("RSA-OAEP parameters other than SHA-256 with MGF1-SHA-256 (or SHA-1 "
                            "with MGF1-SHA-1) are not in the registry")
    return "RSA-OAEP-SHA256"


@dataclass(frozen=True)
class Spec:
    filename: str
    handler: Handler
    select: Selector
    candidates: frozenset[str]  # algorithms the file's cases can map to
    label: str  # where cases that map to no algorithm are counted


def spec(filename: str, handler: Handler, *candidates: str, select: Selector | None = None,
         label: str | None = None) -> Spec:
    return Spec(filename, handler, select or fixed(candidates[0]), frozenset(candidates),
                label or candidates[0])


_PSS = ("RSA-PSS-SHA256", "RSA-PSS-SHA384", "RSA-PSS-SHA512")
_AES = {128: "AES-128-GCM", 256: "AES-256-GCM"}
_PKCS1 = ("RSA-PKCS1v15-SHA256", "RSA-PKCS1v15-SHA384", "RSA-PKCS1v15-SHA512", "RSA-PKCS1v15-SHA1")

SPECS: list[Spec] = [
    spec("aes_gcm_test.json", aead, *_AES.values(), select=by_key_size(_AES, "AES-GCM"),
         label="AES-GCM (other key sizes)"),
    spec("chacha20_poly1305_test.json", aead, "ChaCha20-Poly1305",
         select=by_key_size({256: "ChaCha20-Poly1305"}, "ChaCha20-Poly1305")),
    *[spec(f"hkdf_sha{n}_test.json", hkdf, f"HKDF-SHA{n}") for n in (256, 384, 512)],
    *[spec(f"hmac_sha{n}_test.json", hmac, f"HMAC-SHA{n}") for n in (256, 384, 512)],
    spec("x25519_test.json", x25519, "X25519"),
    *[spec(f"x25519_{enc}_test.json", x25519_encoded, "X25519") for enc in ("asn", "pem", "jwk")],
    spec("ed25519_test.json", eddsa, "Ed25519"),
    *[spec(f"ecdsa_secp{n}r1_sha{n}{suffix}_test.json", handler, f"ECDSA-P{n}-SHA{n}")
      for n in (256, 384) for suffix, handler in (("", ecdsa_der), ("_p1363", ecdsa_p1363))],
    *[spec(f"rsa_signature_{bits}_sha{n}_test.json", rsa_verify, f"RSA-PKCS1v15-SHA{n}")
      for bits in (2048, 3072, 4096, 8192) for n in (256, 384, 512)],
    *[spec(f"rsa_pkcs1_{bits}_sig_gen_test.json", rsa_sign, *_PKCS1, select=rsa_pkcs1,
           label="RSA-PKCS1v15 (other hashes)") for bits in (1024, 1536, 2048, 3072, 4096)],
    *[spec(f"rsa_pss_{name}_test.json", rsa_verify, *_PSS, select=rsa_pss,
           label="RSA-PSS (other parameters)") for name in (
        "2048_sha256_mgf1_32", "2048_sha256_mgf1_32_params", "3072_sha256_mgf1_32",
        "3072_sha256_mgf1_32_params", "4096_sha256_mgf1_32", "2048_sha384_mgf1_48",
        "4096_sha384_mgf1_48", "4096_sha512_mgf1_64", "4096_sha512_mgf1_64_params", "misc",
        "misc_params")],
    *[spec(f"rsa_oaep_{bits}_sha256_mgf1sha256_test.json", rsa_oaep, "RSA-OAEP-SHA256",
           select=rsa_oaep_sha256) for bits in (2048, 3072, 4096)],
    spec("rsa_oaep_misc_test.json", rsa_oaep, "RSA-OAEP-SHA256", "RSA-OAEP-SHA1",
         select=rsa_oaep_sha256, label="RSA-OAEP (other hashes)"),
    spec("rsa_oaep_2048_sha1_mgf1sha1_test.json", rsa_oaep, "RSA-OAEP-SHA1",
         select=rsa_oaep_sha256),
    spec("rsa_three_primes_oaep_4096_sha256_mgf1sha256_test.json", rsa_oaep_multiprime,
         "RSA-OAEP-SHA256", select=rsa_oaep_sha256),
    # ML-KEM-512: liboqs (provider oqs) only
    *[spec(f"mlkem_{n}_{kind}_test.json", handler, f"ML-KEM-{n}") for n in (512, 768, 1024)
      for kind, handler in (("keygen_seed", mlkem_keygen), ("encaps", mlkem_encaps),
                            ("semi_expanded_decaps", mlkem_semi_expanded))],
    *[spec(f"mlkem_{n}_test.json", mlkem_decaps, f"ML-KEM-{n}") for n in (512, 768, 1024)],
    *[spec(f"mldsa_{n}_{kind}_test.json", handler, f"ML-DSA-{n}") for n in (44, 65, 87)
      for kind, handler in (("verify", mldsa_verify), ("sign_seed", mldsa_sign_seed),
                            ("sign_noseed", mldsa_sign_noseed))],
]


# --- bookkeeping -----------------------------------------------------------------------------------


@dataclass
class Tally:
    ran: Counter[str] = field(default_factory=Counter)
    not_applicable: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    files: int = 0

    def summary(self) -> list[str]:
        lines = [f"wycheproof: {sum(self.ran.values())} cases ran, "
                 f"{sum(self.not_applicable.values())} skipped-not-applicable, {self.failures} failures "
                 f"({self.files} provider/file pairs; vectors: {vectors.vectors_dir()})"]
        for alg in sorted(set(self.ran) | set(self.not_applicable)):
            lines.append(f"  {alg}: {self.ran[alg]} ran, {self.not_applicable[alg]} not applicable")
        lines += [f"  not applicable x{n}: {why}" for why, n in self.reasons.most_common()]
        return lines


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    """Counts across the module; prints the summary once all its tests have run."""
    counts = Tally()
    yield counts
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print("\n".join(counts.summary()), file=sys.__stdout__)
        return
    with capture.global_and_fixture_disabled():  # what capsys.disabled() does, at module scope
        reporter.write("\n")  # end the progress line
        for line in counts.summary():
            reporter.write_line(line)


def judge(case: Case, op: Callable[[], None]) -> str | None:
    """Run ``op`` for ``case`` under Wycheproof semantics; the failure message, or None."""
    try:
        op()
    except NotApplicable:
        raise
    except AgileError as exc:
        if case.result == "valid":
            return f"{case.name}: valid case rejected: {type(exc).__name__}: {exc}"
        return None
    except Mismatch as exc:
        if case.result == "invalid":
            return f"{case.name}: invalid case accepted ({exc})"
        return f"{case.name}: {case.result} case: {exc}"
    except Exception as exc:
        return f"{case.name}: foreign exception escaped: {type(exc).__name__}: {exc}"
    if case.result == "invalid":
        return f"{case.name}: invalid case accepted"
    return None


def _params() -> list[Any]:
    return [pytest.param(provider.name, s, id=f"{provider.name}:{s.filename.removesuffix('_test.json')}")
            for provider in providers.all_providers() for s in SPECS
            if s.candidates & provider.algorithms()]


@pytest.mark.parametrize(("provider_name", "spec"), _params())
def test_wycheproof(provider_name: str, spec: Spec, tally: Tally) -> None:
    provider = providers.get(provider_name)
    offered = provider.algorithms()
    memo: Memo = {}
    failures: list[str] = []
    ran: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for case in vectors.wycheproof(spec.filename):
        alg = spec.label
        try:
            alg = spec.select(case)
            if alg not in offered:
                raise NotApplicable(f"provider {provider_name} does not offer {alg}")
            scheme = provider.scheme(alg)
            failure = judge(case, lambda: spec.handler(scheme, alg, case, memo))  # noqa: B023
        except NotApplicable as exc:
            skipped[alg] += 1
            reasons[str(exc)] += 1
            continue
        ran[alg] += 1
        if failure:
            failures.append(failure)
    tally.files += 1
    tally.ran.update(ran)
    tally.not_applicable.update(skipped)
    tally.reasons.update(reasons)
    tally.failures += len(failures)
    print(f"{provider_name}:{spec.filename}: {sum(ran.values())} ran, "
          f"{sum(skipped.values())} not applicable, {len(failures)} failures")
    assert not failures, f"{len(failures)} case(s) failed:\n" + "\n".join(failures)
    if not ran:
        why = "; ".join(sorted(reasons))
        pytest.skip(f"no case of {spec.filename} is applicable to {provider_name}: {why}")

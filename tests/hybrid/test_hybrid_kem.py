"""Hybrid KEMs: X-Wing vectors, the CG construction checked independently, TLS X25519MLKEM768,
negatives, and HPKE interop with pyca's own hybrid key objects in both directions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import agile
from agile import algorithms, providers
from agile.algorithms import Family, QuantumClass
from agile.errors import DecryptionFailed, InvalidArgument, InvalidKey
from agile.providers._pyca_hybrid import _P256, _P384, HYBRID_KEYS, _SeedRejected

from .. import vectors
from .test_hpke_pq_vectors import key_schedule

HYBRID_NAMES = ["MLKEM768-X25519", "MLKEM768-P256", "MLKEM1024-P384", "X25519MLKEM768"]
CG_NAMES = HYBRID_NAMES[:3]

# Independent restatement of the CG parameters (draft-irtf-cfrg-concrete-hybrid-kems, the revision
# used by hpkewg/hpke-pq @ 74dafaa6): ML-KEM class, |ek_PQ|, |ct_PQ|, curve or None (X25519),
# Nscalar, Nseed_T, order, label, HPKE KEM id.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_P384_ORDER = int("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                  "581a0db248b0a77aecec196accc52973", 16)
CG: dict[str, tuple[Any, int, int, Any, int, int, int, bytes, int]] = {
    "MLKEM768-X25519": (mlkem.MLKEM768PrivateKey, 1184, 1088, None, 32, 32, 0,
                        b"\\.//^\\", 0x647A),
    "MLKEM768-P256": (mlkem.MLKEM768PrivateKey, 1184, 1088, ec.SECP256R1(), 32, 96, _P256_ORDER,
                      b"MLKEM768-P256", 0x0050),
    "MLKEM1024-P384": (mlkem.MLKEM1024PrivateKey, 1568, 1568, ec.SECP384R1(), 48, 48,
                       _P384_ORDER, b"MLKEM1024-P384", 0x0051),
}


def scheme(name: str) -> Any:
    return providers.get("pyca").scheme(name)


def _point(public: Any) -> bytes:
    if isinstance(public, ec.EllipticCurvePublicKey):
        return public.public_bytes(serialization.Encoding.X962,
                                   serialization.PublicFormat.UncompressedPoint)
    return public.public_bytes_raw()  # type: ignore[no-any-return]


def components(name: str, seed: bytes) -> tuple[Any, Any]:
    """(ML-KEM key, traditional key) of a CG hybrid, derived here from the seed with hashlib."""
    mlkem_cls, _, _, curve, n, nseed, order, _, _ = CG[name]
    expanded = hashlib.shake_256(seed).digest(64 + nseed)
    pq = mlkem_cls.from_seed_bytes(expanded[:64])
    if curve is None:
        return pq, x25519.X25519PrivateKey.from_private_bytes(expanded[64:96])
    for start in range(64, 64 + nseed, n):
        k = int.from_bytes(expanded[start:start + n], "big")
        if 0 < k < order:
            return pq, ec.derive_private_key(k, curve)
    raise AssertionError("RandomScalar failed")


def reference_decaps(name: str, seed: bytes, ct: bytes) -> bytes:
    _, _, ct_pq_len, curve, _, _, _, label, _ = CG[name]
    pq, t = components(name, seed)
    ct_t = ct[ct_pq_len:]
    if curve is None:
        ss_t = t.exchange(x25519.X25519PublicKey.from_public_bytes(ct_t))
    else:
        ss_t = t.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(curve, ct_t))
    ek_t = _point(t.public_key())
    return hashlib.sha3_256(pq.decapsulate(ct[:ct_pq_len]) + ss_t + ct_t + ek_t + label).digest()


# --- X-Wing vectors ----------------------------------------------------------------------------


def _xwing_cases() -> list[Any]:
    found = vectors.vectors_dir() / "xwing/test-vectors.json"
    if not found.is_file():
        return [pytest.param(-1, id="vectors-missing")]
    import json

    return [pytest.param(i, id=f"xwing-{i}")
            for i in range(len(json.loads(found.read_text(encoding="utf-8"))))]


@pytest.mark.parametrize("index", _xwing_cases())
def test_xwing_vector(index: int) -> None:
    v = {k: bytes.fromhex(x) for k, x in vectors.load_json("xwing/test-vectors.json")[index].items()}
    s = scheme("MLKEM768-X25519")
    private = s.private_from_bytes(v["seed"])
    assert s.private_bytes(private) == v["sk"] == v["seed"]
    assert s.public_bytes(s.public_of(private)) == v["pk"]
    assert s.decapsulate(private, v["ct"]) == v["ss"]
    # Encapsulation randomness cannot be passed to pyca's ML-KEM; the X25519 half of eseed can be
    # checked: ct_X = X25519(eseed[32:64], base).
    ct_x = x25519.X25519PrivateKey.from_private_bytes(v["eseed"][32:]).public_key()
    assert v["ct"][1088:] == ct_x.public_bytes_raw()
    # The same through agile's public key objects.
    key = agile.PrivateKey.from_bytes(v["seed"], "MLKEM768-X25519")
    assert key.public_key().public_bytes() == v["pk"]


# --- every hybrid through the registry's scheme -----------------------------------------------


@pytest.mark.parametrize("name", HYBRID_NAMES)
def test_descriptor_matches_implementation(name: str) -> None:
    alg = algorithms.get(name)
    assert alg.family is Family.KEM and alg.quantum_class is QuantumClass.HYBRID
    assert alg.key_type == name and alg.name in providers.get("pyca").algorithms()
    s = scheme(name)
    private = s.generate()
    shared, ct = s.encapsulate(s.public_of(private))
    assert (len(s.private_bytes(private)), len(s.public_bytes(s.public_of(private))), len(ct),
            len(shared)) == (alg.private_key_size, alg.public_key_size, alg.ciphertext_size,
                             alg.shared_secret_size)
    assert providers.get("pyca").identify(private) == name
    assert providers.get("pyca").identify(s.public_of(private)) == name
    assert repr(private) == f"<{type(private).__name__}>"


def test_descriptor_facts() -> None:
    assert algorithms.get("MLKEM768-P256").params["hpke_kem_id"] == 0x0050
    assert algorithms.get("MLKEM1024-P384").params["hpke_kem_id"] == 0x0051
    tls = algorithms.get("X25519MLKEM768")
    assert tls.params["tls_group"] == 0x11EC and tls.components == ("ML-KEM-768", "X25519")
    assert algorithms.get("MLKEM768-X25519").oids == ("1.3.6.1.4.1.62253.25722",)
    assert algorithms.get("MLKEM768-P256").components == ("ML-KEM-768", "ECDH-P256")


@pytest.mark.parametrize("name", CG_NAMES)
def test_cg_from_seed_and_encapsulation_match_the_construction(name: str) -> None:
    s = scheme(name)
    seed = bytes(range(32))
    private = s.private_from_bytes(seed)
    assert s.private_bytes(private) == seed
    pq, t = components(name, seed)
    assert s.public_bytes(s.public_of(private)) == pq.public_key().public_bytes_raw() + _point(
        t.public_key())
    for _ in range(3):
        shared, ct = s.encapsulate(s.public_of(private))
        assert reference_decaps(name, seed, ct) == shared == s.decapsulate(private, ct)
    public = s.public_from_bytes(s.public_bytes(s.public_of(private)))
    shared, ct = s.encapsulate(public)
    assert s.decapsulate(s.private_from_bytes(seed), ct) == shared


@pytest.mark.parametrize("name", HYBRID_NAMES)
def test_tampering_and_wrong_keys(name: str) -> None:
    s = scheme(name)
    private = s.generate()
    other = s.generate()
    shared, ct = s.encapsulate(s.public_of(private))
    assert s.decapsulate(other, ct) != shared
    assert s.decapsulate(private, bytes([ct[0] ^ 1]) + ct[1:]) != shared  # ML-KEM: implicit
    tail = bytearray(ct)
    tail[-1] ^= 1  # the traditional share: a different (X25519) or invalid (NIST) point
    try:
        assert s.decapsulate(private, bytes(tail)) != shared
    except DecryptionFailed:
        assert "P" in name
    for bad in (ct[:-1], ct + b"\x00", b""):
        with pytest.raises(InvalidArgument):
            s.decapsulate(private, bad)
    raw_pub = s.public_bytes(s.public_of(private))
    for bad_pub in (raw_pub[:-1], raw_pub + b"\x00"):
        with pytest.raises(InvalidKey):
            s.public_from_bytes(bad_pub)
    raw_priv = s.private_bytes(private)
    for bad_priv in (raw_priv[:-1], raw_priv + b"\x00"):
        with pytest.raises(InvalidKey):
            s.private_from_bytes(bad_priv)
    with pytest.raises(InvalidKey):
        s.encapsulate(object())
    with pytest.raises(InvalidKey):
        s.decapsulate(object(), ct)


def test_same_sized_hybrids_do_not_mix() -> None:
    """X-Wing and X25519MLKEM768 share key and ciphertext sizes; their keys stay apart."""
    xwing, tls = scheme("MLKEM768-X25519"), scheme("X25519MLKEM768")
    xk, tk = xwing.generate(), tls.generate()
    _, ct = xwing.encapsulate(xwing.public_of(xk))
    with pytest.raises(InvalidKey):
        tls.decapsulate(xk, ct)
    with pytest.raises(InvalidKey):
        xwing.decapsulate(tk, ct)
    with pytest.raises(InvalidKey):
        tls.encapsulate(xwing.public_of(xk))


@pytest.mark.parametrize("name", ["MLKEM768-P256", "MLKEM1024-P384"])
def test_nist_points_must_be_uncompressed_and_on_the_curve(name: str) -> None:
    s = scheme(name)
    _, pk_pq, ct_pq, *_ = CG[name]
    private = s.generate()
    raw = s.public_bytes(s.public_of(private))
    point = raw[pk_pq:]
    hybrid_form = bytes([0x06 | (point[-1] & 1)]) + point[1:]  # X9.62 "hybrid" encoding
    off_curve = point[:-1] + bytes([point[-1] ^ 1])
    for bad in (hybrid_form, off_curve, bytes(len(point))):
        with pytest.raises(InvalidKey):
            s.public_from_bytes(raw[:pk_pq] + bad)
    _, ct = s.encapsulate(s.public_of(private))
    for bad in (hybrid_form, off_curve):
        with pytest.raises(DecryptionFailed):
            s.decapsulate(private, ct[:ct_pq] + bad)


def test_random_scalar_rejection_sampling() -> None:
    order = _P256_ORDER.to_bytes(32, "big")
    one = (1).to_bytes(32, "big")
    assert _P256.derive(order + bytes(32) + one).private_numbers().private_value == 1
    assert _P256.derive(b"\xff" * 32 + one + order).private_numbers().private_value == 1
    with pytest.raises(_SeedRejected):
        _P256.derive(order + bytes(32) + b"\xff" * 32)
    with pytest.raises(_SeedRejected):
        _P384.derive(bytes(48))
    k = _P384_ORDER - 1
    assert _P384.derive(k.to_bytes(48, "big")).private_numbers().private_value == k
    assert (_P256.seed_size, _P384.seed_size) == (96, 48)


def test_seed_without_a_valid_scalar_is_an_invalid_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def reject(seed_t: bytes) -> Any:
        raise _SeedRejected("P-384")

    monkeypatch.setattr(_P384, "derive", reject)
    with pytest.raises(InvalidKey, match="no valid P-384 scalar"):
        scheme("MLKEM1024-P384").private_from_bytes(bytes(32))


# --- X25519: low-order points -------------------------------------------------------------------


def test_xwing_low_order_x25519_share_follows_the_spec() -> None:
    """X-Wing has no all-zero check: X25519 of a low-order point is 32 zero bytes."""
    s = scheme("MLKEM768-X25519")
    seed = bytes(32)
    private = s.private_from_bytes(seed)
    _, ct = s.encapsulate(s.public_of(private))
    ct = ct[:1088] + bytes(32)  # u = 0 is a low-order point
    pq, t = components("MLKEM768-X25519", seed)
    expected = hashlib.sha3_256(pq.decapsulate(ct[:1088]) + bytes(32) + bytes(32)
                                + t.public_key().public_bytes_raw() + b"\\.//^\\").digest()
    assert s.decapsulate(private, ct) == expected


def test_tls_hybrid_rejects_all_zero_x25519_results() -> None:
    """RFC 8446 7.4.2: an all-zero X25519 shared secret aborts."""
    s = scheme("X25519MLKEM768")
    private = s.generate()
    _, ct = s.encapsulate(s.public_of(private))
    with pytest.raises(DecryptionFailed):
        s.decapsulate(private, ct[:1088] + bytes(32))
    low_order_share = s.public_bytes(s.public_of(private))[:1184] + bytes(32)
    with pytest.raises(InvalidKey):
        s.encapsulate(s.public_from_bytes(low_order_share))


def test_tls_hybrid_is_the_plain_concatenation() -> None:
    s = scheme("X25519MLKEM768")
    raw = bytes(range(64)) + bytes(range(100, 132))
    private = s.private_from_bytes(raw)
    assert s.private_bytes(private) == raw
    pq = mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:64])
    xk = x25519.X25519PrivateKey.from_private_bytes(raw[64:])
    share = s.public_bytes(s.public_of(private))
    assert share == pq.public_key().public_bytes_raw() + xk.public_key().public_bytes_raw()
    shared, ct = s.encapsulate(s.public_of(private))
    assert len(shared) == 64 and len(ct) == 1120
    assert shared[:32] == pq.decapsulate(ct[:1088])
    assert shared[32:] == xk.exchange(x25519.X25519PublicKey.from_public_bytes(ct[1088:]))
    # and the other way: a server share made from the components decapsulates in agile
    ss_m, ct_m = pq.public_key().encapsulate()
    eph = x25519.X25519PrivateKey.generate()
    ss_x = eph.exchange(xk.public_key())
    assert s.decapsulate(private, ct_m + eph.public_key().public_bytes_raw()) == ss_m + ss_x


# --- through agile's policy API -----------------------------------------------------------------


@pytest.mark.parametrize("name", HYBRID_NAMES)
def test_policy_encapsulate_decapsulate(name: str, make_context: Callable[..., Any]) -> None:
    ctx = make_context(f'[policies.p]\nkem = "{name}"\n')
    key = agile.PrivateKey.generate(name)
    shared, ct = ctx.encapsulate(key.public_key(), policy="p")
    assert ctx.decapsulate(key, ct, policy="p") == shared
    again = agile.PrivateKey.from_bytes(key.private_bytes(), name)
    assert again.public_key() == key.public_key()
    assert ctx.decapsulate(again, ct, policy="p") == shared
    loaded = agile.PublicKey.from_bytes(key.public_key().public_bytes(), name)
    shared2, ct2 = ctx.encapsulate(loaded, policy="p")
    assert ctx.decapsulate(key, ct2, policy="p") == shared2


# --- interop with pyca's HPKE and its own key objects -------------------------------------------

_HPKE = {  # name -> (pyca KEM, pyca private class, registry suite, KDF id, pyca KDF)
    "MLKEM768-X25519": (hpke.KEM.MLKEM768_X25519, hpke.MLKEM768X25519PrivateKey,
                        "HPKE-MLKEM768X25519-SHA256-A256GCM", 0x0001, hpke.KDF.HKDF_SHA256),
    "MLKEM1024-P384": (hpke.KEM.MLKEM1024_P384, hpke.MLKEM1024P384PrivateKey,
                       "HPKE-MLKEM1024P384-SHA384-A256GCM", 0x0002, hpke.KDF.HKDF_SHA384),
}
_AES_256_GCM = 0x0002


def pyca_own_private(name: str, seed: bytes) -> Any:
    """pyca's hybrid HPKE key built from components derived independently of agile."""
    return _HPKE[name][1](*components(name, seed))


@pytest.mark.parametrize("name", list(_HPKE))
def test_kem_interop_with_pyca_hpke(name: str) -> None:
    kem, _, _, kdf_id, kdf = _HPKE[name]
    suite = hpke.Suite(kem, kdf, hpke.AEAD.AES_256_GCM)
    kem_id, info = CG[name][8], b"interop"
    s = scheme(name)
    seed = bytes(range(32, 64))
    agile_key, pyca_key = s.private_from_bytes(seed), pyca_own_private(name, seed)

    # agile encapsulates; pyca's HPKE decapsulates (a sender built on agile's KEM output).
    shared, enc = s.encapsulate(s.public_of(agile_key))
    key, nonce, _ = key_schedule(kem_id, kdf_id, _AES_256_GCM, shared, info)
    sealed = enc + AESGCM(key).encrypt(nonce, b"from agile", b"")
    assert suite.decrypt(sealed, pyca_key, info=info) == b"from agile"

    # pyca encapsulates (to its own public key object); agile decapsulates.
    sealed = suite.encrypt(b"from pyca", pyca_key.public_key(), info=info)
    enc, body = sealed[:kem.enc_length()], sealed[kem.enc_length():]
    key, nonce, _ = key_schedule(kem_id, kdf_id, _AES_256_GCM, s.decapsulate(agile_key, enc), info)
    assert AESGCM(key).decrypt(nonce, body, b"") == b"from pyca"


@pytest.mark.parametrize("name", list(_HPKE))
def test_hpke_round_trips_between_agile_keys_and_pyca_keys(name: str) -> None:
    kem, _, suite_name, _, kdf = _HPKE[name]
    suite = hpke.Suite(kem, kdf, hpke.AEAD.AES_256_GCM)
    hpke_scheme: Any = providers.get("pyca").scheme(suite_name)
    s = scheme(name)
    seed = bytes(range(64, 96))
    agile_key, pyca_key = s.private_from_bytes(seed), pyca_own_private(name, seed)

    sealed = hpke_scheme.seal(s.public_of(agile_key), b"agile to pyca", b"info")
    assert suite.decrypt(sealed, pyca_key, info=b"info") == b"agile to pyca"
    sealed = suite.encrypt(b"pyca to agile", pyca_key.public_key(), info=b"info")
    assert hpke_scheme.open(agile_key, sealed, b"info") == b"pyca to agile"
    # agile's own conversion to pyca objects works with pyca directly, too
    sealed = suite.encrypt(b"to_hpke", s.public_of(agile_key).to_hpke(), info=b"info")
    assert suite.decrypt(sealed, agile_key.to_hpke(), info=b"info") == b"to_hpke"


def test_mlkem768_p256_has_no_pyca_hpke_suite() -> None:
    assert not hasattr(hpke.KEM, "MLKEM768_P256")
    assert not any(a.components[:1] == ("MLKEM768-P256",)
                   for a in algorithms.in_family(Family.HPKE))
    assert not hasattr(HYBRID_KEYS["MLKEM768-P256"], "to_hpke")

"""Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs) against the draft's own test vectors.

Vectors: ``composite-sigs/testvectors.json`` (lamps-wg/draft-composite-sigs @ 60fcb1e8), one case
per combination with pk, sk, sk_pkcs8, a self-signed X.509 certificate (x5c) and signatures of
``m`` without (s) and with (sWithContext) the context ``ctx``. Signing is randomised, so agile's
own signatures are checked by verification; the component checks below recompute M' with hashlib,
independently of the scheme.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Any

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa, padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256, SHA384, SHA512

import agile
from agile import algorithms, providers
from agile.algorithms import Algorithm, Family, QuantumClass, QuantumRisk
from agile.errors import ConfigError, InvalidArgument, InvalidKey, InvalidSignature, PolicyViolation
from agile.keys import PrivateKey, PublicKey

from .. import vectors

VECTORS = "composite-sigs/testvectors.json"
PREFIX = bytes.fromhex("436F6D706F73697465416C676F726974686D5369676E61747572657332303235")

COMPOSITES = [a for a in algorithms.all_algorithms() if a.params.get("combiner") == "composite-mldsa"]
NAMES = [a.name for a in COMPOSITES]
PYCA = providers.get("pyca")

_MLDSA_SIZES = {"ML-DSA-44": (1312, 2420), "ML-DSA-65": (1952, 3309), "ML-DSA-87": (2592, 4627)}
_MLDSA_PUBLIC = {"ML-DSA-44": mldsa.MLDSA44PublicKey, "ML-DSA-65": mldsa.MLDSA65PublicKey,
                 "ML-DSA-87": mldsa.MLDSA87PublicKey}
_HASHES = {"SHA-256": SHA256, "SHA-384": SHA384, "SHA-512": SHA512}
_CURVES = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1,
           "brainpoolP256r1": ec.BrainpoolP256R1, "brainpoolP384r1": ec.BrainpoolP384R1}


# --- vector access -------------------------------------------------------------------------------


@functools.cache
def _file() -> dict[str, Any]:
    data: dict[str, Any] = vectors.load_json(VECTORS)
    return data


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _message() -> tuple[bytes, bytes]:
    """(m, ctx) shared by every case."""
    return _b64(_file()["m"]), _b64(_file()["ctx"])


def _case(name: str) -> dict[str, bytes]:
    """The decoded vector case ``id-<name>``; fails if the file lacks it."""
    for test in _file()["tests"]:
        if test["tcId"] == f"id-{name}":
            return {k: _b64(v) if k != "tcId" else v.encode() for k, v in test.items()}
    raise AssertionError(f"{VECTORS} has no case id-{name}")


def _scheme(name: str) -> Any:
    return PYCA.scheme(name)


# --- a small DER reader, for the certificate's SubjectPublicKeyInfo and for PKCS #8 ----------------


def _der(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """(tag, content, end) of the DER element at ``pos``."""
    tag, first = data[pos], data[pos + 1]
    start, length = pos + 2, first
    if first & 0x80:
        n = first & 0x7F
        start, length = pos + 2 + n, int.from_bytes(data[pos + 2:pos + 2 + n], "big")
    return tag, data[start:start + length], start + length


def _children(content: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(content):
        tag, body, pos = _der(content, pos)
        out.append((tag, body))
    return out


def _oid(body: bytes) -> str:
    arcs, value = [], 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))


def _spki(tbs: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """(AlgorithmIdentifier children, subjectPublicKey bytes) of a tbsCertificate."""
    fields = _children(_der(tbs)[1])
    fields = fields[1:] if fields[0][0] == 0xA0 else fields  # explicit [0] version
    alg_id, bits = _children(fields[5][1])  # serial, signature, issuer, validity, subject, spki
    assert alg_id[0] == 0x30 and bits[0] == 0x03 and bits[1][0] == 0  # no unused bits
    return _children(alg_id[1]), bits[1][1:]


def _pkcs8(der: bytes) -> tuple[str, bool, bytes]:
    """(privateKeyAlgorithm OID, parameters present, privateKey octets) of a OneAsymmetricKey."""
    version, alg_id, private = _children(_der(der)[1])[:3]
    assert version == (0x02, b"\x00") and private[0] == 0x04
    parts = _children(alg_id[1])
    return _oid(parts[0][1]), len(parts) > 1, private[1]


# --- the message representative, recomputed independently (hashlib) ----------------------------


def _m_prime(alg: Algorithm, message: bytes, ctx: bytes) -> bytes:
    prehash = str(alg.params["prehash"])
    if prehash == "SHAKE256":
        ph = hashlib.shake_256(message).digest(64)
    else:
        ph = hashlib.new(prehash.replace("-", "").lower(), message).digest()
    return PREFIX + str(alg.params["label"]).encode() + bytes([len(ctx)]) + ctx + ph


def _component_verify(alg: Algorithm, pk: bytes, sig: bytes, message: bytes, ctx: bytes) -> None:
    """Verify each component with plain pyca calls, per the draft's Verify(); raises on failure."""
    ml_name = alg.components[0]
    pk_size, sig_size = _MLDSA_SIZES[ml_name]
    m_prime = _m_prime(alg, message, ctx)
    label = str(alg.params["label"]).encode()
    _MLDSA_PUBLIC[ml_name].from_public_bytes(pk[:pk_size]).verify(sig[:sig_size], m_prime, label)
    trad_pk, trad_sig = pk[pk_size:], sig[sig_size:]
    kind = alg.params["traditional"]
    if kind == "Ed25519":
        ed25519.Ed25519PublicKey.from_public_bytes(trad_pk).verify(trad_sig, m_prime)
    elif kind == "Ed448":
        ed448.Ed448PublicKey.from_public_bytes(trad_pk).verify(trad_sig, m_prime)
    elif kind == "ECDSA":
        curve = _CURVES[str(alg.params["curve"])]()
        hash_cls = _HASHES[str(alg.params["hash"])]
        ec.EllipticCurvePublicKey.from_encoded_point(curve, trad_pk).verify(
            trad_sig, m_prime, ec.ECDSA(hash_cls()))
    else:
        key = serialization.load_der_public_key(trad_pk)
        assert isinstance(key, rsa.RSAPublicKey) and key.key_size == alg.params["rsa_bits"]
        hash_cls = _HASHES[str(alg.params["hash"])]
        pad = (padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=hash_cls.digest_size)
               if kind == "RSA-PSS" else padding.PKCS1v15())
        key.verify(trad_sig, m_prime, pad, hash_cls())


# --- the registry ------------------------------------------------------------------------------


def test_registry_has_the_drafts_eighteen_combinations() -> None:
    assert len(COMPOSITES) == 18
    assert sorted(a.oids[0] for a in COMPOSITES) == sorted(
        f"1.3.6.1.5.5.7.6.{arc}" for arc in range(37, 55))
    assert sorted(a.cose_alg for a in COMPOSITES if a.cose_alg is not None) == list(
        range(-65717, -65699))
    for alg in COMPOSITES:
        assert alg.family is Family.SIGNATURE and alg.key_type == alg.name
        assert alg.quantum_class is QuantumClass.HYBRID and alg.quantum_risk is QuantumRisk.RESISTANT
        assert alg.nist_category == algorithms.get(alg.components[0]).nist_category
        assert alg.deprecated_after is None and alg.disallowed_after is None
        assert algorithms.by_oid(alg.oids[0]) == (alg,)
        assert alg.cose_alg is not None and algorithms.by_cose(alg.cose_alg) == (alg,)
        assert algorithms.get(f"id-{alg.name}") is alg
        assert alg.name in PYCA.algorithms()
        trad = alg.components[1]
        if "brainpool" not in trad:  # brainpool ECDSA has no standalone registry entry
            assert algorithms.get(trad).family is Family.SIGNATURE


def test_every_combination_in_the_vectors_is_registered() -> None:
    composite_ids = {t["tcId"] for t in _file()["tests"] if not t["tcId"].startswith("id-ML-DSA-")}
    assert composite_ids == {f"id-{name}" for name in NAMES}


def test_message_representative_matches_the_drafts_example() -> None:
    # draft-ietf-lamps-pq-composite-sigs, appendix "Message Representative Examples" (with ctx)
    scheme = _scheme("MLDSA65-ECDSA-P256-SHA512")
    expected = bytes.fromhex(
        "436f6d706f73697465416c676f726974686d5369676e61747572657332303235"
        "434f4d505349472d4d4c44534136352d45434453412d503235362d534841353132"
        "080813061205162623"
        "0f89ee1fcb7b0a4f7809d1267a029719004c5a5e5ec323a7c3523a20974f9a3f"
        "202f56fadba4cd9e8d654ab9f2e96dc5c795ea176fa20ede8d854c342f903533")
    m_prime = scheme.message_representative(bytes(range(10)), bytes.fromhex("0813061205162623"))
    assert m_prime == expected


# --- the vectors -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_vector_signatures_verify(name: str) -> None:
    case, (m, ctx) = _case(name), _message()
    scheme = _scheme(name)
    public = PublicKey.from_bytes(case["pk"], name)
    assert public.key_type == name and public.public_bytes() == case["pk"]
    native = public.native_for(PYCA)
    scheme.verify(native, case["s"], m, None)
    scheme.verify(native, case["s"], m, b"")
    scheme.verify(native, case["sWithContext"], m, ctx)
    with pytest.raises(InvalidSignature):
        scheme.verify(native, case["sWithContext"], m, None)
    with pytest.raises(InvalidSignature):
        scheme.verify(native, case["s"], m, ctx)
    with pytest.raises(InvalidSignature):
        scheme.verify(native, case["s"], m + b".", None)
    _component_verify(algorithms.get(name), case["pk"], case["sWithContext"], m, ctx)


@pytest.mark.parametrize("name", NAMES)
def test_vector_certificate_verifies(name: str) -> None:
    case, alg = _case(name), algorithms.get(name)
    cert = x509.load_der_x509_certificate(case["x5c"])
    assert cert.signature_algorithm_oid.dotted_string == alg.oids[0]
    assert cert.public_key_algorithm_oid.dotted_string == alg.oids[0]
    tbs = cert.tbs_certificate_bytes
    alg_id, subject_key = _spki(tbs)
    assert [(tag, _oid(body)) for tag, body in alg_id] == [(0x06, alg.oids[0])]  # params absent
    assert subject_key == case["pk"]
    scheme = _scheme(name)
    public = scheme.public_from_bytes(subject_key)
    scheme.verify(public, cert.signature, tbs, None)
    with pytest.raises(InvalidSignature):
        scheme.verify(public, cert.signature, tbs[:-1] + bytes([tbs[-1] ^ 1]), None)


@pytest.mark.parametrize("name", NAMES)
def test_signing_with_the_vector_private_keys(name: str) -> None:
    case, (m, ctx) = _case(name), _message()
    oid, has_params, inner = _pkcs8(case["sk_pkcs8"])
    assert oid == algorithms.get(name).oids[0] and not has_params and inner == case["sk"]
    scheme = _scheme(name)
    vector_public = scheme.public_from_bytes(case["pk"])
    for raw in (case["sk"], inner):
        key = PrivateKey.from_bytes(raw, name)
        assert key.private_bytes() == case["sk"]
        assert key.public_key().public_bytes() == case["pk"]
        native = key.native_for(PYCA)
        for context in (None, ctx):
            sig = scheme.sign(native, m, context)
            scheme.verify(vector_public, sig, m, context)
            _component_verify(algorithms.get(name), case["pk"], sig, m, context or b"")
        alg = algorithms.get(name)
        if alg.signature_size is not None:
            assert len(sig) == alg.signature_size
        assert len(sig) <= alg.params["max_sizes"][2]  # type: ignore[index]


@pytest.mark.parametrize("name", NAMES)
def test_altering_either_component_fails(name: str) -> None:
    case, (m, ctx) = _case(name), _message()
    scheme = _scheme(name)
    public = scheme.public_from_bytes(case["pk"])
    sig = case["sWithContext"]
    cut = _MLDSA_SIZES[algorithms.get(name).components[0]][1]
    flip = lambda s, i: s[:i] + bytes([s[i] ^ 0x01]) + s[i + 1:]  # noqa: E731
    altered = [
        flip(sig, 0), flip(sig, cut - 1),  # ML-DSA component
        flip(sig, cut), flip(sig, len(sig) - 1),  # traditional component
        sig[:cut],  # traditional component stripped
        sig[:cut] + sig[cut:][:-1],  # traditional component truncated
        sig + b"\x00",  # trailing byte
        sig[cut:],  # ML-DSA component stripped
        bytes(len(sig)),
        b"",
    ]
    for bad in altered:
        with pytest.raises(InvalidSignature):
            scheme.verify(public, bad, m, ctx)
    # components swapped in from the plain (no-context) signature of the same key
    other = case["s"]
    for mixed in (sig[:cut] + other[cut:], other[:cut] + sig[cut:]):
        if mixed not in (sig, other):
            with pytest.raises(InvalidSignature):
                scheme.verify(public, mixed, m, ctx)


def test_pure_mldsa_vectors_verify() -> None:
    m, ctx = _message()
    names = {"id-ML-DSA-44": "ML-DSA-44", "id-ML-DSA-65": "ML-DSA-65", "id-ML-DSA-87": "ML-DSA-87"}
    seen = 0
    for test in _file()["tests"]:
        name = names.get(test["tcId"])
        if name is None:
            continue
        seen += 1
        scheme = PYCA.scheme(name)
        public = scheme.public_from_bytes(_b64(test["pk"]))
        scheme.verify(public, _b64(test["s"]), m, None)
        scheme.verify(public, _b64(test["sWithContext"]), m, ctx)
        key = scheme.private_from_bytes(_b64(test["sk"]))
        assert scheme.public_bytes(scheme.public_of(key)) == _b64(test["pk"])
    assert seen == 3


# --- misuse: wrong keys, types and lengths ------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_wrong_lengths_and_types_give_agile_errors(name: str) -> None:
    case, (m, ctx) = _case(name), _message()
    scheme = _scheme(name)
    pk, sk = case["pk"], case["sk"]
    public = scheme.public_from_bytes(pk)
    private = scheme.private_from_bytes(sk)
    for bad_pk in (pk[:-1], pk + b"\x00", pk[:1312], b""):
        with pytest.raises(InvalidKey):
            scheme.public_from_bytes(bad_pk)
    bad_sks = [sk[:-1], sk + b"\x00", sk[:32], b""]
    if not str(algorithms.get(name).params["traditional"]).startswith("Ed"):
        bad_sks.append(sk[:32] + bytes(len(sk) - 32))  # zeros are not DER (any Ed bytes are a key)
    for bad_sk in bad_sks:
        with pytest.raises(InvalidKey):
            scheme.private_from_bytes(bad_sk)
    for wrong in (object(), public, None, b"key"):
        with pytest.raises(InvalidKey):
            scheme.sign(wrong, m, None)
    for wrong in (object(), private, None):
        with pytest.raises(InvalidKey):
            scheme.verify(wrong, case["s"], m, None)
    with pytest.raises(InvalidArgument):
        scheme.sign(private, m, bytes(256))
    with pytest.raises(InvalidArgument):
        scheme.verify(public, case["s"], m, bytes(256))
    with pytest.raises(InvalidArgument):
        scheme.sign(private, "text", None)
    with pytest.raises(InvalidArgument):
        scheme.sign(private, m, "ctx")
    with pytest.raises(InvalidArgument):
        scheme.verify(public, case["s"].hex(), m, None)
    with pytest.raises(InvalidArgument):
        scheme.verify(public, 5, m, None)
    scheme.sign(private, bytearray(m), memoryview(ctx))  # any bytes-like input is fine
    with pytest.raises(InvalidArgument):
        scheme.public_from_bytes(pk.hex())
    with pytest.raises(InvalidArgument):
        scheme.private_from_bytes(len(sk))


def test_keys_of_another_combination_are_refused() -> None:
    a, b = _scheme("MLDSA44-Ed25519-SHA512"), _scheme("MLDSA65-Ed25519-SHA512")
    key_a = a.private_from_bytes(_case("MLDSA44-Ed25519-SHA512")["sk"])
    with pytest.raises(InvalidKey):
        b.sign(key_a, b"m", None)
    with pytest.raises(InvalidKey):
        b.verify(a.public_of(key_a), a.sign(key_a, b"m", None), b"m", None)
    with pytest.raises(InvalidKey):
        b.private_bytes(key_a)
    # the same private bytes load under another combination with the same component types, but
    # the label binds each signature to its combination
    p256_a, p256_b = _scheme("MLDSA65-ECDSA-P256-SHA512"), _scheme("MLDSA65-ECDSA-brainpoolP256r1-SHA512")
    with pytest.raises(InvalidKey):  # P-256 key where brainpoolP256r1 is required
        p256_b.private_from_bytes(_case("MLDSA65-ECDSA-P256-SHA512")["sk"])
    with pytest.raises(InvalidKey):  # a P-256 point is not on brainpoolP256r1 (or vice versa)
        p256_b.public_from_bytes(_case("MLDSA65-ECDSA-P256-SHA512")["pk"])
    assert p256_a is not p256_b


def test_traditional_key_encodings_are_strict() -> None:
    rsa2048, rsa3072 = _case("MLDSA44-RSA2048-PSS-SHA256"), _case("MLDSA65-RSA3072-PSS-SHA512")
    scheme = _scheme("MLDSA44-RSA2048-PSS-SHA256")
    with pytest.raises(InvalidKey):  # a 3072-bit RSA key in an RSA2048 combination
        scheme.public_from_bytes(rsa2048["pk"][:1312] + rsa3072["pk"][1952:])
    with pytest.raises(InvalidKey):
        scheme.private_from_bytes(rsa2048["sk"][:32] + rsa3072["sk"][32:])
    rsa_key = serialization.load_der_public_key(rsa2048["pk"][1312:])
    spki = rsa_key.public_bytes(serialization.Encoding.DER,
                                serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(InvalidKey):  # SubjectPublicKeyInfo instead of RSAPublicKey
        scheme.public_from_bytes(rsa2048["pk"][:1312] + spki)
    rsa_private = serialization.load_der_private_key(rsa2048["sk"][32:], None)
    pkcs8 = rsa_private.private_bytes(serialization.Encoding.DER,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
    with pytest.raises(InvalidKey):  # PKCS #8 instead of RSAPrivateKey
        scheme.private_from_bytes(rsa2048["sk"][:32] + pkcs8)
    p256 = _case("MLDSA44-ECDSA-P256-SHA256")
    ec_scheme = _scheme("MLDSA44-ECDSA-P256-SHA256")
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256["pk"][1312:])
    compressed = point.public_bytes(serialization.Encoding.X962,
                                    serialization.PublicFormat.CompressedPoint)
    with pytest.raises(InvalidKey):
        ec_scheme.public_from_bytes(p256["pk"][:1312] + compressed + bytes(32))
    ec_private = serialization.load_der_private_key(p256["sk"][32:], None)
    with_public = ec_private.private_bytes(serialization.Encoding.DER,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption())
    with pytest.raises(InvalidKey):  # ECPrivateKey carrying the optional publicKey field
        ec_scheme.private_from_bytes(p256["sk"][:32] + with_public)


# --- fresh keys --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_generate_sign_verify_and_sizes(name: str) -> None:
    alg, scheme = algorithms.get(name), _scheme(name)
    private = scheme.generate()
    public = scheme.public_of(private)
    raw_pub, raw_priv = scheme.public_bytes(public), scheme.private_bytes(private)
    max_pub, max_priv, max_sig = alg.params["max_sizes"]  # type: ignore[misc]
    assert len(raw_pub) == (alg.public_key_size or len(raw_pub)) <= max_pub
    assert len(raw_priv) == (alg.private_key_size or len(raw_priv)) <= max_priv
    assert scheme.public_bytes(scheme.public_of(scheme.private_from_bytes(raw_priv))) == raw_pub
    sig = scheme.sign(private, b"message", b"application")
    assert len(sig) == (alg.signature_size or len(sig)) <= max_sig
    scheme.verify(scheme.public_from_bytes(raw_pub), sig, b"message", b"application")
    _component_verify(alg, raw_pub, sig, b"message", b"application")
    with pytest.raises(InvalidSignature):
        scheme.verify(public, sig, b"message", b"other")
    other = scheme.public_of(scheme.generate())
    with pytest.raises(InvalidSignature):
        scheme.verify(other, sig, b"message", b"application")
    with pytest.raises(InvalidArgument):
        scheme.generate(key_bits=1024)
    assert "PrivateKey" in repr(private) and raw_priv.hex()[:16] not in repr(private)


# --- through the agile API ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MLDSA65-Ed25519-SHA512", "MLDSA87-ECDSA-P384-SHA512",
                                  "MLDSA44-RSA2048-PSS-SHA256"])
def test_policy_signs_and_verifies_cose_sign1(make_context: Any, name: str) -> None:
    ctx = make_context(f'[policies.p]\nsignature = "{name}"\nrequire = "hybrid"\n')
    alg = algorithms.get(name)
    key = ctx.generate_keypair(policy="p")
    assert key.key_type == name
    env = ctx.sign(key, b"payload", policy="p")
    tagged = cbor2.loads(env)
    assert tagged.tag == 18
    assert cbor2.loads(tagged.value[0]) == {1: alg.cose_alg, 4: key.kid}
    assert ctx.verify(key.public_key(), env, policy="p") == b"payload"
    loaded = PublicKey.from_bytes(key.public_key().public_bytes(), name)
    assert ctx.verify(loaded, env, policy="p") == b"payload"
    signature = tagged.value[3]
    cut = _MLDSA_SIZES[alg.components[0]][1]
    for i in (0, cut, len(signature) - 1):
        bad = signature[:i] + bytes([signature[i] ^ 1]) + signature[i + 1:]
        with pytest.raises(InvalidSignature):
            ctx.verify(key.public_key(),
                       cbor2.dumps(cbor2.CBORTag(18, [*tagged.value[:3], bad])), policy="p")
    other = ctx.generate_keypair(policy="p")
    with pytest.raises(InvalidSignature):
        ctx.verify(other.public_key(), env, policy="p")


def test_policy_with_vector_key(make_context: Any) -> None:
    name = "MLDSA65-ECDSA-P256-SHA512"
    case = _case(name)
    ctx = make_context(f'[policies.p]\nsignature = "{name}"\nrequire = "hybrid"\n')
    signer = PrivateKey.from_bytes(case["sk"], name)
    env = ctx.sign(signer, b"payload", policy="p", detached=True)
    verifier = PublicKey.from_bytes(case["pk"], name)
    assert ctx.verify(verifier, env, policy="p", payload=b"payload") == b"payload"
    with pytest.raises(InvalidSignature):
        ctx.verify(verifier, env, policy="p", payload=b"other")


def test_hybrid_requirement_and_accept_lists(make_context: Any) -> None:
    with pytest.raises(ConfigError):
        make_context('[policies.p]\nsignature = "ML-DSA-65"\nrequire = "hybrid"\n').policy("p")
    old = make_context('[policies.p]\nsignature = "Ed25519"\n')
    ed_key = old.generate_keypair(policy="p")
    ed_env = old.sign(ed_key, b"old", policy="p")
    new = make_context('[policies.p]\nsignature = "MLDSA65-Ed25519-SHA512"\nrequire = "hybrid"\n')
    with pytest.raises((PolicyViolation, InvalidKey)):
        new.verify(ed_key.public_key(), ed_env, policy="p")
    with pytest.raises(PolicyViolation):  # an Ed25519 key cannot sign under the composite policy
        new.sign(ed_key, b"new", policy="p")
    composite = new.generate_keypair(policy="p")
    assert composite.key_type == "MLDSA65-Ed25519-SHA512"
    assert isinstance(composite, agile.PrivateKey)

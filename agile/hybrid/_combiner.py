"""Key combiners of ETSI TS 103 744 V1.2.1 (2025-03), "Quantum-safe Hybrid Key Establishment".

Two layers:

* :func:`cat_kdf`, :func:`cas_kdf_round` and :func:`cas_kdf` are the TS functions with exactly the
  TS inputs, so its published test vectors reproduce byte for byte:

  - clause 7.2.3, context formatting ``f(x_1, ..., x_m) = H(len(x_1) || x_1 || ... || len(x_m) ||
    x_m)``, each length a 32-bit big-endian byte count, ``H`` the KDF's hash;
  - clause 7.3.2, PRF = HMAC; clause 7.4.2, KDF = HKDF (RFC 5869) with ``label`` as salt and the
    formatted context as info; clause 7.4.3, KDF = the SP 800-56C one-step KDF with HMAC (salt =
    ``label``, FixedInfo = context), named ``SSKDF-HMAC-SHA256``/``-SHA384`` here;
  - clause 8.2, CatKDF: ``KDF(psk || k_1 || ... || k_n, label, f(context, MA, MB), length)``;
  - clause 8.3, CasKDF round i: ``round_secret = HMAC(chain_secret_{i-1}, f(k_i, MA_i, MB_i))``,
    ``chain_secret_i || key_material_i = KDF(round_secret, label_i, context_i, H_len + length_i)``,
    with ``chain_secret_0 = psk`` (may be empty) and ``H_len`` the hash output size.

  The TS functions bind MA/MB (public keys, ciphertexts) and the context, but not the lengths or
  kinds of the secrets, nor the output length (HKDF output of 16 bytes is a prefix of 32 bytes).

* :func:`combine` is agile's combiner for any mix of :class:`Secret` (classical (EC)DH, KEM, QKD,
  pre-shared key). It calls the TS functions with these inputs, where ``u32(n)`` is a 4-byte
  big-endian integer, ``enc(x) = u32(len(x)) || x`` and ``i`` runs over the secrets in the order
  given (order matters; both parties must pass the same list)::

      header = enc("agile.hybrid.combine/v1") || enc(method) || enc(kdf) || u32(length)
               || u32(n) || for each i: enc(kind_i) || enc(algorithm_i) || u32(len(value_i))
                                        || enc(key_id_i) || enc(kme_id_i)
               || enc(context)
      catkdf:  cat_kdf([value_1, ..., value_n], psk=b"", ma=enc(public_1) || ... ,
                       mb=enc(ciphertext_1) || ..., context=header, label=label, length=length)
      caskdf:  rounds i = 1..n of cas_kdf_round with k_i = value_i, MA_i = public_i,
               MB_i = ciphertext_i, context_i = header || u32(i), label_i = label,
               chain_secret_0 = b""; the result is key_material_n

  Every field is typed and length-prefixed and the header names every component, its kind and
  its secret length, the method, KDF and output length. So a result made without a component
  (say the QKD key), with another kind, id, order, length or context, is an unrelated output,
  even when the missing secret is empty bytes: no silent downgrade.

All primitives (SHA-2, SHA-3, HMAC, HKDF, the one-step KDF) come from pyca ``cryptography``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, TypeAlias, get_args

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .._types import Buffer
from ..errors import InvalidArgument

__all__ = [
    "COMBINE_KDFS", "KDFS", "KINDS", "Kind", "Method", "Secret", "cas_kdf", "cas_kdf_round",
    "cat_kdf", "combine",
]

Kind: TypeAlias = Literal["ecdh", "kem", "qkd", "psk"]
Method: TypeAlias = Literal["catkdf", "caskdf"]
#: The kinds of secret :func:`combine` accepts.
KINDS: tuple[str, ...] = get_args(Kind)

_HASHES: dict[str, hashes.HashAlgorithm] = {  # pyca hash objects are stateless, so shared
    "SHA256": hashes.SHA256(), "SHA384": hashes.SHA384(), "SHA512": hashes.SHA512(),
    "SHA3-256": hashes.SHA3_256(), "SHA3-384": hashes.SHA3_384(), "SHA3-512": hashes.SHA3_512(),
}
#: KDF name -> (construction, hash). V1.2.1 allows SHA-256 and SHA-384 only; SHA-512 and SHA-3
#: are accepted by the TS functions so that the V1.1.1 (2020-12) vectors reproduce too.
KDFS: Mapping[str, tuple[str, str]] = MappingProxyType({
    **{f"HKDF-{h}": ("hkdf", h) for h in _HASHES},
    "SSKDF-HMAC-SHA256": ("sskdf", "SHA256"), "SSKDF-HMAC-SHA384": ("sskdf", "SHA384"),
})
#: The KDFs :func:`combine` accepts: those of TS 103 744 V1.2.1 clause 7.4 that pyca provides.
COMBINE_KDFS: tuple[str, ...] = ("HKDF-SHA256", "HKDF-SHA384", "SSKDF-HMAC-SHA256",
                                 "SSKDF-HMAC-SHA384")

MAX_SECRETS = 16  # components per combination
MAX_SECRET_SIZE = 4096  # bytes per secret (and per psk / chain secret)
MAX_ID_SIZE = 1024  # key_id, kme_id, label
MAX_FIELD_SIZE = 1 << 24  # public value, ciphertext, MA, MB, context
_DOMAIN = b"agile.hybrid.combine/v1"


def _u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def _enc(data: bytes) -> bytes:
    return _u32(len(data)) + data


def _as_bytes(name: str, value: object, limit: int) -> bytes:
    try:
        view = memoryview(value)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidArgument(f"{name} must be bytes-like, not {type(value).__name__}") from None
    if view.nbytes > limit:  # checked before copying
        raise InvalidArgument(f"{name} must be at most {limit} bytes, got {view.nbytes}")
    return value if isinstance(value, bytes) else view.tobytes()


def _kdf(name: object) -> tuple[str, hashes.HashAlgorithm]:
    if not isinstance(name, str) or name not in KDFS:
        raise InvalidArgument(f"kdf must be one of {', '.join(KDFS)}; got {name!r}")
    construction, hash_name = KDFS[name]
    return construction, _HASHES[hash_name]


def _check_length(length: object, limit: int, *, minimum: int = 1) -> int:
    if isinstance(length, bool) or not isinstance(length, int):
        raise InvalidArgument(f"length must be an int, not {type(length).__name__}")
    if not minimum <= length <= limit:
        raise InvalidArgument(f"length must be between {minimum} and {limit} bytes, got {length}")
    return length


def _f(algorithm: hashes.HashAlgorithm, *fields: bytes) -> bytes:
    """Clause 7.2.3: the hash of each field prefixed by its 32-bit big-endian length."""
    h = hashes.Hash(algorithm)
    for field in fields:
        h.update(_enc(field))
    return h.finalize()


def _derive(construction: str, algorithm: hashes.HashAlgorithm, secret: bytes, label: bytes,
            context: bytes, length: int) -> bytes:
    """Clause 7.4.2 (HKDF) or 7.4.3 (SP 800-56C one-step with HMAC): KDF(secret, label, context)."""
    if construction == "hkdf":
        return HKDF(algorithm, length, label, context).derive(secret)
    return ConcatKDFHMAC(algorithm, length, label, context).derive(secret)


def _secrets(secrets: object, limit: int = MAX_SECRETS) -> list[bytes]:
    if isinstance(secrets, (bytes, bytearray, memoryview, str)) or not isinstance(secrets, Sequence):
        raise InvalidArgument("secrets must be a sequence of bytes-like secrets")
    if not 1 <= len(secrets) <= limit:
        raise InvalidArgument(f"secrets must hold between 1 and {limit} items, got {len(secrets)}")
    return [_as_bytes(f"secrets[{i}]", s, MAX_SECRET_SIZE) for i, s in enumerate(secrets)]


def cat_kdf(secrets: Sequence[Buffer], *, ma: Buffer, mb: Buffer, context: Buffer, label: Buffer,
            length: int, psk: Buffer = b"", kdf: str = "HKDF-SHA256") -> bytes:
    """TS 103 744 clause 8.2 CatKDF: ``KDF(psk || k_1 || ... || k_n, label, f(context, MA, MB))``.

    ``secrets`` are k_1..k_n in order; ``context`` is the TS "context" (V1.2.1's code calls it
    info). Returns ``length`` bytes of key material.
    """
    construction, algorithm = _kdf(kdf)
    ks = _secrets(secrets)
    length = _check_length(length, 255 * algorithm.digest_size)
    f_context = _f(algorithm, _as_bytes("context", context, MAX_FIELD_SIZE),
                   _as_bytes("ma", ma, MAX_FIELD_SIZE), _as_bytes("mb", mb, MAX_FIELD_SIZE))
    secret = _as_bytes("psk", psk, MAX_SECRET_SIZE) + b"".join(ks)
    return _derive(construction, algorithm, secret, _as_bytes("label", label, MAX_ID_SIZE),
                   f_context, length)


def cas_kdf_round(previous_chain_secret: Buffer, secret: Buffer, *, ma: Buffer, mb: Buffer,
                  context: Buffer, label: Buffer, length: int,
                  kdf: str = "HKDF-SHA256") -> tuple[bytes, bytes]:
    """One TS 103 744 clause 8.3 CasKDF round; returns ``(chain_secret, key_material)``.

    ``round_secret = HMAC(previous_chain_secret, f(k_i, MA_i, MB_i))``, then
    ``chain_secret || key_material = KDF(round_secret, label, context, H_len + length)``. The
    chain secret is ``H_len`` (hash output size) bytes; pass the psk (or b"") in round 1.
    """
    construction, algorithm = _kdf(kdf)
    size = algorithm.digest_size
    length = _check_length(length, 255 * size - size)
    prf = hmac.HMAC(_as_bytes("previous_chain_secret", previous_chain_secret, MAX_SECRET_SIZE),
                    algorithm)
    prf.update(_f(algorithm, _as_bytes("secret", secret, MAX_SECRET_SIZE),
                  _as_bytes("ma", ma, MAX_FIELD_SIZE), _as_bytes("mb", mb, MAX_FIELD_SIZE)))
    out = _derive(construction, algorithm, prf.finalize(), _as_bytes("label", label, MAX_ID_SIZE),
                  _as_bytes("context", context, MAX_FIELD_SIZE), size + length)
    return out[:size], out[size:]


def cas_kdf(secrets: Sequence[Buffer], *, ma: Sequence[Buffer], mb: Sequence[Buffer],
            contexts: Sequence[Buffer], labels: Sequence[Buffer], length: int, psk: Buffer = b"",
            kdf: str = "HKDF-SHA256") -> bytes:
    """TS 103 744 clause 8.3 CasKDF over all rounds; returns the last round's key material.

    Round i uses ``secrets[i]``, ``ma[i]``, ``mb[i]``, ``contexts[i]`` and ``labels[i]``; every
    round asks for ``length`` bytes of key material (earlier rounds' key material is dropped).
    """
    ks = _secrets(secrets)
    rounds = [ma, mb, contexts, labels]
    for name, seq in zip(("ma", "mb", "contexts", "labels"), rounds, strict=True):
        if isinstance(seq, (bytes, bytearray, memoryview, str)) or not isinstance(seq, Sequence):
            raise InvalidArgument(f"{name} must be a sequence with one item per secret")
        if len(seq) != len(ks):
            raise InvalidArgument(f"{name} must hold {len(ks)} items (one per secret), "
                                  f"got {len(seq)}")
    chain: Buffer = psk
    key_material = b""
    for i, k in enumerate(ks):
        chain, key_material = cas_kdf_round(chain, k, ma=ma[i], mb=mb[i], context=contexts[i],
                                            label=labels[i], length=length, kdf=kdf)
    return key_material


class Secret:
    """One input to :func:`combine`: a shared secret with what identifies it (never in repr).

    ``kind``: ``"ecdh"`` (X25519, X448, ECDH, FFDH), ``"kem"`` (ML-KEM or any KEM), ``"qkd"`` (a
    key delivered by a QKD network, e.g. over ETSI GS QKD 014; needs ``key_id``) or ``"psk"``.
    ``public``: the initiator's contribution (its (EC)DH public key, the KEM encapsulation key);
    ``ciphertext``: the responder's (its (EC)DH public key, the KEM ciphertext). ``key_id`` and
    ``kme_id`` identify a QKD key and the KME that delivered it (or a psk's identity);
    ``algorithm`` names the scheme, e.g. ``"ML-KEM-768"``. Everything except ``value`` is public.
    """

    __slots__ = ("_value", "algorithm", "ciphertext", "key_id", "kind", "kme_id", "public")

    def __init__(self, kind: Kind, value: Buffer, *, public: Buffer = b"",
                 ciphertext: Buffer = b"", key_id: Buffer = b"", kme_id: Buffer = b"",
                 algorithm: str = "") -> None:
        if kind not in KINDS:
            raise InvalidArgument(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
        if not isinstance(algorithm, str) or not algorithm.isascii() or len(algorithm) > 64:
            raise InvalidArgument("algorithm must be an ASCII str of at most 64 characters")
        self.kind: Kind = kind
        self._value = _as_bytes("value", value, MAX_SECRET_SIZE)
        self.public = _as_bytes("public", public, MAX_FIELD_SIZE)
        self.ciphertext = _as_bytes("ciphertext", ciphertext, MAX_FIELD_SIZE)
        self.key_id = _as_bytes("key_id", key_id, MAX_ID_SIZE)
        self.kme_id = _as_bytes("kme_id", kme_id, MAX_ID_SIZE)
        self.algorithm = algorithm
        if kind == "qkd" and not self.key_id:
            raise InvalidArgument("a qkd secret needs key_id (the QKD key's key_ID)")

    @property
    def value(self) -> bytes:
        """The secret bytes."""
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"Secret.{name} is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}", f"value=<{len(self._value)} bytes>"]
        if self.algorithm:
            parts.append(f"algorithm={self.algorithm!r}")
        parts += [f"{n}=<{len(v)} bytes>" for n, v in (("public", self.public),
                                                        ("ciphertext", self.ciphertext)) if v]
        parts += [f"{n}={v.hex()}" for n, v in (("key_id", self.key_id),
                                                 ("kme_id", self.kme_id)) if v]
        return f"<Secret {' '.join(parts)}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Secret cannot be pickled")


def combine(secrets: Sequence[Secret], *, label: Buffer, length: int = 32, context: Buffer = b"",
            kdf: str = "HKDF-SHA256", method: Method = "catkdf") -> bytes:
    """Combine ``secrets`` into ``length`` bytes of key material (see the module docstring).

    ``label`` (1 to 1024 bytes, becomes the KDF salt) and ``context`` are application choices
    both sides share; ``kdf`` is one of :data:`COMBINE_KDFS`; ``method`` is ``"catkdf"`` (TS
    103 744 clause 8.2) or ``"caskdf"`` (clause 8.3). ``length`` is 16 bytes to 254 hash
    lengths (8128 bytes with SHA-256).
    """
    if isinstance(secrets, (bytes, bytearray, memoryview, str)) or not isinstance(secrets, Sequence):
        raise InvalidArgument("secrets must be a sequence of Secret")
    if not 1 <= len(secrets) <= MAX_SECRETS:
        raise InvalidArgument(f"secrets must hold between 1 and {MAX_SECRETS} items, "
                              f"got {len(secrets)}")
    for i, s in enumerate(secrets):
        if not isinstance(s, Secret):
            raise InvalidArgument(f"secrets[{i}] must be a Secret, not {type(s).__name__}")
    if kdf not in COMBINE_KDFS:
        raise InvalidArgument(f"kdf must be one of {', '.join(COMBINE_KDFS)}; got {kdf!r}")
    if method not in get_args(Method):
        raise InvalidArgument(f"method must be 'catkdf' or 'caskdf'; got {method!r}")
    size = _HASHES[KDFS[kdf][1]].digest_size
    length = _check_length(length, 255 * size - size, minimum=16)
    label_b = _as_bytes("label", label, MAX_ID_SIZE)
    if not label_b:
        raise InvalidArgument("label must not be empty")
    header = b"".join([
        _enc(_DOMAIN), _enc(method.encode()), _enc(kdf.encode()), _u32(length), _u32(len(secrets)),
        *(_enc(s.kind.encode()) + _enc(s.algorithm.encode()) + _u32(len(s.value)) + _enc(s.key_id)
          + _enc(s.kme_id) for s in secrets),
        _enc(_as_bytes("context", context, MAX_FIELD_SIZE)),
    ])
    values = [s.value for s in secrets]
    if method == "catkdf":
        return cat_kdf(values, psk=b"", ma=b"".join(_enc(s.public) for s in secrets),
                       mb=b"".join(_enc(s.ciphertext) for s in secrets), context=header,
                       label=label_b, length=length, kdf=kdf)
    return cas_kdf(values, ma=[s.public for s in secrets], mb=[s.ciphertext for s in secrets],
                   contexts=[header + _u32(i) for i in range(1, len(secrets) + 1)],
                   labels=[label_b] * len(secrets), length=length, kdf=kdf)

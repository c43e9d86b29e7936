"""QKD + PQC hybrid envelopes: the policy's KEM secret and a QKD key, combined, seal the data.

>>> sealed = agile.qkd.seal(b"payload", site_b_public_key, policy="dc-link")   # doctest: +SKIP
>>> agile.qkd.open(sealed, site_b_private_key, policy="dc-link")               # at site B
b'payload'

Sealing (site A, master SAE) encapsulates to the peer's KEM public key with the policy's KEM
(e.g. MLKEM768-X25519), takes one fresh key from its KME (``enc_keys``), and derives the AEAD key
with :func:`agile.hybrid.combine` (ETSI TS 103 744 CatKDF)::

    key = combine([Secret("kem", ss, ciphertext=ct, algorithm=KEM),
                   Secret("qkd", qkd_key, key_id=key_ID, kme_id=master_KME, algorithm=QKD)],
                  label=b"agile.qkd/v1 qkd=present", context=protected_header)

The output is a COSE_Encrypt0 whose protected header holds the AEAD ``alg``, the recipient
key's ``kid`` and, under the private label -65600, ``{"kem": KEM, "qkd": {"key_ID",
"master_SAE_ID", "slave_SAE_ID", "master_KME_ID", "slave_KME_ID"}}``; the unprotected header holds
the IV and the KEM ciphertext (``ek``). Site B checks all of it against its policy before it
decapsulates or asks its KME for the key by key_ID (``dec_keys``).

When the policy's mode is ``preferred`` and the KME cannot deliver (unreachable, 503/5xx, pool
empty), the envelope is sealed with the KEM secret alone, ``"qkd": "absent"`` in the header and
the label ``agile.qkd/v1 qkd=absent``, and an audit event ``qkd-fallback`` is emitted. ``required``
raises :class:`~agile.errors.QKDUnavailable`, emits ``qkd-refused`` and produces nothing; a
``required`` receiver also refuses envelopes sealed without QKD.
"""

from __future__ import annotations

import os
from typing import Any

import cbor2

from .. import algorithms, audit, envelope, providers
from .._context import Context
from .._types import Buffer
from ..algorithms import Algorithm, Family
from ..envelope._cose import ALG, EK, IV, KID
from ..errors import (
    DecryptionFailed,
    InvalidArgument,
    MalformedEnvelope,
    PolicyViolation,
    QKDUnavailable,
    UnknownAlgorithm,
)
from ..hybrid import Secret, combine
from ..keys import PrivateKey, PublicKey
from ..policy import Policy, QKDLinkSpec
from ._protocol import valid_id, valid_key_id
from ._source import KeySource, source_for

__all__ = ["QKD_HEADER", "open", "seal"]

#: Private-use COSE header label (below -65536) carrying the KEM name and the QKD key reference.
QKD_HEADER = -65600
QKD_ALGORITHM = "ETSI-GS-QKD-014"
_LABEL_PRESENT = b"agile.qkd/v1 qkd=present"
_LABEL_ABSENT = b"agile.qkd/v1 qkd=absent"
_QKD_FIELDS = ("key_ID", "master_SAE_ID", "slave_SAE_ID", "master_KME_ID", "slave_KME_ID")


def _context(context: Context | None) -> Context:
    if context is not None:
        return context
    from .._api import default_context

    return default_context()


def _link(ctx: Context, pol: Policy) -> tuple[str, QKDLinkSpec]:
    if pol.qkd is None:
        raise PolicyViolation(f"policy {pol.name!r} has no QKD link; add qkd = {{ link = "
                              f"\"NAME\", mode = \"required\" }} to [policies.{pol.name}] in "
                              f"{pol.source}")
    return pol.qkd.mode, ctx.config.qkd_links[pol.qkd.link]


def _bytes(value: object, name: str) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise InvalidArgument(f"{name} must be bytes-like, not {type(value).__name__}")


def _derive(kem: Algorithm, shared: bytes, ct: bytes, qkd: dict[str, str] | None,
            material: bytearray | None, protected: bytes, size: int) -> bytes:
    secrets = [Secret("kem", shared, ciphertext=ct, algorithm=kem.name)]
    if qkd is not None and material is not None:
        secrets.append(Secret("qkd", material, key_id=qkd["key_ID"].encode(),
                              kme_id=qkd["master_KME_ID"].encode(), algorithm=QKD_ALGORITHM))
    try:
        return combine(secrets, label=_LABEL_PRESENT if qkd is not None else _LABEL_ABSENT,
                       context=protected, length=size)
    finally:
        if material is not None:
            material[:] = bytes(len(material))  # our copy of the QKD key; used exactly once


def seal(data: Buffer, peer_public_key: PublicKey, *, policy: str = "default", aad: Buffer = b"",
         context: Context | None = None) -> bytes:
    """Seal ``data`` for the peer site with QKD + the policy's KEM; a COSE_Encrypt0 (bytes)."""
    ctx = _context(context)
    pol = ctx.policy(policy)
    mode, spec = _link(ctx, pol)
    plaintext, extra = _bytes(data, "data"), _bytes(aad, "aad")
    if isinstance(peer_public_key, PrivateKey):
        peer_public_key = peer_public_key.public_key()
    if not isinstance(peer_public_key, PublicKey):
        raise InvalidArgument("peer_public_key must be an agile PublicKey (the peer's KEM key)")
    aead, kem = pol.algorithm(Family.AEAD), pol.algorithm(Family.KEM)
    assert aead.cose_alg is not None and aead.key_size is not None
    source = source_for(spec)
    qkd: dict[str, str] | None = None
    material: bytearray | None = None
    try:
        key, master_kme, slave_kme = source.key_for_peer(policy=pol.name)
        qkd = {"key_ID": key.key_id, "master_SAE_ID": spec.sae_id,
               "slave_SAE_ID": spec.peer_sae_id, "master_KME_ID": master_kme,
               "slave_KME_ID": slave_kme}
        material = key.material
    except QKDUnavailable as exc:
        if mode == "required":
            audit.emit("qkd-refused", pol.name, kem.name, spec.name, peer_public_key.kid,
                       "refused", f"link={spec.name} mode=required: nothing sealed")
            raise QKDUnavailable(f"policy {pol.name!r} requires a QKD key and link "
                                 f"{spec.name!r} has none: {exc}; nothing was sealed",
                                 status=exc.status, kme_message=exc.kme_message) from None
        audit.emit("qkd-fallback", pol.name, kem.name, spec.name, peer_public_key.kid,
                   "fallback", f"link={spec.name} sealed with {kem.name} only (qkd absent)")
    try:
        shared, ct = ctx.encapsulate(peer_public_key, policy=pol.name)
        protected = bytes(cbor2.dumps({ALG: aead.cose_alg,
                                       KID: peer_public_key.kid,
                                       QKD_HEADER: {"kem": kem.name, "qkd": qkd or "absent"}}))
        aead_key = _derive(kem, shared, ct, qkd, material, protected, aead.key_size)
    finally:
        if material is not None:
            material[:] = bytes(len(material))
    provider = providers.for_algorithm(aead.name, pol.providers)
    nonce = os.urandom(aead.nonce_size or 12)
    sealed = provider.scheme(aead.name).new(aead_key).encrypt(  # type: ignore[attr-defined]
        nonce, plaintext, envelope.enc_structure(protected, extra))
    audit.emit("qkd-seal", pol.name, f"{kem.name}+QKD+{aead.name}" if qkd else
               f"{kem.name}+{aead.name}", provider.name, peer_public_key.kid, "ok",
               f"link={spec.name} key_ID={qkd['key_ID']}" if qkd else f"link={spec.name} "
               "qkd=absent")
    return envelope.encode_encrypt0(protected, {IV: nonce, EK: ct}, sealed)


def _header(parsed: envelope.Parsed, pol: Policy, mode: str, spec: QKDLinkSpec
            ) -> tuple[Algorithm, Algorithm, dict[str, str] | None]:
    """(aead, kem, qkd reference or None), all checked against the policy; no key touched."""
    found: Any = (parsed.protected_map or {}).get(QKD_HEADER)
    if not isinstance(found, dict) or set(found) != {"kem", "qkd"} or \
            not isinstance(found["kem"], str):
        raise MalformedEnvelope("not a QKD envelope: the protected header lacks the QKD "
                                f"parameter ({QKD_HEADER})")
    aead = next((a for a in algorithms.by_cose(parsed.alg) if a.family is Family.AEAD), None)
    if aead is None or not pol.accepts(aead):
        raise PolicyViolation(f"policy {pol.name!r} does not accept the envelope's AEAD "
                              f"(COSE alg {parsed.alg})")
    try:
        kem = algorithms.get(found["kem"])
    except UnknownAlgorithm:
        raise MalformedEnvelope("the envelope names an unknown KEM") from None
    if kem.family is not Family.KEM or not pol.accepts(kem):
        raise PolicyViolation(f"policy {pol.name!r} does not accept {kem.name}")
    qkd = found["qkd"]
    if qkd == "absent":
        if mode == "required":
            raise PolicyViolation(f"policy {pol.name!r} requires QKD, but this envelope was "
                                  "sealed without a QKD key (a preferred-mode fallback)")
        return aead, kem, None
    if not isinstance(qkd, dict) or set(qkd) != set(_QKD_FIELDS) or \
            not valid_key_id(qkd["key_ID"]) or \
            not all(valid_id(qkd[k]) for k in _QKD_FIELDS[1:]):
        raise MalformedEnvelope("malformed QKD key reference in the protected header")
    if (qkd["master_SAE_ID"], qkd["slave_SAE_ID"]) != (spec.peer_sae_id, spec.sae_id):
        raise PolicyViolation(f"the envelope's QKD key is from {qkd['master_SAE_ID']} for "
                              f"{qkd['slave_SAE_ID']}, but link {spec.name!r} joins "
                              f"{spec.peer_sae_id} to {spec.sae_id}")
    return aead, kem, qkd


def open(sealed: Buffer, private_key: PrivateKey, *, policy: str = "default",
         aad: Buffer = b"", context: Context | None = None) -> bytes:
    """Open a :func:`seal` envelope at the peer site (fetches the QKD key by key_ID)."""
    ctx = _context(context)
    pol = ctx.policy(policy)
    mode, spec = _link(ctx, pol)
    parsed = envelope.parse(sealed, envelope.TAG_ENCRYPT0)
    aead, kem, qkd = _header(parsed, pol, mode, spec)
    iv, ct = parsed.unprotected.get(IV), parsed.unprotected.get(EK)
    if type(iv) is not bytes or len(iv) != aead.nonce_size or type(ct) is not bytes:
        raise MalformedEnvelope("missing or malformed IV or KEM ciphertext (ek)")
    if not isinstance(private_key, PrivateKey):
        raise InvalidArgument("private_key must be an agile PrivateKey (this site's KEM key)")
    if parsed.kid != private_key.kid:
        raise DecryptionFailed()
    if private_key.key_type != kem.key_type:
        raise PolicyViolation(f"the envelope uses {kem.name}, but the key is "
                              f"{private_key.key_type}")
    shared = ctx.decapsulate(private_key, ct, policy=pol.name)
    material = None
    if qkd is not None:
        source: KeySource = source_for(spec)
        material = source.key_by_id(qkd["master_SAE_ID"], qkd["key_ID"], policy=pol.name).material
    assert aead.key_size is not None and parsed.content is not None
    aead_key = _derive(kem, shared, ct, qkd, material, parsed.protected, aead.key_size)
    provider = providers.for_algorithm(aead.name, pol.providers)
    plaintext: bytes = provider.scheme(aead.name).new(aead_key).decrypt(  # type: ignore[attr-defined]
        iv, parsed.content, envelope.enc_structure(parsed.protected, _bytes(aad, "aad")))
    audit.emit("qkd-open", pol.name, f"{kem.name}+QKD+{aead.name}" if qkd else
               f"{kem.name}+{aead.name}", provider.name, private_key.kid, "ok",
               f"link={spec.name} key_ID={qkd['key_ID']}" if qkd else f"link={spec.name} "
               "qkd=absent")
    return plaintext

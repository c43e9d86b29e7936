"""The explicit API object. Module-level ``agile.seal`` etc. are bound to a default instance.

>>> ctx = Context(load_config(discover=False))
>>> key = ctx.generate_key(policy="archive")
>>> ctx.open(ctx.seal(b"hi", key, policy="archive"), key, policy="archive")
b'hi'
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from . import algorithms, audit, envelope, providers
from ._password import PasswordHasher
from ._types import Buffer
from ._types import as_bytes as _bytes
from .algorithms import Algorithm, Family
from .envelope._cose import _SMALL_HEADS as _HEADS
from .envelope._cose import EK, IV, bstr_head, bstr_head_fast, parse_protected
from .errors import (
    DecryptionFailed,
    InvalidArgument,
    InvalidKey,
    InvalidSignature,
    KeyNotFound,
    KeyRetired,
    MalformedEnvelope,
    PolicyViolation,
    Reason,
    UnsupportedAlgorithm,
)
from .keys import PrivateKey, PublicKey, SecretKey
from .policy import Config, Policy, load_config
from .providers import Provider

if TYPE_CHECKING:
    from .keyring import Keyring, KeyringManager, StorageBackend

_ENC0_HEAD = b"\xd0\x83"
_ENC0_CONTEXT = b"\x83\x68Encrypt0"  # start of the Enc_structure array
_urandom = os.urandom
_IV12 = b"\xa1\x05\x4c"
_PROTECTED_CACHE_LIMIT = 4096


def _read_bstr(data: bytes, pos: int) -> tuple[int, int] | None:
    """(start, end) of the definite-length byte string at ``pos``, or None if not one."""
    if pos >= len(data):
        return None
    head = data[pos]
    if head >> 5 != 2:
        return None
    info = head & 0x1F
    if info < 24:
        start, length = pos + 1, info
    elif 24 <= info <= 27:
        width = 1 << (info - 24)
        start = pos + 1 + width
        if start > len(data):
            return None
        length = int.from_bytes(data[pos + 1:start], "big")
        if length < (24 if width == 1 else 1 << (4 * width)):  # non-minimal: use strict path
            return None
    else:
        return None
    end = start + length
    return (start, end) if end <= len(data) else None


@dataclass(frozen=True, slots=True)
class _KeyState:
    """Per (SecretKey, Policy): the keyed cipher and pre-encoded COSE pieces."""

    alg: Algorithm
    cipher: Any
    encrypt: Any  # the provider's fastest encrypt for nonces agile generates itself
    writable: bool  # the key's algorithm is the policy's current AEAD
    enc_prefix: bytes  # Enc_structure up to the external AAD
    enc_empty: bytes  # the whole Enc_structure for aad=b"" (the common case)
    decrypt: Any  # the provider's decrypt, raising decrypt_errors on failure
    decrypt_errors: tuple[type[BaseException], ...]
    out_prefix: bytes  # COSE_Encrypt0 up to the IV
    iv_end: int  # len(out_prefix) + 12: where the ciphertext's byte-string head starts
    seal_tally: audit.Tally
    open_tally: audit.Tally


@dataclass(frozen=True, slots=True)
class _HPKEState:
    """Per (asymmetric key, Policy): the HPKE suite, the key in its native form, COSE pieces."""

    alg: Algorithm
    seal_or_open: Any  # scheme.seal for public keys, scheme.open for private keys
    native: Any  # the key as the scheme takes it (converted once)
    enc_size: int
    info_prefix: bytes  # Enc_structure up to the external AAD
    info_empty: bytes  # the whole Enc_structure for aad=b""
    out_prefix: bytes  # COSE_Encrypt0 up to the encapsulated key's bytes
    tally: audit.Tally


@dataclass(frozen=True, slots=True)
class _SignState:
    """Per (asymmetric key, Policy): the signature scheme, native key and COSE_Sign1 pieces."""

    alg: Algorithm
    op: Any  # scheme.sign for private keys, scheme.verify for public keys
    native: Any
    protected: bytes
    tbs_prefix: bytes  # Sig_structure up to the external AAD
    out_prefix: bytes  # COSE_Sign1 up to the payload: tag, array head, protected, {}
    tally: audit.Tally


_SIGN1_HEAD = b"\xd2\x84"
_SIG1_CONTEXT = b"\x84\x6aSignature1"
_EK_LABEL = b"\xa1\x23"  # unprotected header {-4 (ek): ...}


class Context:
    """Policy-driven cryptography bound to one configuration (thread-safe)."""

    def __init__(self, config: Config | str | os.PathLike[str] | None = None, *,
                 keyring: StorageBackend | None = None) -> None:
        self._lock = threading.RLock()
        self._keyring_store = keyring  # for policies whose config names no [keyrings.NAME]
        self._storages: dict[str, StorageBackend] = {}
        self._rings: dict[str, Keyring] = {}
        # per family, per policy: the primary key (keyed by Policy alone: identity hash, fast)
        self._primaries: dict[Family, dict[Policy, Any]] = {f: {} for f in Family}
        self._aead_primaries = self._primaries[Family.AEAD]
        self._config: Config | None = config if isinstance(config, Config) else None
        self._config_path = None if isinstance(config, Config) else config
        self._protected: dict[bytes, tuple[int, bytes | None]] = {}
        self._accept_cache: dict[tuple[Policy, int, Family, str | None], Algorithm] = {}
        self._kem_cache: dict[tuple[Policy, str, str], Any] = {}
        self._passwords = PasswordHasher()
        self.raw = _Raw(self)

    # -- configuration -------------------------------------------------------------------------
    @property
    def config(self) -> Config:
        cfg = self._config
        if cfg is None:
            with self._lock:
                if self._config is None:
                    self._config = load_config(self._config_path)
                cfg = self._config
        return cfg

    def configure(self, path: str | os.PathLike[str] | None = None, *, text: str | None = None,
                  config: Config | None = None) -> Config:
        """Load and switch to a configuration atomically; the old one stays on error."""
        new = config if config is not None else load_config(path, text=text)
        with self._lock:
            self._config = new
            self._config_path = path
            self._accept_cache = {}
            self._kem_cache = {}
            self._forget_keyrings()
        return new

    def reload(self) -> Config:
        """Re-read the configuration from where it came from (or discover it again)."""
        with self._lock:
            new = load_config(self._config_path)
            self._config = new
            self._accept_cache = {}
            self._kem_cache = {}
            self._forget_keyrings()
        return new

    def policy(self, name: str) -> Policy:
        """The resolved (cached) policy ``name``."""
        cfg = self._config or self.config
        found = cfg.policies.get(name) if type(name) is str else None
        return found if found is not None else cfg.policy(name)

    # -- keyrings -------------------------------------------------------------------------------
    def _forget_keyrings(self) -> None:
        self._storages = {}
        self._rings = {}
        for by_policy in self._primaries.values():
            by_policy.clear()

    def keyring(self, policy: str = "default") -> KeyringManager:
        """The keyring of ``policy``: add, generate, rotate, promote, retire, destroy, list."""
        from .keyring import KeyringManager

        pol = self.policy(policy)
        return KeyringManager(self, pol, self._keyring_storage(pol))

    def rewrap(self, sealed: Buffer, *, policy: str = "default", aad: Buffer = b"") -> bytes:
        """``sealed`` (a ``seal`` or ``encrypt`` envelope) re-encrypted under the policy's
        primary keyring key; the same bytes if it already is. See :mod:`agile.keyring._rewrap`
        and :func:`agile.keyring.rewrap_files` for files."""
        from .keyring._rewrap import rewrap

        return rewrap(self, sealed, policy=policy, aad=aad)

    def _keyring_storage(self, pol: Policy) -> StorageBackend:
        if pol.keyring is not None:
            found = self._storages.get(pol.keyring)
            if found is None:
                from .keyring import storage_from_spec

                found = storage_from_spec(self.config.keyrings[pol.keyring])
                self._storages[pol.keyring] = found
            return found
        if self._keyring_store is not None:
            return self._keyring_store
        from .errors import KeyringNotConfigured

        raise KeyringNotConfigured(f"policy {pol.name!r} has no keyring: pass a key, add keyring = "
                           f"\"NAME\" and a [keyrings.NAME] table to {pol.source}, or create "
                           "the Context with keyring=FileStorage(...)")

    def _ring(self, pol: Policy, *, refresh: bool = False) -> Keyring:
        ring = None if refresh else self._rings.get(pol.name)
        if ring is None:
            from .keyring import Keyring

            ring = self._keyring_storage(pol).load().get(pol.name) or Keyring(pol.name)
            self._keyring_changed(pol.name, ring)
        return ring

    def _keyring_changed(self, policy: str, ring: Keyring) -> None:
        """A newer snapshot of ``policy``'s keyring (after a load or a change)."""
        self._rings[policy] = ring
        for by_policy in self._primaries.values():
            for pol in [p for p in list(by_policy) if p.name == policy]:
                by_policy.pop(pol, None)

    def _keyring_primary(self, pol: Policy, family: Family) -> Any:
        """The primary ``family`` key of the policy's keyring (cached until it changes)."""
        found = self._primaries[family].get(pol)
        if found is not None:
            return found
        ring = self._ring(pol)
        entry = ring.primary(family)
        if entry is None:
            entry = self._ring(pol, refresh=True).primary(family)
        if entry is None:
            raise KeyNotFound(f"policy {pol.name!r} has no primary {family} key; run `agile keys "
                              f"rotate {pol.name} --family {family.value}`")
        alg = pol.algorithm(family)
        if entry.algorithm != alg.name:
            raise PolicyViolation(
                f"the primary {family} key of policy {pol.name!r} is {entry.algorithm}, but the "
                f"policy now uses {alg.name}; run `agile keys rotate {pol.name} --family "
                f"{family.value}`")
        key = entry.key()
        self._primaries[family][pol] = key
        return key

    def _keyring_key(self, pol: Policy, kid: bytes | None, alg: Algorithm) -> Any:
        """The keyring key named by an envelope's kid (its algorithm already accepted)."""
        if not kid:
            raise KeyNotFound("the envelope carries no kid, so no keyring key can be chosen; "
                              "pass the key explicitly")
        entry = self._ring(pol).find(kid)
        if entry is None:  # maybe added (distributed) since our snapshot
            entry = self._ring(pol, refresh=True).find(kid)
        if entry is None:
            raise KeyNotFound(f"no key {kid.hex()} in the keyring of policy {pol.name!r}")
        if entry.status == "retired" and not pol.read_retired:
            raise KeyRetired(f"key {kid.hex()} is retired and policy {pol.name!r} does not read "
                             "with retired keys (read_retired = false)")
        if entry.algorithm != alg.name:
            raise InvalidKey(f"envelope uses {alg.name}, but keyring key {kid.hex()} is for "
                             f"{entry.algorithm}")
        return entry.key()

    def _provider(self, pol: Policy, alg: Algorithm) -> Provider:
        return providers.for_algorithm(alg.name, pol.providers)

    # -- envelope helpers ----------------------------------------------------------------------
    def _accepted(self, pol: Policy, alg_id: int, family: Family,
                  key_type: str | None = None) -> Algorithm:
        """The accepted algorithm a COSE alg id denotes; checked before any key is touched."""
        cache_key = (pol, alg_id, family, key_type)
        found = self._accept_cache.get(cache_key)
        if found is not None:
            return found
        found = self._resolve_accepted(pol, alg_id, family, key_type)
        if len(self._accept_cache) < _PROTECTED_CACHE_LIMIT:
            self._accept_cache[cache_key] = found
        return found

    def _resolve_accepted(self, pol: Policy, alg_id: int, family: Family,
                          key_type: str | None) -> Algorithm:
        candidates = [a for a in algorithms.by_cose(alg_id) if a.family is family]
        if not candidates:
            raise PolicyViolation(f"envelope names COSE algorithm {alg_id}, which is not a "
                                  f"known {family} algorithm")
        accepted = [a for a in candidates if pol.accepts(a)]
        if not accepted:
            names = ", ".join(a.name for a in candidates)
            allowed = ", ".join(sorted(pol.accept.get(family, ()))) or "nothing"
            raise PolicyViolation(f"policy {pol.name!r} does not accept {names} (its {family} "
                                  f"accept-list: {allowed}; source: {pol.source})")
        if key_type is not None:
            matching = [a for a in accepted if a.key_type == key_type]
            if not matching:
                raise InvalidKey(f"envelope uses {accepted[0].name}, but the key is {key_type}")
            return matching[0]
        return accepted[0]

    def _check_key_bits(self, pol: Policy, alg: Algorithm, key: PrivateKey | PublicKey) -> None:
        if alg.key_type != "RSA":
            return
        bits = getattr(key._native, "key_size", 0)
        minimum = int(str(alg.params.get("min_key_bits", 2048)))
        if bits < minimum and not pol.allow_legacy:
            raise PolicyViolation(f"RSA key of {bits} bits is below the {minimum}-bit minimum "
                                  f"of {alg.name}")

    def _current_for_key(self, pol: Policy, family: Family, key_type: str) -> Algorithm:
        alg = pol.algorithm(family)
        if alg.key_type != key_type:
            raise PolicyViolation(
                f"policy {pol.name!r} uses {alg.name} for {family}, but the key is {key_type}; "
                f"generate a new key with generate_keypair(policy={pol.name!r})")
        return alg

    # -- symmetric envelopes -------------------------------------------------------------------
    def _key_state(self, key: SecretKey, pol: Policy) -> _KeyState:
        """Everything ``seal``/``open`` need for ``key`` under ``pol``, computed once."""
        state: _KeyState | None = key._states.get(pol)
        if state is None:
            alg = key.algorithm
            pol.check_accepts(alg)
            provider = self._provider(pol, alg)
            assert alg.cose_alg is not None and alg.nonce_size == 12
            protected = envelope.protected_header(alg.cose_alg, key.kid)
            cipher = provider.scheme(alg.name).new(key._key)  # type: ignore[attr-defined]
            state = _KeyState(
                alg=alg,
                cipher=cipher,
                encrypt=getattr(cipher, "unchecked_encrypt", cipher.encrypt),
                writable=pol.algorithms.get(Family.AEAD) is alg,
                enc_prefix=_ENC0_CONTEXT + bstr_head(len(protected)) + protected,
                enc_empty=_ENC0_CONTEXT + bstr_head(len(protected)) + protected + b"\x40",
                decrypt=getattr(cipher, "unchecked_decrypt", cipher.decrypt),
                decrypt_errors=getattr(cipher, "decrypt_errors", ()),
                out_prefix=_ENC0_HEAD + bstr_head(len(protected)) + protected + _IV12,
                iv_end=len(_ENC0_HEAD + bstr_head(len(protected)) + protected + _IV12) + 12,
                seal_tally=audit.tally("seal", pol.name, alg.name, provider.name),
                open_tally=audit.tally("open", pol.name, alg.name, provider.name),
            )
            if len(key._states) > 16:  # configurations were reloaded many times
                key._states.clear()
            key._states[pol] = state
        return state

    def seal(self, data: Buffer, key: SecretKey | None = None, *, policy: str = "default",
             aad: Buffer = b"") -> bytes:
        """Encrypt and authenticate ``data``: a COSE_Encrypt0 with protected alg and kid."""
        cfg = self._config or self.config
        pol = (cfg.policies.get(policy) if type(policy) is str else None) or cfg.policy(policy)
        if key is None:
            key = self._aead_primaries.get(pol) or self._keyring_primary(pol, Family.AEAD)
        state = key._states.get(pol) if type(key) is SecretKey else None
        if state is None or not state.writable:
            if not isinstance(key, SecretKey):
                raise InvalidArgument(
                    "key must be an agile SecretKey (see generate_key(policy=...))")
            alg = pol.algorithm(Family.AEAD)
            if key.algorithm is not alg:
                raise PolicyViolation(f"policy {pol.name!r} seals with {alg.name}, but the key is "
                                      f"for {key.algorithm.name}; generate a key for the policy")
            state = self._key_state(key, pol)
        if type(data) is not bytes:
            data = _bytes(data, "data")
        if aad == b"":
            enc = state.enc_empty
        else:
            aad = _bytes(aad, "aad")
            enc = state.enc_prefix + bstr_head_fast(len(aad)) + aad
        nonce = _urandom(12)
        ct = state.encrypt(nonce, data, enc)
        tally = state.seal_tally
        tally.count += 1
        if audit.gate.get(20) is not False:
            audit.record_event(tally, key.kid)
        size = len(ct)
        sealed: bytes = state.out_prefix + nonce + (
            _HEADS[size] if size < 256 else bstr_head(size)) + ct
        return sealed

    def _parse_encrypt0(self, data: bytes) -> tuple[bytes, int, bytes | None, bytes, bytes]:
        """(protected, alg, kid, iv, ciphertext): fast path for agile's own layout."""
        if data[:2] == _ENC0_HEAD:
            span = _read_bstr(data, 2)
            if span is not None:
                protected = data[span[0]:span[1]]
                pos = span[1]
                if data[pos:pos + 3] == _IV12:
                    iv = data[pos + 3:pos + 15]
                    body = _read_bstr(data, pos + 15)
                    if len(iv) == 12 and body is not None and body[1] == len(data):
                        header = self._protected.get(protected)
                        if header is None:
                            header = parse_protected(protected)
                            if len(self._protected) < _PROTECTED_CACHE_LIMIT:
                                self._protected[protected] = header
                        return protected, header[0], header[1], iv, data[body[0]:]
        parsed = envelope.parse(data, envelope.TAG_ENCRYPT0)
        iv_field = parsed.param(IV)
        if type(iv_field) is not bytes:
            raise MalformedEnvelope("COSE_Encrypt0 lacks an IV")
        assert parsed.content is not None
        return parsed.protected, parsed.alg, parsed.kid, iv_field, parsed.content

    def open(self, sealed: Buffer, key: SecretKey | None = None, *, policy: str = "default",
             aad: Buffer = b"") -> bytes:
        """Verify and decrypt a ``seal`` envelope; the algorithm must be on the accept-list."""
        cfg = self._config or self.config
        pol = (cfg.policies.get(policy) if type(policy) is str else None) or cfg.policy(policy)
        data = sealed if type(sealed) is bytes else _bytes(sealed, "sealed")
        if type(aad) is not bytes:
            aad = _bytes(aad, "aad")
        if key is None:  # the keyring: accept-list first, then the key the kid names
            _, alg_id, kid, _, _ = self._parse_encrypt0(data)
            key = self._keyring_key(pol, kid, self._accepted(pol, alg_id, Family.AEAD))
        state = key._states.get(pol) if type(key) is SecretKey else None
        if state is not None and data.startswith(state.out_prefix):
            # The envelope names this key's algorithm and kid, which this policy accepts
            # (a state exists only for accepted algorithms): parse the rest in place.
            # The ciphertext's byte-string head, in preferred (shortest) encoding only, as the
            # strict decoder requires; anything else takes the strict path below.
            pos = state.iv_end
            total = len(data)
            head = data[pos] if total > pos else 0
            if 0x40 <= head < 0x58:
                body, size = pos + 1, head - 0x40
            elif head == 0x58 and total > pos + 1:
                body, size = pos + 2, data[pos + 1]
                size = size if size >= 24 else -1
            elif head == 0x59 and total > pos + 2:
                body, size = pos + 3, data[pos + 1] << 8 | data[pos + 2]
                size = size if size >= 0x100 else -1
            elif head == 0x5A and total > pos + 4:
                body, size = pos + 5, int.from_bytes(data[pos + 1:pos + 5], "big")
                size = size if size >= 0x10000 else -1
            else:
                body, size = 0, -1
            if body + size == total:
                ct = data[body:] if size < 4096 else memoryview(data)[body:]
                try:
                    plaintext: bytes = state.decrypt(
                        data[pos - 12:pos], ct,
                        state.enc_empty if not aad else
                        state.enc_prefix + bstr_head_fast(len(aad)) + aad)
                except state.decrypt_errors:
                    raise DecryptionFailed() from None
                tally = state.open_tally
                tally.count += 1
                if audit.gate.get(20) is not False:
                    audit.record_event(tally, key.kid)
                return plaintext
        protected, alg_id, _, iv, ct = self._parse_encrypt0(data)
        alg = self._accepted(pol, alg_id, Family.AEAD)
        if not isinstance(key, SecretKey):
            raise InvalidArgument("open needs the SecretKey the data was sealed with")
        if key.algorithm is not alg:
            raise InvalidKey(f"envelope uses {alg.name}, but the key is for {key.algorithm.name}")
        if len(iv) != alg.nonce_size:
            raise MalformedEnvelope(f"{alg.name} IV must be {alg.nonce_size} bytes")
        state = self._key_state(key, pol)
        enc = _ENC0_CONTEXT + bstr_head(len(protected)) + protected + bstr_head(len(aad)) + aad
        plaintext = state.cipher.decrypt(iv, ct, enc)
        audit.record(state.open_tally, key.kid)
        return plaintext

    # -- signatures ----------------------------------------------------------------------------
    def _sign_state(self, key: PrivateKey | PublicKey, pol: Policy, alg: Algorithm) -> _SignState:
        state: _SignState | None = key._states.get(pol)
        if state is None or state.alg is not alg:
            provider = self._provider(pol, alg)
            scheme: Any = provider.scheme(alg.name)
            assert alg.cose_alg is not None
            protected = envelope.protected_header(alg.cose_alg, key.kid)
            private = isinstance(key, PrivateKey)
            state = _SignState(
                alg=alg, op=scheme.sign if private else scheme.verify,
                native=key.native_for(provider), protected=protected,
                tbs_prefix=_SIG1_CONTEXT + bstr_head(len(protected)) + protected,
                out_prefix=_SIGN1_HEAD + bstr_head(len(protected)) + protected + b"\xa0",
                tally=audit.tally("sign" if private else "verify", pol.name, alg.name,
                                  provider.name))
            if len(key._states) > 16:
                key._states.clear()
            key._states[pol] = state
        return state

    def sign(self, key: PrivateKey | None = None, data: Buffer | None = None, *,
             policy: str = "default", detached: bool = False, aad: Buffer = b"") -> bytes:
        """Sign ``data``: a COSE_Sign1 (payload attached unless ``detached``).

        ``key=None`` signs with the primary signature key of the policy's keyring.
        """
        pol = self.policy(policy)
        if data is None:
            raise InvalidArgument("sign needs data")
        if key is None:
            key = (self._primaries[Family.SIGNATURE].get(pol)
                   or self._keyring_primary(pol, Family.SIGNATURE))
        if not isinstance(key, PrivateKey):
            raise InvalidArgument("key must be an agile PrivateKey (see generate_keypair)")
        state: _SignState | None = key._states.get(pol)
        if state is None or pol.algorithms.get(Family.SIGNATURE) is not state.alg:
            alg = self._current_for_key(pol, Family.SIGNATURE, key.key_type)
            self._check_key_bits(pol, alg, key)
            if alg.cose_alg is None:
                raise UnsupportedAlgorithm(f"{alg.name} has no COSE identifier; use agile.raw.sign",
                                           Reason.OPERATION)
            state = self._sign_state(key, pol, alg)
        alg = state.alg
        payload = data if type(data) is bytes else _bytes(data, "data")
        ext = b"\x40" if aad == b"" else bstr_head(len(_bytes(aad, "aad"))) + _bytes(aad, "aad")
        head = bstr_head(len(payload))
        signature = state.op(state.native, b"".join((state.tbs_prefix, ext, head, payload)), None)
        if alg.key_type and alg.key_type.startswith("EC-"):
            signature = _der_to_fixed(signature, alg)
        tally = state.tally
        audit.record(tally, key.kid)
        body = (b"\xf6",) if detached else (head, payload)
        return b"".join((state.out_prefix, *body, bstr_head(len(signature)), signature))

    def verify(self, key: PublicKey | PrivateKey | None = None, signed: Buffer | None = None, *,
               policy: str = "default", payload: Buffer | None = None,
               aad: Buffer = b"") -> bytes:
        """Verify a COSE_Sign1 and return its payload; raises InvalidSignature.

        ``key=None`` uses the keyring key the envelope's kid names (after the accept-list check).
        """
        pol = self.policy(policy)
        if signed is None:
            raise InvalidArgument("verify needs the signed envelope")
        if key is None:
            head = envelope.parse(signed, envelope.TAG_SIGN1)
            alg = self._accepted(pol, head.alg, Family.SIGNATURE)
            key = self._keyring_key(pol, head.kid, alg)
        if isinstance(key, PrivateKey):
            key = key.public_key()
        if not isinstance(key, PublicKey):
            raise InvalidArgument("key must be an agile PublicKey")
        data = signed if type(signed) is bytes else bytes(signed) if isinstance(
            signed, bytearray | memoryview) else signed
        state: _SignState | None = key._states.get(pol) if type(key) is PublicKey else None
        if state is not None and type(data) is bytes and data.startswith(state.out_prefix):
            # alg and kid are ones this policy accepted for this key: parse the rest in place
            pos = len(state.out_prefix)
            content: bytes | None = None
            if data[pos:pos + 1] == b"\xf6":
                sig_pos, detached_ok = pos + 1, True
            else:
                span = _read_bstr(data, pos)
                sig_pos, detached_ok = (span[1], False) if span is not None else (-1, False)
                if span is not None:
                    content = data[span[0]:span[1]]
            sig_span = _read_bstr(data, sig_pos) if sig_pos > 0 else None
            if sig_span is not None and sig_span[1] == len(data):
                if detached_ok:
                    if payload is None:
                        raise InvalidArgument("detached signature: pass payload=")
                    content = _bytes(payload, "payload")
                elif payload is not None:
                    raise InvalidArgument("payload is attached; do not pass payload=")
                assert content is not None
                return self._verify_with(state, key, data[sig_span[0]:], content, aad)
        parsed = envelope.parse(signed, envelope.TAG_SIGN1)
        alg = self._accepted(pol, parsed.alg, Family.SIGNATURE, key.key_type)
        self._check_key_bits(pol, alg, key)
        if parsed.content is None:
            if payload is None:
                raise InvalidArgument("detached signature: pass payload=")
            content = _bytes(payload, "payload")
        elif payload is not None:
            raise InvalidArgument("payload is attached; do not pass payload=")
        else:
            content = parsed.content
        state = self._sign_state(key, pol, alg)
        if parsed.protected != state.protected:
            # a differently encoded (but valid) protected header: verify over what was sent
            return self._verify_with(None, key, parsed.signature, content, aad, parsed=parsed,
                                     pol=pol, alg=alg)
        return self._verify_with(state, key, parsed.signature, content, aad)

    def _verify_with(self, state: _SignState | None, key: PublicKey, signature: bytes,
                     content: bytes, aad: Buffer, *, parsed: Any = None, pol: Policy | None = None,
                     alg: Algorithm | None = None) -> bytes:
        if state is not None:
            alg = state.alg
            tbs_prefix, op, native, tally = state.tbs_prefix, state.op, state.native, state.tally
        else:
            assert pol is not None and alg is not None and parsed is not None
            provider = self._provider(pol, alg)
            scheme: Any = provider.scheme(alg.name)
            tbs_prefix = _SIG1_CONTEXT + bstr_head(len(parsed.protected)) + parsed.protected
            op, native = scheme.verify, key.native_for(provider)
            tally = audit.tally("verify", pol.name, alg.name, provider.name)
        if alg.key_type and alg.key_type.startswith("EC-"):
            signature = _fixed_to_der(signature, alg)
        ext = b"\x40" if aad == b"" else bstr_head(len(_bytes(aad, "aad"))) + _bytes(aad, "aad")
        tbs = b"".join((tbs_prefix, ext, bstr_head(len(content)), content))
        try:
            op(native, signature, tbs, None)
        except InvalidSignature:
            event = tally.event
            audit.emit(event[0], event[1], event[2], event[3], key.kid, "invalid")
            raise
        audit.record(tally, key.kid)
        return content

    # -- public-key encryption (HPKE) ----------------------------------------------------------
    def _hpke_state(self, key: PublicKey | PrivateKey, pol: Policy, alg: Algorithm) -> _HPKEState:
        state: _HPKEState | None = key._hpke_states.get(pol)
        if state is None or state.alg is not alg:
            if pol.qkd is not None and pol.qkd.mode == "required":
                # HPKE alone would silently drop the QKD key this policy requires.
                raise PolicyViolation(
                    f"policy {pol.name!r} requires QKD keys (qkd.mode = \"required\"): use "
                    "agile.qkd.seal / agile.qkd.open, not encrypt / decrypt")
            provider = self._provider(pol, alg)
            scheme: Any = provider.scheme(alg.name)
            assert alg.cose_alg is not None
            protected = envelope.protected_header(alg.cose_alg, key.kid)
            info_prefix = _ENC0_CONTEXT + bstr_head(len(protected)) + protected
            private = isinstance(key, PrivateKey)
            native = key.native_for(provider)
            to_hpke = getattr(native, "to_hpke", None)
            state = _HPKEState(
                alg=alg,
                seal_or_open=scheme.open if private else scheme.seal,
                native=to_hpke() if to_hpke is not None else native,
                enc_size=scheme.enc_size,
                info_prefix=info_prefix,
                info_empty=info_prefix + b"\x40",
                out_prefix=(_ENC0_HEAD + bstr_head(len(protected)) + protected + _EK_LABEL
                            + bstr_head(scheme.enc_size)),
                tally=audit.tally("decrypt" if private else "encrypt", pol.name, alg.name,
                                  provider.name),
            )
            if len(key._hpke_states) > 16:
                key._hpke_states.clear()
            key._hpke_states[pol] = state
        return state

    def encrypt(self, public_key: PublicKey | PrivateKey | None = None,
                data: Buffer | None = None, *, policy: str = "default",
                aad: Buffer = b"") -> bytes:
        """Encrypt to a public key with HPKE (RFC 9180): a COSE_Encrypt0 with the ``ek``.

        ``public_key=None`` encrypts to the primary hpke key of the policy's keyring.
        """
        pol = self.policy(policy)
        if data is None:
            raise InvalidArgument("encrypt needs data")
        if public_key is None:
            public_key = (self._primaries[Family.HPKE].get(pol)
                          or self._keyring_primary(pol, Family.HPKE))
        if isinstance(public_key, PrivateKey):
            public_key = public_key.public_key()
        if not isinstance(public_key, PublicKey):
            raise InvalidArgument("public_key must be an agile PublicKey")
        state: _HPKEState | None = public_key._hpke_states.get(pol)
        if state is None or pol.algorithms.get(Family.HPKE) is not state.alg:
            alg = self._current_for_key(pol, Family.HPKE, public_key.key_type)
            state = self._hpke_state(public_key, pol, alg)
        if type(data) is not bytes:
            data = _bytes(data, "data")
        info = state.info_empty if aad == b"" else (
            state.info_prefix + bstr_head(len(_bytes(aad, "aad"))) + _bytes(aad, "aad"))
        sealed = memoryview(state.seal_or_open(state.native, data, info))
        size = state.enc_size
        tally = state.tally
        audit.record(tally, public_key.kid)
        return b"".join((state.out_prefix, sealed[:size], bstr_head(len(sealed) - size),
                         sealed[size:]))

    def decrypt(self, private_key: PrivateKey | None = None, encrypted: Buffer | None = None, *,
                policy: str = "default", aad: Buffer = b"") -> bytes:
        """Decrypt an ``encrypt`` envelope; the suite must be on the policy's accept-list.

        ``private_key=None`` uses the keyring key the envelope's kid names.
        """
        pol = self.policy(policy)
        if encrypted is None:
            raise InvalidArgument("decrypt needs the encrypted envelope")
        if private_key is None:
            head = envelope.parse(encrypted, envelope.TAG_ENCRYPT0)
            alg = self._accepted(pol, head.alg, Family.HPKE)
            private_key = self._keyring_key(pol, head.kid, alg)
        if not isinstance(private_key, PrivateKey):
            raise InvalidArgument("private_key must be an agile PrivateKey")
        data = encrypted if type(encrypted) is bytes else _bytes(encrypted, "encrypted")
        state: _HPKEState | None = (private_key._hpke_states.get(pol)
                                     if type(private_key) is PrivateKey else None)
        if state is not None and data.startswith(state.out_prefix):
            # alg and kid match a suite this policy accepted for this key: parse in place
            start = len(state.out_prefix)
            pos = start + state.enc_size
            span = _read_bstr(data, pos)
            if span is not None and span[1] == len(data):
                info = state.info_empty if aad == b"" else (
                    state.info_prefix + bstr_head(len(_bytes(aad, "aad"))) + _bytes(aad, "aad"))
                view = memoryview(data)
                plaintext: bytes = state.seal_or_open(
                    state.native, b"".join((view[start:pos], view[span[0]:])), info)
                tally = state.tally
                audit.record(tally, private_key.kid)
                return plaintext
        parsed = envelope.parse(data, envelope.TAG_ENCRYPT0)
        alg = self._accepted(pol, parsed.alg, Family.HPKE, private_key.key_type)
        state = self._hpke_state(private_key, pol, alg)
        enc = parsed.unprotected.get(EK)
        if type(enc) is not bytes or len(enc) != state.enc_size:
            raise MalformedEnvelope("missing or malformed encapsulated key (ek)")
        assert parsed.content is not None
        info = envelope.enc_structure(parsed.protected, _bytes(aad, "aad"))
        plaintext = state.seal_or_open(state.native, enc + parsed.content, info)
        audit.record(state.tally, private_key.kid)
        return plaintext

    # -- KEM -----------------------------------------------------------------------------------
    def _kem_state(self, pol: Policy, key_type: str, op: str) -> tuple[Algorithm, Any, Provider,
                                                                       audit.Tally]:
        """(algorithm, scheme, provider, tally) for KEM ``op`` with ``key_type`` keys, cached."""
        cache_key = (pol, key_type, op)
        found = self._kem_cache.get(cache_key)
        if found is None:
            if op == "encapsulate":
                alg = self._current_for_key(pol, Family.KEM, key_type)
            else:
                accepted = [a for a in algorithms.in_family(Family.KEM,
                                                            pol.accept.get(Family.KEM, ()))
                            if a.key_type == key_type]
                if not accepted:
                    raise PolicyViolation(f"policy {pol.name!r} accepts no KEM for {key_type} keys")
                alg = accepted[0]
            provider = self._provider(pol, alg)
            found = (alg, provider.scheme(alg.name), provider,
                     audit.tally(op, pol.name, alg.name, provider.name))
            if len(self._kem_cache) < _PROTECTED_CACHE_LIMIT:
                self._kem_cache[cache_key] = found
        return found

    def encapsulate(self, public_key: PublicKey | PrivateKey, *, policy: str = "default"
                    ) -> tuple[bytes, bytes]:
        """Returns (shared_secret, ciphertext) for the policy's KEM."""
        pol = self.policy(policy)
        if isinstance(public_key, PrivateKey):
            public_key = public_key.public_key()
        if not isinstance(public_key, PublicKey):
            raise InvalidArgument("public_key must be an agile PublicKey")
        _, scheme, provider, tally = self._kem_state(pol, public_key.key_type, "encapsulate")
        shared, ct = scheme.encapsulate(public_key.native_for(provider))
        audit.record(tally, public_key.kid)
        return shared, ct

    def decapsulate(self, private_key: PrivateKey, ciphertext: Buffer, *,
                    policy: str = "default") -> bytes:
        """The shared secret for ``ciphertext``; the key's KEM must be accepted by the policy."""
        pol = self.policy(policy)
        if not isinstance(private_key, PrivateKey):
            raise InvalidArgument("private_key must be an agile PrivateKey")
        _, scheme, provider, tally = self._kem_state(pol, private_key.key_type, "decapsulate")
        shared: bytes = scheme.decapsulate(private_key.native_for(provider),
                                           _bytes(ciphertext, "ciphertext"))
        audit.record(tally, private_key.kid)
        return shared

    # -- hashing, MACs, KDFs, passwords --------------------------------------------------------
    def hash(self, data: Buffer, *, policy: str = "default", length: int | None = None) -> bytes:
        """The digest of ``data`` under the policy's hash algorithm."""
        pol = self.policy(policy)
        alg = pol.algorithm(Family.HASH)
        provider = self._provider(pol, alg)
        digest: bytes = provider.scheme(alg.name).digest(  # type: ignore[attr-defined]
            _bytes(data, "data"), length=length)
        audit.emit("hash", pol.name, alg.name, provider.name, None)
        return digest

    def mac(self, key: SecretKey, data: Buffer, *, policy: str = "default") -> bytes:
        """The MAC tag of ``data`` (raw bytes, like ``hmac.digest``)."""
        pol = self.policy(policy)
        alg = pol.algorithm(Family.MAC)
        if not isinstance(key, SecretKey) or key.algorithm is not alg:
            raise PolicyViolation(f"policy {pol.name!r} MACs with {alg.name}; pass a SecretKey "
                                  f"for it (generate_key(policy=..., family='mac'))")
        provider = self._provider(pol, alg)
        tag: bytes = provider.scheme(alg.name).mac(key._key, _bytes(data, "data"))  # type: ignore[attr-defined]
        audit.emit("mac", pol.name, alg.name, provider.name, key.kid)
        return tag

    def verify_mac(self, key: SecretKey, data: Buffer, tag: Buffer, *,
                   policy: str = "default") -> None:
        """Raise InvalidSignature unless ``tag`` is the MAC of ``data`` (constant time)."""
        pol = self.policy(policy)
        if not isinstance(key, SecretKey) or key.algorithm.family is not Family.MAC:
            raise InvalidArgument("key must be an agile SecretKey for a MAC algorithm")
        pol.check_accepts(key.algorithm)
        provider = self._provider(pol, key.algorithm)
        scheme: Any = provider.scheme(key.algorithm.name)
        scheme.verify(key._key, _bytes(data, "data"), _bytes(tag, "tag"))
        audit.emit("verify_mac", pol.name, key.algorithm.name, provider.name, key.kid)

    def derive_key(self, ikm: Buffer, *, length: int = 32, salt: Buffer | None = None,
                   info: Buffer = b"", policy: str = "default") -> bytes:
        """Derive ``length`` bytes from input keying material with the policy's KDF."""
        pol = self.policy(policy)
        alg = pol.algorithm(Family.KDF)
        provider = self._provider(pol, alg)
        out: bytes = provider.scheme(alg.name).derive(  # type: ignore[attr-defined]
            _bytes(ikm, "ikm"), length=length, salt=None if salt is None else _bytes(salt, "salt"),
            info=_bytes(info, "info"))
        audit.emit("derive_key", pol.name, alg.name, provider.name, None)
        return out

    def hash_password(self, password: str | Buffer, *, policy: str = "default") -> str:
        """A PHC-format string (``$argon2id$v=19$m=...``) to store and later verify."""
        pol = self.policy(policy)
        alg = pol.algorithm(Family.PASSWORD_HASH)
        provider = self._provider(pol, alg)
        encoded = self._passwords.hash(provider.scheme(alg.name), alg, password)
        audit.emit("hash_password", pol.name, alg.name, provider.name, None)
        return encoded

    def verify_password(self, password: str | Buffer, encoded: str, *,
                        policy: str = "default") -> None:
        """Raise InvalidPassword unless ``password`` matches; the algorithm must be accepted."""
        pol = self.policy(policy)
        alg, _ = self._passwords.parse(encoded)
        pol.check_accepts(alg)
        provider = self._provider(pol, alg)
        self._passwords.verify(provider.scheme(alg.name), password, encoded)
        audit.emit("verify_password", pol.name, alg.name, provider.name, None)

    def needs_rehash(self, encoded: str, *, policy: str = "default") -> bool:
        """True if ``encoded`` was made with another algorithm or parameters than today's."""
        pol = self.policy(policy)
        return self._passwords.needs_rehash(pol.algorithm(Family.PASSWORD_HASH), encoded)

    # -- keys ----------------------------------------------------------------------------------
    def generate_key(self, *, policy: str = "default", family: Family | str = Family.AEAD
                     ) -> SecretKey:
        """A new symmetric key for the policy's AEAD (or ``family="mac"``) algorithm."""
        alg = self.policy(policy).algorithm(family)
        if alg.family not in (Family.AEAD, Family.MAC):
            raise InvalidArgument("family must be 'aead' or 'mac' for generate_key")
        return SecretKey.generate(alg)

    def generate_keypair(self, *, policy: str = "default",
                         family: Family | str = Family.SIGNATURE) -> PrivateKey:
        """A new private key for the policy's ``family`` algorithm (signature, hpke, kem...)."""
        pol = self.policy(policy)
        alg = pol.algorithm(family)
        if not alg.is_asymmetric or alg.key_type is None:
            raise InvalidArgument(f"{alg.family} is not a public-key family")
        provider = providers.for_algorithm(
            alg.name if alg.family is not Family.HPKE else alg.components[0], pol.providers)
        return PrivateKey.generate(alg.key_type, provider=provider.name,
                                   key_bits=pol.rsa_bits if alg.key_type == "RSA" else None)


def _coordinate_size(alg: Algorithm) -> int:
    assert alg.signature_size is not None
    return alg.signature_size // 2


def _der_to_fixed(signature: bytes, alg: Algorithm) -> bytes:
    r, s = decode_dss_signature(signature)
    size = _coordinate_size(alg)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _fixed_to_der(signature: bytes, alg: Algorithm) -> bytes:
    size = _coordinate_size(alg)
    if len(signature) != 2 * size:
        raise InvalidSignature()
    return encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                int.from_bytes(signature[size:], "big"))


from ._raw import _Raw  # noqa: E402  (circular: _Raw needs Context's helpers)

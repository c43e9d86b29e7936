"""The raw level: exactly the bytes the equivalent direct ``cryptography`` call returns.

For protocols whose wire format cannot change (JWT, SSH, files with a fixed layout). The policy
still chooses the algorithm; nothing self-describes, so reading uses the policy's current
algorithm, or the single accepted algorithm that fits the key.

>>> import agile
>>> sealed = agile.raw.encrypt(bytes(32), bytes(12), b"data", None)  # == AESGCM(key).encrypt(...)
"""

from __future__ import annotations

import hmac as _hmac
import os
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidKey as _PycaInvalidKey
from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken as _FernetInvalidToken
from cryptography.hazmat.primitives import serialization as _serialization

from . import algorithms, audit
from ._foreign_keys import agile_key, is_pycryptodome_key
from ._types import Buffer, as_bytes
from .algorithms import Algorithm, Family
from .errors import (
    DecryptionFailed,
    InvalidArgument,
    InvalidKey,
    InvalidPassword,
    InvalidSignature,
    PolicyViolation,
)
from .keys import PrivateKey, PublicKey, SecretKey, public_from_cryptography
from .policy import Policy

if TYPE_CHECKING:
    from ._context import Context


class RawDecryptionFailed(DecryptionFailed, InvalidTag):
    """Raw decryption failed: an agile DecryptionFailed that is also pyca's InvalidTag, so the
    ``except InvalidTag`` of code moved onto ``agile.raw`` keeps working."""


class RawInvalidSignature(InvalidSignature, _PycaInvalidSignature):
    """Raw verification failed: agile's InvalidSignature that is also pyca's, so the
    ``except InvalidSignature`` of code moved onto ``agile.raw`` keeps working."""


class RawPkeDecryptionFailed(DecryptionFailed, ValueError):
    """Raw RSA-OAEP decryption failed: agile's DecryptionFailed that is also the ValueError pyca
    raises."""


class RawInvalidToken(DecryptionFailed, _FernetInvalidToken):
    """A Fernet token failed (tampered, wrong key, expired): agile's DecryptionFailed that is
    also ``cryptography.fernet.InvalidToken``."""


class RawFernetKeyError(InvalidKey, ValueError):
    """A malformed Fernet key: agile's InvalidKey that is also the ValueError Fernet raises."""


class RawPasswordMismatch(InvalidPassword, _PycaInvalidKey):
    """PBKDF2 verification failed: agile's InvalidPassword that is also pyca's InvalidKey."""


class RawKeyLoadError(InvalidKey, ValueError):
    """A key could not be loaded: agile's InvalidKey that is also the ValueError pyca raises."""


class RawKeyPasswordError(InvalidKey, TypeError):
    """A password was given for a plain key or is missing for an encrypted one: agile's
    InvalidKey that is also the TypeError pyca raises."""


#: The policy slots whose algorithms use asymmetric keys agile.raw can generate and load.
_KEY_SLOTS = frozenset({Family.SIGNATURE.value, Family.PKE.value, Family.KEY_AGREEMENT.value,
                        Family.KEM.value})


class RawDetachedDecryptionFailed(DecryptionFailed, InvalidTag, ValueError):
    """``decrypt_detached`` failed: also the ValueError PyCryptodome's ``decrypt_and_verify``
    raises ("MAC check failed") and pyca's InvalidTag."""


class RawSignatureValueError(RawInvalidSignature, ValueError):
    """Raw verification failed, under ``raises=ValueError``: also the ValueError PyCryptodome's
    signers raise ("Invalid signature")."""


_VERIFY_ERRORS: dict[type[Exception], type[RawInvalidSignature]] = {
    RawInvalidSignature: RawInvalidSignature, InvalidSignature: RawInvalidSignature,
    _PycaInvalidSignature: RawInvalidSignature, ValueError: RawSignatureValueError}


class RawTypeError(InvalidArgument, TypeError):
    """An argument of the wrong type: agile's InvalidArgument that is also the TypeError
    hashlib and pyca raise for it."""


class RawExchangeFailed(InvalidKey, ValueError):
    """Key agreement failed (a low-order or invalid peer key): agile's InvalidKey that is also
    the ValueError pyca raises."""


def _bytes_like(value: object, name: str) -> bytes:
    """``value`` as bytes if it is bytes-like (what hashlib and pyca take), else RawTypeError."""
    return as_bytes(value, name, RawTypeError)


def _private(key: object) -> PrivateKey:
    if isinstance(key, PrivateKey):
        return key
    if is_pycryptodome_key(key):
        found = agile_key(key)
        if isinstance(found, PrivateKey):
            return found
        raise InvalidKey("a private key is needed; this PyCryptodome RSA key is public")
    return PrivateKey.from_cryptography(key)


def _public(key: object) -> PublicKey:
    if isinstance(key, PublicKey):
        return key
    if is_pycryptodome_key(key):
        found = agile_key(key)
        return found.public_key() if isinstance(found, PrivateKey) else found
    if isinstance(key, PrivateKey):
        return key.public_key()
    if hasattr(key, "public_key"):  # a pyca private key: use its public half
        return PrivateKey.from_cryptography(key).public_key()
    return public_from_cryptography(key)


def _reading_algorithm(pol: Policy, family: Family, key_type: str | None) -> Algorithm:
    """The current algorithm if it fits the key, else the one accepted algorithm that does."""
    current = pol.algorithms.get(family)
    if current is not None and (key_type is None or current.key_type == key_type):
        return current
    fits = [a for a in algorithms.in_family(family, pol.accept.get(family, ()))
            if key_type is None or a.key_type == key_type]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise PolicyViolation(f"policy {pol.name!r} accepts no {family} algorithm for "
                              f"{key_type} keys")
    raise PolicyViolation(f"policy {pol.name!r} accepts several {family} algorithms for "
                          f"{key_type} keys ({', '.join(a.name for a in fits)}); the raw level "
                          "cannot tell which one was used")


class _Raw:
    """``agile.raw``: wire-compatible operations chosen by policy."""

    def __init__(self, context: Context) -> None:
        self._ctx = context

    def _policy(self, name: str) -> Policy:
        """The policy ``name`` itself, never ``default_policy`` standing in for it: raw output
        has no header saying what made it, so a silent substitute would change the bytes."""
        pol = self._ctx.policy(name)
        if pol.name != name:
            raise PolicyViolation(
                f"policy {name!r} is not defined in {self._ctx.config.source}; the raw level "
                f"does not fall back to default_policy ({pol.name!r}) because its output would "
                "change silently. Define it there (agile migrate generates it), or point "
                "AGILE_CONFIG at the config that does")
        return pol

    def _scheme(self, pol: Policy, alg: Algorithm) -> tuple[Any, str]:
        provider = self._ctx._provider(pol, alg)
        return provider.scheme(alg.name), provider.name

    # -- signatures ----------------------------------------------------------------------------
    def sign(self, key: object, data: Buffer, *, policy: str = "default",
             context: Buffer | None = None) -> bytes:
        """The algorithm's native signature (DER for ECDSA), as pyca's ``sign`` returns it."""
        pol = self._policy(policy)
        pkey = _private(key)
        alg = self._ctx._current_for_key(pol, Family.SIGNATURE, pkey.key_type)
        self._ctx._check_key_bits(pol, alg, pkey)
        provider = self._ctx._provider(pol, alg)
        scheme: Any = provider.scheme(alg.name)
        sig: bytes = scheme.sign(pkey.native_for(provider), data, context)
        audit.emit("raw.sign", pol.name, alg.name, provider.name, pkey.kid)
        return sig

    def verify(self, key: object, signature: Buffer, data: Buffer, *,
               policy: str = "default", context: Buffer | None = None,
               raises: type[Exception] = RawInvalidSignature) -> None:
        """Raise InvalidSignature unless ``signature`` is valid (pyca's argument order).

        ``raises=ValueError``: the failure is also a ValueError, as PyCryptodome's
        ``pkcs1_15``/``pss`` ``verify`` raise (the default is also pyca's InvalidSignature)."""
        failure = _VERIFY_ERRORS.get(raises)
        if failure is None:
            raise InvalidArgument("raises must be InvalidSignature or ValueError")
        pol = self._policy(policy)
        pub = _public(key)
        alg = _reading_algorithm(pol, Family.SIGNATURE, pub.key_type)
        self._ctx._check_key_bits(pol, alg, pub)
        provider = self._ctx._provider(pol, alg)
        scheme: Any = provider.scheme(alg.name)
        try:
            scheme.verify(pub.native_for(provider), signature, data, context)
        except InvalidSignature:
            raise failure() from None
        audit.emit("raw.verify", pol.name, alg.name, provider.name, pub.kid)

    # -- AEAD ----------------------------------------------------------------------------------
    def _aead(self, pol: Policy, key: SecretKey | Buffer, writing: bool) -> tuple[Any, Algorithm,
                                                                                str]:
        if isinstance(key, SecretKey):
            alg = key.algorithm
            if writing and alg is not pol.algorithm(Family.AEAD):
                raise PolicyViolation(f"policy {pol.name!r} encrypts with "
                                      f"{pol.algorithm(Family.AEAD).name}, key is for {alg.name}")
            pol.check_accepts(alg)
            raw_key = key._key
        else:
            alg = pol.algorithm(Family.AEAD) if writing else _reading_algorithm(
                pol, Family.AEAD, None)
            raw_key = bytes(key)
        scheme, prov = self._scheme(pol, alg)
        return scheme.new(raw_key), alg, prov

    def encrypt(self, key: SecretKey | Buffer, nonce: Buffer, data: Buffer,
                aad: Buffer | None = None, *, policy: str = "default") -> bytes:
        """ciphertext||tag, exactly as ``AESGCM(key).encrypt(nonce, data, aad)``."""
        pol = self._policy(policy)
        cipher, alg, prov = self._aead(pol, key, writing=True)
        out: bytes = cipher.encrypt(nonce, data, aad)
        audit.emit("raw.encrypt", pol.name, alg.name, prov, None)
        return out

    def decrypt(self, key: SecretKey | Buffer, nonce: Buffer, data: Buffer,
                aad: Buffer | None = None, *, policy: str = "default") -> bytes:
        """Plaintext, as ``AESGCM(key).decrypt(nonce, data, aad)``; raises DecryptionFailed."""
        pol = self._policy(policy)
        cipher, alg, prov = self._aead(pol, key, writing=False)
        try:
            out: bytes = cipher.decrypt(nonce, data, aad)
        except DecryptionFailed:
            raise RawDecryptionFailed() from None
        audit.emit("raw.decrypt", pol.name, alg.name, prov, None)
        return out

    def encrypt_detached(self, key: SecretKey | Buffer, nonce: Buffer, data: Buffer,
                         aad: Buffer | None = None, *, policy: str = "default"
                         ) -> tuple[bytes, bytes]:
        """(ciphertext, tag), as PyCryptodome's GCM ``encrypt_and_digest`` returns them (16-byte
        tag). The nonce may be 12 to 128 bytes for AES-GCM (PyCryptodome's default is 16)."""
        pol = self._policy(policy)
        cipher, alg, prov = self._aead(pol, key, writing=True)
        size = len(memoryview(nonce))
        shortest = alg.nonce_size or 12
        longest = int(str(alg.params.get("max_nonce_size", shortest)))
        if not shortest <= size <= longest:
            raise InvalidArgument(f"nonce must be {shortest} bytes for {alg.name}"
                                  if longest == shortest
                                  else f"nonce must be {shortest} to {longest} bytes")
        encrypt = getattr(cipher, "unchecked_encrypt", cipher.encrypt)
        out: bytes = encrypt(nonce, data, aad)
        tag_size = alg.tag_size or 16
        audit.emit("raw.encrypt_detached", pol.name, alg.name, prov, None)
        return out[:-tag_size], out[-tag_size:]

    def decrypt_detached(self, key: SecretKey | Buffer, nonce: Buffer, data: Buffer,
                         tag: Buffer, aad: Buffer | None = None, *, policy: str = "default"
                         ) -> bytes:
        """Plaintext, as PyCryptodome's GCM ``decrypt_and_verify(data, tag)``; a wrong tag (of
        any length) raises DecryptionFailed, which is also ValueError and InvalidTag."""
        pol = self._policy(policy)
        cipher, alg, prov = self._aead(pol, key, writing=False)
        if len(memoryview(tag)) != (alg.tag_size or 16):
            raise RawDetachedDecryptionFailed()
        try:
            out: bytes = cipher.decrypt(nonce, bytes(data) + bytes(tag), aad)
        except DecryptionFailed:
            raise RawDetachedDecryptionFailed() from None
        audit.emit("raw.decrypt_detached", pol.name, alg.name, prov, None)
        return out

    def random_nonce(self, size: int = 12) -> bytes:
        """``size`` fresh random bytes for a nonce (12 to 128), as PyCryptodome's GCM draws 16
        when given none."""
        if not isinstance(size, int) or not 12 <= size <= 128:
            raise InvalidArgument("size must be 12 to 128 bytes")
        return os.urandom(size)

    def seal(self, key: SecretKey | Buffer, data: Buffer, aad: Buffer | None = None, *,
             policy: str = "default") -> bytes:
        """nonce||ciphertext||tag with a fresh random 12-byte nonce."""
        nonce = os.urandom(12)
        return nonce + self.encrypt(key, nonce, data, aad, policy=policy)

    def open(self, key: SecretKey | Buffer, blob: Buffer, aad: Buffer | None = None, *,
             policy: str = "default") -> bytes:
        """The inverse of ``seal``."""
        raw = bytes(blob)
        if len(raw) < 12:
            raise InvalidArgument("blob is shorter than its 12-byte nonce")
        return self.decrypt(key, raw[:12], raw[12:], aad, policy=policy)

    # -- hashes, MACs, KDFs --------------------------------------------------------------------
    def hash(self, data: Buffer, *, policy: str = "default", length: int | None = None) -> bytes:
        """The digest, as ``hashlib``/``hashes.Hash`` return it (legacy only if allowed)."""
        self._policy(policy)
        return self._ctx.hash(data, policy=policy, length=length)

    def hmac(self, key: SecretKey | Buffer, data: Buffer, *, policy: str = "default") -> bytes:
        """The HMAC tag, as ``hmac.digest(key, data, hash)``; any key length, like hmac."""
        pol = self._policy(policy)
        alg = pol.algorithm(Family.MAC)
        raw_key = key._key if isinstance(key, SecretKey) else bytes(key)
        scheme, prov = self._scheme(pol, alg)
        tag: bytes = scheme.mac(raw_key, data)
        audit.emit("raw.hmac", pol.name, alg.name, prov, None)
        return tag

    def verify_hmac(self, key: SecretKey | Buffer, data: Buffer, tag: Buffer, *,
                    policy: str = "default") -> None:
        """Raise InvalidSignature unless ``tag`` matches (constant-time)."""
        pol = self._policy(policy)
        alg = _reading_algorithm(pol, Family.MAC, None)
        raw_key = key._key if isinstance(key, SecretKey) else bytes(key)
        scheme, prov = self._scheme(pol, alg)
        try:
            scheme.verify(raw_key, data, tag)
        except InvalidSignature:
            raise RawInvalidSignature() from None
        audit.emit("raw.verify_hmac", pol.name, alg.name, prov, None)

    def hkdf(self, ikm: Buffer, *, length: int, salt: Buffer | None = None,
             info: Buffer | None = b"", policy: str = "default") -> bytes:
        """As ``HKDF(hash, length, salt, info).derive(ikm)`` (``info=None`` means empty, as there)."""
        self._policy(policy)
        return self._ctx.derive_key(ikm, length=length, salt=salt,
                                    info=b"" if info is None else info, policy=policy)

    # -- public-key encryption and key agreement -----------------------------------------------
    def pke_encrypt(self, public_key: object, plaintext: Buffer, *, policy: str = "default",
                    label: Buffer | None = None) -> bytes:
        """RSA-OAEP ciphertext, as ``public_key.encrypt(plaintext, OAEP(...))``."""
        pol = self._policy(policy)
        pub = _public(public_key)
        alg = self._ctx._current_for_key(pol, Family.PKE, pub.key_type)
        self._ctx._check_key_bits(pol, alg, pub)
        provider = self._ctx._provider(pol, alg)
        scheme: Any = provider.scheme(alg.name)
        out: bytes = scheme.encrypt(pub.native_for(provider), plaintext, label)
        audit.emit("raw.pke_encrypt", pol.name, alg.name, provider.name, pub.kid)
        return out

    def pke_decrypt(self, private_key: object, ciphertext: Buffer, *, policy: str = "default",
                    label: Buffer | None = None) -> bytes:
        """The inverse of ``pke_encrypt``; raises DecryptionFailed."""
        pol = self._policy(policy)
        key = _private(private_key)
        alg = _reading_algorithm(pol, Family.PKE, key.key_type)
        provider = self._ctx._provider(pol, alg)
        scheme: Any = provider.scheme(alg.name)
        try:
            out: bytes = scheme.decrypt(key.native_for(provider), ciphertext, label)
        except DecryptionFailed:
            raise RawPkeDecryptionFailed() from None
        audit.emit("raw.pke_decrypt", pol.name, alg.name, provider.name, key.kid)
        return out

    def exchange(self, private_key: object, peer_public_key: object, *,
                 policy: str = "default") -> bytes:
        """The raw (EC)DH shared secret, as ``private_key.exchange(...)``."""
        pol = self._policy(policy)
        key, peer = _private(private_key), _public(peer_public_key)
        alg = _reading_algorithm(pol, Family.KEY_AGREEMENT, key.key_type)
        if peer.key_type != key.key_type:
            raise InvalidArgument(f"peer key is {peer.key_type}, expected {key.key_type}")
        provider = self._ctx._provider(pol, alg)
        scheme: Any = provider.scheme(alg.name)
        try:
            out: bytes = scheme.exchange(key.native_for(provider), peer.native_for(provider))
        except InvalidKey as exc:
            raise RawExchangeFailed(str(exc)) from None
        audit.emit("raw.exchange", pol.name, alg.name, provider.name, key.kid)
        return out

    def encapsulate(self, public_key: object, *, policy: str = "default"
                    ) -> tuple[bytes, bytes]:
        """(shared_secret, ciphertext), as pyca's ``encapsulate``."""
        self._policy(policy)
        return self._ctx.encapsulate(_public(public_key), policy=policy)

    def decapsulate(self, private_key: object, ciphertext: Buffer, *,
                    policy: str = "default") -> bytes:
        self._policy(policy)
        return self._ctx.decapsulate(_private(private_key), ciphertext, policy=policy)

    # -- password-based key derivation -----------------------------------------------------------
    def _pbkdf2(self, pol: Policy, iterations: int) -> tuple[Any, Algorithm, str]:
        alg = pol.algorithm(Family.PASSWORD_HASH)
        if "hash" not in alg.params:  # Argon2id and scrypt have no PRF: not PBKDF2
            raise PolicyViolation(f"policy {pol.name!r} derives passwords with {alg.name}; "
                                  "agile.raw.pbkdf2 needs a PBKDF2-HMAC-* password-hash")
        if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
            raise InvalidArgument("iterations must be a positive integer")
        if pol.min_iterations is not None and iterations < pol.min_iterations:
            raise PolicyViolation(f"policy {pol.name!r} requires at least {pol.min_iterations} "
                                  f"PBKDF2 iterations, got {iterations}")
        scheme, prov = self._scheme(pol, alg)
        return scheme, alg, prov

    def pbkdf2(self, password: Buffer, *, salt: Buffer, iterations: int,
               length: int | None = None, policy: str = "default") -> bytes:
        """The derived key, as ``PBKDF2HMAC(hash, length, salt, iterations).derive(password)``
        or ``hashlib.pbkdf2_hmac(hash, password, salt, iterations, length)``; the policy's
        password-hash picks the PRF (``length=None``: its digest size, as hashlib)."""
        pol = self._policy(policy)
        scheme, alg, prov = self._pbkdf2(pol, iterations)
        size = alg.output_size if length is None else length
        out: bytes = scheme.derive(_bytes_like(password, "password"), _bytes_like(salt, "salt"),
                                   length=size, params={"iterations": iterations})
        audit.emit("raw.pbkdf2", pol.name, alg.name, prov, None)
        return out

    def verify_pbkdf2(self, password: Buffer, expected: Buffer, *, salt: Buffer,
                      iterations: int, length: int | None = None,
                      policy: str = "default") -> None:
        """Raise InvalidPassword (also pyca's InvalidKey) unless ``password`` derives the
        ``length``-byte ``expected`` (``None``: the PRF's digest size), compared in constant
        time, as ``PBKDF2HMAC(hash, length, salt, iterations).verify``: an ``expected`` of any
        other length fails too, never a shorter comparison."""
        pol = self._policy(policy)
        scheme, alg, prov = self._pbkdf2(pol, iterations)
        size = alg.output_size if length is None else length
        want = _bytes_like(expected, "expected")
        got: bytes = scheme.derive(_bytes_like(password, "password"),
                                   _bytes_like(salt, "salt"), length=size,
                                   params={"iterations": iterations})
        if len(want) != size or not _hmac.compare_digest(got, want):
            raise RawPasswordMismatch()
        audit.emit("raw.verify_pbkdf2", pol.name, alg.name, prov, None)

    # -- Fernet tokens ---------------------------------------------------------------------------
    def _fernet(self, pol: Policy) -> tuple[Any, Algorithm, str]:
        alg = pol.algorithm(Family.TOKEN)
        scheme, prov = self._scheme(pol, alg)
        return scheme, alg, prov

    def fernet_generate_key(self, *, policy: str = "default") -> bytes:
        """A fresh key for the policy's token algorithm, as ``Fernet.generate_key()``."""
        scheme, _, _ = self._fernet(self._policy(policy))
        key: bytes = scheme.generate_key()
        return key

    def fernet_encrypt(self, key: str | Buffer, data: Buffer, *, policy: str = "default",
                       current_time: int | None = None) -> bytes:
        """The token ``Fernet(key).encrypt(data)`` makes (``encrypt_at_time`` with
        ``current_time``); a malformed key raises InvalidKey, also a ValueError like Fernet's."""
        pol = self._policy(policy)
        scheme, alg, prov = self._fernet(pol)
        try:
            token: bytes = scheme.encrypt(key, _bytes_like(data, "data"), current_time)
        except InvalidKey as exc:
            raise RawFernetKeyError(str(exc)) from None
        audit.emit("raw.fernet_encrypt", pol.name, alg.name, prov, None)
        return token

    def fernet_decrypt(self, key: str | Buffer, token: str | Buffer, *, ttl: int | None = None,
                       policy: str = "default", current_time: int | None = None) -> bytes:
        """The plaintext, as ``Fernet(key).decrypt(token, ttl)`` (``decrypt_at_time`` with
        ``current_time``); a bad or expired token raises DecryptionFailed, which is also
        ``cryptography.fernet.InvalidToken``."""
        pol = self._policy(policy)
        scheme, alg, prov = self._fernet(pol)
        pol.check_accepts(alg)
        try:
            out: bytes = scheme.decrypt(key, token, ttl, current_time)
        except InvalidKey as exc:
            raise RawFernetKeyError(str(exc)) from None
        except DecryptionFailed:
            raise RawInvalidToken() from None
        audit.emit("raw.fernet_decrypt", pol.name, alg.name, prov, None)
        return out

    # -- keys: generated and loaded by policy, as the pyca objects the replaced calls return ---
    def _key_slot(self, pol: Policy, slot: str) -> Family:
        family = Family(slot) if slot in _KEY_SLOTS else None
        if family is None:
            raise InvalidArgument(f"slot must be one of {', '.join(sorted(_KEY_SLOTS))}, "
                                  f"not {slot!r}")
        return family

    def generate_private_key(self, *, policy: str = "default", slot: str = "signature",
                             rsa_bits: int | None = None) -> Any:
        """A new pyca private key of the type the policy's ``slot`` algorithm uses (RSA with
        exponent 65537, the algorithm's curve, Ed25519, X25519, ML-DSA...), as
        ``rsa.generate_private_key(...)`` / ``Ed25519PrivateKey.generate()`` return it.

        ``rsa_bits``: the modulus size this call asks for when the algorithm is RSA (default:
        the policy's ``rsa_bits``); ignored for other key types, so the policy can move on."""
        pol = self._policy(policy)
        alg = pol.algorithm(self._key_slot(pol, slot))
        pyca = self._ctx._provider(pol, alg)
        if pyca.name != "pyca":
            raise PolicyViolation(f"agile.raw keys are pyca key objects; policy {pol.name!r} "
                                  f"runs {alg.name} on provider {pyca.name}")
        bits = (rsa_bits or pol.rsa_bits) if alg.key_type == "RSA" else None
        key = PrivateKey.generate(str(alg.key_type), provider="pyca", key_bits=bits)
        self._ctx._check_key_bits(pol, alg, key)
        audit.emit("raw.generate_private_key", pol.name, alg.name, pyca.name, key.kid)
        return key.native_for(pyca)

    def _admit(self, pol: Policy, family: Family, key: PrivateKey | PublicKey) -> None:
        """Reject a loaded key the policy's ``family`` slot cannot use (before it is used)."""
        alg = _reading_algorithm(pol, family, key.key_type)
        self._ctx._check_key_bits(pol, alg, key)
        audit.emit("raw.load_key", pol.name, alg.name, "pyca", key.kid)

    def _load(self, loader: Any, args: tuple[Any, ...], policy: str, slot: str,
              private: bool) -> Any:
        pol = self._policy(policy)
        family = self._key_slot(pol, slot)
        try:
            native = loader(*args)
        except TypeError as exc:  # a password given for a plain key, or none for an encrypted one
            raise RawKeyPasswordError(f"cannot load the key: {exc}") from None
        except ValueError:
            raise RawKeyLoadError("not a valid key in this encoding, or a wrong password"
                                  ) from None
        except Exception as exc:  # pyca's UnsupportedAlgorithm for an unknown key type
            raise RawKeyLoadError(f"cannot load the key: {type(exc).__name__}") from None
        wrapped = PrivateKey.from_cryptography(native) if private else public_from_cryptography(
            native)
        self._admit(pol, family, wrapped)
        return native

    def load_pem_private_key(self, data: Buffer, password: Buffer | None = None, *,
                             policy: str = "default", slot: str = "signature") -> Any:
        """``serialization.load_pem_private_key(data, password)`` that refuses a key the
        policy's ``slot`` does not accept (PolicyViolation)."""
        return self._load(_serialization.load_pem_private_key,
                          (bytes(data), None if password is None else bytes(password)),
                          policy, slot, True)

    def load_der_private_key(self, data: Buffer, password: Buffer | None = None, *,
                             policy: str = "default", slot: str = "signature") -> Any:
        """``serialization.load_der_private_key(data, password)``, policy-checked."""
        return self._load(_serialization.load_der_private_key,
                          (bytes(data), None if password is None else bytes(password)),
                          policy, slot, True)

    def load_pem_public_key(self, data: Buffer, *, policy: str = "default",
                            slot: str = "signature") -> Any:
        """``serialization.load_pem_public_key(data)``, policy-checked."""
        return self._load(_serialization.load_pem_public_key, (bytes(data),), policy, slot,
                          False)

    def load_der_public_key(self, data: Buffer, *, policy: str = "default",
                            slot: str = "signature") -> Any:
        """``serialization.load_der_public_key(data)``, policy-checked."""
        return self._load(_serialization.load_der_public_key, (bytes(data),), policy, slot,
                          False)

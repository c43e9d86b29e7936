"""KEM and signature schemes over liboqs-python, with the input checks it lacks.

liboqs-python copies keys into fixed-size C buffers: a short secret key is silently zero-padded
(and yields signatures that never verify), a long one raises a bare ``ValueError``. Every length
is therefore checked here, against the lengths the loaded liboqs reports, before calling into C.

Encodings: public keys, ciphertexts and signatures are the standard byte strings (the same as
pyca's for ML-KEM and ML-DSA). Private keys are the liboqs secret key followed by the public key
(liboqs cannot derive one from the other), except for ML-KEM, whose private key is the 64-byte
FIPS 203 seed d || z (pyca's format too), expanded with ``OQS_KEM_keypair_derand``.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from .._types import Buffer
from ..errors import InvalidArgument, InvalidKey, InvalidSignature, ProviderError

_MAX_CONTEXT = 255


class OqsPublicKey:
    """A public key of one liboqs algorithm: its raw bytes."""

    __slots__ = ("algorithm", "raw")

    def __init__(self, algorithm: str, raw: bytes) -> None:
        self.algorithm = algorithm
        self.raw = raw

    def __repr__(self) -> str:
        return f"<OqsPublicKey {self.algorithm}>"


class OqsPrivateKey:
    """A private key of one liboqs algorithm; holds a liboqs object loaded with the secret."""

    __slots__ = ("__weakref__", "_secret", "algorithm", "native", "public", "seed")

    def __init__(self, algorithm: str, secret: bytes, public: bytes, seed: bytes | None,
                 native: Any) -> None:
        self.algorithm = algorithm
        self._secret = secret
        self.public = OqsPublicKey(algorithm, public)
        self.seed = seed
        self.native: Any = native  # the liboqs object holding a C copy of the secret key
        weakref.finalize(self, native.free)  # wipes that copy

    def secret_bytes(self) -> bytes:
        return self._secret

    def __repr__(self) -> str:
        return f"<OqsPrivateKey {self.algorithm}>"


class _OqsScheme:
    """Key handling shared by KEMs and signatures: generation and the raw encodings."""

    def __init__(self, oqs: Any, name: str, mechanism: str, details: dict[str, Any],
                 factory: Any) -> None:
        self.name = name
        self._oqs = oqs
        self._mechanism = mechanism
        self._factory = factory  # oqs.KeyEncapsulation or oqs.Signature
        self._public_size = int(details["length_public_key"])
        self._secret_size = int(details["length_secret_key"])
        self._seed_size = int(details.get("length_keypair_seed", 0))
        self._shared = factory(mechanism)  # keyless object for public-key operations
        weakref.finalize(self, self._shared.free)

    def _new_native(self, secret: bytes | None = None) -> Any:
        return self._factory(self._mechanism, secret)

    def generate(self, *, key_bits: int | None = None) -> object:
        if key_bits is not None:
            raise InvalidArgument(f"key_bits applies to RSA only, not {self.name}")
        if self._seed_size:
            return self._from_seed(os.urandom(self._seed_size))
        native = self._new_native()
        public = native.generate_keypair()
        return OqsPrivateKey(self.name, native.export_secret_key(), public, None, native)

    def _from_seed(self, seed: bytes) -> OqsPrivateKey:
        native = self._new_native()
        public = native.generate_keypair_seed(seed)
        return OqsPrivateKey(self.name, native.export_secret_key(), public, seed, native)

    def public_of(self, private: object) -> object:
        return self._private(private).public

    def public_bytes(self, public: object) -> bytes:
        return self._public(public).raw

    def public_from_bytes(self, data: Buffer) -> object:
        raw = bytes(data)
        if len(raw) != self._public_size:
            raise InvalidKey(f"{self.name} public key must be {self._public_size} bytes, "
                             f"got {len(raw)}")
        return OqsPublicKey(self.name, raw)

    def private_bytes(self, private: object) -> bytes:
        key = self._private(private)
        if key.seed is not None:
            return key.seed
        return key.secret_bytes() + key.public.raw

    @property
    def private_size(self) -> int:
        """Bytes of agile's private encoding: the seed, or secret key || public key."""
        return self._seed_size or self._secret_size + self._public_size

    def private_from_bytes(self, data: Buffer) -> object:
        raw = bytes(data)
        if len(raw) != self.private_size:
            raise InvalidKey(self._private_size_message(len(raw)))
        if self._seed_size:
            return self._from_seed(raw)
        secret, public = raw[:self._secret_size], raw[self._secret_size:]
        return OqsPrivateKey(self.name, secret, public, None, self._new_native(secret))

    def _private_size_message(self, got: int) -> str:
        what = ("the 64-byte seed" if self._seed_size else
                f"the liboqs secret key ({self._secret_size}) followed by the public key "
                f"({self._public_size})")
        text = (f"{self.name} private key for liboqs must be {self.private_size} bytes "
                f"({what}), got {got}")
        if self.name.startswith("ML-DSA") and got == 32:
            text += ("; a 32-byte FIPS 204 seed (pyca's format) cannot be expanded by liboqs: "
                     "use this key with provider 'pyca', or generate keys with provider 'oqs'")
        return text

    def _private(self, key: object) -> OqsPrivateKey:
        if type(key) is not OqsPrivateKey or key.algorithm != self.name:
            raise InvalidKey(f"expected a {self.name} private key of provider oqs, got "
                             f"{type(key).__name__}")
        return key

    def _public(self, key: object) -> OqsPublicKey:
        if type(key) is not OqsPublicKey or key.algorithm != self.name:
            raise InvalidKey(f"expected a {self.name} public key of provider oqs, got "
                             f"{type(key).__name__}")
        return key


class OqsKEM(_OqsScheme):
    """``encapsulate`` returns (shared_secret, ciphertext), as every agile KEM does."""

    def __init__(self, oqs: Any, name: str, mechanism: str) -> None:
        with oqs.KeyEncapsulation(mechanism) as probe:
            details = dict(probe.details)
        super().__init__(oqs, name, mechanism, details, oqs.KeyEncapsulation)
        self._ct_size = int(details["length_ciphertext"])

    def encapsulate(self, public: object) -> tuple[bytes, bytes]:
        if type(public) is not OqsPublicKey or public.algorithm != self.name:
            self._public(public)
        try:
            ct, shared = self._shared.encap_secret(public.raw)  # type: ignore[attr-defined]
        except RuntimeError:  # e.g. ML-KEM's FIPS 203 modulus check on the encapsulation key
            raise InvalidKey(f"liboqs rejected the {self.name} public key") from None
        return shared, ct

    def decapsulate(self, private: object, ciphertext: Buffer) -> bytes:
        ct = bytes(ciphertext)
        if len(ct) != self._ct_size:
            raise InvalidArgument(f"{self.name} ciphertext must be {self._ct_size} bytes, "
                                  f"got {len(ct)}")
        if type(private) is not OqsPrivateKey or private.algorithm != self.name:
            self._private(private)  # raises InvalidKey
        try:
            return private.native.decap_secret(ct)  # type: ignore[attr-defined, no-any-return]
        except RuntimeError as exc:
            raise ProviderError(f"liboqs {self.name} decapsulation failed") from exc


class OqsSignature(_OqsScheme):
    """Signatures; a context string is accepted where liboqs supports one (ML-DSA, SLH-DSA)."""

    def __init__(self, oqs: Any, name: str, mechanism: str, *, fixed_length: bool) -> None:
        with oqs.Signature(mechanism) as probe:
            details = dict(probe.details)
        super().__init__(oqs, name, mechanism, details, oqs.Signature)
        self._sig_size = int(details["length_signature"])
        self._fixed = fixed_length
        self.takes_context = bool(details["sig_with_ctx_support"])

    def _context(self, context: Buffer | None) -> bytes | None:
        if context is None:
            return None
        ctx = bytes(context)
        if not ctx:
            return None
        if not self.takes_context:
            raise InvalidArgument(f"{self.name} does not take a context string")
        if len(ctx) > _MAX_CONTEXT:
            raise InvalidArgument(f"context must be at most {_MAX_CONTEXT} bytes")
        return ctx

    def sign(self, private: object, data: Buffer, context: Buffer | None) -> bytes:
        native = self._private(private).native
        ctx = self._context(context)
        message = bytes(data)
        try:
            if ctx is None:
                return native.sign(message)  # type: ignore[no-any-return]
            return native.sign_with_ctx_str(message, ctx)  # type: ignore[no-any-return]
        except RuntimeError as exc:
            raise ProviderError(f"liboqs {self.name} signing failed") from exc

    def verify(self, public: object, signature: Buffer, data: Buffer,
               context: Buffer | None) -> None:
        raw_public = self._public(public).raw
        ctx = self._context(context)
        sig = bytes(signature)
        if (len(sig) != self._sig_size) if self._fixed else not 0 < len(sig) <= self._sig_size:
            raise InvalidSignature()
        message = bytes(data)
        if ctx is None:
            ok = self._shared.verify(message, sig, raw_public)
        else:
            ok = self._shared.verify_with_ctx_str(message, sig, ctx, raw_public)
        if not ok:
            raise InvalidSignature()

"""The small protocol each provider implements, one scheme type per family.

A provider maps algorithm names to *schemes*. Key handles are the provider's native objects;
agile's key classes carry them together with the provider's name, and move keys between providers
through the raw byte encodings (``public_bytes``/``public_from_bytes``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .._types import Buffer


class AEADCipher(Protocol):
    """A keyed AEAD: ``encrypt`` returns ciphertext||tag; ``decrypt`` raises DecryptionFailed."""

    def encrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None) -> bytes: ...
    def decrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None) -> bytes: ...


class AEADScheme(Protocol):
    def new(self, key: Buffer) -> AEADCipher: ...


class AsymmetricScheme(Protocol):
    """Key handling shared by signature, KEM and key-agreement schemes."""

    def generate(self, *, key_bits: int | None = None) -> object: ...
    def public_of(self, private: object) -> object: ...
    def public_bytes(self, public: object) -> bytes: ...
    def public_from_bytes(self, data: Buffer) -> object: ...
    def private_bytes(self, private: object) -> bytes: ...
    def private_from_bytes(self, data: Buffer) -> object: ...


class SignatureScheme(AsymmetricScheme, Protocol):
    """``sign`` returns the algorithm's native signature bytes (DER for ECDSA)."""

    def sign(self, private: object, data: Buffer, context: Buffer | None) -> bytes: ...
    def verify(
        self, public: object, signature: Buffer, data: Buffer, context: Buffer | None
    ) -> None: ...


class KEMScheme(AsymmetricScheme, Protocol):
    """``encapsulate`` returns (shared_secret, ciphertext)."""

    def encapsulate(self, public: object) -> tuple[bytes, bytes]: ...
    def decapsulate(self, private: object, ciphertext: Buffer) -> bytes: ...


class KeyAgreementScheme(AsymmetricScheme, Protocol):
    def exchange(self, private: object, peer_public: object) -> bytes: ...


class HPKEScheme(Protocol):
    """RFC 9180 base mode single-shot: ``seal`` returns enc||ciphertext."""

    key_type: str
    enc_size: int  # bytes of the encapsulated key at the front of ``seal``'s output

    def seal(self, public: object, plaintext: Buffer, info: Buffer) -> bytes: ...
    def open(self, private: object, sealed: Buffer, info: Buffer) -> bytes: ...


class PKEScheme(AsymmetricScheme, Protocol):
    def encrypt(self, public: object, plaintext: Buffer, label: Buffer | None) -> bytes: ...
    def decrypt(self, private: object, ciphertext: Buffer, label: Buffer | None) -> bytes: ...


class HashScheme(Protocol):
    def digest(self, data: Buffer, *, length: int | None = None) -> bytes: ...


class MACScheme(Protocol):
    def mac(self, key: Buffer, data: Buffer) -> bytes: ...
    def verify(self, key: Buffer, data: Buffer, tag: Buffer) -> None: ...


class KDFScheme(Protocol):
    def derive(self, ikm: Buffer, *, length: int, salt: Buffer | None, info: Buffer) -> bytes: ...


class PasswordHashScheme(Protocol):
    def derive(self, password: Buffer, salt: Buffer, *, length: int,
               params: dict[str, int]) -> bytes: ...


@runtime_checkable
class Provider(Protocol):
    """A backend: a name, the algorithms it serves, and a scheme per algorithm.

    Third-party providers register a zero-argument factory under the ``agile.providers``
    entry-point group. Optionally a provider defines ``unavailable_reason(algorithm) -> str |
    None`` to say why it cannot run an algorithm here (e.g. a missing shared library).
    """

    name: str

    def algorithms(self) -> frozenset[str]:
        """Canonical names of the algorithms this provider can run here."""
        ...

    def scheme(self, algorithm: str) -> object:
        """The scheme for ``algorithm``; raises UnsupportedAlgorithm if not served."""
        ...

    def identify(self, native_key: object) -> str | None:
        """The registry ``key_type`` of a native key object, or None if not this provider's."""
        ...

"""One exception hierarchy for everything agile raises.

Cryptographic failures (:class:`InvalidSignature`, :class:`DecryptionFailed`) carry no detail, so
they cannot serve as an oracle. Misuse names the parameter and the constraint. Configuration errors
name the file, the key and the fix.
"""

from __future__ import annotations

import enum

__all__ = [
    "AgileError",
    "ConfigError",
    "DecryptionFailed",
    "InvalidArgument",
    "InvalidKey",
    "InvalidPassword",
    "InvalidSignature",
    "KeyDestroyed",
    "KeyNotFound",
    "KeyRetired",
    "KeyringCorrupted",
    "KeyringError",
    "KeyringExists",
    "KeyringLocked",
    "KeyringNotConfigured",
    "KeyringNotFound",
    "KeyringTruncated",
    "MalformedEnvelope",
    "PolicyViolation",
    "ProviderError",
    "QKDError",
    "QKDRequestRejected",
    "QKDResponseInvalid",
    "QKDUnavailable",
    "Reason",
    "UnknownAlgorithm",
    "UnsupportedAlgorithm",
    "UnsupportedKeyringVersion",
    "WrongPassphrase",
]


class Reason(enum.Enum):
    """Why an algorithm cannot be used; tests and callers branch on it."""

    NO_PROVIDER = "no installed provider offers this algorithm"
    PROVIDER_MISSING = "the provider named by the policy is not installed"
    NOT_IN_FAMILY = "the algorithm belongs to another family"
    LEGACY = "legacy algorithm; only allowed for reading old data or with allow_legacy"
    OPERATION = "the algorithm does not support this operation"


class AgileError(Exception):
    """Base class of every error agile raises."""


class InvalidArgument(AgileError, ValueError):
    """A parameter has the wrong type, length or value; the message names it."""


class ConfigError(AgileError):
    """The configuration cannot be used; the message names the file, the key and the fix."""

    def __init__(
        self, message: str, *, path: str | None = None, key: str | None = None,
        line: int | None = None, hint: str | None = None,
    ) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.hint = hint
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        full = f"{where}{message}"
        if hint:
            full += f"; {hint}"
        super().__init__(full)


class UnknownAlgorithm(AgileError, KeyError):
    """No registry entry has this name or identifier."""

    def __init__(self, name: object, suggestion: str | None = None) -> None:
        self.name = name
        self.suggestion = suggestion
        msg = f"unknown algorithm {name!r}"
        if suggestion:
            msg += f"; did you mean {suggestion}?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class UnsupportedAlgorithm(AgileError):
    """The algorithm is known but cannot be used here; ``reason`` says why."""

    def __init__(self, message: str, reason: Reason) -> None:
        self.reason = reason
        super().__init__(f"{message} ({reason.value})")


class PolicyViolation(AgileError):
    """The policy does not allow this algorithm, key or parameter."""


class ProviderError(AgileError):
    """A provider failed to load or to perform an operation it advertised."""


class InvalidKey(AgileError):
    """The key does not fit the algorithm or operation (wrong type, size or algorithm)."""


class MalformedEnvelope(AgileError):
    """The input is not a well-formed agile/COSE envelope."""


class InvalidSignature(AgileError):
    """The signature or MAC does not verify. Deliberately without detail."""

    def __init__(self) -> None:
        super().__init__("signature verification failed")


class InvalidPassword(AgileError):
    """The password does not match the stored hash. Deliberately without detail."""

    def __init__(self) -> None:
        super().__init__("password does not match")


class DecryptionFailed(AgileError):
    """Decryption or authentication failed. Deliberately without detail (no oracle)."""

    def __init__(self) -> None:
        super().__init__("decryption failed")


class KeyringError(AgileError):
    """A keyring operation cannot be done; the message says which key or file, and the fix."""


class KeyringNotConfigured(KeyringError, InvalidArgument):
    """No key was given and the policy has no keyring to take one from."""


class KeyringNotFound(KeyringError):
    """The keyring file does not exist (create it with ``agile keys init``)."""


class KeyringExists(KeyringError):
    """``init`` would overwrite an existing keyring file."""


class KeyringLocked(KeyringError):
    """Another process holds the keyring's write lock longer than the timeout."""


class KeyringCorrupted(KeyringError):
    """The keyring file is damaged or was tampered with (checksum or authentication failed).

    agile never overwrites such a file; restore it from a backup.
    """


class KeyringTruncated(KeyringCorrupted):
    """The keyring file is shorter than its header says: an incomplete copy or a full disk."""


class UnsupportedKeyringVersion(KeyringError):
    """The keyring file has a format version this agile cannot read (written by a newer agile)."""

    def __init__(self, message: str, version: int) -> None:
        self.version = version
        super().__init__(message)


class WrongPassphrase(KeyringError):
    """The passphrase or key-encryption key does not open this keyring. Without detail."""


class KeyNotFound(KeyringError):
    """No key with this key id (or no primary key) in the policy's keyring."""


class KeyDestroyed(KeyringError):
    """The key was destroyed: data protected only by it can no longer be read."""


class KeyRetired(KeyringError, PolicyViolation):
    """The key is retired and the policy does not read with retired keys (read_retired = false)."""


class QKDError(AgileError):
    """A QKD key could not be obtained or checked (ETSI GS QKD 014); the message says what to do.

    ``status`` is the KME's HTTP status (None for transport errors); ``kme_message`` its
    ``message`` field, if the body was the JSON the standard defines.
    """

    def __init__(self, message: str, *, status: int | None = None,
                 kme_message: str | None = None) -> None:
        self.status = status
        self.kme_message = kme_message
        super().__init__(message)


class QKDUnavailable(QKDError):
    """No QKD key now: the KME is unreachable, answers 503/5xx, or the key pool is empty.

    A ``required`` QKD policy produces nothing; a ``preferred`` one falls back to PQC only.
    """


class QKDRequestRejected(QKDError):
    """The KME refused the request (400 or 401): wrong SAE, unknown or used key_ID, bad size."""


class QKDResponseInvalid(QKDError):
    """The KME's answer breaks ETSI GS QKD 014 (bad JSON, base64, key length or count, key_ID)."""

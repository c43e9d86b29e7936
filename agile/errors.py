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
    "MalformedEnvelope",
    "PolicyViolation",
    "ProviderError",
    "Reason",
    "UnknownAlgorithm",
    "UnsupportedAlgorithm",
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

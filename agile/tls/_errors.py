"""TLS errors: all under :class:`agile.errors.AgileError`; policy refusals are PolicyViolations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AgileError, PolicyViolation

if TYPE_CHECKING:
    from ._facts import HandshakeFacts

__all__ = ["CertificateVerificationFailed", "HandshakeFailed", "TLSError", "TLSPolicyViolation"]


class TLSError(AgileError):
    """A TLS connection could not be made or used (refused, timed out, closed by the peer)."""


class HandshakeFailed(TLSError):
    """The TLS handshake failed; the message says what each side offered where agile knows it.

    ``diagnosis`` holds what the peer negotiates when offered everything this build supports
    (a :class:`~agile.tls.ProbeResult`), when agile could find out.
    """

    def __init__(self, message: str, *, diagnosis: object | None = None) -> None:
        self.diagnosis = diagnosis
        super().__init__(message)


class CertificateVerificationFailed(HandshakeFailed):
    """The peer's certificate did not verify. ``reason`` is one of ``"expired"``,
    ``"not-yet-valid"``, ``"hostname-mismatch"``, ``"untrusted"``, ``"invalid"``;
    ``verify_code`` is OpenSSL's X509_V_ERR value."""

    def __init__(self, message: str, *, reason: str, verify_code: int) -> None:
        self.reason = reason
        self.verify_code = verify_code
        super().__init__(message)


class TLSPolicyViolation(PolicyViolation):
    """The handshake completed with an algorithm the policy does not accept; the connection was
    closed. ``facts`` is what was negotiated, ``problems`` the reasons (one line each)."""

    def __init__(self, message: str, *, facts: HandshakeFacts | None = None,
                 problems: tuple[str, ...] = ()) -> None:
        self.facts = facts
        self.problems = problems
        super().__init__(message)

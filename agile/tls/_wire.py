"""Just enough TLS message parsing to read what was negotiated (RFC 8446 section 4).

OpenSSL hands every handshake message, decrypted, to the message callback; these functions read
the facts agile enforces from them. Malformed input yields ``None``/empty results, never raises.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

CLIENT_HELLO, SERVER_HELLO, SERVER_KEY_EXCHANGE, CERTIFICATE_VERIFY = 1, 2, 12, 15
_EXT_SUPPORTED_GROUPS, _EXT_SIGNATURE_ALGORITHMS = 10, 13
_EXT_SUPPORTED_VERSIONS, _EXT_KEY_SHARE = 43, 51
#: ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3).
HRR_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 2], "big")


def _extensions(data: bytes, at: int) -> Iterator[tuple[int, bytes]]:
    if at + 2 > len(data):
        return
    end = min(len(data), at + 2 + _u16(data, at))
    at += 2
    while at + 4 <= end:
        kind, size = _u16(data, at), _u16(data, at + 2)
        yield kind, data[at + 4:at + 4 + size]
        at += 4 + size


def _u16_list(data: bytes, length_bytes: int = 2) -> tuple[int, ...]:
    size = int.from_bytes(data[:length_bytes], "big")
    body = data[length_bytes:length_bytes + size]
    return tuple(_u16(body, i) for i in range(0, len(body) - 1, 2))


def server_hello(message: bytes) -> tuple[bool, int | None, int | None]:
    """(is_hello_retry_request, selected group, selected version) of a ServerHello message."""
    body = message[4:]
    if len(body) < 38:
        return False, None, None
    hrr = body[2:34] == HRR_RANDOM
    at = 34 + 1 + body[34] + 2 + 1  # session id, cipher suite, compression method
    group = version = None
    for kind, ext in _extensions(body, at):
        if kind == _EXT_KEY_SHARE and len(ext) >= 2:
            group = _u16(ext, 0)
        elif kind == _EXT_SUPPORTED_VERSIONS and len(ext) == 2:
            version = _u16(ext, 0)
    return hrr, group, version


def client_hello(message: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(supported_groups, signature_algorithms) a ClientHello offers, in the client's order."""
    body = message[4:]
    if len(body) < 35:
        return (), ()
    at = 34 + 1 + body[34]
    at += 2 + _u16(body, at)  # cipher suites
    if at >= len(body):
        return (), ()
    at += 1 + body[at]  # compression methods
    groups: tuple[int, ...] = ()
    sigalgs: tuple[int, ...] = ()
    for kind, ext in _extensions(body, at):
        if kind == _EXT_SUPPORTED_GROUPS:
            groups = _u16_list(ext)
        elif kind == _EXT_SIGNATURE_ALGORITHMS:
            sigalgs = _u16_list(ext)
    return groups, sigalgs


def certificate_verify(message: bytes) -> int | None:
    """The SignatureScheme of a CertificateVerify message (TLS 1.3)."""
    return _u16(message, 4) if len(message) >= 6 else None


def server_key_exchange(message: bytes) -> tuple[int | None, int | None]:
    """(named group, SignatureScheme) of a TLS 1.2 ECDHE ServerKeyExchange message."""
    body = message[4:]
    if len(body) < 4 or body[0] != 3:  # curve_type named_curve
        return None, None
    group = _u16(body, 1)
    at = 4 + body[3]
    return group, (_u16(body, at) if at + 2 <= len(body) else None)

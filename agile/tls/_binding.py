"""The few OpenSSL calls pyOpenSSL does not wrap, through the binding pyOpenSSL itself uses.

``SSL_CTX_set1_curves_list`` is OpenSSL's historical name of ``SSL_CTX_set1_groups_list`` (the
same control, ``SSL_CTRL_SET_GROUPS_LIST``); it takes TLS 1.3 group names such as
``X25519MLKEM768``. The message callback sees every handshake message, decrypted: that is where
agile reads the negotiated group and the peer's signature scheme.
"""

from __future__ import annotations

import functools
import ipaddress
import threading
from collections.abc import Callable
from typing import Any

from OpenSSL import SSL
from OpenSSL._util import ffi, lib

__all__ = ["MessageLog", "openssl_version", "set_groups", "set_sigalgs", "set_verify_host",
           "verify_result"]


def openssl_version() -> str:
    return str(ffi.string(lib.OpenSSL_version(0)).decode())


def _ok(result: int) -> bool:
    if result != 1:
        lib.ERR_clear_error()
    return result == 1


@functools.cache
def group_supported(name: str) -> bool:
    """True if this OpenSSL build can negotiate TLS group ``name``."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    return _ok(lib.SSL_CTX_set1_curves_list(ctx._context, name.encode()))


@functools.cache
def sigalg_supported(name: str) -> bool:
    ctx = SSL.Context(SSL.TLS_METHOD)
    return _ok(lib.SSL_CTX_set1_sigalgs_list(ctx._context, name.encode()))


def set_groups(ctx: SSL.Context, spec: str) -> bool:
    """Set the groups (``"*X25519MLKEM768:*x25519:secp256r1"``; ``*`` = send a key share)."""
    return _ok(lib.SSL_CTX_set1_curves_list(ctx._context, spec.encode()))


def set_sigalgs(ctx: SSL.Context, names: list[str]) -> bool:
    return _ok(lib.SSL_CTX_set1_sigalgs_list(ctx._context, ":".join(names).encode()))


def set_verify_host(conn: SSL.Connection, host: str) -> None:
    """Make certificate verification check ``host`` (a DNS name or an IP address)."""
    param = lib.SSL_get0_param(conn._ssl)
    try:
        packed = ipaddress.ip_address(host).packed
    except ValueError:
        raw = host.encode("idna")
        if not _ok(lib.X509_VERIFY_PARAM_set1_host(param, raw, len(raw))):
            raise ValueError(f"cannot verify host name {host!r}") from None
        return
    if not _ok(lib.X509_VERIFY_PARAM_set1_ip(param, packed, len(packed))):
        raise ValueError(f"cannot verify IP address {host!r}")


def verify_result(conn: SSL.Connection) -> tuple[int, str]:
    """OpenSSL's certificate verification result: (X509_V_ERR code, text)."""
    code = int(lib.SSL_get_verify_result(conn._ssl))
    return code, ffi.string(lib.X509_verify_cert_error_string(code)).decode()


def _key(ssl: Any) -> int:
    return int(ffi.cast("uintptr_t", ssl))


class MessageLog:
    """Collects handshake messages per connection through the context's message callback."""

    _KEEP = frozenset({1, 2, 12, 15})  # ClientHello, ServerHello, ServerKeyExchange, CertVerify

    def __init__(self, ctx: SSL.Context) -> None:
        self._lock = threading.Lock()
        self._records: dict[int, list[tuple[bool, int, bytes]]] = {}
        self._callback: Callable[..., None] = ffi.callback(
            "void(int, int, int, const void *, size_t, SSL *, void *)", self._on_message)
        lib.SSL_CTX_set_msg_callback(ctx._context, self._callback)

    def _on_message(self, write_p: int, _version: int, content_type: int, buf: Any, size: int,
                    ssl: Any, _arg: Any) -> None:
        try:
            if content_type != 22 or size < 4:
                return
            records = self._records.get(_key(ssl))
            if records is None:
                return
            kind = ffi.cast("unsigned char *", buf)[0]
            if kind in self._KEEP:
                records.append((bool(write_p), kind, bytes(ffi.buffer(buf, size))))
        except Exception:
            return

    def start(self, conn: SSL.Connection) -> list[tuple[bool, int, bytes]]:
        """Begin recording ``conn``; returns the list that fills as messages pass."""
        records: list[tuple[bool, int, bytes]] = []
        with self._lock:
            self._records[_key(conn._ssl)] = records
        return records

    def stop(self, conn: SSL.Connection) -> None:
        with self._lock:
            self._records.pop(_key(conn._ssl), None)

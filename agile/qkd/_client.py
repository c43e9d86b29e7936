"""An ETSI GS QKD 014 client (an SAE talking to its KME) over mutual TLS with connection reuse.

>>> client = KMEClient("https://127.0.0.1:8443", cert="sae-a.pem", key="sae-a.key",
...                    ca="ca.pem")                                  # doctest: +SKIP
>>> [key] = client.enc_keys("SAE-B", number=1, size=256)             # doctest: +SKIP
>>> client.dec_keys("SAE-A", [key.key_id])                           # doctest: +SKIP (at B)

Errors map at one boundary (:meth:`KMEClient._request`): 400/401 -> QKDRequestRejected, 503/5xx,
refused connections and timeouts -> QKDUnavailable (after bounded retries with backoff), anything
that breaks the standard -> QKDResponseInvalid. Bodies are parsed defensively: 401 has none, and
real KMEs answer HTML or nothing on errors.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidArgument, QKDError, QKDRequestRejected, QKDResponseInvalid, QKDUnavailable
from ._http import ClientConnection, FramingError, PeerClosed
from ._protocol import (
    API_PREFIX,
    QKDKey,
    Status,
    error_message,
    parse_key_container,
    parse_status,
    peer_common_names,
    valid_id,
    valid_key_id,
)

__all__ = ["KMEClient"]

_MAX_BODY = 4 << 20  # no KME answer of ours is near this; refuse to buffer more
_RETRY_STATUSES = frozenset({502, 503, 504})


def client_context(cert: str | os.PathLike[str], key: str | os.PathLike[str],
                   ca: str | os.PathLike[str]) -> ssl.SSLContext:
    """A TLS client context presenting the SAE certificate and trusting only ``ca``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(os.fspath(cert), os.fspath(key))
        ctx.load_verify_locations(cafile=os.fspath(ca))
    except (OSError, ssl.SSLError) as exc:
        raise InvalidArgument(f"cannot load the SAE certificate {os.fspath(cert)!r}, key or CA "
                              f"{os.fspath(ca)!r}: {exc}; create a test PKI with `agile qkd "
                              "simulate --pki DIR`") from None
    return ctx


class KMEClient:
    """One SAE's connection to its KME. Thread-safe; idle HTTPS connections are reused.

    ``kme_id``, if given, must equal the common name of the KME's certificate (checked on every
    new connection, on top of the hostname check against the pinned ``ca``).
    """

    def __init__(self, url: str, *, cert: str | os.PathLike[str], key: str | os.PathLike[str],
                 ca: str | os.PathLike[str], kme_id: str | None = None, timeout: float = 5.0,
                 retries: int = 2, backoff: float = 0.05, pool_size: int = 8,
                 context: ssl.SSLContext | None = None) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "https" or not parsed.hostname:
            raise InvalidArgument(f"KME url must be https://HOST[:PORT], got {url!r}")
        if not 0 < timeout <= 300 or not 0 <= retries <= 10 or not 0 <= backoff <= 10:
            raise InvalidArgument("timeout must be in (0, 300] s, retries in 0..10, backoff "
                                  "in 0..10 s")
        self.url = url.rstrip("/")
        self.host = parsed.hostname
        self.port = parsed.port or 443
        self._base = parsed.path.rstrip("/")
        self.kme_id = kme_id
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._ctx = context or client_context(cert, key, ca)
        # the Host header (RFC 9112 3.2): brackets around IPv6 literals, no default port
        authority = f"[{self.host}]" if ":" in self.host else self.host
        self._host_header = authority if self.port == 443 else f"{authority}:{self.port}"
        self._idle: list[ClientConnection] = []
        self._pool_size = pool_size
        self._lock = threading.Lock()
        self._limits: dict[str, Status] = {}
        self.peer_kme_id: str | None = None  # the KME certificate's common name, once connected

    def __repr__(self) -> str:
        return f"<KMEClient {self.url}>"

    def close(self) -> None:
        """Close the idle connections (a later call opens new ones)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def __enter__(self) -> KMEClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the three ETSI GS QKD 014 methods ---------------------------------------------------
    def status(self, slave_sae_id: str) -> Status:
        """Get status (clause 5.1) of the link to ``slave_sae_id``."""
        found = parse_status(self._request("GET", self._path(slave_sae_id, "status")))
        self._limits[slave_sae_id] = found
        return found

    def enc_keys(self, slave_sae_id: str, *, number: int = 1, size: int | None = None,
                 additional_slave_sae_ids: Sequence[str] = (),
                 extension_mandatory: Sequence[dict[str, Any]] | None = None,
                 extension_optional: Sequence[dict[str, Any]] | None = None,
                 method: str = "POST") -> list[QKDKey]:
        """Get key (clause 5.2): ``number`` keys of ``size`` bits (KME default if None).

        ``method="GET"`` sends ``number`` and ``size`` as query parameters (the standard allows
        nothing else there).
        """
        if type(number) is not int or number < 1:
            raise InvalidArgument("number must be a positive integer")
        if size is not None and (type(size) is not int or size < 1):
            raise InvalidArgument("size must be a positive integer (bits)")
        for sae in additional_slave_sae_ids:
            self._check_id(sae, "additional_slave_SAE_IDs")
        limits = self._limits.get(slave_sae_id)
        if limits is not None:  # reject before asking when the last status already says no
            _check_limits(limits, number, size, len(additional_slave_sae_ids))
        path = self._path(slave_sae_id, "enc_keys")
        body: dict[str, Any] = {"number": number}
        if size is not None:
            body["size"] = size
        if additional_slave_sae_ids:
            body["additional_slave_SAE_IDs"] = list(additional_slave_sae_ids)
        if extension_mandatory is not None:
            body["extension_mandatory"] = list(extension_mandatory)
        if extension_optional is not None:
            body["extension_optional"] = list(extension_optional)
        if method == "GET":
            if set(body) - {"number", "size"}:
                raise InvalidArgument("GET enc_keys takes only number and size; use POST for "
                                      "additional_slave_SAE_IDs and extensions")
            answer = self._request("GET", path + "?" + urllib.parse.urlencode(body))
        elif method == "POST":
            answer = self._request("POST", path, body)
        else:
            raise InvalidArgument(f"method must be 'POST' or 'GET', got {method!r}")
        expected = size if size is not None else (limits.key_size if limits else None)
        return parse_key_container(answer, number=number, size_bits=expected)

    def dec_keys(self, master_sae_id: str, key_ids: Sequence[str], *,
                 key_ids_extension: Any = None, method: str = "POST") -> list[QKDKey]:
        """Get key with key IDs (clause 5.3): the keys ``master_sae_id`` obtained for us."""
        ids = list(key_ids)
        if not ids or not all(valid_key_id(k) for k in ids):
            raise InvalidArgument("key_ids must be a non-empty list of UUID key_IDs")
        path = self._path(master_sae_id, "dec_keys")
        if method == "GET":
            if len(ids) != 1 or key_ids_extension is not None:
                raise InvalidArgument("GET dec_keys takes a single key_ID; use POST for more")
            answer = self._request("GET", path + "?" + urllib.parse.urlencode({"key_ID": ids[0]}))
        elif method == "POST":
            body: dict[str, Any] = {"key_IDs": [{"key_ID": k} for k in ids]}
            if key_ids_extension is not None:
                body["key_IDs_extension"] = key_ids_extension
            answer = self._request("POST", path, body)
        else:
            raise InvalidArgument(f"method must be 'POST' or 'GET', got {method!r}")
        return parse_key_container(answer, number=None, size_bits=None, requested_ids=ids)

    # -- transport ----------------------------------------------------------------------------
    @staticmethod
    def _check_id(value: str, name: str) -> None:
        if not valid_id(value):
            raise InvalidArgument(f"{name} must be an SAE id (letters, digits, . _ ~ -; at most "
                                  f"128), got {value!r}")

    def _path(self, sae_id: str, endpoint: str) -> str:
        self._check_id(sae_id, "SAE id")
        return f"{self._base}{API_PREFIX}{sae_id}/{endpoint}"

    def _connection(self, *, fresh: bool = False) -> tuple[ClientConnection, bool]:
        """(connection, reused): an idle kept-alive connection, or a new one."""
        with self._lock:
            if self._idle and not fresh:
                return self._idle.pop(), True
        conn = ClientConnection(self.host, self.port, context=self._ctx, timeout=self.timeout)
        names = peer_common_names(conn.sock)
        self.peer_kme_id = names[0] if len(names) == 1 else None
        if self.kme_id is not None and self.kme_id not in names:
            conn.close()
            raise QKDError(f"the server at {self.url} is not KME {self.kme_id!r} (its "
                           f"certificate names {', '.join(names) or 'nobody'}); check kme_id "
                           "and the KME url")
        return conn, False

    def _release(self, conn: ClientConnection) -> None:
        with self._lock:
            if len(self._idle) < self._pool_size:
                self._idle.append(conn)
                return
        conn.close()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        # head and body in one write: one TLS record and one KME wake-up per request
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self._host_header}\r\n"
                "Accept: application/json\r\n")
        if body is None:
            request = (head + "\r\n").encode("ascii")
        else:
            payload = json.dumps(body).encode()
            request = (f"{head}Content-Type: application/json\r\nContent-Length: {len(payload)}"
                       "\r\n\r\n").encode("ascii") + payload
        attempt = 0
        while True:
            try:
                return self._exchange(request)
            except QKDUnavailable:
                if attempt >= self.retries:
                    raise
            attempt += 1
            time.sleep(min(self.backoff * (2 ** (attempt - 1)), 2.0))

    def _exchange(self, request: bytes) -> Any:
        try:
            return self._exchange_once(request, fresh=False)
        except _StaleConnection:
            # the KME closed a kept-alive connection before reading our request (it restarted
            # or timed the connection out): nothing was processed, so ask once more on a new one
            self.close()
        try:
            return self._exchange_once(request, fresh=True)
        except _StaleConnection as exc:
            raise QKDUnavailable(f"KME {self.url} dropped the request ({exc}); retry "
                                 "later") from None

    def _exchange_once(self, request: bytes, *, fresh: bool) -> Any:
        try:
            conn, reused = self._connection(fresh=fresh)
        except ssl.SSLCertVerificationError as exc:
            raise QKDError(f"the KME at {self.url} presented a certificate the pinned CA does "
                           f"not vouch for ({exc.verify_message}); check the ca path and the KME "
                           "url") from None
        except OSError as exc:
            raise QKDUnavailable(f"KME {self.url} is unreachable ({_describe(exc)}); check that "
                                 "it runs and the url") from None
        try:
            response = conn.exchange(request, limit=_MAX_BODY)
        except FramingError as exc:
            conn.close()
            raise QKDResponseInvalid(f"KME {self.url} sent an unusable HTTP/1.1 answer "
                                     f"({exc.reason}); check the url points at an ETSI GS QKD "
                                     "014 KME") from None
        except OSError as exc:
            conn.close()
            if isinstance(exc, _STALE_ERRORS) and (reused or not fresh):
                raise _StaleConnection(_describe(exc)) from None
            raise QKDUnavailable(f"KME {self.url} dropped the request ({_describe(exc)}); "
                                 "retry later") from None
        if response.will_close:
            conn.close()
        else:
            self._release(conn)
        return _decode(self.url, response.status, response.headers.get("content-type", ""),
                       response.body)


def _check_limits(limits: Status, number: int, size: int | None, extra: int) -> None:
    where = f"(from the status of {limits.source_KME_ID} for {limits.slave_SAE_ID})"
    if number > limits.max_key_per_request:
        raise InvalidArgument(f"number {number} exceeds max_key_per_request "
                              f"{limits.max_key_per_request} {where}")
    if size is not None and (size % 8 or not limits.min_key_size <= size <= limits.max_key_size):
        raise InvalidArgument(f"size must be a multiple of 8 from {limits.min_key_size} to "
                              f"{limits.max_key_size} bits, got {size} {where}")
    if extra > limits.max_SAE_ID_count:
        raise InvalidArgument(f"{extra} additional_slave_SAE_IDs exceed max_SAE_ID_count "
                              f"{limits.max_SAE_ID_count} {where}")


class _StaleConnection(Exception):
    """A connection failed before any answer (never leaves this module)."""


_STALE_ERRORS = (PeerClosed, ConnectionResetError, BrokenPipeError, ssl.SSLEOFError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS: {exc.reason or exc}"
    return type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"


def _decode(url: str, status: int, content_type: str, data: bytes) -> Any:
    if status == 200:  # the body is at most _MAX_BODY bytes (ClientConnection.exchange)
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise QKDResponseInvalid(f"KME {url} answered 200 without JSON; check the url points "
                                     "at an ETSI GS QKD 014 KME") from None
    message, details = error_message(data, content_type)
    said = f": {message}" if message else ""
    if details:
        said += f" ({json.dumps(details)[:300]})"
    if status == 401:
        raise QKDRequestRejected(
            f"KME {url} refused this SAE (401){said}; check that the client certificate is the "
            "SAE's own and that the KME knows the SAE id", status=status, kme_message=message)
    if status == 400:
        raise QKDRequestRejected(
            f"KME {url} rejected the request (400){said}; check the SAE ids, the key_IDs (each "
            "is delivered once) and size/number against `agile qkd status`", status=status,
            kme_message=message)
    if status in _RETRY_STATUSES or 500 <= status < 600:
        raise QKDUnavailable(f"KME {url} cannot deliver keys now ({status}){said}; the QKD link "
                             "may be down or its key pool empty", status=status, kme_message=message)
    raise QKDResponseInvalid(f"KME {url} answered HTTP {status}, which ETSI GS QKD 014 does not "
                             "define", status=status, kme_message=message)

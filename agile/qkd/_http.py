"""Lean, strict HTTP/1.1 framing (RFC 9112) shared by the KME simulator and the ETSI client.

>>> import io
>>> read_head(io.BytesIO(b"GET /x HTTP/1.1\\r\\nHost: kme\\r\\n\\r\\n"))
(b'GET /x HTTP/1.1', {'host': 'kme'})

``http.server`` and ``http.client`` parse every header block through ``email.parser``: about
50 µs per message on the 2-core development machine, a sixth of a whole KME round trip. ETSI GS
QKD 014 needs only a small part of HTTP/1.1 (origin-form targets, Content-Length or chunked
bodies, keep-alive), so this parses that part itself, strictly: header names must be tokens
(no space before the colon, no obsolete line folding), lines and blocks have size limits, and
Content-Length must be one decimal number. Errors carry the status a server answers.
"""

from __future__ import annotations

import re
import socket
import ssl
from dataclasses import dataclass
from io import BufferedIOBase

MAX_LINE = 8192  # request line, status line, one header line, one chunk-size line
MAX_HEAD = 65536  # a whole header block (or a chunked body's trailers)
MAX_HEADERS = 100

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,15}\Z")
_VERSION = re.compile(rb"HTTP/[0-9]\.[0-9]\Z")
_TARGET = re.compile(rb"/[!-~]*\Z")  # origin-form: visible ASCII, no spaces or controls
_END = (b"\r\n", b"\n")  # RFC 9112 2.2: a recipient may take a bare LF as a line end


class FramingError(Exception):
    """A message that is not well-formed HTTP/1.1; ``status`` is what a server answers."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class PeerClosed(ConnectionError):
    """The peer closed the connection before sending a byte of the next message."""


def _line(rfile: BufferedIOBase, too_long: int, what: str) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise FramingError(too_long, f"{what} longer than {MAX_LINE} bytes")
    if not line.endswith(b"\n"):
        raise FramingError(400, f"connection closed inside the {what}")
    return line


def read_head(rfile: BufferedIOBase, *, start_too_long: int = 414) -> tuple[bytes, dict[str, str]]:
    """(start line without its line end, headers with lower-case names) of the next message.

    Raises :class:`PeerClosed` at a clean end of stream (keep-alive peers close that way) and
    :class:`FramingError` for anything malformed or too large. A repeated header is joined
    with ", " (RFC 9110 5.3), which makes a repeated Content-Length invalid.
    """
    first = rfile.readline(MAX_LINE + 1)
    if first in _END:  # RFC 9112 2.2: ignore one empty line before a request line
        first = rfile.readline(MAX_LINE + 1)
    if not first:
        raise PeerClosed("the peer closed the connection")
    if len(first) > MAX_LINE:
        raise FramingError(start_too_long, f"start line longer than {MAX_LINE} bytes")
    if not first.endswith(b"\n"):
        raise FramingError(400, "connection closed inside the start line")
    headers: dict[str, str] = {}
    size, count = len(first), 0
    while True:
        line = _line(rfile, 431, "header line")
        if line in _END:
            return first.rstrip(b"\r\n"), headers
        size += len(line)
        count += 1
        if size > MAX_HEAD or count > MAX_HEADERS:
            raise FramingError(431, f"header block over {MAX_HEAD} bytes or {MAX_HEADERS} fields")
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.match(name):  # also refuses obs-fold and "Name : value"
            raise FramingError(400, "malformed header line")
        value = value.strip(b" \t\r\n")
        if b"\r" in value or b"\n" in value or b"\0" in value:
            raise FramingError(400, "control character in a header value")
        key, text = name.decode("ascii").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text


def read_body(rfile: BufferedIOBase, headers: dict[str, str], *, limit: int,
              until_close: bool = False) -> bytes:
    """The message body framed by ``headers``: chunked, Content-Length, or nothing.

    With neither header a request has no body; a response (``until_close=True``) runs to the
    end of the connection. More than ``limit`` bytes raise :class:`FramingError` (413).
    """
    coding = headers.get("transfer-encoding")
    if coding is not None:
        if "content-length" in headers:  # RFC 9112 6.3: a smuggling vector; refuse
            raise FramingError(400, "both Transfer-Encoding and Content-Length")
        if coding.lower() != "chunked":
            raise FramingError(501, f"transfer coding {coding[:40]!r} is not supported")
        return _read_chunked(rfile, limit)
    length = headers.get("content-length")
    if length is None:
        if not until_close:
            return b""
        data = rfile.read(limit + 1)
        if len(data) > limit:
            raise FramingError(413, f"body larger than {limit} bytes")
        return data
    if not (length.isascii() and length.isdigit()) or len(length) > 15:
        raise FramingError(400, "Content-Length is not one decimal number")
    size = int(length)
    if size > limit:
        raise FramingError(413, f"body of {size} bytes is larger than {limit}")
    data = rfile.read(size)
    if len(data) != size:
        raise FramingError(400, f"connection closed after {len(data)} of {size} body bytes")
    return data


def _read_chunked(rfile: BufferedIOBase, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = _line(rfile, 400, "chunk size line").split(b";", 1)[0].strip(b" \t\r\n")
        if not _HEX.match(size_text):
            raise FramingError(400, "malformed chunk size")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            raise FramingError(413, f"chunked body larger than {limit} bytes")
        chunk = rfile.read(size)
        if len(chunk) != size or rfile.readline(3) not in _END:
            raise FramingError(400, "truncated or unterminated chunk")
        parts.append(chunk)
    trailers = 0
    while _line(rfile, 431, "trailer line") not in _END:
        trailers += 1
        if trailers > MAX_HEADERS:
            raise FramingError(431, "too many trailer fields")
    return b"".join(parts)


def keep_alive(version: bytes, headers: dict[str, str]) -> bool:
    """May the connection carry another message (HTTP/1.1 unless "close"; 1.0 if "keep-alive")?"""
    tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    return "keep-alive" in tokens if version == b"HTTP/1.0" else "close" not in tokens


def parse_request_line(line: bytes) -> tuple[str, str, bytes]:
    """(method, target, version) of a request line; FramingError 400 or 505 otherwise."""
    parts = line.split(b" ")
    if len(parts) != 3 or not _TOKEN.match(parts[0]) or not _TARGET.match(parts[1]):
        raise FramingError(400, "malformed request line")
    method, target, version = parts
    if version not in (b"HTTP/1.1", b"HTTP/1.0"):
        if _VERSION.match(version):
            raise FramingError(505, "only HTTP/1.0 and HTTP/1.1 are served")
        raise FramingError(400, "malformed HTTP version")
    return method.decode("ascii"), target.decode("ascii"), version


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response: status, headers (lower-case names), body; ``will_close`` if the
    connection cannot carry another request."""

    status: int
    headers: dict[str, str]
    body: bytes
    will_close: bool


class ClientConnection:
    """One kept-alive HTTPS connection (TLS via ``context``, Nagle off): :meth:`exchange`.

    >>> conn = ClientConnection("127.0.0.1", 8443, context=ctx, timeout=5)  # doctest: +SKIP
    >>> conn.exchange(b"GET /api/v1/keys/SAE-B/status HTTP/1.1\\r\\nHost: k\\r\\n\\r\\n",
    ...               limit=1 << 20).status                                 # doctest: +SKIP
    200
    """

    def __init__(self, host: str, port: int, *, context: ssl.SSLContext, timeout: float) -> None:
        raw = socket.create_connection((host, port), timeout)
        try:
            # request/response on a kept-alive connection: Nagle + delayed ACK would stall writes
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = context.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise
        self._rfile = self.sock.makefile("rb")

    def close(self) -> None:
        self._rfile.close()
        self.sock.close()

    def exchange(self, request: bytes, *, limit: int) -> Response:
        """Send ``request`` (head and body, one write) and read the final response.

        Raises OSError (PeerClosed when the server had closed the connection: nothing was
        answered) or FramingError (the answer is not HTTP/1.1, or its body exceeds ``limit``).
        """
        self.sock.sendall(request)
        while True:
            start, headers = read_head(self._rfile, start_too_long=400)
            version, _, rest = start.partition(b" ")
            code = rest[:3]
            if not _VERSION.match(version) or not code.isdigit() or rest[3:4] not in (b" ", b""):
                raise FramingError(400, "malformed status line")
            status = int(code)
            if status >= 200:
                break
            if status == 101:
                raise FramingError(400, "unexpected protocol switch")
            # 1xx interim responses (100 Continue, 103 Early Hints) precede the final one
        if status in (204, 304):
            body, close = b"", False
        else:
            framed = "transfer-encoding" in headers or "content-length" in headers
            body = read_body(self._rfile, headers, limit=limit, until_close=True)
            close = not framed
        return Response(status, headers, body, close or not keep_alive(version, headers))

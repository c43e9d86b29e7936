"""HTTP/1.1 framing of the simulator and the client (agile.qkd._http) over real mTLS sockets.

Server side: raw requests written to the simulator through an SAE's TLS connection, answers read
back with the standard library's independent parser (http.client.HTTPResponse). Client side:
KMEClient against an mTLS server on 127.0.0.1 that writes scripted bytes.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator

import pytest

from agile.errors import QKDResponseInvalid
from agile.qkd import KMEClient, TestPKI
from agile.qkd._http import FramingError, read_body, read_head

from .conftest import Sim

_ENC = "/api/v1/keys/SAE-B/enc_keys"


class _Reader(io.BufferedReader):
    """One buffered reader kept across responses (pipelined answers share its buffer)."""

    def close(self) -> None:
        pass


class _Raw:
    """An SAE's raw TLS connection to a simulated KME."""

    def __init__(self, sim: Sim, sae: str = "SAE-A") -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_cert_chain(*sim.pki.saes[sae])
        ctx.load_verify_locations(sim.pki.ca)
        raw = socket.create_connection(("127.0.0.1", sim.a.port), timeout=5)
        self.sock = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        self.reader = _Reader(socket.SocketIO(self.sock, "rb"))  # type: ignore[arg-type]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self) -> tuple[int, http.client.HTTPMessage, bytes]:
        answer = http.client.HTTPResponse(self)  # type: ignore[arg-type]
        answer.begin()
        return answer.status, answer.msg, answer.read()

    def makefile(self, mode: str) -> _Reader:  # what HTTPResponse asks its "socket" for
        return self.reader

    def closed_by_server(self) -> bool:
        return self.reader.read(1) == b""


@pytest.fixture
def raw(sim: Sim) -> Iterator[_Raw]:
    conn = _Raw(sim)
    yield conn
    conn.sock.close()


def _post(body: bytes, extra: str = "") -> bytes:
    return (f"POST {_ENC} HTTP/1.1\r\nHost: kme\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _one_key(body: bytes, size: int = 256) -> str:
    [entry] = json.loads(body)["keys"]
    assert len(base64.b64decode(entry["key"])) * 8 == size
    return str(entry["key_ID"])


def test_keep_alive_serves_many_requests_on_one_connection(sim: Sim, raw: _Raw) -> None:
    ids = set()
    for _ in range(3):
        raw.send(_post(b'{"number": 1, "size": 256}'))
        status, headers, body = raw.response()
        assert status == 200 and headers["Connection"] is None
        ids.add(_one_key(body))
    raw.send(b"GET /api/v1/keys/SAE-B/status HTTP/1.1\r\nHost: kme\r\n\r\n")
    status, _, body = raw.response()
    assert status == 200 and json.loads(body)["stored_key_count"] == 997
    assert len(ids) == 3


def test_pipelined_requests_are_answered_in_order(sim: Sim, raw: _Raw) -> None:
    raw.send(_post(b'{"size": 128}') + _post(b'{"size": 12}') + _post(b'{"size": 64}')
             + b"GET /api/v1/keys/SAE-B/status HTTP/1.1\r\nHost: kme\r\n\r\n")
    first, second, third, status = (raw.response() for _ in range(4))
    _one_key(first[2], 128)
    assert second[0] == 400 and b"size_not_multiple_of_8" in second[2]
    _one_key(third[2], 64)
    assert status[0] == 200 and json.loads(status[2])["stored_key_count"] == (1000 * 256 - 192) // 256


def test_chunked_request_body(sim: Sim, raw: _Raw) -> None:
    body = b'{"number": 2, "size": 512}'
    chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:]))
    raw.send(f"POST {_ENC} HTTP/1.1\r\nHost: kme\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
             + chunked + b"0\r\nX-Trailer: t\r\n\r\n")
    status, _, answer = raw.response()
    assert status == 200 and len(json.loads(answer)["keys"]) == 2


def test_post_without_content_length_has_no_body(sim: Sim, raw: _Raw) -> None:
    # RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has no body,
    # so the KME's defaults apply (one key of key_size bits) and the connection stays usable
    raw.send(f"POST {_ENC} HTTP/1.1\r\nHost: kme\r\n\r\n".encode())
    status, _, body = raw.response()
    assert status == 200
    _one_key(body, sim.link.key_size)
    raw.send(_post(b'{"size": 64}'))
    assert raw.response()[0] == 200


def test_expect_100_continue(sim: Sim, raw: _Raw) -> None:
    body = b'{"size": 64}'
    raw.send(f"POST {_ENC} HTTP/1.1\r\nHost: kme\r\nExpect: 100-continue\r\n"
             f"Content-Length: {len(body)}\r\n\r\n".encode())
    assert raw.reader.readline() == b"HTTP/1.1 100 Continue\r\n"
    assert raw.reader.readline() == b"\r\n"
    raw.send(body)
    status, _, answer = raw.response()
    assert status == 200
    _one_key(answer, 64)


def test_http_1_0_closes_unless_kept_alive(sim: Sim, raw: _Raw) -> None:
    raw.send(f"POST {_ENC} HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{{}}"
             .encode())
    assert raw.response()[0] == 200
    raw.send(f"POST {_ENC} HTTP/1.0\r\nContent-Length: 2\r\n\r\n{{}}".encode())
    status, headers, _ = raw.response()
    assert status == 200 and headers["Connection"] == "close"
    assert raw.closed_by_server()


def test_connection_close_is_honoured(sim: Sim, raw: _Raw) -> None:
    raw.send(_post(b"{}", "Connection: close\r\n"))
    status, headers, _ = raw.response()
    assert status == 200 and headers["Connection"] == "close"
    assert raw.closed_by_server()


_MALFORMED = {
    "garbage request line": (b"HELLO\r\n\r\n", 400),
    "HTTP/0.9 request line": (b"GET /api/v1/keys/SAE-B/status\r\n\r\n", 400),
    "two spaces": (b"GET  /api/v1/keys/SAE-B/status HTTP/1.1\r\n\r\n", 400),
    "absolute target": (b"GET https://kme/api/v1/keys/SAE-B/status HTTP/1.1\r\n\r\n", 400),
    "bad version": (b"GET / HTTX/1.1\r\n\r\n", 400),
    "HTTP/2.0": (b"GET /api/v1/keys/SAE-B/status HTTP/2.0\r\n\r\n", 505),
    "request line too long": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    "header line too long": (b"GET / HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n", 431),
    "too many headers": (b"GET / HTTP/1.1\r\n" + b"X: 1\r\n" * 101 + b"\r\n", 431),
    "header block too large": (b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 8000 + b"\r\n"
                               + (b"Y: " + b"b" * 8000 + b"\r\n") * 8 + b"\r\n", 431),
    "space before colon": (b"GET / HTTP/1.1\r\nHost : kme\r\n\r\n", 400),
    "obsolete line folding": (b"GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n", 400),
    "no colon": (b"GET / HTTP/1.1\r\nnocolon\r\n\r\n", 400),
    "Content-Length not a number": (_post(b"").replace(b"Length: 0", b"Length: abc"), 400),
    "negative Content-Length": (_post(b"").replace(b"Length: 0", b"Length: -1"), 400),
    "Content-Length list": (_post(b"").replace(b"Length: 0", b"Length: 0, 0"), 400),
    "repeated Content-Length": (_post(b"{}", "Content-Length: 2\r\n"), 400),
    "Content-Length with Transfer-Encoding": (_post(b"{}", "Transfer-Encoding: chunked\r\n"),
                                              400),
    "unknown transfer coding": (f"POST {_ENC} HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"
                                .encode(), 501),
    "bad chunk size": (f"POST {_ENC} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                       .encode(), 400),
    "body over 1 MiB": (_post(b"").replace(b"Length: 0", b"Length: 2000000"), 413),
    "unknown Expect": (_post(b"{}", "Expect: magic\r\n"), 417),
}


@pytest.mark.parametrize(("request_bytes", "status"), list(_MALFORMED.values()),
                         ids=list(_MALFORMED))
def test_malformed_requests_are_answered_and_the_connection_closed(
        sim: Sim, raw: _Raw, request_bytes: bytes, status: int) -> None:
    before = sim.link.stored_key_count()
    raw.send(request_bytes)
    got, headers, body = raw.response()
    assert (got, headers["Connection"]) == (status, "close")
    assert json.loads(body)["message"].startswith("malformed request")
    assert raw.closed_by_server()
    assert sim.link.stored_key_count() == before  # nothing delivered


def test_unknown_method_is_501_and_keeps_the_connection(sim: Sim, raw: _Raw) -> None:
    raw.send(b"PUT /api/v1/keys/SAE-B/enc_keys HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
    assert raw.response()[0] == 501
    raw.send(_post(b"{}"))
    assert raw.response()[0] == 200


def test_unknown_sae_is_401_on_every_request(sim: Sim) -> None:
    stranger = _Raw(sim, "SAE-X")
    for _ in range(2):
        stranger.send(_post(b"{}"))
        status, headers, body = stranger.response()
        assert (status, body, headers["Content-Type"]) == (401, b"", None)
    stranger.sock.close()


# -- the client's side: scripted answers --------------------------------------------------


class _Scripted:
    """An mTLS server on 127.0.0.1 answering each request with the next scripted bytes."""

    def __init__(self, pki: TestPKI, answers: list[bytes], *, close_after: bool = False) -> None:
        self.answers = answers
        self.close_after = close_after
        self.requests: list[bytes] = []
        self.connections = 0
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*pki.kmes["KME-A"])
        ctx.load_verify_locations(cafile=pki.ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
        self.ctx = ctx
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.answers:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with self.ctx.wrap_socket(raw, server_side=True) as tls, tls.makefile("rb") as reader:
                while self.answers:
                    try:
                        head, headers = read_head(reader)
                    except (OSError, FramingError):
                        break
                    self.requests.append(head + read_body(reader, headers, limit=1 << 20))
                    tls.sendall(self.answers.pop(0))
                    if self.close_after:
                        break

    def close(self) -> None:
        self.listener.close()


def _key_json(size: int = 32) -> bytes:
    return json.dumps({"keys": [{"key_ID": str(uuid.uuid4()),
                                 "key": base64.b64encode(bytes(size)).decode()}]}).encode()


def _client(pki: TestPKI, server: _Scripted) -> KMEClient:
    cert, key = pki.saes["SAE-A"]
    return KMEClient(f"https://127.0.0.1:{server.port}", cert=cert, key=key, ca=pki.ca,
                     retries=0, timeout=5)


def _ok(body: bytes, head: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + head
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def test_client_reads_chunked_interim_and_read_to_close_answers(pki: TestPKI) -> None:
    body = _key_json()
    chunked = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n%s\r\n" % (10, body[:10]) + b"%X\r\n%s\r\n" % (len(body) - 10, body[10:])
               + b"0\r\n\r\n")
    interim = b"HTTP/1.1 100 Continue\r\n\r\n" + _ok(_key_json())
    to_close = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + _key_json()
    server = _Scripted(pki, [chunked, interim, _ok(_key_json()), to_close])
    client = _client(pki, server)
    for _ in range(4):
        [key] = client.enc_keys("SAE-B", size=256)
        assert len(key.material) == 32
    assert server.connections == 1  # all on one kept-alive connection, the last one closed it
    assert server.requests[0].startswith(b"POST /api/v1/keys/SAE-B/enc_keys HTTP/1.1")
    client.close()
    server.close()


_BROKEN_ANSWERS = {
    "not HTTP": (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "malformed status line"),
    "status not numeric": (b"HTTP/1.1 2xx OK\r\n\r\n", "malformed status line"),
    "obsolete line folding": (b"HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\nContent-Length: 0\r\n\r\n",
                              "malformed header line"),
    "bad Content-Length": (b"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "Content-Length"),
    "answer over 4 MiB": (b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n", "larger than"),
    "truncated body": (b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}", "closed after 2"),
    "bad chunk": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "chunk"),
    "gzip coding": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "not supported"),
}


@pytest.mark.parametrize(("answer", "match"), list(_BROKEN_ANSWERS.values()),
                         ids=list(_BROKEN_ANSWERS))
def test_client_refuses_broken_http(pki: TestPKI, answer: bytes, match: str) -> None:
    server = _Scripted(pki, [answer], close_after=True)
    client = _client(pki, server)
    with pytest.raises(QKDResponseInvalid, match=match):
        client.enc_keys("SAE-B", size=256)
    client.close()
    server.close()


def test_client_retries_once_when_a_kept_alive_connection_was_closed(pki: TestPKI) -> None:
    # the server closes after each answer without saying so: the next request finds the
    # kept-alive connection dead before any answer and is sent again on a new connection
    server = _Scripted(pki, [_ok(_key_json()), _ok(_key_json())], close_after=True)
    client = _client(pki, server)
    for _ in range(2):
        client.enc_keys("SAE-B", size=256)
    assert server.connections == 2 and len(server.requests) == 2
    client.close()
    server.close()


def test_read_head_and_body_edge_cases() -> None:
    start, headers = read_head(io.BytesIO(b"\r\nGET / HTTP/1.1\nA: 1\nA: 2\n\n"))
    assert (start, headers) == (b"GET / HTTP/1.1", {"a": "1, 2"})
    with pytest.raises(FramingError, match="inside the start line"):
        read_head(io.BytesIO(b"GET / HT"))
    with pytest.raises(FramingError, match="control character"):
        read_head(io.BytesIO(b"GET / HTTP/1.1\r\nA: x\ry\r\n\r\n"))
    with pytest.raises(FramingError, match="closed after 3 of 9"):
        read_body(io.BytesIO(b"abc"), {"content-length": "9"}, limit=100)
    with pytest.raises(FramingError, match="one decimal number"):
        read_body(io.BytesIO(b""), {"content-length": "\u0661"}, limit=100)  # Arabic-Indic 1

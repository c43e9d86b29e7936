"""The client against a misbehaving KME: a real mTLS server on 127.0.0.1 with scripted answers."""

from __future__ import annotations

import base64
import json
import ssl
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agile.errors import QKDRequestRejected, QKDResponseInvalid, QKDUnavailable
from agile.qkd import KMEClient, TestPKI


class _Rogue(ThreadingHTTPServer):
    daemon_threads = True
    answer: tuple[int, str, bytes] = (200, "application/json", b"{}")
    requests = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Rogue

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests += 1
        status, ctype, body = self.server.answer
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture
def rogue(pki: TestPKI) -> Iterator[tuple[_Rogue, KMEClient]]:
    server = _Rogue(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*pki.kmes["KME-A"])
    ctx.load_verify_locations(cafile=pki.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    cert, key = pki.saes["SAE-A"]
    client = KMEClient(f"https://127.0.0.1:{server.server_address[1]}", cert=cert, key=key,
                       ca=pki.ca, retries=2, backoff=0.001)
    yield server, client
    client.close()
    server.shutdown()
    server.server_close()


def _keys(*entries: dict[str, object]) -> bytes:
    return json.dumps({"keys": list(entries)}).encode()


def _entry(size: int = 32, key_id: str | None = None, key: str | None = None) -> dict[str, object]:
    return {"key_ID": key_id or str(uuid.uuid4()),
            "key": key if key is not None else base64.b64encode(bytes(size)).decode()}


@pytest.mark.parametrize(("answer", "match"), [
    ((200, "text/html", b"<html>ok</html>"), "without JSON"),
    ((200, "application/json", b"[]"), "no keys array"),
    ((200, "application/json", _keys()), "asked for 1 key"),
    ((200, "application/json", _keys(_entry(), _entry())), "asked for 1 key"),
    ((200, "application/json", _keys(_entry(16))), "128 bits, not 256"),
    ((200, "application/json", _keys(_entry(key="!!notbase64"))), "not base64"),
    ((200, "application/json", _keys(_entry(key_id="42"))), "not a UUID"),
    ((418, "text/plain", b"teapot"), "HTTP 418"),
])
def test_enc_keys_answers_that_break_the_standard(rogue: tuple[_Rogue, KMEClient],
                                                  answer: tuple[int, str, bytes],
                                                  match: str) -> None:
    server, client = rogue
    server.answer = answer
    with pytest.raises(QKDResponseInvalid, match=match):
        client.enc_keys("SAE-B", size=256)


def test_duplicate_and_foreign_key_ids(rogue: tuple[_Rogue, KMEClient]) -> None:
    server, client = rogue
    same = str(uuid.uuid4())
    server.answer = (200, "application/json", _keys(_entry(key_id=same), _entry(key_id=same)))
    with pytest.raises(QKDResponseInvalid, match="appears twice"):
        client.enc_keys("SAE-B", number=2, size=256)
    server.answer = (200, "application/json", _keys(_entry()))
    with pytest.raises(QKDResponseInvalid, match="not the ones asked for"):
        client.dec_keys("SAE-A", [str(uuid.uuid4())])


def test_status_missing_fields(rogue: tuple[_Rogue, KMEClient]) -> None:
    server, client = rogue
    server.answer = (200, "application/json", json.dumps({"source_KME_ID": "K"}).encode())
    with pytest.raises(QKDResponseInvalid, match="status lacks target_KME_ID"):
        client.status("SAE-B")


def test_html_503_is_unavailable_after_bounded_retries(rogue: tuple[_Rogue, KMEClient]) -> None:
    server, client = rogue
    server.answer = (503, "text/html", b"<html><body>Service Unavailable</body></html>")
    with pytest.raises(QKDUnavailable, match=r"\(503\)") as info:
        client.enc_keys("SAE-B")
    assert info.value.kme_message is None
    assert server.requests == 3  # one try and two retries


def test_401_without_body_and_400_with_json(rogue: tuple[_Rogue, KMEClient]) -> None:
    server, client = rogue
    server.answer = (401, "", b"")
    with pytest.raises(QKDRequestRejected, match=r"\(401\);") as info:
        client.status("SAE-B")
    assert info.value.status == 401 and server.requests == 1  # not retried
    server.answer = (400, "application/json", json.dumps(
        {"message": "bad", "details": [{"x": "y"}]}).encode())
    with pytest.raises(QKDRequestRejected, match=r'bad \(\[\{"x": "y"\}\]\)') as info:
        client.status("SAE-B")
    assert info.value.kme_message == "bad"
    server.answer = (500, "application/json", b"{not json")
    with pytest.raises(QKDUnavailable, match=r"\(500\);"):
        client.status("SAE-B")

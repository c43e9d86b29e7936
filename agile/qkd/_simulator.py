"""A KME simulator: real HTTPS servers with mutual TLS, joined by simulated QKD links.

>>> pki = make_test_pki("pki", kmes=["KME-A", "KME-B"], saes=["SAE-A", "SAE-B"])  # doctest: +SKIP
>>> net = Network(pki)                                                             # doctest: +SKIP
>>> a = net.add_kme("KME-A", saes=["SAE-A"]); b = net.add_kme("KME-B", saes=["SAE-B"])  # +SKIP
>>> link = net.link("KME-A", "KME-B", rate_bps=1_000_000, max_key_count=1000)     # doctest: +SKIP
>>> net.start()  # each KME listens on 127.0.0.1; a.url                            # doctest: +SKIP

The endpoints, Status fields and Error bodies are those of ETSI GS QKD 014 V1.1.1. The SAE is
the common name of its client certificate. A link's pool gains ``rate_bps`` bits per second up to
``max_key_count`` keys of ``key_size`` bits; ``enc_keys`` takes keys out of the pool and hands
them to the peer KME, where only the named slave SAEs may fetch each one once (``dec_keys``)
within ``key_ttl`` seconds. Faults: :meth:`Link.set_down`, :meth:`KME.stop`/``start``,
:meth:`Link.set_error_rate` (above ``qber_threshold`` the link stops producing keys).
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import socket
import socketserver
import ssl
import threading
import time
import urllib.parse
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from ..errors import InvalidArgument
from ._http import FramingError, keep_alive, parse_request_line, read_body, read_head
from ._pki import TestPKI, pki_from_directory
from ._protocol import API_PREFIX, peer_common_names, valid_id, valid_key_id

__all__ = ["KME", "Link", "Network"]

_BAD_PARAMS = "requested parameters do not adhere to KME rules"
_REPLAY_MEMORY = 100_000


@dataclass
class _Delivered:
    master: str
    slaves: set[str]
    material: bytes
    expires: float


@dataclass
class Link:
    """A simulated QKD link between two KMEs with its shared key pool (thread-safe)."""

    ends: tuple[str, str]
    rate_bps: float = 1_000_000.0
    max_key_count: int = 100_000
    key_size: int = 256
    min_key_size: int = 64
    max_key_size: int = 8192
    max_key_per_request: int = 128
    max_sae_id_count: int = 4
    qber_threshold: float = 0.11
    initial_key_count: int | None = None
    _bits: float = field(default=0.0, repr=False)
    _stamp: float = field(default_factory=time.monotonic, repr=False)
    _down: bool = field(default=False, repr=False)
    _qber: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        initial = self.max_key_count if self.initial_key_count is None else self.initial_key_count
        self._bits = float(min(initial, self.max_key_count) * self.key_size)

    # -- faults -------------------------------------------------------------------------------
    def set_down(self, down: bool = True) -> None:
        """Cut (or restore) the link: the KMEs answer 503 for it; the pool is kept."""
        with self._lock:
            self._refill()
            self._down = down

    def set_error_rate(self, qber: float) -> None:
        """Simulate eavesdropping: above ``qber_threshold`` no new key is produced."""
        with self._lock:
            self._refill()
            self._qber = qber

    def fill(self, key_count: int | None = None) -> None:
        """Set the pool to ``key_count`` keys (default: ``max_key_count``), e.g. between tests."""
        with self._lock:
            count = self.max_key_count if key_count is None else key_count
            if not 0 <= count <= self.max_key_count:
                raise InvalidArgument(f"key_count must be 0..{self.max_key_count}")
            self._bits = float(count * self.key_size)
            self._stamp = time.monotonic()

    @property
    def up(self) -> bool:
        return not self._down

    @property
    def producing(self) -> bool:
        return not self._down and self._qber <= self.qber_threshold

    # -- pool ---------------------------------------------------------------------------------
    def _refill(self) -> None:
        now = time.monotonic()
        if self.producing:
            cap = float(self.max_key_count * self.key_size)
            self._bits = min(cap, self._bits + (now - self._stamp) * self.rate_bps)
        self._stamp = now

    def stored_key_count(self) -> int:
        with self._lock:
            self._refill()
            return int(self._bits // self.key_size)

    def take(self, bits: int) -> bool:
        """Remove ``bits`` from the pool if it holds them (all or nothing)."""
        with self._lock:
            self._refill()
            if self._bits < bits:
                return False
            self._bits -= bits
            return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], kme: KME) -> None:
        self.kme = kme
        self.live: set[ssl.SSLSocket] = set()
        self.live_lock = threading.Lock()
        super().__init__(address, _Handler)

    def drop_connections(self) -> None:
        with self.live_lock:
            live, self.live = self.live, set()
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # the TLS handshake runs here, in the request's own thread, not in the accept loop
        try:
            request.settimeout(30)
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.kme.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        with self.live_lock:
            self.live.add(tls)
        try:
            _Handler(tls, client_address, self)
        except OSError:
            pass
        finally:
            with self.live_lock:
                self.live.discard(tls)
            with contextlib.suppress(OSError):
                tls.close()


class KME:
    """One simulated KME: an HTTPS server on ``host`` serving the SAEs attached to it."""

    def __init__(self, network: Network, kme_id: str, saes: Sequence[str], *,
                 host: str = "127.0.0.1", port: int = 0, key_ttl: float = 300.0) -> None:
        self.network = network
        self.kme_id = kme_id
        self.saes = set(saes)
        self.host = host
        self.port = port
        self.key_ttl = key_ttl
        cert, key = network.pki.kmes[kme_id]
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.minimum_version = ssl.TLSVersion.TLSv1_2
        self.tls.load_cert_chain(cert, key)
        self.tls.load_verify_locations(cafile=network.pki.ca)
        self.tls.verify_mode = ssl.CERT_REQUIRED
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending: dict[str, _Delivered] = {}  # keys waiting for a slave SAE's dec_keys
        self._used: OrderedDict[str, None] = OrderedDict()  # delivered or expired key_IDs
        self.delivered_count = 0  # keys handed out by enc_keys or dec_keys

    def __repr__(self) -> str:
        return f"<KME {self.kme_id} {self.url if self._server else 'stopped'}>"

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Listen (again, on the same port once one was chosen)."""
        if self._server is not None:
            return
        server = _Server((self.host, self.port), self)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"KME {self.kme_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and drop open connections (simulates the KME going down)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def pending_count(self) -> int:
        """Keys delivered to a master SAE whose slave has not fetched them yet."""
        with self._lock:
            return len(self._pending)

    # -- the KME's side of the three methods ----------------------------------------------------
    def _route(self, sae: str, target: str) -> tuple[Link, KME] | None:
        peer = self.network.kme_of(target)
        if peer is None:
            return None
        link = self.network.link_between(self.kme_id, peer.kme_id)
        return (link, peer) if link is not None else None

    def status(self, sae: str, slave: str) -> tuple[int, Any]:
        route = self._route(sae, slave)
        if route is None:
            return 400, _error(_BAD_PARAMS, {"slave_SAE_ID": f"{slave} is not reachable from "
                                                             f"{self.kme_id}"})
        link, peer = route
        if not link.up:
            return 503, _error("QKD link is down", {"target_KME_ID": peer.kme_id})
        return 200, {
            "source_KME_ID": self.kme_id, "target_KME_ID": peer.kme_id, "master_SAE_ID": sae,
            "slave_SAE_ID": slave, "key_size": link.key_size,
            "stored_key_count": link.stored_key_count(), "max_key_count": link.max_key_count,
            "max_key_per_request": link.max_key_per_request, "max_key_size": link.max_key_size,
            "min_key_size": link.min_key_size, "max_SAE_ID_count": link.max_sae_id_count,
            "status_extension": {"link_up": link.up, "producing": link.producing}}

    def enc_keys(self, sae: str, slave: str, request: dict[str, Any]) -> tuple[int, Any]:
        route = self._route(sae, slave)
        if route is None:
            return 400, _error(_BAD_PARAMS, {"slave_SAE_ID": f"{slave} is not reachable from "
                                                             f"{self.kme_id}"})
        link, peer = route
        number, size = request.get("number", 1), request.get("size", link.key_size)
        extra = request.get("additional_slave_SAE_IDs", [])
        problems: list[dict[str, str]] = []
        if type(number) is not int or number < 1:
            problems.append({"number": "number must be a positive integer"})
        elif number > link.max_key_per_request:
            problems.append({"number_unsupported": f"requested number of keys ({number}) exceeds"
                             f" max_key_per_request ({link.max_key_per_request})"})
        if type(size) is not int or size < 1:
            problems.append({"size": "size must be a positive integer"})
        elif size % 8:
            problems.append({"size_not_multiple_of_8": f"requested size {size} is not a multiple"
                                                       " of 8"})
        elif not link.min_key_size <= size <= link.max_key_size:
            problems.append({"size_unsupported": f"requested size {size} is outside "
                             f"{link.min_key_size}..{link.max_key_size}"})
        if not isinstance(extra, list) or not all(valid_id(s) for s in extra):
            problems.append({"additional_slave_SAE_IDs": "must be a list of SAE ids"})
        elif len(extra) > link.max_sae_id_count:
            problems.append({"additional_slave_SAE_IDs": f"more than max_SAE_ID_count "
                                                         f"({link.max_sae_id_count})"})
        elif any(peer is not self.network.kme_of(s) for s in extra):
            problems.append({"additional_slave_SAE_IDs": "each must be attached to "
                                                         f"{peer.kme_id}"})
        mandatory = request.get("extension_mandatory") or []
        if not isinstance(mandatory, list) or mandatory:
            problems.append({"extension_mandatory": "no mandatory extension is supported"})
        if problems:
            return 400, _error(_BAD_PARAMS, *problems)
        if not link.up:
            return 503, _error("QKD link is down", {"target_KME_ID": peer.kme_id})
        if not link.take(number * size):
            return 503, _error("not enough key material", {
                "stored_key_count": str(link.stored_key_count()), "requested": str(number)})
        keys = []
        for _ in range(number):
            key_id, material = str(uuid.uuid4()), os.urandom(size // 8)
            peer._hold(key_id, _Delivered(sae, {slave, *extra}, material,
                                          time.monotonic() + peer.key_ttl))
            keys.append({"key_ID": key_id, "key": _b64(material)})
        with self._lock:
            self.delivered_count += number
        return 200, {"keys": keys}

    def _hold(self, key_id: str, entry: _Delivered) -> None:
        with self._lock:
            self._pending[key_id] = entry

    def dec_keys(self, sae: str, master: str, key_ids: list[Any]) -> tuple[int, Any]:
        route = self._route(sae, master)
        if route is None:
            return 400, _error(_BAD_PARAMS, {"master_SAE_ID": f"{master} is not reachable from "
                                                              f"{self.kme_id}"})
        link, peer = route
        if not key_ids:
            return 400, _error(_BAD_PARAMS, {"key_IDs": "no key_ID given"})
        if not link.up:
            return 503, _error("QKD link is down", {"target_KME_ID": peer.kme_id})
        now = time.monotonic()
        with self._lock:
            problems = [p for p in (self._check_id(k, sae, master, now) for k in key_ids) if p]
            if len(set(map(str, key_ids))) != len(key_ids):
                problems.append({"key_IDs": "a key_ID is repeated"})
            if problems:
                return 400, _error("key_ID unusable", *problems)
            keys = []
            for key_id in key_ids:
                entry = self._pending[key_id]
                entry.slaves.discard(sae)
                if not entry.slaves:
                    del self._pending[key_id]
                    self._forget(key_id)
                keys.append({"key_ID": key_id, "key": _b64(entry.material)})
            self.delivered_count += len(keys)
        return 200, {"keys": keys}

    def _check_id(self, key_id: Any, sae: str, master: str, now: float) -> dict[str, str] | None:
        if not valid_key_id(key_id):
            return {"key_ID": f"{str(key_id)[:64]!r} is not a UUID"}
        entry = self._pending.get(key_id)
        if entry is not None and entry.expires < now:
            del self._pending[key_id]
            self._forget(key_id)
            return {"key_ID_expired": f"{key_id} was not fetched in time and was discarded"}
        if entry is None:
            if key_id in self._used:
                return {"key_ID_replayed": f"{key_id} was already delivered or expired"}
            return {"key_ID_unknown": f"{key_id} is not known to {self.kme_id}"}
        if entry.master != master or sae not in entry.slaves:
            return {"key_ID_not_authorized": f"{key_id} was not requested by {master} for {sae}"}
        return None

    def _forget(self, key_id: str) -> None:
        self._used[key_id] = None
        while len(self._used) > _REPLAY_MEMORY:
            self._used.popitem(last=False)


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _error(message: str, *details: dict[str, str]) -> dict[str, Any]:
    return {"message": message, "details": list(details)} if details else {"message": message}


_MAX_REQUEST_BODY = 1 << 20
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


class _Handler(socketserver.StreamRequestHandler):
    """One mTLS connection: HTTP/1.1 requests in order (keep-alive and pipelining) until the
    client closes, times out, or sends something malformed (answered 400/413/414/431/501/505,
    then closed)."""

    server: _Server
    server_version = "agile-kme-simulator"

    def handle(self) -> None:
        peer = peer_common_names(self.connection)  # one handler serves one connection
        kme = self.server.kme
        sae = peer[0] if len(peer) == 1 and peer[0] in kme.saes else None
        while True:
            try:
                start, headers = read_head(self.rfile)
                method, target, version = parse_request_line(start)
                expect = headers.get("expect")
                if expect is not None:
                    if expect.lower() != "100-continue":
                        raise FramingError(417, "only Expect: 100-continue is understood")
                    if version == b"HTTP/1.1":
                        self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                body = read_body(self.rfile, headers, limit=_MAX_REQUEST_BODY)
            except FramingError as exc:
                with contextlib.suppress(OSError):
                    self._send(exc.status, _error(f"malformed request: {exc.reason}"), close=True)
                return
            except OSError:  # PeerClosed, reset, timeout
                return
            close = not keep_alive(version, headers)
            if method not in ("GET", "POST"):
                self._send(501, _error(f"method {method} is not supported"), close=close)
            elif sae is None:  # the certificate is valid (TLS checked it) but names no SAE of ours
                self._send(401, None, close=close)
            else:
                self._send(*self._dispatch(kme, sae, method, target, body), close=close)
            if close:
                return

    @staticmethod
    def _dispatch(kme: KME, sae: str, method: str, target: str,
                  body: bytes) -> tuple[int, Any]:
        path, _, query_text = target.partition("?")
        parts = path[len(API_PREFIX):].split("/") if path.startswith(API_PREFIX) else []
        if len(parts) != 2 or not valid_id(parts[0]):
            return 404, _error("unknown path")
        target_sae, endpoint = parts
        query = urllib.parse.parse_qs(query_text) if query_text else {}
        try:
            request = json.loads(body) if method == "POST" and body else {}
        except (ValueError, UnicodeDecodeError):
            return 400, _error(_BAD_PARAMS, {"body": "not JSON"})
        if not isinstance(request, dict):
            return 400, _error(_BAD_PARAMS, {"body": "not a JSON object"})
        if endpoint == "status" and method == "GET":
            return kme.status(sae, target_sae)
        if endpoint == "enc_keys":
            if method == "GET":
                try:
                    request = {k: int(v[-1]) for k, v in query.items() if k in ("number", "size")}
                except ValueError:
                    return 400, _error(_BAD_PARAMS, {"query": "number and size are integers"})
            return kme.enc_keys(sae, target_sae, request)
        if endpoint == "dec_keys":
            if method == "GET":
                ids: list[Any] = query.get("key_ID", [])[-1:]
            else:
                raw = request.get("key_IDs")
                ids = [e.get("key_ID") if isinstance(e, dict) else e for e in raw] \
                    if isinstance(raw, list) else []
            return kme.dec_keys(sae, target_sae, ids)
        return (405 if endpoint == "status" else 404), _error("unknown method or path")

    def _send(self, status: int, body: Any, *, close: bool = False) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        head = (f"HTTP/1.1 {status} {_PHRASES.get(status, '')}\r\nServer: {self.server_version}"
                f"\r\nDate: {_http_date()}\r\n")
        if body is not None:
            head += "Content-Type: application/json\r\n"
        if close:
            head += "Connection: close\r\n"
        head += f"Content-Length: {len(data)}\r\n\r\n"
        # one write: status line, headers and body in a single TLS record and segment
        self.wfile.write(head.encode("latin-1") + data)


_date: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header value (RFC 9110 6.6.1), formatted once per second."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, email.utils.formatdate(now, usegmt=True))
    return _date[1]


class Network:
    """KMEs and the QKD links between them; each SAE is attached to one KME."""

    def __init__(self, pki: TestPKI | str | os.PathLike[str]) -> None:
        self.pki = pki if isinstance(pki, TestPKI) else pki_from_directory(Path(pki))
        self.kmes: dict[str, KME] = {}
        self.links: dict[frozenset[str], Link] = {}

    def add_kme(self, kme_id: str, *, saes: Sequence[str], host: str = "127.0.0.1",
                port: int = 0, key_ttl: float = 300.0) -> KME:
        if kme_id not in self.pki.kmes:
            raise InvalidArgument(f"the test PKI has no certificate for KME {kme_id!r}")
        kme = KME(self, kme_id, saes, host=host, port=port, key_ttl=key_ttl)
        self.kmes[kme_id] = kme
        return kme

    def link(self, a: str, b: str, **settings: Any) -> Link:
        """Join KMEs ``a`` and ``b`` with a QKD link (see :class:`Link` for ``settings``)."""
        if a == b or a not in self.kmes or b not in self.kmes:
            raise InvalidArgument("a link joins two different KMEs of this network")
        link = Link((a, b), **settings)
        self.links[frozenset((a, b))] = link
        return link

    def kme_of(self, sae: str) -> KME | None:
        return next((k for k in self.kmes.values() if sae in k.saes), None)

    def link_between(self, a: str, b: str) -> Link | None:
        return self.links.get(frozenset((a, b)))

    def start(self) -> None:
        for kme in self.kmes.values():
            kme.start()

    def stop(self) -> None:
        for kme in self.kmes.values():
            kme.stop()

    def __enter__(self) -> Network:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


"""TLS connections over blocking sockets: handshake, policy enforcement, audit, I/O."""

from __future__ import annotations

import contextlib
import select
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from cryptography import x509
from OpenSSL import SSL

from .. import audit
from ..errors import AgileError
from . import _binding, _wire
from ._errors import CertificateVerificationFailed, HandshakeFailed, TLSError, TLSPolicyViolation
from ._facts import HandshakeFacts, describe_certificate, signature_algorithm_of
from ._policy import TLSPolicy, group_by_code, group_by_name, group_name, scheme_name, signature_by_scheme

if TYPE_CHECKING:
    from ._context import TLSContext

__all__ = ["TLSConnection", "check_facts"]

T = TypeVar("T")
_VERIFY_REASONS = {9: "not-yet-valid", 10: "expired", 62: "hostname-mismatch",
                   64: "hostname-mismatch", 2: "untrusted", 18: "untrusted", 19: "untrusted",
                   20: "untrusted", 21: "untrusted"}
PROVIDER = "pyOpenSSL"


def _wait(sock: socket.socket, write: bool, deadline: float | None) -> None:
    remaining = None if deadline is None else deadline - time.monotonic()
    if remaining is not None and remaining <= 0:
        raise TLSError("timed out")
    readable, writable, _ = select.select([] if write else [sock], [sock] if write else [], [],
                                          remaining)
    if not readable and not writable:
        raise TLSError("timed out")


def _io(conn: SSL.Connection, sock: socket.socket, fn: Callable[..., T], *args: Any) -> T:
    timeout = sock.gettimeout()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            return fn(*args)
        except SSL.WantReadError:
            _wait(sock, False, deadline)
        except SSL.WantWriteError:
            _wait(sock, True, deadline)


def _reasons(exc: BaseException) -> str:
    if isinstance(exc, SSL.SysCallError):
        code, text = ((*exc.args, None, None))[:2]
        return "the peer closed the connection" if code == -1 else f"{text} (errno {code})"
    if isinstance(exc, SSL.Error) and exc.args and isinstance(exc.args[0], list):
        texts = [str(item[-1]) for item in exc.args[0] if item and item[-1]]
        if texts:
            return "; ".join(texts)
    return str(exc) or type(exc).__name__


def _peer_certificates(conn: SSL.Connection) -> list[x509.Certificate]:
    """The peer's leaf, then the rest of the chain it sent (the server side's chain has no leaf)."""
    leaf = conn.get_peer_certificate(as_cryptography=True)
    out = [leaf] if leaf is not None else []
    for cert in conn.get_peer_cert_chain(as_cryptography=True) or []:
        if cert not in out:
            out.append(cert)
    return out


def read_facts(conn: SSL.Connection, records: list[tuple[bool, int, bytes]], side: str,
               server_name: str | None) -> HandshakeFacts:
    """The facts of ``conn``'s completed handshake, from the recorded handshake messages."""
    group_code: int | None = None
    scheme: int | None = None
    hello_retry = False
    for sent, kind, message in records:
        if kind == _wire.SERVER_HELLO:
            hrr, code, _version = _wire.server_hello(message)
            hello_retry = hello_retry or hrr
            if not hrr and code is not None:
                group_code = code
        elif kind == _wire.SERVER_KEY_EXCHANGE:  # TLS 1.2 ECDHE
            code, sig = _wire.server_key_exchange(message)
            group_code = code if code is not None else group_code
            if not sent:
                scheme = sig
        elif kind == _wire.CERTIFICATE_VERIFY and not sent:  # the peer's signature (TLS 1.3)
            scheme = _wire.certificate_verify(message)
    openssl_group = conn.get_group_name() or ""
    group = group_by_code(group_code) if group_code is not None else group_by_name(openssl_group)
    if group is not None and group_code is None:
        group_code = int(group.params["tls_group"])  # type: ignore[call-overload]
    certs = _peer_certificates(conn)
    return HandshakeFacts(
        side=side, version=conn.get_protocol_version_name(), cipher=conn.get_cipher_name() or "",
        group_name=group_name(group_code) if group_code is not None else openssl_group,
        group_code=group_code, group=group,
        signature_scheme=scheme_name(scheme) if scheme is not None else None,
        signature_scheme_code=scheme, signature=signature_by_scheme(scheme) if scheme else None,
        peer_chain=tuple(describe_certificate(c) for c in certs), hello_retry=hello_retry,
        server_name=server_name, chain_signatures=tuple(signature_algorithm_of(c) for c in certs))


def check_facts(tls: TLSPolicy, facts: HandshakeFacts) -> tuple[str, ...]:
    """Why ``facts`` break ``tls`` (empty if they meet it), one sentence each."""
    name = tls.policy.name
    problems = []
    if not tls.accepts_group(facts.group):
        kind = f"{facts.group.quantum_class}, {facts.group.quantum_risk}" if facts.group else \
            "unknown to agile"
        problems.append(f"key exchange group {facts.group_name or '?'} ({kind}) is not accepted "
                        f"by policy {name!r} (it accepts {', '.join(tls.group_names)})")
    if tls.min_version == "1.3" and facts.version not in ("TLSv1.3", ""):
        problems.append(f"protocol {facts.version} is below policy {name!r}'s minimum TLS 1.3")
    if facts.peer_chain:
        accepted = ", ".join(s.name for s in tls.signatures)
        if not tls.accepts_signature(facts.signature):
            what = facts.signature_scheme or "an undetermined scheme"
            problems.append(f"the peer signed the handshake with {what} ("
                            f"{facts.signature.name if facts.signature else 'unknown to agile'}),"
                            f" which policy {name!r} does not accept (it accepts {accepted})")
        for info, alg in zip(facts.peer_chain, facts.chain_signatures, strict=False):
            if not info.self_signed and not tls.accepts_signature(alg):
                problems.append(f"certificate {info.subject!r} is signed with "
                                f"{info.signature_algorithm}, which policy {name!r} does not "
                                f"accept (it accepts {accepted})")
    return tuple(problems)


def _emit(tls: TLSPolicy, facts: HandshakeFacts | None, outcome: str, detail: str,
          algorithm: str | None = None) -> None:
    alg = algorithm or (facts.group_name if facts is not None else "-") or "-"
    audit.emit(f"tls.{facts.side if facts else 'handshake'}", tls.policy.name, alg, PROVIDER,
               None, outcome, detail)


def _summary(facts: HandshakeFacts) -> str:
    group = facts.group
    sig = facts.signature
    return (f"{facts.version} {facts.cipher}, group {facts.group_name} "
            f"({group.quantum_class if group else 'unknown'}), signature "
            f"{facts.signature_scheme or 'none (peer not authenticated)'}"
            + (f" ({sig.quantum_class})" if sig else ""))


class TLSConnection:
    """An established, policy-checked TLS connection over a blocking socket.

    ``facts`` says what was negotiated. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, context: TLSContext, conn: SSL.Connection, sock: socket.socket,
                 facts: HandshakeFacts, peer: str) -> None:
        self.context = context
        self.facts = facts
        self.peer = peer
        self._conn = conn
        self._sock = sock
        self._closed = False

    def __repr__(self) -> str:
        return f"<TLSConnection {self.facts.side} peer={self.peer} group={self.facts.group_name}>"

    @property
    def openssl_connection(self) -> SSL.Connection:
        """The underlying pyOpenSSL connection (for what agile does not wrap)."""
        return self._conn

    @property
    def socket(self) -> socket.socket:
        return self._sock

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            sent = self._call(self._conn.send, view[:16384].tobytes())
            view = view[sent:]

    def recv(self, bufsize: int = 65536) -> bytes:
        """Up to ``bufsize`` bytes; ``b""`` once the peer has closed the connection."""
        try:
            return self._call(self._conn.recv, bufsize)
        except TLSError as exc:
            if isinstance(exc.__cause__, SSL.ZeroReturnError):
                return b""
            if isinstance(exc.__cause__, SSL.SysCallError) and exc.__cause__.args[0] == -1:
                return b""  # closed without close_notify
            raise

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise TLSError("the connection is closed")
        try:
            return _io(self._conn, self._sock, fn, *args)
        except TLSError:
            raise
        except (SSL.Error, OSError) as exc:
            raise TLSError(f"TLS connection to {self.peer}: {_reasons(exc)}") from exc

    def close(self) -> None:
        """Send close_notify (best effort) and close the socket."""
        if self._closed:
            return
        self._closed = True
        try:
            self._conn.shutdown()
        except (SSL.Error, OSError):
            pass
        finally:
            self._sock.close()

    def __enter__(self) -> TLSConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def handshake(context: TLSContext, sock: socket.socket, *, server_hostname: str | None,
              peer: str, diagnose: Callable[[], Any] | None = None) -> TLSConnection:
    """Run the handshake on ``sock``, check the result against the policy; close on failure."""
    tls, side = context.tls, context.side
    conn = SSL.Connection(context.openssl_context, sock)
    records = context.messages.start(conn)
    conn.set_app_data({})
    try:
        if side == "client":
            conn.set_connect_state()
            if server_hostname:
                if context.verify:
                    _binding.set_verify_host(conn, server_hostname)
                if not _is_ip(server_hostname):
                    conn.set_tlsext_host_name(server_hostname.encode("idna"))
        else:
            conn.set_accept_state()
        try:
            _io(conn, sock, conn.do_handshake)
        except (SSL.Error, OSError, TLSError) as exc:
            error = _handshake_error(context, conn, records, exc, peer, diagnose)
            _emit(tls, None, "refused" if isinstance(error, TLSPolicyViolation) else "failed",
                  f"{side} peer={peer}: {error}", algorithm="-")
            sock.close()
            raise error from (None if isinstance(error, TLSPolicyViolation) else exc)
        facts = read_facts(conn, records, side, server_hostname if side == "client" else
                           (conn.get_servername() or b"").decode() or None)
    finally:
        context.messages.stop(conn)
    problems = check_facts(tls, facts)
    if problems:
        _emit(tls, facts, "refused", f"peer={peer}: " + "; ".join(problems))
        with contextlib.suppress(SSL.Error, OSError):
            conn.shutdown()
        sock.close()
        raise TLSPolicyViolation(f"policy {tls.policy.name!r} refused the TLS connection "
                                 f"{'to' if side == 'client' else 'from'} {peer}: "
                                 + "; ".join(problems), facts=facts, problems=problems)
    classical = [what for what, alg in (("key exchange", facts.group),
                                        ("authentication", facts.signature))
                 if alg is not None and not alg.quantum_safe]
    if classical:
        _emit(tls, facts, "classical", f"peer={peer}: classical {' and '.join(classical)} "
              f"(quantum-vulnerable), accepted by policy {tls.policy.name!r} for transition: "
              + _summary(facts))
    else:
        _emit(tls, facts, "ok", f"peer={peer}: " + _summary(facts))
    return TLSConnection(context, conn, sock, facts, peer)


def _grease(code: int) -> bool:
    """RFC 8701 GREASE values (0x0A0A, 0x1A1A, ... 0xFAFA) carry no meaning."""
    return code & 0x0F0F == 0x0A0A and code >> 8 == code & 0xFF


def _is_ip(host: str) -> bool:
    import ipaddress
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _handshake_error(context: TLSContext, conn: SSL.Connection,
                     records: list[tuple[bool, int, bytes]], exc: BaseException, peer: str,
                     diagnose: Callable[[], Any] | None) -> AgileError:
    tls, side = context.tls, context.side
    reason = _reasons(exc)
    if isinstance(exc, TLSError):
        return TLSError(f"TLS handshake with {peer} {reason}")
    if side == "client" and context.verify:
        code, text = _binding.verify_result(conn)
        if code != 0:
            why = _VERIFY_REASONS.get(code, "invalid")
            state = conn.get_app_data()
            cert = state.get("failed") if isinstance(state, dict) else None
            extra = ""
            if cert is not None:
                info = describe_certificate(cert)
                extra = f" (certificate {info.subject!r}, issued by {info.issuer!r}, valid " \
                        f"{info.not_before} to {info.not_after})"
            return CertificateVerificationFailed(
                f"certificate verification failed for {peer}: {text}{extra}", reason=why,
                verify_code=code)
    offered = ", ".join(tls.group_names)
    if side == "server":
        hello = next((m for sent, kind, m in records if not sent and kind == _wire.CLIENT_HELLO),
                     None)
        if hello is not None:
            groups, _sigalgs = _wire.client_hello(hello)
            names = [group_name(g) for g in groups if not _grease(g)]
            common = [n for n in names if n in tls.group_names]
            if not common:
                return TLSPolicyViolation(
                    f"policy {tls.policy.name!r} refused the TLS connection from {peer}: the "
                    f"client offered only key exchange groups {', '.join(names) or 'none'}; the "
                    f"policy accepts {offered} ({reason})")
        return HandshakeFailed(f"TLS handshake with {peer} failed: {reason}")
    diagnosis = None
    if diagnose is not None:
        try:
            diagnosis = diagnose()
        except AgileError:
            diagnosis = None
    if diagnosis is not None:
        facts: HandshakeFacts = diagnosis.facts
        problems = check_facts(tls, facts)
        if problems:
            return TLSPolicyViolation(
                f"policy {tls.policy.name!r} refused the TLS connection to {peer}: the server "
                f"negotiates {_summary(facts)}; " + "; ".join(problems)
                + f" (handshake offering only {offered}: {reason})", facts=facts,
                problems=problems)
        return HandshakeFailed(f"TLS handshake with {peer} failed: {reason} (offered groups "
                               f"{offered}; the server negotiates {_summary(facts)} when offered "
                               "everything)", diagnosis=diagnosis)
    return HandshakeFailed(f"TLS handshake with {peer} failed: {reason} (offered groups "
                           f"{offered})")

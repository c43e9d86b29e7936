"""TLS contexts built from a policy, and the connect/serve helpers."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from cryptography import x509
from OpenSSL import SSL
from OpenSSL.crypto import X509

from ..algorithms import Algorithm
from ..errors import AgileError, Reason, UnsupportedAlgorithm
from ..policy import Config, Policy
from . import _binding
from ._composite_certs import composite_public_key
from ._connection import TLSConnection, handshake
from ._errors import TLSError
from ._policy import TLSPolicy, tls_policy

__all__ = ["TLSContext", "TLSServer", "client_context", "connect", "serve", "server_context"]

logger = logging.getLogger("agile.tls")
PathLike = str | os.PathLike[str]
DEFAULT_POLICY = "tls"


def resolve_policy(policy: str | Policy | None, config: Config | None) -> Policy:
    """``policy`` itself, or the named policy from ``config`` (default: the agile default)."""
    if isinstance(policy, Policy):
        return policy
    name = policy if policy is not None else DEFAULT_POLICY
    if config is not None:
        return config.policy(name)
    from .._api import get_policy
    return get_policy(name)


def _groups_spec(groups: tuple[Algorithm, ...], policy: Policy) -> str:
    """OpenSSL's group list; ``*`` marks the groups that get a key share in the ClientHello:
    the first quantum-safe group and the first classical one (saving a HelloRetryRequest)."""
    parts, shared_pq, shared_classical = [], False, False
    for group in groups:
        name = str(group.params["tls_group_name"])
        if not _binding.group_supported(name):
            raise UnsupportedAlgorithm(
                f"policy {policy.name!r} asks for TLS key-exchange group {name} "
                f"(0x{int(group.params['tls_group']):04x}), which this build "  # type: ignore[call-overload]
                f"({_binding.openssl_version()} via pyOpenSSL) cannot negotiate; remove it from "
                f"[policies.{policy.name}] in {policy.source}", Reason.NO_PROVIDER)
        star = not shared_pq if group.quantum_safe else not shared_classical
        shared_pq = shared_pq or group.quantum_safe
        shared_classical = shared_classical or not group.quantum_safe
        parts.append(("*" if star else "") + name)
    return ":".join(parts)


def _base_context(tls: TLSPolicy) -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_3_VERSION if tls.min_version == "1.3" else
                              SSL.TLS1_2_VERSION)
    ctx.set_options(SSL.OP_NO_COMPRESSION | SSL.OP_NO_RENEGOTIATION)
    if not _binding.set_groups(ctx, _groups_spec(tls.groups, tls.policy)):
        raise TLSError(f"OpenSSL refused the group list of policy {tls.policy.name!r}")
    sigalgs = [n for n in tls.signature_scheme_names if _binding.sigalg_supported(n)]
    if not sigalgs or not _binding.set_sigalgs(ctx, sigalgs):
        raise UnsupportedAlgorithm(
            f"no signature algorithm of policy {tls.policy.name!r} "
            f"({', '.join(s.name for s in tls.signatures)}) is usable in TLS with "
            f"{_binding.openssl_version()}", Reason.NO_PROVIDER)
    if tls.cipher_suites:
        names = [str(a.params["tls13_cipher_suite"][1])  # type: ignore[index]
                 for a in tls.cipher_suites]
        ctx.set_tls13_ciphersuites(":".join(names).encode())
    if tls.min_version == "1.2":
        ctx.set_cipher_list(b"ECDHE+AESGCM:ECDHE+CHACHA20")
    return ctx


def _note_failure(conn: SSL.Connection, cert: X509, _errnum: int, _depth: int,
                  ok: int) -> bool:
    """Keep the first certificate that failed verification, for the error message."""
    state = conn.get_app_data()
    if not ok and isinstance(state, dict) and "failed" not in state:
        state["failed"] = cert.to_cryptography()
    return bool(ok)


def _load(action: Callable[[], object], what: str, path: PathLike) -> None:
    try:
        action()
    except (SSL.Error, OSError) as exc:
        raise TLSError(f"cannot load {what} from {os.fspath(path)!r}: "
                       f"{getattr(exc, 'strerror', None) or exc}") from exc


class TLSContext:
    """A TLS client or server context that carries its policy (build one with
    :func:`client_context` or :func:`server_context`)."""

    def __init__(self, side: Literal["client", "server"], tls: TLSPolicy, ctx: SSL.Context,
                 *, verify: bool) -> None:
        self.side = side
        self.tls = tls
        self.verify = verify
        self.openssl_context = ctx
        self.messages = _binding.MessageLog(ctx)

    def __repr__(self) -> str:
        return (f"<TLSContext {self.side} policy={self.tls.policy.name!r} "
                f"groups={':'.join(self.tls.group_names)}>")

    @property
    def policy(self) -> Policy:
        return self.tls.policy

    def wrap_socket(self, sock: socket.socket, *, server_hostname: str | None = None,
                    peer: str | None = None) -> TLSConnection:
        """Handshake on the connected ``sock`` and check the result against the policy.

        Raises CertificateVerificationFailed, HandshakeFailed or TLSPolicyViolation (the socket
        is closed then). ``server_hostname`` (client side) is verified against the certificate.
        """
        if peer is None:
            try:
                host, port = sock.getpeername()[:2]
                peer = f"{host}:{port}"
            except OSError:
                peer = "?"
        return handshake(self, sock, server_hostname=server_hostname, peer=peer)


def client_context(policy: str | Policy | None = None, *, config: Config | None = None,
                   cafile: PathLike | None = None, certfile: PathLike | None = None,
                   keyfile: PathLike | None = None, min_version: str | None = None,
                   verify: bool = True) -> TLSContext:
    """A client context for ``policy``: its groups and signature algorithms, TLS 1.3 minimum.

    Trust roots come from ``cafile`` (PEM), else the system store. ``certfile``/``keyfile``
    (PEM; PKCS#8 for ML-DSA) present a client certificate. ``verify=False`` is unsafe: it skips
    certificate verification (the policy checks still run).
    """
    tls = tls_policy(resolve_policy(policy, config), min_version=min_version)
    ctx = _base_context(tls)
    if verify:
        ctx.set_verify(SSL.VERIFY_PEER, _note_failure)
        if cafile is not None:
            _load(lambda: ctx.load_verify_locations(os.fspath(cafile)), "trust roots", cafile)
        else:
            ctx.set_default_verify_paths()
    if certfile is not None:
        _use_certificate(ctx, certfile, keyfile)
    return TLSContext("client", tls, ctx, verify=verify)


def _refuse_composite(certfile: PathLike) -> None:
    """Composite ML-DSA certificates have no TLS SignatureScheme in OpenSSL: say so up front."""
    try:
        cert = x509.load_pem_x509_certificate(Path(certfile).read_bytes())
    except (OSError, ValueError):
        return  # OpenSSL's own loading reports the problem
    found = composite_public_key(cert)
    if found is not None:
        raise UnsupportedAlgorithm(
            f"{os.fspath(certfile)!r} holds a {found[0].name} certificate: composite ML-DSA "
            "certificates cannot be used in TLS handshakes (OpenSSL has no TLS signature scheme "
            "for them); use an ML-DSA-65 certificate for TLS", Reason.OPERATION)


def _use_certificate(ctx: SSL.Context, certfile: PathLike, keyfile: PathLike | None) -> None:
    _refuse_composite(certfile)
    _load(lambda: ctx.use_certificate_chain_file(os.fspath(certfile)), "certificate", certfile)
    key = keyfile if keyfile is not None else certfile
    _load(lambda: ctx.use_privatekey_file(os.fspath(key)), "private key", key)
    _load(ctx.check_privatekey, "a private key matching the certificate", key)


def server_context(policy: str | Policy | None = None, *, certfile: PathLike,
                   keyfile: PathLike | None = None, config: Config | None = None,
                   cafile: PathLike | None = None, require_client_cert: bool = False,
                   min_version: str | None = None) -> TLSContext:
    """A server context for ``policy`` with the certificate chain ``certfile`` and its key.

    ``cafile`` enables client certificates (verified against it; required with
    ``require_client_cert``). The server prefers the policy's group order.
    """
    tls = tls_policy(resolve_policy(policy, config), min_version=min_version)
    ctx = _base_context(tls)
    ctx.set_options(SSL.OP_CIPHER_SERVER_PREFERENCE)
    _use_certificate(ctx, certfile, keyfile)
    if cafile is not None:
        _load(lambda: ctx.load_verify_locations(os.fspath(cafile)), "trust roots", cafile)
        ctx.set_verify(SSL.VERIFY_PEER | (SSL.VERIFY_FAIL_IF_NO_PEER_CERT
                                          if require_client_cert else 0), _note_failure)
    ctx.set_session_id(b"agile-tls")
    return TLSContext("server", tls, ctx, verify=cafile is not None)


def connect(host: str, port: int, policy: str | Policy | None = None, *,
            config: Config | None = None, cafile: PathLike | None = None,
            server_hostname: str | None = None, certfile: PathLike | None = None,
            keyfile: PathLike | None = None, timeout: float | None = 10.0,
            min_version: str | None = None, context: TLSContext | None = None,
            diagnose: bool = True) -> TLSConnection:
    """Connect to ``host:port`` under ``policy``; returns the checked connection.

    The certificate must be valid for ``server_hostname`` (default ``host``). When the handshake
    fails and ``diagnose`` is true, agile probes the server once more, offering everything this
    build supports, to say what the server does negotiate (no data is sent on that connection).
    """
    ctx = context or client_context(policy, config=config, cafile=cafile, certfile=certfile,
                                    keyfile=keyfile, min_version=min_version)
    if ctx.side != "client":
        raise TLSError("connect() needs a client context")
    peer = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise TLSError(f"cannot connect to {peer}: {exc.strerror or exc}") from exc
    name = server_hostname or host

    def diagnosis() -> object:
        from ._probe import probe
        return probe(host, port, server_hostname=name, cafile=cafile, timeout=timeout)

    return handshake(ctx, sock, server_hostname=name, peer=peer,
                     diagnose=diagnosis if diagnose else None)


class TLSServer:
    """A listening socket whose accepted connections are handshaken and policy-checked."""

    def __init__(self, context: TLSContext, listener: socket.socket,
                 handshake_timeout: float | None) -> None:
        self.context = context
        self._listener = listener
        self._timeout = handshake_timeout
        self._closed = threading.Event()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._listener.getsockname()[:2]
        return host, port

    def accept(self, timeout: float | None = None) -> TLSConnection:
        """The next client's checked connection (raises what the handshake raised)."""
        self._listener.settimeout(timeout)
        try:
            sock, addr = self._listener.accept()
        except TimeoutError as exc:
            raise TLSError(f"no connection within {timeout} s") from exc
        except OSError as exc:
            raise TLSError(f"accept failed: {exc.strerror or exc}") from exc
        sock.settimeout(self._timeout)
        return self.context.wrap_socket(sock, peer=f"{addr[0]}:{addr[1]}")

    def serve_forever(self, handler: Callable[[TLSConnection], object]) -> None:
        """Accept until :meth:`close`; each connection runs ``handler`` in its own thread and
        is closed afterwards. Refused handshakes are audited and logged, then skipped."""
        while not self._closed.is_set():
            try:
                conn = self.accept()
            except AgileError as exc:
                if self._closed.is_set():
                    return
                logger.warning("%s", exc)
                continue

            def run(conn: TLSConnection = conn) -> None:
                with conn:
                    handler(conn)

            threading.Thread(target=run, daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def __enter__(self) -> TLSServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(host: str = "127.0.0.1", port: int = 0, policy: str | Policy | None = None, *,
          certfile: PathLike, keyfile: PathLike | None = None, config: Config | None = None,
          cafile: PathLike | None = None, require_client_cert: bool = False,
          min_version: str | None = None, backlog: int = 16,
          handshake_timeout: float | None = 10.0,
          context: TLSContext | None = None) -> TLSServer:
    """Listen on ``host:port`` (0: an ephemeral port, see ``.address``) under ``policy``."""
    ctx = context or server_context(policy, certfile=certfile, keyfile=keyfile, config=config,
                                    cafile=cafile, require_client_cert=require_client_cert,
                                    min_version=min_version)
    try:
        listener = socket.create_server((host, port), backlog=backlog)
    except OSError as exc:
        raise TLSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return TLSServer(ctx, listener, handshake_timeout)

"""``probe``: what a TLS server negotiates when offered everything this build supports."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from typing import Any

from OpenSSL import SSL

from .. import algorithms
from ..algorithms import Algorithm, Family
from ..policy import Policy
from . import _binding
from ._connection import _VERIFY_REASONS, _io, _reasons, check_facts, read_facts
from ._errors import HandshakeFailed, TLSError
from ._facts import HandshakeFacts
from ._policy import tls_policy

__all__ = ["ProbeResult", "probe"]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Facts of one probing handshake, certificate trust, and a verdict if a policy was given."""

    host: str
    port: int
    facts: HandshakeFacts
    trusted: bool
    verify_error: str | None  # OpenSSL's text, None when trusted
    verify_reason: str | None  # "expired", "hostname-mismatch", "untrusted", ...
    policy: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"fail"``, or ``"none"`` (no policy given)."""
        if self.policy is None:
            return "none"
        return "fail" if self.problems else "pass"

    def as_dict(self) -> dict[str, Any]:
        return {"target": f"{self.host}:{self.port}", **self.facts.as_dict(),
                "trusted": self.trusted, "verify_error": self.verify_error,
                "verify_reason": self.verify_reason, "policy": self.policy,
                "verdict": self.verdict, "problems": list(self.problems),
                "cyclonedx": self.cyclonedx_component()}

    def cyclonedx_component(self) -> dict[str, Any]:
        """A CycloneDX 1.6 ``cryptographic-asset`` component with protocolProperties."""
        facts = self.facts
        suite = _suite(facts.cipher)
        version = facts.version.removeprefix("TLSv")
        algs = [a for a in (facts.group, facts.signature, *(facts.chain_signatures)) if a]
        refs = sorted({f"crypto/algorithm/{a.name}" for a in algs})
        cipher: dict[str, Any] = {"name": facts.cipher, "algorithms": refs}
        if suite is not None:
            cipher["identifiers"] = [f"0x{suite[0]:02X}", f"0x{suite[1]:02X}"]
        props = {
            "agile:tls:group": facts.group_name,
            "agile:tls:group-code": f"0x{facts.group_code:04x}" if facts.group_code else "",
            "agile:tls:group-quantum-class": str(facts.group.quantum_class) if facts.group else "",
            "agile:tls:signature-scheme": facts.signature_scheme or "",
            "agile:tls:certificate-chain": ", ".join(
                f"{c.key_algorithm}/{c.signature_algorithm}" for c in facts.peer_chain),
            "agile:tls:trusted": str(self.trusted).lower(),
            "agile:tls:verdict": self.verdict,
        }
        if self.policy:
            props["agile:policy"] = self.policy
        return {
            "type": "cryptographic-asset",
            "bom-ref": f"crypto/protocol/tls@{self.host}:{self.port}",
            "name": f"TLS {version} {self.host}:{self.port}",
            "cryptoProperties": {
                "assetType": "protocol",
                "protocolProperties": {"type": "tls", "version": version,
                                       "cipherSuites": [cipher]},
            },
            "properties": [{"name": k, "value": v} for k, v in props.items() if v],
        }


def _suite(name: str) -> tuple[int, int] | None:
    for alg in algorithms.in_family(Family.AEAD):
        found = alg.params.get("tls13_cipher_suite")
        if isinstance(found, tuple) and found[1] == name:
            return found[0] >> 8, found[0] & 0xFF
    return None


def _everything() -> tuple[list[str], list[str]]:
    """Every group and signature scheme the registry knows and this build supports."""
    groups: list[Algorithm] = [a for a in algorithms.all_algorithms() if "tls_group" in a.params
                               and _binding.group_supported(str(a.params["tls_group_name"]))]
    order = {"hybrid": 0, "post-quantum": 1, "classical": 2}
    groups.sort(key=lambda g: order[str(g.quantum_class)])
    names, pq, classical = [], False, False
    for g in groups:
        star = not pq if g.quantum_safe else not classical
        pq, classical = pq or g.quantum_safe, classical or not g.quantum_safe
        names.append(("*" if star else "") + str(g.params["tls_group_name"]))
    schemes = [name for a in algorithms.in_family(Family.SIGNATURE)
               for _, name in a.params.get("tls_signature_schemes", ())  # type: ignore[attr-defined]
               if _binding.sigalg_supported(name)]
    return names, schemes


def probe(host: str, port: int, *, policy: Policy | None = None,
          server_hostname: str | None = None, cafile: str | Any | None = None,
          timeout: float | None = 10.0) -> ProbeResult:
    """Handshake once with ``host:port`` offering every group and signature scheme this build
    supports (TLS 1.2 and 1.3), without sending data; report what the server chose and whether
    its certificate verifies for ``server_hostname`` (default ``host``) against ``cafile`` (or
    the system store). With ``policy``, ``problems`` lists what the policy would refuse."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    groups, schemes = _everything()
    _binding.set_groups(ctx, ":".join(groups))
    _binding.set_sigalgs(ctx, schemes)
    ctx.set_verify(SSL.VERIFY_NONE)  # verified below: the result is reported, not enforced
    if cafile is not None:
        ctx.load_verify_locations(str(cafile))
    else:
        ctx.set_default_verify_paths()
    log = _binding.MessageLog(ctx)
    peer = f"{host}:{port}"
    name = server_hostname or host
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise TLSError(f"cannot connect to {peer}: {exc.strerror or exc}") from exc
    try:
        conn = SSL.Connection(ctx, sock)
        records = log.start(conn)
        conn.set_connect_state()
        _binding.set_verify_host(conn, name)
        from ._connection import _is_ip
        if not _is_ip(name):
            conn.set_tlsext_host_name(name.encode("idna"))
        try:
            _io(conn, sock, conn.do_handshake)
        except (SSL.Error, OSError) as exc:
            raise HandshakeFailed(f"TLS handshake with {peer} failed even when offering every "
                                  f"group and signature scheme: {_reasons(exc)}") from exc
        facts = read_facts(conn, records, "client", name)
        code, text = _binding.verify_result(conn)
        log.stop(conn)
        with contextlib.suppress(SSL.Error, OSError):
            conn.shutdown()
    finally:
        sock.close()
    problems: tuple[str, ...] = ()
    if policy is not None:
        found = list(check_facts(tls_policy(policy), facts))
        if code != 0:
            found.append(f"the certificate does not verify: {text}")
        problems = tuple(found)
    return ProbeResult(host, port, facts, code == 0, None if code == 0 else text,
                       None if code == 0 else _VERIFY_REASONS.get(code, "invalid"),
                       policy.name if policy is not None else None, problems)

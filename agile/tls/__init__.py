"""Post-quantum TLS from a policy: pyOpenSSL contexts, enforcement, certificates, probing.

``import agile`` does not import this package (nor pyOpenSSL); import ``agile.tls`` explicitly.
The policy's ``kem``/``key-agreement`` algorithms and accept-lists choose the TLS 1.3 groups
(``X25519MLKEM768``, ``SecP256r1MLKEM768``, ``SecP384r1MLKEM1024``, classical groups for
transition), its ``signature`` algorithm and accept-list the signature schemes. After every
handshake agile checks the negotiated group and the peer's signatures against the policy; a
mismatch closes the connection and raises :class:`TLSPolicyViolation` (a
:class:`~agile.errors.PolicyViolation`), with an audit event either way.

>>> from agile import tls                                             # doctest: +SKIP
>>> with tls.connect("example.net", 443, policy="web") as conn:      # doctest: +SKIP
...     conn.facts.group_name
'X25519MLKEM768'
"""

from __future__ import annotations

from ._certs import Issued, generate_private_key, issue_ca, issue_certificate, load_issued
from ._connection import TLSConnection
from ._context import (
    TLSContext,
    TLSServer,
    client_context,
    connect,
    serve,
    server_context,
)
from ._errors import CertificateVerificationFailed, HandshakeFailed, TLSError, TLSPolicyViolation
from ._facts import CertificateInfo, HandshakeFacts
from ._policy import TLSPolicy, tls_policy
from ._probe import ProbeResult, probe

__all__ = [
    "CertificateInfo",
    "CertificateVerificationFailed",
    "HandshakeFacts",
    "HandshakeFailed",
    "Issued",
    "ProbeResult",
    "TLSConnection",
    "TLSContext",
    "TLSError",
    "TLSPolicy",
    "TLSPolicyViolation",
    "TLSServer",
    "client_context",
    "connect",
    "generate_private_key",
    "issue_ca",
    "issue_certificate",
    "load_issued",
    "probe",
    "serve",
    "server_context",
    "tls_policy",
]

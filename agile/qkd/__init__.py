"""QKD-sourced keys: an ETSI GS QKD 014 client, a KME simulator and QKD+PQC hybrid envelopes.

>>> sealed = agile.qkd.seal(b"data", peer_public_key, policy="dc-link")   # doctest: +SKIP
>>> agile.qkd.open(sealed, private_key, policy="dc-link")                  # doctest: +SKIP

See :mod:`agile.qkd._seal` for the envelope and the failover rules, :class:`KMEClient` for the
ETSI GS QKD 014 client and :class:`Network` for the simulator (``agile qkd simulate``).
"""

from __future__ import annotations

from ._client import KMEClient
from ._pki import TestPKI, make_test_pki
from ._protocol import STATUS_FIELDS, QKDKey, Status
from ._seal import QKD_HEADER, open, seal
from ._simulator import KME, Link, Network
from ._source import KeySource, source_for

__all__ = ["KME", "QKD_HEADER", "STATUS_FIELDS", "KMEClient", "KeySource", "Link", "Network",
           "QKDKey", "Status", "TestPKI", "make_test_pki", "open", "seal", "source_for"]

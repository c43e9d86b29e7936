"""QKD-sourced keys: an ETSI GS QKD 014 client, a KME simulator and QKD+PQC hybrid sealing."""

from __future__ import annotations

from ._client import KMEClient
from ._protocol import STATUS_FIELDS, QKDKey, Status
from ._simulator import KME, Link, Network, TestPKI, make_test_pki

__all__ = ["KME", "STATUS_FIELDS", "KMEClient", "Link", "Network", "QKDKey", "Status", "TestPKI",
           "make_test_pki"]

"""A policy's QKD key source: one :class:`KeySource` per ``[qkd.links.NAME]``, shared, thread-safe.

>>> source = source_for(config.qkd_links["dc1-dc2"])       # doctest: +SKIP
>>> key = source.key_for_peer()                             # enc_keys at the sealing site
>>> same = source.key_by_id(key.key_id)                     # dec_keys at the opening site

The source remembers whether its link worked last time, so a failure and the later recovery are
each reported once (audit events ``qkd-unavailable`` and ``qkd-recovered``) rather than on
every call. Nothing is cached between calls: every call asks the KME, so a link that comes back
is used again at once, without a restart.
"""

from __future__ import annotations

import threading

from .. import audit
from ..errors import QKDError, QKDUnavailable
from ..policy import QKDLinkSpec
from ._client import KMEClient
from ._protocol import QKDKey

__all__ = ["KeySource", "source_for"]

_sources: dict[QKDLinkSpec, KeySource] = {}
_sources_lock = threading.Lock()


class KeySource:
    """Keys of one QKD link for this site's SAE (``spec.sae_id``) and its peer."""

    def __init__(self, spec: QKDLinkSpec) -> None:
        self.spec = spec
        self.client = KMEClient(spec.kme_url, cert=spec.cert, key=spec.key, ca=spec.ca,
                                kme_id=spec.kme_id, timeout=spec.timeout, retries=spec.retries)
        self._lock = threading.Lock()
        self._healthy = True
        self._peer_kme_id: str | None = None

    def __repr__(self) -> str:
        return f"<KeySource {self.spec.name} {self.spec.sae_id}->{self.spec.peer_sae_id}>"

    @property
    def healthy(self) -> bool:
        """Did the last request to the KME succeed?"""
        return self._healthy

    def key_for_peer(self, *, policy: str = "") -> tuple[QKDKey, str, str]:
        """A fresh key for ``peer_sae_id`` (enc_keys): (key, our KME id, the peer's KME id)."""
        spec = self.spec
        try:
            if self._peer_kme_id is None:
                self._peer_kme_id = self.client.status(spec.peer_sae_id).target_KME_ID
            [key] = self.client.enc_keys(spec.peer_sae_id, number=1, size=spec.key_size)
        except QKDUnavailable as exc:
            self._failed(policy, exc)
            raise
        self._succeeded(policy)
        return key, self.client.peer_kme_id or "", self._peer_kme_id

    def key_by_id(self, master_sae_id: str, key_id: str, *, policy: str = "") -> QKDKey:
        """The key ``master_sae_id`` obtained for us as ``key_id`` (dec_keys)."""
        try:
            [key] = self.client.dec_keys(master_sae_id, [key_id])
        except QKDUnavailable as exc:
            self._failed(policy, exc)
            raise
        self._succeeded(policy)
        return key

    def _failed(self, policy: str, exc: QKDError) -> None:
        with self._lock:
            changed, self._healthy = self._healthy, False
        if changed:
            audit.emit("qkd-unavailable", policy, "ETSI-GS-QKD-014", self.spec.name, None,
                       "error", f"link={self.spec.name} {type(exc).__name__} status={exc.status}")

    def _succeeded(self, policy: str) -> None:
        with self._lock:
            changed, self._healthy = not self._healthy, True
        if changed:
            audit.emit("qkd-recovered", policy, "ETSI-GS-QKD-014", self.spec.name, None, "ok",
                       f"link={self.spec.name}")


def source_for(spec: QKDLinkSpec) -> KeySource:
    """The shared :class:`KeySource` for ``spec`` (one per distinct link configuration)."""
    found = _sources.get(spec)
    if found is None:
        with _sources_lock:
            found = _sources.get(spec)
            if found is None:
                found = _sources[spec] = KeySource(spec)
    return found

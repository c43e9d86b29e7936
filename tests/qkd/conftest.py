"""A two-KME simulator over real mutual TLS on 127.0.0.1, shared by the QKD tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from agile.qkd import KME, KMEClient, Link, Network, TestPKI, make_test_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return make_test_pki(tmp_path_factory.mktemp("qkd-pki"), kmes=["KME-A", "KME-B"],
                         saes=["SAE-A", "SAE-B", "SAE-C", "SAE-X"])


@dataclass
class Sim:
    pki: TestPKI
    net: Network
    a: KME
    b: KME
    link: Link

    def client(self, sae: str, kme: KME, **options: object) -> KMEClient:
        cert, key = self.pki.saes[sae]
        return KMEClient(kme.url, cert=cert, key=key, ca=self.pki.ca, kme_id=kme.kme_id,
                         **options)  # type: ignore[arg-type]


@pytest.fixture
def sim(pki: TestPKI) -> Iterator[Sim]:
    """KME-A (SAE-A, SAE-C) and KME-B (SAE-B) joined by a link with a static pool of 1000 keys.

    SAE-X has a certificate from the same CA but is attached to no KME.
    """
    net = Network(pki)
    a = net.add_kme("KME-A", saes=["SAE-A", "SAE-C"])
    b = net.add_kme("KME-B", saes=["SAE-B"])
    link = net.link("KME-A", "KME-B", rate_bps=0, initial_key_count=1000, max_key_count=1000,
                    max_key_per_request=16, max_sae_id_count=1)
    with net:
        yield Sim(pki, net, a, b, link)


def site_toml(sim: Sim, *, site: str, mode: str = "required", retries: int = 0) -> str:
    """The agile.toml of site A (SAE-A at KME-A) or B (SAE-B at KME-B) for a policy ``link``."""
    me, peer, kme = ("SAE-A", "SAE-B", sim.a) if site == "A" else ("SAE-B", "SAE-A", sim.b)
    cert, key = sim.pki.saes[me]
    return f"""
[qkd.links.dc]
kme_url = "{kme.url}"
kme_id = "{kme.kme_id}"
sae_id = "{me}"
peer_sae_id = "{peer}"
cert = "{cert}"
key = "{key}"
ca = "{sim.pki.ca}"
retries = {retries}
timeout = 2

[policies.link]
suite = "pq-hybrid"
qkd = {{ link = "dc", mode = "{mode}" }}

[policies.plain]
suite = "pq-hybrid"

[suites.pq-hybrid]
aead = "AES-256-GCM"
kem = "MLKEM768-X25519"
"""


@pytest.fixture(scope="session")
def curl() -> str:
    """The curl binary, the independent ETSI GS QKD 014 client of the interop test."""
    import shutil

    found = shutil.which("curl")
    if found is None:
        pytest.skip("needs curl on PATH as an independent HTTPS client: apt-get install curl")
    return found

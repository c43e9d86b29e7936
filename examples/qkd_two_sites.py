"""Two sites, one QKD link: QKD + ML-KEM-768 + X25519 keys, failover and recovery.

Run: python examples/qkd_two_sites.py   (starts two simulated KMEs on 127.0.0.1 over mutual TLS)

Site A seals for site B with a key combined from the policy's hybrid KEM (MLKEM768-X25519) and
a QKD key from KME-A (ETSI GS QKD 014 enc_keys); site B opens with the same QKD key fetched by
key_ID from KME-B (dec_keys). Then the QKD link goes down: the "preferred" policy falls back to
PQC only (with an audit event), the "required" one refuses. The link comes back; QKD resumes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import agile
from agile import audit, qkd
from agile.errors import QKDUnavailable

SITE = """
[qkd.links.dc1-dc2]
kme_url = "{url}"
kme_id = "{kme}"
sae_id = "{me}"
peer_sae_id = "{peer}"
cert = "{pki}/{me}.pem"
key = "{pki}/{me}.key"
ca = "{pki}/ca.pem"
retries = 0

[suites.pq-hybrid]
aead = "AES-256-GCM"
kem = "MLKEM768-X25519"

[policies.payments]
suite = "pq-hybrid"
qkd = {{ link = "dc1-dc2", mode = "required" }}

[policies.telemetry]
suite = "pq-hybrid"
qkd = {{ link = "dc1-dc2", mode = "preferred" }}
"""


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="agile-qkd-"))
    pki = qkd.make_test_pki(folder / "pki", kmes=["KME-A", "KME-B"], saes=["SAE-A", "SAE-B"])
    net = qkd.Network(pki)
    kme_a = net.add_kme("KME-A", saes=["SAE-A"])
    kme_b = net.add_kme("KME-B", saes=["SAE-B"])
    link = net.link("KME-A", "KME-B", rate_bps=100_000, max_key_count=1000)
    events: list[audit.AuditEvent] = []
    audit.subscribe(lambda e: events.append(e) if e.operation.startswith("qkd-") else None)
    with net:
        sites = {}
        for name, kme, me, peer in (("A", kme_a, "SAE-A", "SAE-B"), ("B", kme_b, "SAE-B", "SAE-A")):
            path = folder / f"site-{name}.toml"
            path.write_text(SITE.format(url=kme.url, kme=kme.kme_id, me=me, peer=peer,
                                        pki=pki.directory))
            sites[name] = agile.Context(path)
        site_a, site_b = sites["A"], sites["B"]
        b_key = site_b.generate_keypair(policy="payments", family="kem")  # B's KEM key pair

        sealed = qkd.seal(b"transfer 100 EUR", b_key.public_key(), policy="payments",
                          context=site_a)
        opened = qkd.open(sealed, b_key, policy="payments", context=site_b)
        print(f"1. QKD+MLKEM768-X25519: B opened {opened!r} ({len(sealed)} bytes)")

        link.set_down()  # the fibre is cut
        fallback = qkd.seal(b"cpu 42%", b_key.public_key(), policy="telemetry", context=site_a)
        print(f"2. link down, preferred: B opened "
              f"{qkd.open(fallback, b_key, policy='telemetry', context=site_b)!r} "
              "(PQC hybrid only)")
        try:
            qkd.seal(b"transfer 5 EUR", b_key.public_key(), policy="payments", context=site_a)
            raise SystemExit("required mode sealed without QKD")
        except QKDUnavailable as exc:
            print(f"3. link down, required: refused ({str(exc)[:60]}...)")

        link.set_down(False)  # repaired: no restart needed
        again = qkd.seal(b"transfer 5 EUR", b_key.public_key(), policy="payments",
                         context=site_a)
        print(f"4. link back: B opened {qkd.open(again, b_key, policy='payments', context=site_b)!r}"
              " with QKD again")
    for event in events:
        print(f"   audit {event.operation:<16} {event.outcome:<8} {event.detail}")
    operations = [e.operation for e in events]
    assert {"qkd-fallback", "qkd-refused", "qkd-unavailable", "qkd-recovered"} <= set(operations)


if __name__ == "__main__":
    main()

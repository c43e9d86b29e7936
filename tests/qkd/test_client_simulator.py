"""ETSI GS QKD 014 endpoints and error paths, client against simulator over real mTLS."""

from __future__ import annotations

import http.client
import ssl
import time
import uuid

import pytest

from agile.errors import InvalidArgument, QKDError, QKDRequestRejected, QKDUnavailable
from agile.qkd import STATUS_FIELDS, KMEClient, make_test_pki

from .conftest import Sim


def test_status_has_every_field(sim: Sim) -> None:
    status = sim.client("SAE-A", sim.a).status("SAE-B")
    assert set(status.as_dict()) >= set(STATUS_FIELDS)
    assert (status.source_KME_ID, status.target_KME_ID) == ("KME-A", "KME-B")
    assert (status.master_SAE_ID, status.slave_SAE_ID) == ("SAE-A", "SAE-B")
    assert status.stored_key_count == 1000 and status.key_size == 256
    assert status.max_key_per_request == 16


@pytest.mark.parametrize("enc_method", ["POST", "GET"])
@pytest.mark.parametrize("dec_method", ["POST", "GET"])
def test_enc_then_dec_keys_deliver_the_same_key_once(sim: Sim, enc_method: str,
                                                     dec_method: str) -> None:
    alice, bob = sim.client("SAE-A", sim.a), sim.client("SAE-B", sim.b)
    keys = alice.enc_keys("SAE-B", number=1 if dec_method == "GET" else 3, size=512,
                          method=enc_method)
    assert all(len(k.material) == 64 for k in keys)
    assert sim.link.stored_key_count() == 1000 - 2 * len(keys)  # 512-bit keys: 2 pool keys each
    got = bob.dec_keys("SAE-A", [k.key_id for k in keys], method=dec_method)
    assert {k.key_id: bytes(k.material) for k in got} == {
        k.key_id: bytes(k.material) for k in keys}
    with pytest.raises(QKDRequestRejected, match="key_ID_replayed") as info:
        bob.dec_keys("SAE-A", [keys[0].key_id], method=dec_method)
    assert info.value.status == 400


def test_default_size_comes_from_status(sim: Sim) -> None:
    alice = sim.client("SAE-A", sim.a)
    alice.status("SAE-B")
    [key] = alice.enc_keys("SAE-B")
    assert len(key.material) * 8 == 256
    assert "material" not in repr(key) and bytes(key.material).hex() not in repr(key)
    key.wipe()
    assert key.material == bytearray(32)


def test_additional_slave_sae_ids_and_extensions(sim: Sim, pki: object) -> None:
    sim.b.saes.add("SAE-C2")  # a second SAE at site B for the multicast case
    alice = sim.client("SAE-A", sim.a)
    [key] = alice.enc_keys("SAE-B", additional_slave_sae_ids=["SAE-C2"],
                           extension_optional=[{"ignored": True}])
    assert sim.client("SAE-B", sim.b).dec_keys("SAE-A", [key.key_id])[0].key_id == key.key_id
    assert sim.b.pending_count() == 1  # still waiting for SAE-C2
    with pytest.raises(QKDRequestRejected, match="extension_mandatory"):
        alice.enc_keys("SAE-B", extension_mandatory=[{"abc_route_type": "direct"}])
    with pytest.raises(QKDRequestRejected, match="max_SAE_ID_count"):
        alice.enc_keys("SAE-B", additional_slave_sae_ids=["SAE-C2", "SAE-Z"])
    with pytest.raises(InvalidArgument, match="GET enc_keys takes only"):
        alice.enc_keys("SAE-B", additional_slave_sae_ids=["SAE-C2"], method="GET")


@pytest.mark.parametrize(("kwargs", "detail"), [
    ({"size": 252}, "size_not_multiple_of_8"),
    ({"number": 17}, "number_unsupported"),
    ({"size": 16}, "size_unsupported"),
    ({"size": 1 << 16}, "size_unsupported"),
])
def test_enc_keys_parameter_errors(sim: Sim, kwargs: dict[str, int], detail: str) -> None:
    with pytest.raises(QKDRequestRejected, match=detail) as info:
        sim.client("SAE-A", sim.a).enc_keys("SAE-B", **kwargs)
    assert info.value.kme_message == "requested parameters do not adhere to KME rules"
    assert sim.link.stored_key_count() == 1000  # nothing taken


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"size": 252}, "multiple of 8"), ({"number": 17}, "max_key_per_request 16"),
    ({"size": 16}, "from 64 to 8192"), ({"additional_slave_sae_ids": ["S1", "S2"]},
                                        "max_SAE_ID_count 1"),
])
def test_known_status_limits_are_checked_before_asking(sim: Sim, kwargs: dict[str, object],
                                                       match: str) -> None:
    alice = sim.client("SAE-A", sim.a)
    alice.status("SAE-B")
    before = sim.a.delivered_count
    with pytest.raises(InvalidArgument, match=match):
        alice.enc_keys("SAE-B", **kwargs)  # type: ignore[arg-type]
    assert sim.a.delivered_count == before


def test_dec_keys_unknown_wrong_master_and_expired(sim: Sim) -> None:
    bob = sim.client("SAE-B", sim.b)
    with pytest.raises(QKDRequestRejected, match="key_ID_unknown"):
        bob.dec_keys("SAE-A", [str(uuid.uuid4())])
    [key] = sim.client("SAE-A", sim.a).enc_keys("SAE-B")
    with pytest.raises(QKDRequestRejected, match="key_ID_not_authorized"):
        bob.dec_keys("SAE-C", [key.key_id])  # SAE-C did not request it
    sim.b.key_ttl = 0.0
    [late] = sim.client("SAE-A", sim.a).enc_keys("SAE-B")
    time.sleep(0.01)
    with pytest.raises(QKDRequestRejected, match="key_ID_expired"):
        bob.dec_keys("SAE-A", [late.key_id])
    with pytest.raises(QKDRequestRejected, match="key_ID_replayed"):
        bob.dec_keys("SAE-A", [late.key_id])


def test_another_sae_cannot_fetch_someone_elses_keys(sim: Sim) -> None:
    [key] = sim.client("SAE-A", sim.a).enc_keys("SAE-B")
    # SAE-C is a real SAE at KME-A, with a valid certificate, asking as if it were SAE-B's peer
    with pytest.raises(QKDRequestRejected, match="400"):
        sim.client("SAE-C", sim.a).dec_keys("SAE-A", [key.key_id])
    # SAE-X's certificate is valid but KME-B serves no SAE-X: 401 without a body
    with pytest.raises(QKDRequestRejected, match=r"refused this SAE \(401\)") as info:
        sim.client("SAE-X", sim.b).dec_keys("SAE-A", [key.key_id])
    assert info.value.status == 401 and info.value.kme_message is None
    # SAE-A presenting its own certificate to KME-B is not SAE-B either
    with pytest.raises(QKDRequestRejected, match="401"):
        sim.client("SAE-A", sim.b).dec_keys("SAE-A", [key.key_id])
    assert sim.b.pending_count() == 1  # still there for SAE-B
    assert sim.client("SAE-B", sim.b).dec_keys("SAE-A", [key.key_id])[0].key_id == key.key_id


def test_no_client_certificate_fails_the_handshake(sim: Sim) -> None:
    ctx = ssl.create_default_context(cafile=str(sim.pki.ca))
    conn = http.client.HTTPSConnection("127.0.0.1", sim.a.port, context=ctx, timeout=5)
    with pytest.raises((ssl.SSLError, OSError, http.client.HTTPException)):
        conn.request("GET", "/api/v1/keys/SAE-B/status")
        conn.getresponse().read()
    conn.close()


def test_unknown_slave_is_400(sim: Sim) -> None:
    with pytest.raises(QKDRequestRejected, match="SAE-Q is not reachable"):
        sim.client("SAE-A", sim.a).status("SAE-Q")


def test_pool_empty_and_link_down_are_unavailable(sim: Sim) -> None:
    alice = sim.client("SAE-A", sim.a, retries=1, backoff=0.001)
    for _ in range(1000 // 16):
        alice.enc_keys("SAE-B", number=16)
    with pytest.raises(QKDUnavailable, match=r"\(503\): not enough key material") as info:
        alice.enc_keys("SAE-B", number=16)
    assert info.value.status == 503
    sim.link.set_down()
    with pytest.raises(QKDUnavailable, match="QKD link is down"):
        alice.status("SAE-B")
    sim.link.set_down(False)
    assert alice.status("SAE-B").stored_key_count == 1000 % 16
    sim.link.fill(5)
    assert alice.status("SAE-B").stored_key_count == 5
    with pytest.raises(InvalidArgument, match="key_count must be"):
        sim.link.fill(1001)


def test_eavesdropping_stops_key_production(sim: Sim) -> None:
    sim.link.rate_bps = 256_000.0  # 1000 keys/s
    alice = sim.client("SAE-A", sim.a)
    alice.enc_keys("SAE-B", number=16)
    sim.link.set_error_rate(0.2)
    before = sim.link.stored_key_count()
    time.sleep(0.05)
    assert sim.link.stored_key_count() == before
    assert alice.status("SAE-B").status_extension["producing"] is False
    sim.link.set_error_rate(0.01)
    time.sleep(0.02)
    assert sim.link.stored_key_count() > before


def test_kme_down_then_back(sim: Sim) -> None:
    alice = sim.client("SAE-A", sim.a, retries=1, backoff=0.001, timeout=2)
    alice.status("SAE-B")  # leaves a kept-alive connection in the pool
    sim.a.stop()
    with pytest.raises(QKDUnavailable, match=r"unreachable|dropped"):
        alice.status("SAE-B")
    sim.a.start()
    assert alice.status("SAE-B").source_KME_ID == "KME-A"


def test_kme_identity_is_checked(sim: Sim) -> None:
    cert, key = sim.pki.saes["SAE-A"]
    wrong = KMEClient(sim.b.url, cert=cert, key=key, ca=sim.pki.ca, kme_id="KME-A")
    with pytest.raises(QKDError, match="is not KME 'KME-A'"):
        wrong.status("SAE-B")


def test_foreign_ca_is_refused(sim: Sim, tmp_path: object) -> None:
    from pathlib import Path

    other = make_test_pki(Path(str(tmp_path)) / "other", kmes=[], saes=["SAE-A"])
    client = KMEClient(sim.a.url, cert=other.saes["SAE-A"][0], key=other.saes["SAE-A"][1],
                       ca=other.ca, retries=0)
    with pytest.raises(QKDError, match="pinned CA does not vouch"):
        client.status("SAE-B")


def test_bad_arguments_are_rejected_before_any_request(sim: Sim) -> None:
    alice = sim.client("SAE-A", sim.a)
    with pytest.raises(InvalidArgument, match="SAE id"):
        alice.status("../etc")
    with pytest.raises(InvalidArgument, match="SAE id"):
        alice.status("SAE-B\n")
    with pytest.raises(InvalidArgument, match="number"):
        alice.enc_keys("SAE-B", number=0)
    with pytest.raises(InvalidArgument, match="UUID"):
        alice.dec_keys("SAE-A", ["not-a-uuid"])
    with pytest.raises(InvalidArgument, match="single key_ID"):
        alice.dec_keys("SAE-A", [str(uuid.uuid4()), str(uuid.uuid4())], method="GET")
    with pytest.raises(InvalidArgument, match="https"):
        KMEClient("http://127.0.0.1:1", cert="x", key="y", ca="z")
    with pytest.raises(InvalidArgument, match="cannot load"):
        KMEClient("https://127.0.0.1:1", cert="/nonexistent.pem", key="y", ca="z")

"""QKD + PQC hybrid envelopes between two sites, failover and one-time use."""

from __future__ import annotations

import threading
from collections.abc import Callable

import cbor2
import pytest

import agile
from agile import audit, qkd
from agile.errors import (
    DecryptionFailed,
    MalformedEnvelope,
    PolicyViolation,
    QKDRequestRejected,
    QKDUnavailable,
)

from .conftest import Sim, site_toml

Factory = Callable[..., agile.Context]


@pytest.fixture
def sites(sim: Sim, make_context: Factory) -> Callable[[str, str], tuple[agile.Context,
                                                                         agile.Context]]:
    def make(mode_a: str = "required", mode_b: str = "required") -> tuple[agile.Context,
                                                                         agile.Context]:
        return (make_context(site_toml(sim, site="A", mode=mode_a), "a.toml"),
                make_context(site_toml(sim, site="B", mode=mode_b), "b.toml"))
    return make


@pytest.fixture
def events() -> list[audit.AuditEvent]:
    seen: list[audit.AuditEvent] = []
    unsubscribe = audit.subscribe(seen.append)
    yield seen  # type: ignore[misc]
    unsubscribe()


def _header(sealed: bytes) -> dict[object, object]:
    protected = cbor2.loads(sealed).value[0]
    return cbor2.loads(protected)[qkd.QKD_HEADER]  # type: ignore[no-any-return]


def test_site_a_seals_site_b_opens(sim: Sim, sites: Callable[..., tuple[agile.Context,
                                                                         agile.Context]],
                                   events: list[audit.AuditEvent]) -> None:
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"wire transfer", b_key.public_key(), policy="link", aad=b"hdr", context=a)
    header = _header(sealed)
    assert header["kem"] == "MLKEM768-X25519"
    ref = header["qkd"]
    assert isinstance(ref, dict)
    assert (ref["master_SAE_ID"], ref["slave_SAE_ID"]) == ("SAE-A", "SAE-B")
    assert (ref["master_KME_ID"], ref["slave_KME_ID"]) == ("KME-A", "KME-B")
    assert sim.b.pending_count() == 1
    assert qkd.open(sealed, b_key, policy="link", aad=b"hdr", context=b) == b"wire transfer"
    assert sim.b.pending_count() == 0
    # the key was delivered once: opening again cannot fetch it
    with pytest.raises(QKDRequestRejected, match="key_ID_replayed"):
        qkd.open(sealed, b_key, policy="link", aad=b"hdr", context=b)
    ops = [e.operation for e in events]
    assert "qkd-seal" in ops and "qkd-open" in ops
    assert all(e.detail.count(ref["key_ID"]) <= 1 for e in events)


def test_tampering_and_wrong_inputs(sim: Sim, sites: Callable[..., tuple[agile.Context,
                                                                          agile.Context]]) -> None:
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    other = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"x", b_key.public_key(), policy="link", context=a)
    with pytest.raises(DecryptionFailed):
        qkd.open(sealed, other, policy="link", context=b)  # kid mismatch, before any KME call
    with pytest.raises(DecryptionFailed):
        qkd.open(sealed, b_key, policy="link", aad=b"other", context=b)
    with pytest.raises(MalformedEnvelope):
        qkd.open(sealed[:-1], b_key, policy="link", context=b)
    # a forged master SAE in the protected header: refused before the KME is asked
    forged = _rewrite(sealed, lambda h: h[qkd.QKD_HEADER]["qkd"].update(master_SAE_ID="SAE-C"))
    with pytest.raises(PolicyViolation, match="from SAE-C"):
        qkd.open(forged, b_key, policy="link", context=b)
    with pytest.raises(PolicyViolation, match="has no QKD link"):
        qkd.seal(b"x", b_key.public_key(), policy="plain", context=a)


def test_required_refuses_when_link_or_kme_is_down(sim: Sim, sites: Callable[
        ..., tuple[agile.Context, agile.Context]], events: list[audit.AuditEvent]) -> None:
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem").public_key()
    sim.link.set_down()
    with pytest.raises(QKDUnavailable, match=r"requires a QKD key.*nothing was sealed"):
        qkd.seal(b"x", b_key, policy="link", context=a)
    sim.link.set_down(False)
    sim.a.stop()
    with pytest.raises(QKDUnavailable, match="unreachable"):
        qkd.seal(b"x", b_key, policy="link", context=a)
    sim.a.start()
    assert qkd.seal(b"x", b_key, policy="link", context=a)
    ops = [e.operation for e in events]
    assert ops.count("qkd-unavailable") == 1 and ops.count("qkd-recovered") == 1
    assert ops.count("qkd-refused") == 2


def test_preferred_falls_back_and_recovers(sim: Sim, sites: Callable[
        ..., tuple[agile.Context, agile.Context]], events: list[audit.AuditEvent]) -> None:
    a, b = sites("preferred", "preferred")
    b_key = b.generate_keypair(policy="link", family="kem")
    sim.link.set_down()
    sealed = qkd.seal(b"fallback", b_key.public_key(), policy="link", context=a)
    assert _header(sealed)["qkd"] == "absent"
    fallback = [e for e in events if e.operation == "qkd-fallback"]
    assert len(fallback) == 1 and fallback[0].outcome == "fallback"
    assert qkd.open(sealed, b_key, policy="link", context=b) == b"fallback"
    sim.link.set_down(False)
    again = qkd.seal(b"quantum", b_key.public_key(), policy="link", context=a)
    assert isinstance(_header(again)["qkd"], dict)
    assert qkd.open(again, b_key, policy="link", context=b) == b"quantum"
    assert [e.operation for e in events].count("qkd-recovered") == 1
    # a required receiver does not accept the PQC-only fallback
    _, strict = sites("preferred", "required")
    with pytest.raises(PolicyViolation, match="requires QKD"):
        qkd.open(sealed, b_key, policy="link", context=strict)


def test_absent_is_bound_into_the_key(sim: Sim, sites: Callable[..., tuple[agile.Context,
                                                                            agile.Context]]) -> None:
    """Relabelling a QKD envelope as 'absent' (a downgrade) does not open."""
    a, b = sites("preferred", "preferred")
    b_key = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"x", b_key.public_key(), policy="link", context=a)
    relabelled = _rewrite(sealed, lambda h: h[qkd.QKD_HEADER].update(qkd="absent"))
    with pytest.raises(DecryptionFailed):
        qkd.open(relabelled, b_key, policy="link", context=b)


def test_one_time_use_under_concurrency(sim: Sim, sites: Callable[..., tuple[agile.Context,
                                                                              agile.Context]]) -> None:
    """8 threads x 200 seals: 1600 distinct key_IDs, pool and pending counts exact."""
    sim.link.max_key_count = 2000
    sim.link.fill()
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem").public_key()
    ids: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            mine = [str(_header(qkd.seal(b"m", b_key, policy="link", context=a))["qkd"]["key_ID"])
                    for _ in range(200)]
            with lock:
                ids.extend(mine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ids) == 1600 and len(set(ids)) == 1600
    assert sim.link.stored_key_count() == 2000 - 1600
    assert sim.b.pending_count() == 1600
    assert sim.a.delivered_count == 1600


def test_no_qkd_key_in_events_logs_or_reprs(sim: Sim, sites: Callable[
        ..., tuple[agile.Context, agile.Context]], events: list[audit.AuditEvent],
        caplog: pytest.LogCaptureFixture) -> None:
    import base64
    import logging

    caplog.set_level(logging.DEBUG)
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"x", b_key.public_key(), policy="link", context=a)
    key_id = _header(sealed)["qkd"]["key_ID"]  # type: ignore[index]
    material = sim.b._pending[key_id].material  # what KME-B holds for SAE-B
    qkd.open(sealed, b_key, policy="link", context=b)
    source = qkd.source_for(b.config.qkd_links["dc"])
    text = " ".join([caplog.text, repr(events), repr(source), repr(source.client),
                     repr(b.config.qkd_links["dc"])])
    for form in (material.hex(), base64.b64encode(material).decode()[:20]):
        assert form not in text
    assert key_id in text  # the key_ID is public and is what an auditor needs


def test_open_waits_for_the_receiving_kme(sim: Sim, sites: Callable[
        ..., tuple[agile.Context, agile.Context]]) -> None:
    """Site B's KME down: open fails clearly and the key stays for later; then it opens."""
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"later", b_key.public_key(), policy="link", context=a)
    sim.b.stop()
    with pytest.raises(QKDUnavailable, match="unreachable"):
        qkd.open(sealed, b_key, policy="link", context=b)
    sim.b.start()
    assert qkd.open(sealed, b_key, policy="link", context=b) == b"later"


def _rewrite(sealed: bytes, change: Callable[[dict[object, object]], None]) -> bytes:
    body = cbor2.loads(sealed)
    header = cbor2.loads(body.value[0])
    change(header)
    body.value[0] = cbor2.dumps(header)
    return cbor2.dumps(body)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("change", "error", "match"), [
    (lambda h: h.pop(qkd.QKD_HEADER), MalformedEnvelope, "lacks the QKD parameter"),
    (lambda h: h[qkd.QKD_HEADER].update(kem="ML-KEM-9000"), MalformedEnvelope, "unknown KEM"),
    (lambda h: h[qkd.QKD_HEADER].update(kem="ML-KEM-1024"), PolicyViolation, "does not accept"),
    (lambda h: h[qkd.QKD_HEADER]["qkd"].update(key_ID="42"), MalformedEnvelope, "malformed QKD"),
    (lambda h: h[qkd.QKD_HEADER]["qkd"].pop("slave_KME_ID"), MalformedEnvelope, "malformed QKD"),
    (lambda h: h.update({1: 1}), PolicyViolation, "does not accept the envelope's AEAD"),
])
def test_header_is_checked_before_any_key_is_touched(
        sim: Sim, sites: Callable[..., tuple[agile.Context, agile.Context]],
        change: Callable[[dict[object, object]], None], error: type[Exception],
        match: str) -> None:
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    sealed = qkd.seal(b"x", b_key.public_key(), policy="link", context=a)
    with pytest.raises(error, match=match):
        qkd.open(_rewrite(sealed, change), b_key, policy="link", context=b)
    assert sim.b.pending_count() == 1  # the QKD key was not fetched


def test_qkd_key_buffer_is_wiped_after_combination(
        sim: Sim, sites: Callable[..., tuple[agile.Context, agile.Context]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = sites()
    b_key = b.generate_keypair(policy="link", family="kem")
    seen: list[qkd.QKDKey] = []
    for name in ("key_for_peer", "key_by_id"):
        real = getattr(qkd.KeySource, name)

        def spy(self: qkd.KeySource, *args: object, _real: object = real, **kw: object) -> object:
            got = _real(self, *args, **kw)  # type: ignore[operator]
            seen.append(got[0] if isinstance(got, tuple) else got)
            return got

        monkeypatch.setattr(qkd.KeySource, name, spy)
    sealed = qkd.seal(b"x", b_key.public_key(), policy="link", context=a)
    assert qkd.open(sealed, b_key, policy="link", context=b) == b"x"
    assert len(seen) == 2
    assert all(len(k.material) == 32 and k.material == bytearray(32) for k in seen)

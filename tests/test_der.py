"""agile._der: the small DER reader/writer behind composite certificates and keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agile import _der


@given(st.lists(st.binary(max_size=300), max_size=5))
def test_encode_and_children_round_trip(bodies: list[bytes]) -> None:
    elements = [_der.encode(_der.OCTET_STRING, b) for b in bodies]
    outer = _der.encode(_der.SEQUENCE, b"".join(elements))
    assert _der.children(outer) == elements
    assert [_der.content(e, _der.OCTET_STRING) for e in elements] == bodies


@pytest.mark.parametrize("dotted", ["1.3.6.1.5.5.7.6.45", "2.16.840.1.101.3.4.3.18", "2.999.1",
                                    "1.2.840.113549.1.1.10", "0.0"])
def test_oid_round_trip(dotted: str) -> None:
    assert _der.oid_text(_der.oid(dotted)) == dotted


def test_oid_matches_a_known_encoding() -> None:
    # id-sha256 as it appears in every RSA-PSS certificate.
    assert _der.oid("2.16.840.1.101.3.4.2.1").hex() == "0609608648016503040201"


@pytest.mark.parametrize("bad", [
    b"", b"\x30", b"\x30\x05\x00", b"\x30\x81\x05\x00\x00\x00\x00\x00",  # truncated; non-minimal
    b"\x30\x80\x00\x00", b"\x1f\x01\x00", b"\x04\x00",  # indefinite; multi-byte tag; primitive
    b"\x30\x03\x04\x05\x00",  # child overruns its parent
])
def test_malformed_input_raises_value_error(bad: bytes) -> None:
    with pytest.raises(ValueError):
        _der.children(bad)


@pytest.mark.parametrize("bad", ["1", "3.1", "1.40", "a.b"])
def test_invalid_oids(bad: str) -> None:
    with pytest.raises(ValueError):
        _der.oid(bad)

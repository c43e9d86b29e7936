"""The little DER (X.690) agile writes itself: splicing X.509 and PKCS#8 structures.

Only definite-length, single-byte-tag elements: enough for certificates and PKCS#8, whose outer
structures are SEQUENCEs of such elements. Malformed input raises ``ValueError``.

>>> children(encode(SEQUENCE, encode(INTEGER, b"\\x00")))
[b'\\x02\\x01\\x00']
"""

from __future__ import annotations

SEQUENCE, INTEGER, BIT_STRING, OCTET_STRING, OID = 0x30, 0x02, 0x03, 0x04, 0x06


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, body: bytes) -> bytes:
    """One element: ``tag``, the definite length of ``body``, ``body``."""
    return bytes([tag]) + _length(len(body)) + body


def read(data: bytes, pos: int = 0) -> tuple[int, int, int]:
    """(tag, start of content, end of element) of the element at ``pos``."""
    if pos + 2 > len(data):
        raise ValueError("truncated DER element")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte DER tags are not supported")
    start = pos + 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise ValueError("invalid DER length")
        size = int.from_bytes(data[start:start + count], "big")
        start += count
        if size < 0x80 or data[pos + 2] == 0:
            raise ValueError("non-minimal DER length")
    end = start + size
    if end > len(data):
        raise ValueError("truncated DER element")
    return tag, start, end


def children(element: bytes) -> list[bytes]:
    """The complete elements inside constructed ``element`` (which must span all of its bytes)."""
    tag, start, end = read(element)
    if not tag & 0x20 or end != len(element):
        raise ValueError("not a single constructed DER element")
    out, pos = [], start
    while pos < end:
        _tag, _start, stop = read(element, pos)
        out.append(element[pos:stop])
        pos = stop
    return out


def content(element: bytes, tag: int) -> bytes:
    """The content of ``element``, which must be exactly one element with ``tag``."""
    found, start, end = read(element)
    if found != tag or end != len(element):
        raise ValueError(f"expected one DER element with tag 0x{tag:02x}")
    return element[start:end]


def oid(dotted: str) -> bytes:
    """The OBJECT IDENTIFIER element for ``"1.2.3"``."""
    arcs = [int(a) for a in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39):
        raise ValueError(f"invalid OID {dotted!r}")
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return encode(OID, bytes(body))


def oid_text(element: bytes) -> str:
    """The dotted text of an OBJECT IDENTIFIER element (the inverse of :func:`oid`)."""
    body = content(element, OID)
    arcs, value = [], 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs or value or body[-1] & 0x80:
        raise ValueError("malformed OID")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))

"""COSE envelopes (RFC 9052): self-describing output with protected ``alg`` and ``kid``."""

from ._cose import (
    TAG_ENCRYPT0,
    TAG_SIGN1,
    Parsed,
    enc_structure,
    encode_encrypt0,
    encode_sign1,
    parse,
    protected_header,
    sig_structure,
)

__all__ = [
    "TAG_ENCRYPT0",
    "TAG_SIGN1",
    "Parsed",
    "enc_structure",
    "encode_encrypt0",
    "encode_sign1",
    "parse",
    "protected_header",
    "sig_structure",
]

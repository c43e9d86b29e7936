"""Type aliases shared across agile, and the one check that a value is bytes-like."""

from __future__ import annotations

from typing import TypeAlias

from cryptography.utils import Buffer as _Buffer

from .errors import InvalidArgument

#: Anything exposing the buffer protocol (bytes, bytearray, memoryview...). Outputs are ``bytes``.
Buffer: TypeAlias = _Buffer


def as_bytes(value: object, name: str, error: type[Exception] = InvalidArgument) -> bytes:
    """``value`` as bytes if it is bytes, bytearray or memoryview, else ``error``.

    >>> as_bytes(bytearray(b"x"), "data")
    b'x'
    """
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise error(f"{name} must be bytes-like, not {type(value).__name__}")

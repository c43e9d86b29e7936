"""Type aliases shared across agile."""

from __future__ import annotations

from typing import TypeAlias

from cryptography.utils import Buffer as _Buffer

#: Anything exposing the buffer protocol (bytes, bytearray, memoryview...). Outputs are ``bytes``.
Buffer: TypeAlias = _Buffer

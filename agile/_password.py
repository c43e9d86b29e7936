"""Password hashes as PHC strings, so the algorithm and its parameters travel with the hash.

>>> h = PasswordHasher()
>>> h.parse("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0c2FsdA$" + "A" * 43)[0].name
'PBKDF2-HMAC-SHA256'
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
from typing import Any

from . import algorithms
from ._types import Buffer
from .algorithms import Algorithm
from .errors import InvalidArgument, InvalidPassword

_PHC_IDS = {"argon2id": "Argon2id", "scrypt": "scrypt", "pbkdf2-sha256": "PBKDF2-HMAC-SHA256",
            "pbkdf2-sha512": "PBKDF2-HMAC-SHA512", "pbkdf2-sha1": "PBKDF2-HMAC-SHA1"}
_IDS = {v: k for k, v in _PHC_IDS.items()}
# parameter name in the PHC string -> (registry parameter name, upper bound against DoS)
_PARAMS: dict[str, dict[str, tuple[str, int]]] = {
    "Argon2id": {"m": ("memory_cost_kib", 1 << 22), "t": ("iterations", 64), "p": ("lanes", 64)},
    "scrypt": {"ln": ("n", 24), "r": ("r", 64), "p": ("p", 64)},
    "PBKDF2-HMAC-SHA256": {"i": ("iterations", 10_000_000)},
    "PBKDF2-HMAC-SHA512": {"i": ("iterations", 10_000_000)},
    "PBKDF2-HMAC-SHA1": {"i": ("iterations", 10_000_000)},
}
_PHC = re.compile(r"^\$([a-z0-9-]+)(?:\$v=(\d+))?\$([a-z]+=\d+(?:,[a-z]+=\d+)*)\$([A-Za-z0-9+/]+)"
                  r"\$([A-Za-z0-9+/]+)$")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgument("malformed password hash: bad base64") from None


def _password_bytes(password: str | Buffer) -> bytes:
    if isinstance(password, str):
        return password.encode("utf-8")
    if isinstance(password, bytes | bytearray | memoryview):
        return bytes(password)
    raise InvalidArgument("password must be str or bytes")


class PasswordHasher:
    """Formats and parses PHC strings; the derivation itself runs in a provider scheme."""

    def _scheme_params(self, alg: Algorithm) -> dict[str, int]:
        return {k: int(str(v)) for k, v in alg.params.items() if k != "hash"}

    def hash(self, scheme: Any, alg: Algorithm, password: str | Buffer) -> str:
        params = self._scheme_params(alg)
        salt = os.urandom(params.get("salt_size", 16))
        length = alg.output_size or 32
        digest = scheme.derive(_password_bytes(password), salt, length=length, params=params)
        return self._format(alg, params, salt, digest)

    def _format(self, alg: Algorithm, params: dict[str, int], salt: bytes, digest: bytes) -> str:
        if alg.name == "Argon2id":
            fields = f"v=19$m={params['memory_cost_kib']},t={params['iterations']},p={params['lanes']}"
        elif alg.name == "scrypt":
            fields = f"ln={params['n'].bit_length() - 1},r={params['r']},p={params['p']}"
        else:
            fields = f"i={params['iterations']}"
        return f"${_IDS[alg.name]}${fields}${_b64(salt)}${_b64(digest)}"

    def parse(self, encoded: str) -> tuple[Algorithm, dict[str, Any]]:
        """(algorithm, {"params", "salt", "digest"}) from a PHC string, strictly."""
        if not isinstance(encoded, str):
            raise InvalidArgument("password hash must be a str")
        match = _PHC.match(encoded)
        if match is None or match.group(1) not in _PHC_IDS:
            raise InvalidArgument("malformed or unsupported password hash")
        alg = algorithms.get(_PHC_IDS[match.group(1)])
        if (match.group(2) is not None) != (alg.name == "Argon2id") or \
                (match.group(2) is not None and match.group(2) != "19"):
            raise InvalidArgument("malformed password hash: bad version field")
        spec = _PARAMS[alg.name]
        params: dict[str, int] = {}
        for item in match.group(3).split(","):
            name, _, value = item.partition("=")
            if name not in spec or spec[name][0] in params:
                raise InvalidArgument(f"malformed password hash: unexpected parameter {name!r}")
            number = int(value)
            if not 1 <= number <= spec[name][1]:
                raise InvalidArgument(f"password hash parameter {name} out of range")
            params[spec[name][0]] = (1 << number) if name == "ln" else number
        if len(params) != len(spec):
            raise InvalidArgument("malformed password hash: missing parameters")
        salt, digest = _unb64(match.group(4)), _unb64(match.group(5))
        if not 8 <= len(salt) <= 64 or not 16 <= len(digest) <= 64:
            raise InvalidArgument("password hash salt or digest has an invalid length")
        return alg, {"params": params, "salt": salt, "digest": digest}

    def verify(self, scheme: Any, password: str | Buffer, encoded: str) -> None:
        _, parts = self.parse(encoded)
        digest = scheme.derive(_password_bytes(password), parts["salt"],
                               length=len(parts["digest"]), params=parts["params"])
        if not hmac.compare_digest(digest, parts["digest"]):
            raise InvalidPassword()

    def needs_rehash(self, current: Algorithm, encoded: str) -> bool:
        alg, parts = self.parse(encoded)
        if alg is not current:
            return True
        wanted = {k: v for k, v in self._scheme_params(alg).items() if k != "salt_size"}
        return bool(parts["params"] != wanted)

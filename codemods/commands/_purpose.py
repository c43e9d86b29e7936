"""Purpose-derived policy names: what a call site is *for*, read from the names around it.

A security lead flips "the policy for session tokens", not "the policy for HMAC-SHA256", so a
rewritten call is named after its purpose when the code says it clearly: the variable the result
is assigned to, then the enclosing functions, then the enclosing classes, then the module's file
name. The first of those levels whose words name exactly one purpose wins; a level naming two
purposes (``password_reset_token``... is both) makes the purpose unclear, and the caller falls
back to a name derived from the algorithm.

>>> purpose_of([["sig"], ["sign_webhook_payload"], ["Handlers"]])
'webhook'
>>> purpose_of([["digest"], ["compute"]]) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["PURPOSES", "purpose_of", "words"]

#: purpose (the generated policy name) -> the identifier words (or word pairs) that name it.
#: Pairs are matched before single words; words are compared lower-cased.
PURPOSES: dict[str, tuple[str | tuple[str, str], ...]] = {
    "password-reset": (("password", "reset"), ("reset", "password")),
    "password": ("password", "passwords", "passwd", "passphrase", "pwd"),
    "api-key": (("api", "key"), ("api", "keys"), "apikey", "apikeys"),
    "cache-key": (("cache", "key"), ("cache", "keys"), "etag", "etags"),
    "signed-url": (("signed", "url"), ("signed", "urls"), "presign", "presigned"),
    "token": ("token", "tokens", "jwt", "jwts", "jws", "jwe", "bearer"),
    "session": ("session", "sessions", "cookie", "cookies"),
    "webhook": ("webhook", "webhooks"),
    "csrf": ("csrf", "xsrf"),
    "otp": ("otp", "totp", "hotp", "mfa"),
    "fingerprint": ("fingerprint", "fingerprints", "thumbprint", "thumbprints"),
    "checksum": ("checksum", "checksums", "integrity"),
    "backup": ("backup", "backups"),
    "license": ("license", "licence", "licenses", "licences"),
    "email": ("email", "emails", "dkim"),
    "upload": ("upload", "uploads"),
    "dedup": ("dedup", "deduplicate", "deduplication"),
}

_PAIRS = {pair: purpose for purpose, names in PURPOSES.items()
          for pair in names if isinstance(pair, tuple)}
_WORDS = {word: purpose for purpose, names in PURPOSES.items()
          for word in names if isinstance(word, str)}
_SPLIT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(identifier: str) -> list[str]:
    """``"signWebhook_payloadV2"`` -> ``["sign", "webhook", "payload", "v", "2"]``."""
    return [w.lower() for w in _SPLIT.findall(identifier)]


def _purposes(identifier: str) -> set[str]:
    found: set[str] = set()
    parts = words(identifier)
    i = 0
    while i < len(parts):
        pair = _PAIRS.get((parts[i], parts[i + 1])) if i + 1 < len(parts) else None
        if pair is not None:
            found.add(pair)
            i += 2
            continue
        single = _WORDS.get(parts[i])
        if single is not None:
            found.add(single)
        i += 1
    return found


def purpose_of(levels: Sequence[Sequence[str]]) -> str | None:
    """The purpose named by the innermost level that names any; None when that level is
    ambiguous or no level names one."""
    for level in levels:
        found: set[str] = set()
        for identifier in level:
            found |= _purposes(identifier)
        if found:
            return found.pop() if len(found) == 1 else None
    return None

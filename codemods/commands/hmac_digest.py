"""``hmac.new(key, msg, hashlib.sha256).digest()`` and ``hmac.digest(key, msg, "sha256")`` ->
``agile.raw.hmac(key, msg, policy="hmac-sha256")`` (``.hexdigest()`` -> ``.hex()``).

HMAC objects updated incrementally, or compared with ``.verify``-like helpers, are reported and
left alone.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import hash_token, only_args, positional, raw_call, with_hash
from .hashing import consumed_by_digest, digest_of, finish

__all__ = ["HmacToAgile"]

_DIGESTS = ("digest", "hexdigest")
_CTOR = frozenset({"hmac.new", "hmac.HMAC"})
_SLOTS = [(0, "key"), (1, "msg"), (2, "digestmod")]


def _mac(cmd: AgileCommand, original: cst.Call, updated: cst.Call, digest_kw: str,
         method: str) -> Outcome:
    why = only_args(original.args, [(0, "key"), (1, "msg"), (2, digest_kw)])
    if why is not None:
        return Skipped(why)
    key = find_arg(original.args, 0, "key")
    msg = find_arg(original.args, 1, "msg")
    digest = find_arg(original.args, 2, digest_kw)
    if key is None or digest is None:
        return Skipped("key or digest argument missing")
    if msg is None or cmd.resolver.value(msg.value).literal is None:
        return Skipped("no message given to the constructor (updated later)")
    token = hash_token(cmd, digest.value)
    if token is None:
        return Skipped("the digest is not a literal hash name or hashlib constructor")
    alg = with_hash("mac", token)
    if alg is None:
        return Skipped(f"HMAC with {token} is not in agile's algorithm registry")
    args = [positional(updated.args[original.args.index(a)]) for a in (key, msg)]
    policy = cmd.policy_for(alg)
    return Rewritten(finish(raw_call("hmac", args, policy), method), "mac", alg.name, policy,
                     (original.func, digest.value))


class _HmacNewDigest:
    pattern = "hmac.new digest"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        digest = digest_of(original)
        if digest is None or original.args or not cmd.qualified_names(digest[0].func) & _CTOR:
            return None
        inner = updated.func.value  # type: ignore[attr-defined]
        return _mac(cmd, digest[0], inner, "digestmod", digest[1])


class _HmacDigestFunction:
    pattern = "hmac.digest"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if "hmac.digest" not in cmd.qualified_names(original.func):
            return None
        return _mac(cmd, original, updated, "digest", "digest")


class _HmacObject:
    pattern = "hmac object"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not cmd.qualified_names(original.func) & _CTOR or consumed_by_digest(
                cmd, original, _DIGESTS):
            return None
        return Skipped("the HMAC object is updated or passed on; only "
                       "hmac.new(key, msg, digestmod).digest() is rewritten")


class HmacToAgile(AgileCommand):
    DESCRIPTION = "hmac.new(...).digest() / hmac.digest(...) -> agile.raw.hmac(key, msg, policy=...)."
    RULES = (_HmacNewDigest(), _HmacDigestFunction(), _HmacObject())
    TRIGGERS = ("hmac",)

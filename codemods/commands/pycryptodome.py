"""PyCryptodome (``Crypto``/``Cryptodome``) hashes and HMAC onto ``agile.raw``.

``SHA256.new(data).digest()`` -> ``agile.raw.hash(data, policy="sha-256")`` (``hexdigest()`` ->
``.hex()``); ``HMAC.new(key, msg, digestmod=SHA256).digest()`` -> ``agile.raw.hmac(key, msg,
policy="hmac-sha256")``. Objects updated later, and everything else PyCryptodome offers (AES
modes, PKCS1_OAEP, pkcs1_15/pss signers), are left alone and reported.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ..scanner._tables import VALUES
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import only_args, positional, raw_call
from .hashing import consumed_by_digest, digest_of, finish
from .hmac_digest import _mac

__all__ = ["PycryptodomeToAgile"]

_DIGESTS = ("digest", "hexdigest")
_PREFIXES = ("Crypto.Hash.", "Cryptodome.Hash.")
_HMAC = frozenset({f"{p}HMAC.new" for p in _PREFIXES})


def _hash_constructor(cmd: AgileCommand, call: cst.Call) -> str | None:
    """The hash token of ``SHA256.new(...)``-style calls; None if ``call`` is not one."""
    for name in sorted(cmd.qualified_names(call.func)):
        if name.startswith(_PREFIXES) and name.endswith(".new") and name in VALUES["hash"]:
            return VALUES["hash"][name]
    return None


class _DomeDigest:
    pattern = "PyCryptodome hash digest"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        digest = digest_of(original)
        if digest is None:
            return None
        ctor, method = digest
        token = _hash_constructor(cmd, ctor)
        if token is None:
            return None
        why = only_args(ctor.args, [(0, "data")])
        if why is not None or original.args:
            return Skipped(why or "unexpected arguments to digest()")
        data = find_arg(ctor.args, 0, "data")
        if data is None:
            return Skipped("no data given to new()")
        alg = cmd.registry_algorithm(token, "hash")
        if isinstance(alg, str):
            return Skipped(alg)
        new_data = updated.func.value.args[ctor.args.index(data)]  # type: ignore[attr-defined]
        policy = cmd.policy_for(alg)
        node = finish(raw_call("hash", [positional(new_data)], policy), method)
        return Rewritten(node, "hash", alg.name, policy, (ctor.func,))


class _DomeHmac:
    pattern = "PyCryptodome HMAC digest"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        digest = digest_of(original)
        if digest is None or original.args or not cmd.qualified_names(digest[0].func) & _HMAC:
            return None
        return _mac(cmd, digest[0], updated.func.value,  # type: ignore[attr-defined]
                    "digestmod", digest[1])


class _DomeObject:
    pattern = "PyCryptodome hash object"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        is_hash = _hash_constructor(cmd, original) is not None
        if not (is_hash or cmd.qualified_names(original.func) & _HMAC) or consumed_by_digest(
                cmd, original, _DIGESTS) or (is_hash and cmd.consumed_by_rewrites(original)):
            return None  # a digest; or a signer's hash that the signature rewrite re-reads
        return Skipped("the hash object is updated or passed on; only X.new(data).digest() is "
                       "rewritten")


class PycryptodomeToAgile(AgileCommand):
    DESCRIPTION = "PyCryptodome X.new(data).digest() and HMAC.new(...).digest() -> agile.raw."
    RULES = (_DomeDigest(), _DomeHmac(), _DomeObject())
    TRIGGERS = ("Crypto", "Cryptodome")

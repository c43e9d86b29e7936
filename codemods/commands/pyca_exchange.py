"""pyca key agreement onto ``agile.raw.exchange`` when the private key's type is visible.

``key.exchange(peer)`` (X25519, X448) and ``key.exchange(ec.ECDH(), peer)`` (NIST curves) ->
``agile.raw.exchange(key, peer, policy="x25519")``: the same raw shared secret, the key-agreement
algorithm chosen by policy. The key must come from a call the scanner can follow
(``X25519PrivateKey.generate()``, ``ec.generate_private_key(ec.SECP256R1())``...).
"""

from __future__ import annotations

import libcst as cst

from agile import algorithms

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import only_args, positional, raw_call

__all__ = ["ExchangeToAgile"]

_A = "cryptography.hazmat.primitives.asymmetric."
_METHODS = {f"{_A}x25519.X25519PrivateKey.exchange", f"{_A}x448.X448PrivateKey.exchange",
            f"{_A}ec.EllipticCurvePrivateKey.exchange"}


class _Exchange:
    pattern = "pyca exchange"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not (isinstance(original.func, cst.Attribute)
                and original.func.attr.value == "exchange"):
            return None
        described = cmd.detector.describe(original)
        if described is None or described.api_name not in _METHODS:
            return None
        params = dict(described.params)
        ecdh = described.api_name.startswith(f"{_A}ec.")
        slots = [(0, "algorithm"), (1, "peer_public_key")] if ecdh else [(0, "peer_public_key")]
        why = only_args(original.args, slots)
        if why is not None or len(original.args) != len(slots):
            return Skipped(why or "exchange needs exactly its documented arguments")
        dropped: tuple[cst.BaseExpression, ...] = ()
        if ecdh:
            algorithm = find_arg(original.args, 0, "algorithm")
            value = cmd.resolver.value(algorithm.value) if algorithm is not None else None
            call = value.call if value is not None else None
            if call is None or f"{_A}ec.ECDH" not in cmd.qualified_names(call.func) or call.args:
                return Skipped("the exchange algorithm is not a visible ec.ECDH()")
            dropped = (algorithm.value,)  # type: ignore[union-attr]
        key_type = params.get("key_algorithm")
        if not isinstance(key_type, str) or key_type in ("EC", "unknown"):
            return Skipped("the key's type or curve is not visible in the source")
        found = [a for a in algorithms.in_family("key-agreement") if a.key_type == key_type]
        if len(found) != 1:
            return Skipped(f"no {key_type} key agreement in agile's registry")
        alg = found[0]
        peer = find_arg(original.args, len(slots) - 1, "peer_public_key")
        assert peer is not None
        args = [cst.Arg(updated.func.value),  # type: ignore[attr-defined]
                positional(updated.args[original.args.index(peer)])]
        policy = cmd.policy_for(alg)
        return Rewritten(raw_call("exchange", args, policy), "key-agreement", alg.name, policy,
                         dropped)


class ExchangeToAgile(AgileCommand):
    DESCRIPTION = "pyca X25519/X448/ECDH exchange -> agile.raw.exchange."
    RULES = (_Exchange(),)
    TRIGGERS = ("cryptography",)

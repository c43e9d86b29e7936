"""pyca key generation and loading onto ``agile.raw``, under the policy of the key's own uses.

``key = rsa.generate_private_key(public_exponent=65537, key_size=2048)`` followed by
``key.sign(data, padding.PSS(...), hashes.SHA256())`` becomes ``key =
agile.raw.generate_private_key(policy="rsa-pss-sha256", slot="signature", rsa_bits=2048)`` and
``agile.raw.sign(key, data, policy="rsa-pss-sha256")``: the key and its uses share one policy,
so the security lead's flip changes both. Likewise ``ec.generate_private_key(curve)``,
``Ed25519/Ed448/X25519/X448PrivateKey.generate()`` and ``serialization.load_pem/der_private/
public_key(...)`` (which then refuse a key the policy does not accept).

The returned objects are the same pyca keys as before, so every other use (``public_key()``,
``private_bytes()``...) behaves identically. A key is only moved when it is bound once to a local
name, every sign/verify/encrypt/decrypt/exchange on it is rewritten too, they all agree on one
policy, and it goes nowhere else (returned, stored, passed on: its consumer may expect today's
key type after the policy changes). Everything else is left and reported.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import keyword, only_args, raw_call
from .pyca_asymmetric import RsaOaepToAgile, SignaturesToAgile
from .pyca_exchange import ExchangeToAgile

__all__ = ["KeysToAgile"]

_A = "cryptography.hazmat.primitives.asymmetric."
_S = "cryptography.hazmat.primitives.serialization."
_GENERATORS = {f"{_A}rsa.generate_private_key", f"{_A}ec.generate_private_key",
               *(f"{_A}{m}.{c}PrivateKey.generate" for m, c in (
                   ("ed25519", "Ed25519"), ("ed448", "Ed448"), ("x25519", "X25519"),
                   ("x448", "X448")))}
#: loader -> (argument slots, private?)
_LOADERS: dict[str, tuple[list[tuple[int, str]], bool]] = {
    f"{_S}load_pem_private_key": ([(0, "data"), (1, "password"), (2, "backend")], True),
    f"{_S}load_der_private_key": ([(0, "data"), (1, "password"), (2, "backend")], True),
    f"{_S}load_pem_public_key": ([(0, "data"), (1, "backend")], False),
    f"{_S}load_der_public_key": ([(0, "data"), (1, "backend")], False),
}
_CRYPTO_METHODS = frozenset({"sign", "verify", "encrypt", "decrypt", "exchange"})
#: Uses that read the key without depending on which algorithm the policy picks later.
#: The rules whose rewrite of a use decides the key's policy.
_USE_RULES = (*SignaturesToAgile.RULES, *RsaOaepToAgile.RULES, *ExchangeToAgile.RULES)
_NEUTRAL = frozenset({"public_key", "private_bytes", "public_bytes", "key_size", "curve",
                      "private_numbers", "public_numbers", "private_bytes_raw",
                      "public_bytes_raw"})


def _uses(cmd: AgileCommand, name: cst.Name) -> list[cst.Call] | str:
    """The sign/verify/encrypt/decrypt/exchange calls on the key bound to ``name``, or why the
    key's uses cannot be followed."""
    scope = cmd.get_metadata(ScopeProvider, name, None)
    bindings = list(scope[name.value]) if scope is not None else []
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment) or \
            name.value in cmd.declared_global_or_nonlocal:
        return f"the key {name.value!r} is bound more than once"
    calls: list[cst.Call] = []
    for access in bindings[0].references:
        attribute = cmd.parent(access.node)
        if not isinstance(attribute, cst.Attribute) or attribute.value is not access.node:
            return f"the key {name.value!r} goes on elsewhere (returned, stored or passed)"
        method = attribute.attr.value
        call = cmd.parent(attribute)
        if method in _CRYPTO_METHODS and isinstance(call, cst.Call) and call.func is attribute:
            calls.append(call)
        elif method not in _NEUTRAL:
            return f"the key's {method} use is not one agile migrate can follow"
    if not calls:
        return f"no sign/verify/encrypt/decrypt/exchange of {name.value!r} in its scope says " \
               "which policy the key serves"
    return calls


def _policy_of_uses(cmd: AgileCommand, calls: list[cst.Call]) -> Rewritten | str:
    """The one (policy, slot, algorithm) the rewrites of ``calls`` name, or why there is none."""
    found: list[Rewritten] = []
    saved = cmd._purpose_at
    try:
        for call in calls:
            cmd._purpose_at = call  # each use is named after its own purpose, as when rewritten
            # only rules this command runs count: a use left pyca next to a rewritten generation
            # would lose the key type the scanner needs to rewrite it in a later run
            outcomes = [rule(cmd, call, call) for rule in _USE_RULES if rule in cmd.RULES]
            done = next((o for o in outcomes if isinstance(o, Rewritten)), None)
            if done is None:
                skipped = next((o for o in outcomes if isinstance(o, Skipped)), None)
                why = f": {skipped.reason}" if skipped is not None else ""
                return f"a use of the key (line {cmd.line_of(call)}) is not rewritten{why}"
            found.append(done)
    finally:
        cmd._purpose_at = saved
    if len({(r.policy, r.slot, r.algorithm) for r in found}) != 1:
        return "the key's uses name different policies"
    return found[0]


def _key_type(cmd: AgileCommand, call: cst.Call) -> str | None:
    described = cmd.detector.describe(call)
    params = dict(described.params) if described is not None else {}
    kind = params.get("key_type")
    if kind == "EC":
        curve = params.get("curve")
        return f"EC-{curve}" if isinstance(curve, str) and curve != "unknown" else None
    return kind if isinstance(kind, str) else None


class _Generate:
    pattern = "pyca key generation"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        names = cmd.qualified_names(original.func)
        if not names & _GENERATORS:
            return None
        rsa = f"{_A}rsa.generate_private_key" in names
        bits: Any = None
        if rsa:
            why = only_args(original.args, [(0, "public_exponent"), (1, "key_size"),
                                            (2, "backend")])
            if why is not None:
                return Skipped(why)
            exponent = find_arg(original.args, 0, "public_exponent")
            size = find_arg(original.args, 1, "key_size")
            if exponent is None or cmd.resolver.value(exponent.value).literal != 65537:
                return Skipped("the public exponent is not visibly 65537 (agile's RSA keys use "
                               "65537)")
            bits = cmd.resolver.value(size.value).literal if size is not None else None
            if type(bits) is not int:
                return Skipped("the RSA key size is not visible in the source")
        elif only_args(original.args, [(0, "curve"), (1, "backend")]) is not None:
            return Skipped("unsupported arguments")
        return _rewrite(cmd, original, "generate_private_key", [], bits)


class _Load:
    pattern = "pyca key loading"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        names = cmd.qualified_names(original.func)
        loader = next((n for n in sorted(names) if n in _LOADERS), None)
        if loader is None:
            return None
        slots, private = _LOADERS[loader]
        why = only_args(original.args, slots)
        data = find_arg(original.args, 0, "data")
        password = find_arg(original.args, 1, "password") if private else None
        if why is not None or data is None or (private and password is None):
            return Skipped(why or "the key data or password argument is missing")
        args = [cst.Arg(updated.args[original.args.index(data)].value)]
        if password is not None:
            args.append(cst.Arg(updated.args[original.args.index(password)].value))
        return _rewrite(cmd, original, loader.rsplit(".", 1)[-1], args, None)


def _rewrite(cmd: AgileCommand, original: cst.Call, function: str, args: list[cst.Arg],
             rsa_bits: int | None) -> Outcome:
    stmt = cmd.parent(original)
    target = stmt.targets[0].target if isinstance(stmt, cst.Assign) and len(
        stmt.targets) == 1 and stmt.value is original else None
    if not isinstance(target, cst.Name):
        return Skipped("the key is not assigned to one local name whose uses can be followed")
    calls = _uses(cmd, target)
    if isinstance(calls, str):
        return Skipped(calls)
    use = _policy_of_uses(cmd, calls)
    if isinstance(use, str):
        return Skipped(use)
    if function == "generate_private_key":
        made = _key_type(cmd, original)
        if made is None:
            return Skipped("the key type or curve is not visible in the source")
        wanted = cmd.registry_algorithm(use.algorithm, use.slot)
        if isinstance(wanted, str) or wanted.key_type != made:
            return Skipped(f"the key is {made}, its uses pin {use.algorithm}")
    extra = [keyword("slot", cst.SimpleString(f'"{use.slot}"'))]
    if rsa_bits is not None:
        extra.append(keyword("rsa_bits", cst.Integer(str(rsa_bits))))
    call = raw_call(function, args, use.policy)
    call = call.with_changes(args=[*call.args, *extra])
    return Rewritten(call, use.slot, use.algorithm, use.policy, (original.func,))


class KeysToAgile(AgileCommand):
    DESCRIPTION = ("pyca key generation and loading -> agile.raw.generate_private_key / "
                   "load_*_key, under the policy of the key's (rewritten) uses.")
    RULES = (_Generate(), _Load())
    TRIGGERS = ("cryptography",)

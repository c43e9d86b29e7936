"""``hashlib.sha256(data).digest()`` -> ``agile.raw.hash(data, policy="sha-256")``.

Also ``hashlib.new("sha256", data)``, ``.hexdigest()`` (-> ``.hex()``) and SHAKE's
``.digest(n)`` (-> ``length=n``). Hash objects that are updated incrementally or passed on are
left alone and reported: their use cannot be followed.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ..scanner._tables import VALUES
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import keyword, only_args, positional, raw_call

__all__ = ["HashlibToAgile", "consumed_by_digest", "digest_of", "finish", "hashlib_constructor"]

_DIGESTS = ("digest", "hexdigest")


def hashlib_constructor(cmd: AgileCommand, call: cst.Call) -> tuple[str | None, int] | None:
    """(hash token or None if unreadable, position of the data argument) for a hashlib
    constructor call; None if ``call`` is not one."""
    names = cmd.qualified_names(call.func)
    if "hashlib.new" in names:
        first = find_arg(call.args, 0, "name")
        literal = cmd.resolver.value(first.value).literal if first is not None else None
        token = VALUES["hash"].get(literal.lower()) if isinstance(literal, str) else None
        return token, 1
    for name in sorted(names):
        if name.startswith("hashlib.") and name in VALUES["hash"]:
            return VALUES["hash"][name], 0
    return None


def consumed_by_digest(cmd: AgileCommand, call: cst.Call, methods: tuple[str, ...]) -> bool:
    """True if ``call`` is the receiver of an immediate ``.digest()``-like call."""
    parent = cmd.parent(call)
    if not (isinstance(parent, cst.Attribute) and parent.attr.value in methods):
        return False
    grand = cmd.parent(parent)
    return isinstance(grand, cst.Call) and grand.func is parent


def finish(call: cst.Call, method: str) -> cst.BaseExpression:
    """``call`` for ``.digest()``, ``call.hex()`` for ``.hexdigest()``."""
    if method == "hexdigest":
        return cst.Call(func=cst.Attribute(call, cst.Name("hex")))
    return call


def digest_of(call: cst.Call) -> tuple[cst.Call, str] | None:
    """(constructor call, method) for ``<ctor>(...).digest()`` / ``.hexdigest()``."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in _DIGESTS \
            and isinstance(func.value, cst.Call):
        return func.value, func.attr.value
    return None


class _HashlibDigest:
    pattern = "hashlib digest"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        digest = digest_of(original)
        if digest is None:
            return None
        ctor, method = digest
        found = hashlib_constructor(cmd, ctor)
        if found is None:
            return None
        token, data_pos = found
        if token is None:
            return Skipped("the hash name is not a literal")
        slots = [(data_pos, "data"), (data_pos, "string"), (None, "usedforsecurity")]
        if data_pos:
            slots.append((0, "name"))
        why = only_args(ctor.args, slots)
        if why is not None:
            return Skipped(why)
        security = find_arg(ctor.args, None, "usedforsecurity")
        if security is not None and cmd.resolver.value(security.value).literal is not True:
            return Skipped("usedforsecurity=False: not a security use")
        data = find_arg(ctor.args, data_pos, "data") or find_arg(ctor.args, data_pos, "string")
        if data is None:
            return Skipped("no data given to the constructor")
        alg = cmd.registry_algorithm(token, "hash")
        if isinstance(alg, str):
            return Skipped(alg)
        updated_ctor = updated.func.value  # type: ignore[attr-defined]
        new_data = updated_ctor.args[ctor.args.index(data)]
        args = [positional(new_data)]
        if token.startswith("SHAKE"):  # hashlib's XOFs take digest(length)
            length = find_arg(original.args, 0, "length")
            if length is None or len(original.args) != 1:
                return Skipped(f"{alg.name} digest needs exactly one length argument")
            args.append(keyword("length", updated.args[0].value))
        elif original.args:
            return Skipped("unexpected arguments to digest()")
        policy = cmd.policy_for(alg)
        node = finish(raw_call("hash", args, policy), method)
        return Rewritten(node, "hash", alg.name, policy, (ctor.func,))


class _HashlibObject:
    pattern = "hashlib object"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if hashlib_constructor(cmd, original) is None or consumed_by_digest(cmd, original,
                                                                             _DIGESTS):
            return None
        return Skipped("the hash object is updated or passed on; only "
                       "hashlib.X(data).digest() is rewritten")


class HashlibToAgile(AgileCommand):
    DESCRIPTION = "hashlib.X(data).digest()/hexdigest() -> agile.raw.hash(data, policy=...)."
    RULES = (_HashlibDigest(), _HashlibObject())
    TRIGGERS = ("hashlib",)

"""pyca ``hashes.Hash`` / ``hmac.HMAC`` used in one straight run onto ``agile.raw``.

``h = hashes.Hash(hashes.SHA256()); h.update(a); h.update(b); digest = h.finalize()`` ->
``digest = agile.raw.hash(b"".join((a, b)), policy="sha-256")``, and for
``hmac.HMAC(key, hashes.SHA256())`` -> ``agile.raw.hmac(key, ..., policy="hmac-sha256")``
(``h.verify(tag)`` -> ``agile.raw.verify_hmac(key, data, tag, ...)``, which raises what pyca's
does). The object must be used for nothing else, in consecutive statements of one block.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Found, Rewritten, RunRule, Skipped
from ._build import hash_token, method_call, only_args, raw_call, single, with_hash

__all__ = ["PycaHashToAgile"]

_HASH = "cryptography.hazmat.primitives.hashes.Hash"
_HMAC = "cryptography.hazmat.primitives.hmac.HMAC"
class _HashRun(RunRule):
    pattern = "pyca Hash/HMAC update-finalize"

    def _at(self, cmd: AgileCommand, body: Sequence[cst.BaseStatement], i: int) -> Found | None:
        assign = single(body[i])
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and isinstance(assign.value, cst.Call)):
            return None
        names = cmd.qualified_names(assign.value.func)
        kind = "hash" if _HASH in names else "hmac" if _HMAC in names else None
        if kind is None:
            return None
        name = assign.targets[0].target.value
        ctor = assign.value
        updates: list[cst.Call] = []
        j = i + 1
        while j < len(body):
            expr = single(body[j])
            call = method_call(expr.value, name, "update") if isinstance(expr, cst.Expr) \
                else None
            if call is None:
                break
            updates.append(call)
            j += 1
        last = single(body[j]) if j < len(body) else None
        finish = None
        if isinstance(last, cst.Assign | cst.Return):
            finish = method_call(last.value, name, "finalize")
        elif isinstance(last, cst.Expr) and kind == "hmac":
            finish = method_call(last.value, name, "verify")
        if not updates or finish is None:
            return i, i, Skipped(f"the {kind} object is not used as one straight run of "
                                 "update() calls and finalize()"), None
        target = assign.targets[0].target
        scope = cmd.get_metadata(ScopeProvider, target, None)
        bindings = list(scope[name]) if scope is not None else []
        uses = {id(c.func.value) for c in (*updates, finish)}  # type: ignore[attr-defined]
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment) or {
                id(a.node) for a in bindings[0].references} != uses:
            return i, j, Skipped(f"the {kind} object {name!r} is used elsewhere too"), None
        slots = [(0, "algorithm"), (1, "backend")] if kind == "hash" else [
            (0, "key"), (1, "algorithm"), (2, "backend")]
        if only_args(ctor.args, slots) or any(only_args(u.args, [(0, "data")]) or len(u.args) != 1
                                               for u in updates):
            return i, j, Skipped("unsupported arguments"), None
        alg_arg = find_arg(ctor.args, 0 if kind == "hash" else 1, "algorithm")
        token = hash_token(cmd, alg_arg.value) if alg_arg is not None else None
        if token is None:
            return i, j, Skipped("the hash is not a literal hashes.X()"), None
        alg = cmd.registry_algorithm(token, "hash") if kind == "hash" else (
            with_hash("mac", token) or f"HMAC with {token} is not in agile's algorithm registry")
        if isinstance(alg, str):
            return i, j, Skipped(alg), None
        parts = [u.args[0].value for u in updates]
        data: cst.BaseExpression = parts[0] if len(parts) == 1 else cst.Call(
            func=cst.Attribute(cst.SimpleString('b""'), cst.Name("join")),
            args=[cst.Arg(cst.Tuple([cst.Element(p) for p in parts]))])
        policy = cmd.policy_for(alg, at=body[j])
        args = [cst.Arg(data)]
        function = "hash"
        if kind == "hmac":
            key = find_arg(ctor.args, 0, "key")
            assert key is not None
            args.insert(0, cst.Arg(key.value))
            function = "hmac"
            if finish.func.attr.value == "verify":  # type: ignore[attr-defined]
                if len(finish.args) != 1:
                    return i, j, Skipped("verify() needs exactly one tag"), None
                args.append(cst.Arg(finish.args[0].value))
                function = "verify_hmac"
        call = raw_call(function, args, policy)
        new_small = last.with_changes(value=call)  # type: ignore[union-attr]
        first_stmt, last_stmt = body[i], body[j]
        assert isinstance(first_stmt, cst.SimpleStatementLine)
        assert isinstance(last_stmt, cst.SimpleStatementLine)
        statement = last_stmt.with_changes(body=[new_small],
                                           leading_lines=first_stmt.leading_lines)
        rewritten = Rewritten(call, "hash" if kind == "hash" else "mac", alg.name, policy,
                              (ctor.func, alg_arg.value) if alg_arg is not None else ())
        return i, j, statement, rewritten


class PycaHashToAgile(AgileCommand):
    DESCRIPTION = "pyca hashes.Hash / hmac.HMAC update()-finalize() runs -> agile.raw.hash/hmac."
    BLOCK_RULES = (_HashRun(),)
    TRIGGERS = ("cryptography",)

"""PBKDF2 (pyca and hashlib) onto ``agile.raw.pbkdf2``, the PRF pinned by policy.

``PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=s, iterations=n).derive(pw)`` ->
``agile.raw.pbkdf2(pw, salt=s, iterations=n, length=32, policy="pbkdf2-hmac-sha256")`` (and
``.verify(pw, key)`` -> ``agile.raw.verify_pbkdf2``); ``hashlib.pbkdf2_hmac("sha256", pw, s, n,
dklen)`` likewise. The iteration count stays at the call site: it is part of what was stored
(changing it changes every derived key), so the policy pins the PRF and, when the count is a
literal, ``min_iterations`` at that count, which a security lead can raise to refuse weaker calls.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import hash_token, keyword, only_args, positional, raw_call, stable, with_hash
from .pyca_symmetric import ctor_args, receiver

__all__ = ["Pbkdf2ToAgile"]

_PYCA = "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC"
_SLOTS = [(0, "algorithm"), (1, "length"), (2, "salt"), (3, "iterations"), (4, "backend")]


def _settings(cmd: AgileCommand, iterations: cst.BaseExpression
              ) -> tuple[tuple[str, int | None], ...]:
    """The iteration floor this call allows: its literal count, or None (unknown: no floor may
    be generated for any call site sharing the policy)."""
    count = cmd.resolver.value(iterations).literal
    return (("min_iterations", count if type(count) is int and count > 0 else None),)


class _PycaPbkdf2:
    pattern = "pyca PBKDF2HMAC derive/verify"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = receiver(cmd, original, ("derive", "verify"))
        if found is None:
            return None
        ctor, via_name = found
        if _PYCA not in cmd.qualified_names(ctor.func):
            return None
        method = original.func.attr.value  # type: ignore[attr-defined]
        uses = [(0, "key_material")] + ([(1, "expected_key")] if method == "verify" else [])
        why = only_args(ctor.args, _SLOTS) or only_args(original.args, uses)
        if why is not None:
            return Skipped(why)
        read = {name: find_arg(ctor.args, pos, name) for pos, name in _SLOTS}
        if any(read[n] is None for n in ("algorithm", "length", "salt", "iterations")) or \
                len(original.args) != len(uses):
            return Skipped("algorithm, length, salt, iterations or key material missing")
        if via_name is not None and not all(
                stable(cmd, arg.value, original, ctor) for name, arg in read.items()
                if arg is not None and name not in ("algorithm", "backend")):
            return Skipped("length, salt or iterations may be rebound between construction "
                           "and use")
        token = hash_token(cmd, read["algorithm"].value)  # type: ignore[union-attr]
        alg = with_hash("password-hash", token) if token else None
        if alg is None:
            return Skipped(f"PBKDF2 with {token or 'this hash'} is not in agile's registry")
        current = ctor_args(via_name, updated, ctor)

        def now(name: str) -> cst.BaseExpression:
            arg = read[name]
            assert arg is not None
            return current[ctor.args.index(arg)].value

        # by slot: verify(expected_key=..., key_material=...) must not swap them
        given = [find_arg(original.args, pos, kw) for pos, kw in uses]
        args = [positional(updated.args[original.args.index(a)]) for a in given if a]
        args += [keyword("salt", now("salt")), keyword("iterations", now("iterations")),
                 keyword("length", now("length"))]  # verify: a key of another length fails
        policy = cmd.policy_for(alg)
        imports = (ctor.func, read["algorithm"].value) if via_name is None else ()  # type: ignore[union-attr]
        return Rewritten(raw_call("pbkdf2" if method == "derive" else "verify_pbkdf2", args,
                                  policy), "password-hash", alg.name, policy, imports,
                         replaces_receiver=True,
                         settings=_settings(cmd, read["iterations"].value))  # type: ignore[union-attr]


class _HashlibPbkdf2:
    pattern = "hashlib.pbkdf2_hmac"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if "hashlib.pbkdf2_hmac" not in cmd.qualified_names(original.func):
            return None
        slots = [(0, "hash_name"), (1, "password"), (2, "salt"), (3, "iterations"),
                 (4, "dklen")]
        why = only_args(original.args, slots)
        if why is not None:
            return Skipped(why)
        read = {name: find_arg(original.args, pos, name) for pos, name in slots}
        if any(read[n] is None for n in ("hash_name", "password", "salt", "iterations")):
            return Skipped("hash_name, password, salt or iterations missing")
        token = hash_token(cmd, read["hash_name"].value)  # type: ignore[union-attr]
        alg = with_hash("password-hash", token) if token else None
        if alg is None:
            return Skipped(f"PBKDF2 with {token or 'this hash'} is not in agile's registry"
                           if token else "the hash name is not a literal")

        def now(name: str) -> cst.BaseExpression:
            arg = read[name]
            assert arg is not None
            return updated.args[original.args.index(arg)].value

        args = [cst.Arg(now("password")), keyword("salt", now("salt")),
                keyword("iterations", now("iterations"))]
        if read["dklen"] is not None:
            args.append(keyword("length", now("dklen")))
        policy = cmd.policy_for(alg)
        return Rewritten(raw_call("pbkdf2", args, policy), "password-hash", alg.name, policy,
                         (original.func,),
                         settings=_settings(cmd, read["iterations"].value))  # type: ignore[union-attr]


class Pbkdf2ToAgile(AgileCommand):
    DESCRIPTION = "PBKDF2HMAC(...).derive/verify and hashlib.pbkdf2_hmac -> agile.raw.pbkdf2."
    RULES = (_PycaPbkdf2(), _HashlibPbkdf2())
    TRIGGERS = ("cryptography", "hashlib")

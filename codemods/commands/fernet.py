"""pyca Fernet onto ``agile.raw``: the same tokens, the token algorithm chosen by policy.

``Fernet(key).encrypt(data)`` -> ``agile.raw.fernet_encrypt(key, data, policy="fernet")``, also
``decrypt(token, ttl)``, ``encrypt_at_time`` / ``decrypt_at_time`` (-> ``current_time=``) and
through a variable (``f = Fernet(key); f.encrypt(...)``) when the key is bound once;
``Fernet.generate_key()`` -> ``agile.raw.fernet_generate_key(policy=...)``. MultiFernet (key
rotation over several keys) and ``extract_timestamp`` are left alone and reported.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import keyword, only_args, positional, raw_call, stable
from .pyca_symmetric import ctor_args, receiver

__all__ = ["FernetToAgile"]

_FERNET = "cryptography.fernet.Fernet"
#: method -> (agile.raw function, its (position, keyword) argument slots, keywords they become)
_METHODS: dict[str, tuple[str, list[tuple[int, str]], tuple[str | None, ...]]] = {
    "encrypt": ("fernet_encrypt", [(0, "data")], (None,)),
    "encrypt_at_time": ("fernet_encrypt", [(0, "data"), (1, "current_time")],
                        (None, "current_time")),
    "decrypt": ("fernet_decrypt", [(0, "token"), (1, "ttl")], (None, "ttl")),
    "decrypt_at_time": ("fernet_decrypt", [(0, "token"), (1, "ttl"), (2, "current_time")],
                        (None, "ttl", "current_time")),
}


class _FernetCall:
    pattern = "Fernet encrypt/decrypt"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = receiver(cmd, original, tuple(_METHODS))
        if found is None:
            return None
        ctor, via_name = found
        if _FERNET not in cmd.qualified_names(ctor.func):
            return None
        method = original.func.attr.value  # type: ignore[attr-defined]
        function, slots, names = _METHODS[method]
        why = only_args(ctor.args, [(0, "key"), (1, "backend")]) or only_args(original.args,
                                                                             slots)
        key = find_arg(ctor.args, 0, "key")
        if why is not None or key is None:
            return Skipped(why or "the key argument is missing")
        if via_name is not None and not stable(cmd, key.value, original, ctor):
            return Skipped("the key may be rebound between construction and use")
        values = [find_arg(original.args, pos, kw) for pos, kw in slots]
        if values[0] is None or (method.endswith("_at_time") and any(v is None for v in values)):
            return Skipped(f"{method} is missing an argument")
        alg = cmd.registry_algorithm("Fernet", "token")
        if isinstance(alg, str):
            return Skipped(alg)
        current_key = ctor_args(via_name, updated, ctor)[ctor.args.index(key)].value
        args = [cst.Arg(current_key)]
        for arg, name in zip(values, names, strict=True):
            if arg is None:
                continue
            value = updated.args[original.args.index(arg)].value
            args.append(positional(cst.Arg(value)) if name is None else keyword(name, value))
        policy = cmd.policy_for(alg)
        imports = (ctor.func,) if via_name is None else ()
        return Rewritten(raw_call(function, args, policy), "token", alg.name, policy, imports,
                         replaces_receiver=True)


class _FernetGenerateKey:
    pattern = "Fernet.generate_key"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if f"{_FERNET}.generate_key" not in cmd.qualified_names(original.func):
            return None
        if original.args:
            return Skipped("generate_key() takes no arguments")
        alg = cmd.registry_algorithm("Fernet", "token")
        if isinstance(alg, str):
            return Skipped(alg)
        policy = cmd.policy_for(alg)
        return Rewritten(raw_call("fernet_generate_key", [], policy), "token", alg.name, policy,
                         (original.func,))


class FernetToAgile(AgileCommand):
    DESCRIPTION = "Fernet(key).encrypt/decrypt(...) -> agile.raw.fernet_encrypt/fernet_decrypt."
    RULES = (_FernetCall(), _FernetGenerateKey())
    TRIGGERS = ("cryptography",)

"""PyCryptodome AES-GCM onto ``agile.raw.encrypt_detached`` / ``decrypt_detached``.

``cipher = AES.new(key, AES.MODE_GCM, nonce=nonce); cipher.update(aad); ct, tag =
cipher.encrypt_and_digest(data)`` -> ``ct, tag = agile.raw.encrypt_detached(key, nonce, data,
aad, policy="aes-256-gcm")``; likewise ``decrypt_and_verify(ct, tag)`` (a failure is still a
ValueError), the split forms ``ct = cipher.encrypt(data); tag = cipher.digest()`` and
``pt = cipher.decrypt(ct); cipher.verify(tag)``, and the inline ``AES.new(...).encrypt_and_digest(
data)``. The cipher must be a fresh object used for exactly that one operation, in consecutive
statements (or, through a variable, for its one operation anywhere below, ``try:`` included);
key size (16 or 32 bytes) and nonce length (12 to 128 bytes) must be visible, and ``mac_len`` 16
or absent. Without a nonce, PyCryptodome draws 16 random bytes that the code reads afterwards
from ``cipher.nonce``: the run becomes ``cipher_nonce = agile.raw.random_nonce(16)`` plus the
operation, and those reads become ``cipher_nonce``. Other AES modes are left, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from ..scanner._resolve import find_arg
from ..scanner._tables import VALUES
from ._base import AgileCommand, Found, Outcome, Rewritten, RunRule, Skipped
from ._build import byte_length, method_call, only_args, raw_call, single, stable
from .pyca_symmetric import receiver

__all__ = ["PycryptodomeAeadToAgile"]

_AES_NEW = frozenset({"Crypto.Cipher.AES.new", "Cryptodome.Cipher.AES.new"})
_UNAUTHENTICATED = frozenset({"ECB", "CBC", "CFB", "OFB", "CTR", "OPENPGP"})
_ONE_SHOT = {"encrypt_and_digest": "encrypt_detached", "decrypt_and_verify": "decrypt_detached"}
_SHAPE = ("the GCM cipher is not used as one straight run of new(), update(aad)..., and one "
          "encrypt_and_digest/decrypt_and_verify (or encrypt+digest, decrypt+verify)")


#: (last statement, agile.raw function, its data arguments, the cipher calls, replacement builder)
_Operation = tuple[int, str, list[cst.BaseExpression], list[cst.Call],
                   Callable[[cst.Call], cst.SimpleStatementLine]]


@dataclass(frozen=True)
class _Gcm:
    key: cst.BaseExpression
    nonce: cst.BaseExpression | None  # None: PyCryptodome draws 16 random bytes
    policy: str
    algorithm: str


def _mode(cmd: AgileCommand, ctor: cst.Call) -> str | None:
    arg = find_arg(ctor.args, 1, "mode")
    if arg is None:
        return None
    modes = VALUES["mode"]
    found = {modes[n] for n in cmd.resolver.value(arg.value).names if n in modes}
    return found.pop() if len(found) == 1 else None


_NO_NONCE = ("no nonce given: PyCryptodome draws a random 16-byte nonce that the code reads from "
             "cipher.nonce; pass nonce=get_random_bytes(16) explicitly to migrate it")


def _gcm(cmd: AgileCommand, ctor: cst.Call, at: cst.CSTNode | None = None,
         drawn: bool = False) -> _Gcm | str:
    """What an ``AES.new(key, AES.MODE_GCM, ...)`` pins, or why it cannot be rewritten; the
    policy is named after the purpose of the code at ``at`` (default: the call being left).
    ``drawn``: a missing nonce is fine (the caller replaces the one PyCryptodome draws)."""
    why = only_args(ctor.args, [(0, "key"), (1, "mode"), (2, "nonce"), (None, "mac_len")])
    if why is not None:
        return why
    key, nonce = find_arg(ctor.args, 0, "key"), find_arg(ctor.args, 2, "nonce")
    if key is None:
        return "no key given to AES.new()"
    if nonce is None and not drawn:
        return _NO_NONCE
    mac_len = find_arg(ctor.args, None, "mac_len")
    if mac_len is not None and cmd.resolver.value(mac_len.value).literal != 16:
        return "mac_len is not 16: agile's AES-GCM tags are 16 bytes"
    size = byte_length(cmd, key.value)
    if size not in (16, 32):
        return ("AES-192-GCM is not in agile's registry" if size == 24 else
                "the AES key size is not visible in the source (16 or 32 bytes needed to pin "
                "AES-128-GCM or AES-256-GCM)")
    length = 16 if nonce is None else byte_length(cmd, nonce.value)
    if length is None or not 12 <= length <= 128:
        return "the nonce length is not visibly 12 to 128 bytes"
    alg = cmd.registry_algorithm(f"AES-{size * 8}-GCM", "aead")
    if isinstance(alg, str):
        return alg
    return _Gcm(key.value, None if nonce is None else nonce.value, cmd.policy_for(alg, at=at),
                alg.name)


def _imports(ctor: cst.Call) -> tuple[cst.BaseExpression, ...]:
    """What the replaced constructor used from imports: ``AES.new`` and ``AES.MODE_GCM``."""
    mode = find_arg(ctor.args, 1, "mode")
    return (ctor.func,) if mode is None else (ctor.func, mode.value)


def _args(gcm: _Gcm, values: Sequence[cst.BaseExpression]) -> list[cst.Arg]:
    assert gcm.nonce is not None
    return [cst.Arg(gcm.key), cst.Arg(gcm.nonce), *(cst.Arg(v) for v in values)]


def _aad(parts: Sequence[cst.BaseExpression]) -> list[cst.BaseExpression]:
    if not parts:
        return []
    if len(parts) == 1:
        return [parts[0]]
    return [cst.Call(func=cst.Attribute(cst.SimpleString('b""'), cst.Name("join")),
                     args=[cst.Arg(cst.Tuple([cst.Element(p) for p in parts]))])]


class _AesNew:
    """Every ``AES.new`` call: other modes are left with their reason; a GCM cipher that is
    neither assigned to a name (the block rule's case) nor used inline is passed on."""

    pattern = "PyCryptodome AES cipher"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not cmd.qualified_names(original.func) & _AES_NEW:
            return None
        mode = _mode(cmd, original)
        if mode is None:
            return Skipped("the AES mode is not visible in the source")
        if mode in _UNAUTHENTICATED:
            return Skipped(f"AES-{mode} is unauthenticated: agile runs only AEADs (moving to "
                           "AES-GCM changes the data format, a decision for a person)")
        if mode != "GCM":
            return Skipped(f"AES-{mode} is not in agile's registry")
        parent = cmd.parent(original)
        if isinstance(parent, cst.Assign) and parent.value is original:
            return None  # the block rule decides
        if isinstance(parent, cst.Attribute) and parent.attr.value in _ONE_SHOT:
            return None  # the inline rule decides
        return Skipped("the GCM cipher object is passed on or used for something else")


_SCOPES = (cst.For, cst.While, cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp,
           cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _fixed(cmd: AgileCommand, expr: cst.BaseExpression, use: cst.Call, ctor: cst.Call) -> bool:
    """True if ``expr`` (a key or nonce written at ``ctor``) gives the same bytes at ``use``:
    a stable name or literal, or a literal slice of one (``blob[:12]``)."""
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        bounds = [index.lower, index.upper] if isinstance(index, cst.Slice) else [index.value] \
            if isinstance(index, cst.Index) else [None]
        return all(b is None or isinstance(b, cst.Integer) for b in bounds) and \
            isinstance(index, cst.Slice | cst.Index) and _fixed(cmd, expr.value, use, ctor)
    return stable(cmd, expr, use, ctor)


def _single_use(cmd: AgileCommand, ctor: cst.Call, use: cst.Call) -> bool:
    """True for ``name = AES.new(...)`` whose name is bound once and read only as ``use``'s
    receiver, ``use`` running at most once per construction (no loop or function between)."""
    assign = cmd.parent(ctor)
    statement = cmd.parent(assign) if isinstance(assign, cst.Assign) else None
    if not (isinstance(assign, cst.Assign) and assign.value is ctor and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(statement, cst.SimpleStatementLine)):
        return False
    target = assign.targets[0].target
    scope = cmd.get_metadata(ScopeProvider, target, None)
    bindings = list(scope[target.value]) if scope is not None else []
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment) \
            or target.value in cmd.declared_global_or_nonlocal \
            or [a.node for a in bindings[0].references] != [use.func.value]:  # type: ignore[attr-defined]
        return False
    block = cmd.parent(statement)
    node: cst.CSTNode | None = use
    while node is not None and node is not block:
        if isinstance(node, _SCOPES):
            return False
        node = cmd.parent(node)
    return node is block


class _GcmCall:
    """``AES.new(...).encrypt_and_digest(data)``, or ``cipher.decrypt_and_verify(ct, tag)``
    with ``cipher = AES.new(...)`` used for nothing else (inside ``try:`` too)."""

    pattern = "PyCryptodome AES-GCM encrypt/decrypt"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = receiver(cmd, original, tuple(_ONE_SHOT))
        if found is None:
            return None
        ctor, via_name = found
        if not (cmd.qualified_names(ctor.func) & _AES_NEW and _mode(cmd, ctor) == "GCM"):
            return None
        method = original.func.attr.value  # type: ignore[attr-defined]
        gcm = _gcm(cmd, ctor)
        count = 1 if method == "encrypt_and_digest" else 2
        if via_name is not None:
            # through a variable: only this one use, else the block rule decides and reports
            if isinstance(gcm, str) or gcm.nonce is None or not _single_use(
                    cmd, ctor, original) or not all(
                    _fixed(cmd, e, original, ctor) for e in (gcm.key, gcm.nonce)) or \
                    only_args(original.args, [(i, None) for i in range(count)]) or \
                    len(original.args) != count:
                return None
            now = gcm
        else:
            if isinstance(gcm, str):
                return Skipped(gcm)
            if only_args(original.args, [(i, None) for i in range(count)]) or \
                    len(original.args) != count:
                return Skipped(f"{method} needs exactly {count} positional argument(s)")
            new_ctor = updated.func.value  # type: ignore[attr-defined]
            key, nonce = find_arg(ctor.args, 0, "key"), find_arg(ctor.args, 2, "nonce")
            now = _Gcm(new_ctor.args[ctor.args.index(key)].value,
                       new_ctor.args[ctor.args.index(nonce)].value, gcm.policy, gcm.algorithm)
        call = raw_call(_ONE_SHOT[method], _args(now, [a.value for a in updated.args]),
                        gcm.policy)
        return Rewritten(call, "aead", gcm.algorithm, gcm.policy,
                         _imports(ctor) if via_name is None else (), replaces_receiver=True)


def _nonce_name(cipher: str) -> str:
    return f"{cipher}_nonce"


def _drawn_nonce(cmd: AgileCommand, cipher: str, reads: Sequence[cst.CSTNode],
                 body: Sequence[cst.BaseStatement], last: int, function: str
                 ) -> str | Skipped:
    """The name for the nonce PyCryptodome would have drawn, when every other use of the
    cipher is a ``cipher.nonce`` read after the encryption, in the same scope; else why not."""
    if function != "encrypt_detached":
        return Skipped(_NO_NONCE)
    name = _nonce_name(cipher)
    if re.search(rf"\b{name}\b", cmd.resolver.module.code):
        return Skipped(f"{_NO_NONCE} (the name {name} is taken)")
    after = {id(stmt) for stmt in body[last + 1:]}
    for node in reads:
        attribute = cmd.parent(node)
        if not (isinstance(attribute, cst.Attribute) and attribute.attr.value == "nonce"):
            return Skipped(_NO_NONCE)
        holder = cmd.parent(attribute)
        if (isinstance(holder, cst.Call) and holder.func is attribute) or \
                isinstance(holder, cst.AssignTarget | cst.AugAssign | cst.Del):
            return Skipped(_NO_NONCE)
        if cmd.get_metadata(ScopeProvider, node, None) is not cmd.get_metadata(
                ScopeProvider, body[last], None):
            return Skipped(f"{_NO_NONCE} (cipher.nonce is read in another scope)")
        statement: cst.CSTNode | None = attribute
        while statement is not None and id(statement) not in after and statement not in body:
            statement = cmd.parent(statement)
        if statement is None or id(statement) not in after:
            return Skipped(f"{_NO_NONCE} (cipher.nonce is read before the encryption)")
    return name


class _StaleNonce:
    """``cipher.nonce`` after the GCM run drew it: the drawn nonce's name."""

    def __call__(self, cmd: AgileCommand, original: cst.Attribute) -> cst.BaseExpression | None:
        if original.attr.value != "nonce" or not isinstance(original.value, cst.Name):
            return None
        scope = cmd.get_metadata(ScopeProvider, original.value, None)
        bindings = list(scope[original.value.value]) if scope is not None else []
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
            return None
        target = bindings[0].node
        assign_target = cmd.parent(target)
        assign = cmd.parent(assign_target) if assign_target is not None else None
        statement = cmd.parent(assign) if isinstance(assign, cst.Assign) else None
        block = cmd.parent(statement) if statement is not None else None
        body = list(getattr(block, "body", ()))
        if statement is None or statement not in body:
            return None
        found = _GcmRun()._at(cmd, body, body.index(statement))
        if found is None or found[3] is None or not found[3].statements_before:
            return None
        return cst.Name(_nonce_name(original.value.value))


class _GcmRun(RunRule):
    pattern = "PyCryptodome AES-GCM encrypt/decrypt"

    def _at(self, cmd: AgileCommand, body: Sequence[cst.BaseStatement], i: int) -> Found | None:
        assign = single(body[i])
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and isinstance(assign.value, cst.Call)
                and cmd.qualified_names(assign.value.func) & _AES_NEW
                and _mode(cmd, assign.value) == "GCM"):
            return None
        name, ctor = assign.targets[0].target.value, assign.value
        j, aad = i + 1, []
        uses: list[cst.Call] = []
        while j < len(body):
            expr = single(body[j])
            update = method_call(expr.value, name, "update") if isinstance(expr, cst.Expr) \
                else None
            if update is None:
                break
            if only_args(update.args, [(0, "assoc_data")]) or len(update.args) != 1:
                return i, j, Skipped("update() needs exactly one argument"), None
            aad.append(update.args[0].value)
            uses.append(update)
            j += 1
        gcm = _gcm(cmd, ctor, at=body[min(j, len(body) - 1)], drawn=True)
        shape = self._operation(cmd, body, j, name)
        if isinstance(gcm, str) or shape is None:
            return i, i if shape is None else shape[0], Skipped(
                gcm if isinstance(gcm, str) else _SHAPE), None
        last, function, values, calls, build = shape
        uses.extend(calls)
        scope = cmd.get_metadata(ScopeProvider, assign.targets[0].target, None)
        bindings = list(scope[name]) if scope is not None else []
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment) or \
                name in cmd.declared_global_or_nonlocal:
            return i, last, Skipped("the GCM cipher's name is bound more than once"), None
        others = [a.node for a in bindings[0].references
                  if id(a.node) not in {id(c.func.value) for c in uses}]  # type: ignore[attr-defined]
        first_stmt = body[i]
        assert isinstance(first_stmt, cst.SimpleStatementLine)
        before: tuple[cst.SimpleStatementLine, ...] = ()
        if gcm.nonce is None:
            drawn = _drawn_nonce(cmd, name, others, body, last, function)
            if isinstance(drawn, Skipped):
                return i, last, drawn, None
            gcm = _Gcm(gcm.key, cst.Name(drawn), gcm.policy, gcm.algorithm)
            draw = cst.Call(func=cst.Attribute(cst.Attribute(cst.Name("agile"), cst.Name("raw")),
                                               cst.Name("random_nonce")),
                            args=[cst.Arg(cst.Integer("16"))])
            before = (cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(drawn))], value=draw)],
                leading_lines=first_stmt.leading_lines),)
        elif others:
            return i, last, Skipped("the GCM cipher object is used elsewhere too (a second "
                                    "operation, or its nonce or tag read later)"), None
        call = raw_call(function, _args(gcm, [*values, *_aad(aad)]), gcm.policy)
        statement = build(call).with_changes(
            leading_lines=() if before else first_stmt.leading_lines)
        rewritten = Rewritten(call, "aead", gcm.algorithm, gcm.policy, _imports(ctor),
                              statements_before=before)
        return i, last, statement, rewritten

    @staticmethod
    def _operation(cmd: AgileCommand, body: Sequence[cst.BaseStatement], j: int, name: str
                   ) -> _Operation | None:
        """The operation starting at ``body[j]``; None if there is none."""
        if j >= len(body):
            return None
        stmt = body[j]
        small = single(stmt)
        value = getattr(small, "value", None)
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None
        for method, function in _ONE_SHOT.items():
            op = method_call(value, name, method)
            if op is not None and isinstance(small, cst.Assign | cst.Return | cst.Expr
                                             | cst.AnnAssign):
                count = 1 if method == "encrypt_and_digest" else 2
                if only_args(op.args, [(k, None) for k in range(count)]) or \
                        len(op.args) != count:
                    return None
                return (j, function, [a.value for a in op.args], [op],
                        lambda call: stmt.with_changes(body=[small.with_changes(value=call)]))
        if j + 1 >= len(body) or not isinstance(small, cst.Assign) or len(small.targets) != 1 \
                or not isinstance(small.targets[0].target, cst.Name):
            return None
        follow = single(body[j + 1])
        encrypt = method_call(value, name, "encrypt")
        decrypt = method_call(value, name, "decrypt")
        if encrypt is not None and len(encrypt.args) == 1 and not only_args(
                encrypt.args, [(0, "plaintext")]) and isinstance(follow, cst.Assign) \
                and len(follow.targets) == 1 and isinstance(follow.targets[0].target, cst.Name):
            digest = method_call(follow.value, name, "digest")
            if digest is None or digest.args:
                return None
            pair = cst.Tuple([cst.Element(small.targets[0].target),
                              cst.Element(follow.targets[0].target)], lpar=[], rpar=[])
            last_stmt = body[j + 1]
            assert isinstance(last_stmt, cst.SimpleStatementLine)
            return (j + 1, "encrypt_detached", [encrypt.args[0].value], [encrypt, digest],
                    lambda call: last_stmt.with_changes(body=[cst.Assign(
                        targets=[cst.AssignTarget(pair)], value=call)]))
        if decrypt is not None and len(decrypt.args) == 1 and not only_args(
                decrypt.args, [(0, "ciphertext")]) and isinstance(follow, cst.Expr):
            verify = method_call(follow.value, name, "verify")
            if verify is None or len(verify.args) != 1 or only_args(verify.args,
                                                                    [(0, "received_mac_tag")]):
                return None
            block = cmd.parent(stmt)
            if isinstance(cmd.parent(block) if block is not None else None,
                          cst.Try | cst.TryStar):
                return None  # a handler could see the plaintext assigned before verify() failed
            return (j + 1, "decrypt_detached", [decrypt.args[0].value, verify.args[0].value],
                    [decrypt, verify],
                    lambda call: stmt.with_changes(body=[small.with_changes(value=call)]))
        return None


class PycryptodomeAeadToAgile(AgileCommand):
    DESCRIPTION = ("PyCryptodome AES.new(key, AES.MODE_GCM, nonce=...) encrypt/decrypt -> "
                   "agile.raw.encrypt_detached/decrypt_detached.")
    RULES = (_AesNew(), _GcmCall())
    BLOCK_RULES = (_GcmRun(),)
    ATTRIBUTE_RULES = (_StaleNonce(),)
    TRIGGERS = ("Crypto", "Cryptodome")

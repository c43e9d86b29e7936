"""Small builders and checks the rules share: ``agile.raw`` calls, argument reading, stability."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider, ScopeProvider

from agile import algorithms
from agile.algorithms import Algorithm

from ..scanner._resolve import MISSING, find_arg
from ..scanner._tables import VALUES
from ._base import AgileCommand

__all__ = ["byte_length", "hash_token", "keyword", "method_call", "only_args", "raw_call",
           "single", "stable", "with_hash"]

_NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""))
_RANDOM_BYTES = frozenset({"os.urandom", "secrets.token_bytes", "Crypto.Random.get_random_bytes",
                           "Cryptodome.Random.get_random_bytes"})


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=_NO_SPACE)


def raw_call(function: str, args: Sequence[cst.Arg], policy: str) -> cst.Call:
    """``agile.raw.<function>(*args, policy="<policy>")``; the arguments keep their own text."""
    func = cst.Attribute(cst.Attribute(cst.Name("agile"), cst.Name("raw")), cst.Name(function))
    cleaned = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
    return cst.Call(func=func, args=[*cleaned, keyword("policy", cst.SimpleString(f'"{policy}"'))])


def single(stmt: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    """The one small statement of a simple line (``x = f()``), else None."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt.body[0]
    return None


def method_call(node: cst.BaseExpression | None, name: str, method: str) -> cst.Call | None:
    """``node`` if it is ``<name>.<method>(...)``, else None."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
            and isinstance(node.func.value, cst.Name) and node.func.value.value == name \
            and node.func.attr.value == method:
        return node
    return None


def positional(arg: cst.Arg) -> cst.Arg:
    return cst.Arg(value=arg.value)


def only_args(args: Sequence[cst.Arg], allowed: Sequence[tuple[int | None, str | None]]
              ) -> str | None:
    """Why ``args`` is not a plain use of the ``allowed`` (position, keyword) slots; None if it is."""
    positions = {p for p, _ in allowed if p is not None}
    keywords = {k for _, k in allowed if k is not None}
    index = 0
    for arg in args:
        if arg.star:
            return "arguments passed with * or ** cannot be read statically"
        if arg.keyword is None:
            if index not in positions:
                return f"unsupported positional argument #{index + 1}"
            index += 1
        elif arg.keyword.value not in keywords:
            return f"unsupported argument {arg.keyword.value}="
    return None


def hash_token(cmd: AgileCommand, expr: cst.BaseExpression) -> str | None:
    """The hash a ``hashes.SHA256()`` / ``hashlib.sha256`` / ``"sha256"`` expression names."""
    value = cmd.resolver.value(expr)
    table = VALUES["hash"]
    names = value.names if value.call is None else cmd.qualified_names(value.call.func)
    for name in sorted(names):
        if name in table:
            return table[name]
    if isinstance(value.literal, str):
        return table.get(value.literal.lower())
    return None


def with_hash(family: str, hash_name: str) -> Algorithm | None:
    """The registry's ``family`` algorithm built on ``hash_name`` (HMAC-SHA256 for SHA-256)."""
    found = [a for a in algorithms.in_family(family) if a.params.get("hash") == hash_name]
    return found[0] if len(found) == 1 else None


def byte_length(cmd: AgileCommand, expr: cst.BaseExpression) -> int | None:
    """The length of a byte string when the source shows it: literals, ``os.urandom(n)``,
    ``secrets.token_bytes(n)``, ``x[:n]``, ``AESGCM.generate_key(bit_length=n)``."""
    value = cmd.resolver.value(expr)
    if isinstance(value.literal, bytes):
        return len(value.literal)
    call = value.call or cmd.resolver.origin_call(expr)
    if call is not None:
        names = cmd.qualified_names(call.func)
        size = find_arg(call.args, 0, None)
        if names & _RANDOM_BYTES and size is not None:
            n = cmd.resolver.value(size.value).literal
            return n if isinstance(n, int) else None
        if any(n.endswith(".generate_key") for n in names):
            bits = find_arg(call.args, 0, "bit_length")
            n = cmd.resolver.value(bits.value).literal if bits is not None else MISSING
            return n // 8 if isinstance(n, int) else None
    if isinstance(expr, cst.Name):  # nonce = blob[:12]
        values = cmd.resolver.assigned_values(expr)
        if len(values) == 1 and isinstance(values[0], cst.Subscript):
            return byte_length(cmd, values[0])
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        if isinstance(index, cst.Slice) and index.step is None and index.upper is not None:
            lower = 0 if index.lower is None else cmd.resolver.value(index.lower).literal
            upper = cmd.resolver.value(index.upper).literal
            if isinstance(lower, int) and isinstance(upper, int) and 0 <= lower <= upper:
                return upper - lower  # at most this many; equal when the source is long enough
    return None


def _statement(cmd: AgileCommand, node: cst.CSTNode) -> cst.CSTNode | None:
    """The innermost statement (simple line or compound) containing ``node``."""
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(
            current, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        current = cmd.parent(current)
    return current


def _linear(cmd: AgileCommand, origin: cst.CSTNode, use: cst.CSTNode) -> tuple[int, int] | None:
    """(end of ``origin``'s statement, start of ``use``) as line numbers when both statements
    are siblings in one block, ``origin``'s first: control flows straight from one to the other."""
    first, second = _statement(cmd, origin), _statement(cmd, use)
    if first is None or second is None or first is second:
        return None
    block = cmd.parent(first)
    if block is None or cmd.parent(second) is not block:
        return None
    body = list(getattr(block, "body", ()))
    if first not in body or second not in body or body.index(first) > body.index(second):
        return None
    end = cmd.get_metadata(PositionProvider, first).end.line
    return end, cmd.line_of(use)


def stable(cmd: AgileCommand, expr: cst.BaseExpression, use: cst.CSTNode,
           origin: cst.CSTNode | None = None) -> bool:
    """True if evaluating ``expr`` at ``use`` gives what it gave at ``origin`` (where it was
    written): a literal; a name bound exactly once and visible as that binding at ``use``; or a
    name not rebound between ``origin`` and ``use`` on a straight path through one block."""
    if isinstance(expr, cst.SimpleString | cst.Integer | cst.ConcatenatedString):
        return True
    if not isinstance(expr, cst.Name):
        return False
    if expr.value == "None":
        return True
    here = cmd.get_metadata(ScopeProvider, expr, None)
    there = cmd.get_metadata(ScopeProvider, use, None)
    if here is None or there is None:
        return False
    bound = set(here[expr.value])
    if len(bound) == 1 and bound == set(there[expr.value]):
        return expr.value not in cmd.declared_global_or_nonlocal
    if here is not there or origin is None or expr.value in cmd.declared_global_or_nonlocal:
        return False
    span = _linear(cmd, origin, use)
    if span is None:
        return False
    start, end = span
    for assignment in bound:
        node = getattr(assignment, "node", None)
        if not isinstance(node, cst.CSTNode):
            return False
        line = cmd.get_metadata(PositionProvider, node, None)
        if line is None:
            return False
        if start <= line.start.line <= end:
            return False
    return True

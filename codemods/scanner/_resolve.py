"""Name resolution over one libcst module, shared by the scanner and the codemods.

:class:`Resolver` answers three questions about an expression, following what is visible in the
module: which fully-qualified names it may denote (``import x as y``, ``from x import y as z``,
``gen = rsa.generate_private_key``), which literal value it has (``KEY_SIZE = 2048``,
``b"\\0" * 16``), and which call built the object it names (``key = rsa.generate_private_key(...)``
then ``key.sign(...)``). It never guesses: what it cannot resolve comes back empty.
"""

from __future__ import annotations

import base64
import builtins
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
import libcst.helpers
from libcst.metadata import (
    Assignment,
    ClassScope,
    FunctionScope,
    MetadataWrapper,
    QualifiedName,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

__all__ = ["MISSING", "Resolver", "Value", "find_arg"]

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef)

MISSING: Any = object()
_MAX_DEPTH = 8
_RESOLVED_SOURCES = (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN)


@dataclass(frozen=True, slots=True)
class Value:
    """What an expression is known to be: a literal, and/or named things, and/or a call result."""

    literal: Any = MISSING
    names: frozenset[str] = frozenset()
    call: cst.Call | None = None
    indirect: bool = False  # reached through a variable or constant

    @property
    def known(self) -> bool:
        return self.literal is not MISSING or bool(self.names) or self.call is not None


@dataclass
class _Index(cst.CSTVisitor):
    """Pre-pass: the value assigned to each simple assignment target."""

    values: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values[target.target] = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, cst.Name):
            self.values[node.target] = node.value


def _index_small(statements: Sequence[cst.BaseSmallStatement],
                 values: dict[cst.CSTNode, cst.BaseExpression]) -> None:
    for small in statements:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    values[target.target] = small.value
                elif isinstance(target.target, cst.Tuple | cst.List) \
                        and isinstance(small.value, cst.Tuple | cst.List) \
                        and len(target.target.elements) == len(small.value.elements):
                    for name, value in zip(target.target.elements, small.value.elements,
                                           strict=True):  # a, b = f(), g()
                        if isinstance(name.value, cst.Name) and isinstance(value, cst.Element):
                            values[name.value] = value.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None \
                and isinstance(small.target, cst.Name):
            values[small.target] = small.value


def _index_suite(suite: cst.BaseSuite, values: dict[cst.CSTNode, cst.BaseExpression]) -> None:
    if isinstance(suite, cst.IndentedBlock):
        _index_statements(suite.body, values)
    elif isinstance(suite, cst.SimpleStatementSuite):
        _index_small(suite.body, values)


def _index_statements(statements: Sequence[cst.BaseStatement],
                      values: dict[cst.CSTNode, cst.BaseExpression]) -> None:
    """What :class:`_Index` collects, walking statements only: assignments are statements, so
    the expressions (most of a module's nodes) need not be visited."""
    for stmt in statements:
        if isinstance(stmt, cst.SimpleStatementLine):
            _index_small(stmt.body, values)
            continue
        for attr in ("body", "orelse", "handlers", "finalbody", "cases"):
            part = getattr(stmt, attr, None)
            if isinstance(part, cst.BaseSuite):
                _index_suite(part, values)
            elif isinstance(part, cst.If):
                _index_statements([part], values)
            elif isinstance(part, cst.Else | cst.Finally):
                _index_suite(part.body, values)
            elif isinstance(part, Sequence):
                for clause in part:  # except handlers, match cases
                    _index_suite(clause.body, values)


class _SelfAssignments(cst.CSTVisitor):
    """``self.NAME = value`` in the methods of each class (``self``: the first parameter)."""

    def __init__(self) -> None:
        self.found: dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]] = {}
        self._stack: list[tuple[cst.ClassDef, str] | None] = []
        self._classes: list[cst.ClassDef] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)
        self._stack.append(None)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()
        self._stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cls = self._classes[-1] if self._classes and self._stack[-1] is None else None
        direct = cls is not None and any(stmt is node for stmt in cls.body.body)
        first = node.params.params[0].name.value if node.params.params else None
        self._stack.append((cls, first) if cls is not None and direct and first else None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._stack.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        owner = self._stack[-1] if self._stack else None
        if owner is None:
            return
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) \
                    and t.value.value == owner[1]:
                self.found.setdefault((owner[0], t.attr.value), []).append(node.value)


class _Returns(cst.CSTVisitor):
    """The ``return`` statements of one function body, not of functions nested in it."""

    def __init__(self) -> None:
        self.returns: list[cst.Return] = []
        self.yields = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True


def find_arg(args: Sequence[cst.Arg], pos: int | None, kw: str | None) -> cst.Arg | None:
    """The argument at position ``pos`` or with keyword ``kw``; None if absent or hidden by ``*``."""
    if kw is not None:
        for arg in args:
            if arg.keyword is not None and arg.keyword.value == kw:
                return arg
    if pos is not None:
        positional = []
        for arg in args:
            if arg.keyword is not None:
                continue
            if arg.star:
                return None  # positions after *args are not static
            positional.append(arg)
        if pos < len(positional):
            return positional[pos]
    return None


class Resolver:
    """Resolution queries over a :class:`~libcst.metadata.MetadataWrapper`'s module."""

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self.module = wrapper.module
        self._scopes: Mapping[cst.CSTNode, Scope | None] = wrapper.resolve(ScopeProvider)
        self._values: dict[cst.CSTNode, cst.BaseExpression] = {}
        self._attributes: dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]] | None = None
        _index_statements(self.module.body, self._values)
        #: modules imported with ``from M import *`` at module level: an otherwise unbound name
        #: may come from any of them
        self._star_modules = tuple(
            cst.helpers.get_full_name_for_node_or_raise(stmt.module)
            for line in self.module.body if isinstance(line, cst.SimpleStatementLine)
            for stmt in line.body
            if isinstance(stmt, cst.ImportFrom) and isinstance(stmt.names, cst.ImportStar)
            and stmt.module is not None and not stmt.relative)

    # -- helpers ---------------------------------------------------------------------------------
    def _qualified_meta(self, node: cst.CSTNode) -> set[QualifiedName]:
        # What QualifiedNameProvider would give, asked of the scope only for the nodes we look
        # at: computing it for every node of a large module costs a fifth of a file's scan.
        scope = self._scopes.get(node)
        return set(scope.get_qualified_names_for(node)) if scope is not None else set()

    def _unbound(self, name: cst.Name) -> bool:
        scope = self._scopes.get(name)
        return scope is not None and not scope[name.value] and name.value not in dir(builtins)

    def _assigned_values(self, name: cst.Name) -> Iterator[cst.BaseExpression | None]:
        """The values assigned to ``name`` where it is used (None for an unresolvable binding)."""
        scope = self._scopes.get(name)
        if scope is None:
            return
        for assignment in scope[name.value]:
            if isinstance(assignment, Assignment) and assignment.node in self._values:
                yield self._values[assignment.node]
            else:
                yield None

    def assigned_values(self, name: cst.Name) -> list[cst.BaseExpression | None]:
        """Every value assigned to ``name`` in its scope (None where one is not an assignment)."""
        return list(self._assigned_values(name))

    # -- queries ---------------------------------------------------------------------------------
    def qualified_names(self, expr: cst.BaseExpression, _depth: int = 0) -> frozenset[str]:
        """Fully-qualified names ``expr`` may denote (empty when unknown)."""
        if _depth > _MAX_DEPTH:
            return frozenset()
        if isinstance(expr, cst.Name | cst.Attribute):
            found = {q.name for q in self._qualified_meta(expr) if q.source in _RESOLVED_SOURCES}
            if found:
                return frozenset(found)
        if isinstance(expr, cst.Name):
            if self._star_modules and self._unbound(expr):
                return frozenset(f"{m}.{expr.value}" for m in self._star_modules)
            out: set[str] = set()
            for value in self._assigned_values(expr):
                if value is not None and isinstance(value, cst.Name | cst.Attribute):
                    out |= self.qualified_names(value, _depth + 1)
            return frozenset(out)
        if isinstance(expr, cst.Attribute):
            held = self.instance_attribute(expr)  # self._gen = rsa.generate_private_key
            if held is not None and isinstance(held, cst.Name | cst.Attribute):
                return self.qualified_names(held, _depth + 1)
            base = self.qualified_names(expr.value, _depth + 1)
            return frozenset(f"{b}.{expr.attr.value}" for b in base)
        return frozenset()

    def value(self, expr: cst.BaseExpression, _depth: int = 0) -> Value:
        """The literal, names or building call of ``expr``, following constants and variables."""
        if _depth > _MAX_DEPTH:
            return Value()
        literal = self._literal(expr, _depth)
        if literal is not MISSING:
            return Value(literal=literal, indirect=_depth > 0)
        if isinstance(expr, cst.Call):
            return Value(names=self.qualified_names(expr.func), call=expr, indirect=_depth > 0)
        if isinstance(expr, cst.Name | cst.Attribute):
            names = self.qualified_names(expr)
            if names:
                return Value(names=names, indirect=_depth > 0)
        if isinstance(expr, cst.Name):
            values = list(self._assigned_values(expr))
            if len(values) == 1 and values[0] is not None:
                inner = self.value(values[0], _depth + 1)
                return Value(inner.literal, inner.names, inner.call, indirect=True)
        attribute = self.instance_attribute(expr)
        if attribute is not None:
            inner = self.value(attribute, _depth + 1)
            return Value(inner.literal, inner.names, inner.call, indirect=True)
        return Value()

    def _class_attributes(self) -> dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]]:
        """``self.NAME = value`` assignments in the methods of each class of the module."""
        if self._attributes is None:
            collector = _SelfAssignments()
            self.module.visit(collector)
            self._attributes = collector.found
        return self._attributes

    def instance_attribute(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """The value of ``self.x`` (inside a method) when the class assigns ``self.x`` once."""
        if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
            return None
        scope = self._scopes.get(expr.value)
        if not isinstance(scope, FunctionScope) or not isinstance(scope.parent, ClassScope) \
                or not isinstance(scope.node, cst.FunctionDef):
            return None
        params = scope.node.params.params
        if not params or params[0].name.value != expr.value.value \
                or not isinstance(scope.parent.node, cst.ClassDef):
            return None
        values = self._class_attributes().get((scope.parent.node, expr.attr.value), [])
        return values[0] if len(values) == 1 else None

    def dict_items(self, expr: cst.BaseExpression,
                   _depth: int = 0) -> list[tuple[str, cst.BaseExpression]] | None:
        """``(key, value expression)`` of the dict literal ``expr`` is (or a name holds)."""
        if _depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Dict):
            items = []
            for element in expr.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                key = self._literal(element.key, 0)
                if not isinstance(key, str):
                    return None
                items.append((key, element.value))
            return items
        if isinstance(expr, cst.Name):
            values = list(self._assigned_values(expr))
            if len(values) == 1 and values[0] is not None:
                return self.dict_items(values[0], _depth + 1)
        return None

    def origin_call(self, expr: cst.BaseExpression, _depth: int = 0) -> cst.Call | None:
        """The call whose result ``expr`` is (``key`` in ``key = gen(...); key.sign()``)."""
        if _depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Call):
            return expr
        if isinstance(expr, cst.Attribute):
            value = self.instance_attribute(expr)
            return self.origin_call(value, _depth + 1) if value is not None else None
        if isinstance(expr, cst.Name):
            values = [v for v in self._assigned_values(expr)]
            calls = [self.origin_call(v, _depth + 1) for v in values if v is not None]
            if len(values) == 1 and calls and calls[0] is not None:
                return calls[0]
        return None

    # -- functions defined in the module (``def make(): return rsa.generate_private_key(...)``) --
    def local_function(self, func: cst.BaseExpression) -> cst.FunctionDef | None:
        """The ``def`` in this module that ``func`` names, when it is bound exactly once."""
        if not isinstance(func, cst.Name):
            return None
        scope = self._scopes.get(func)
        if scope is None:
            return None
        assignments = list(scope[func.value])
        if len(assignments) == 1 and isinstance(assignments[0], Assignment) \
                and isinstance(assignments[0].node, cst.FunctionDef):
            return assignments[0].node
        return None

    def returned_values(self, function: cst.FunctionDef) -> list[cst.BaseExpression] | None:
        """The expressions of ``function``'s ``return`` statements; None when it is a generator
        or has a bare ``return`` (or none: it may fall off its end and return None)."""
        visitor = _Returns()
        function.body.visit(visitor)
        values = [r.value for r in visitor.returns]
        if visitor.yields or not values or any(v is None for v in values):
            return None
        return [v for v in values if v is not None]

    def returned_value(self, function: cst.FunctionDef) -> cst.BaseExpression | None:
        """What ``function`` returns, when its body has exactly one ``return EXPR`` (and is not
        a generator); None otherwise: several returns could differ."""
        values = self.returned_values(function)
        return values[0] if values is not None and len(values) == 1 else None

    def bind(self, function: cst.FunctionDef,
             args: Sequence[cst.Arg]) -> dict[str, cst.BaseExpression]:
        """Parameter name -> the expression it gets at a call with ``args`` (or its default).
        Parameters that cannot be bound statically (``*args`` at the call) are left out."""
        params = function.params
        positional = [*params.posonly_params, *params.params]
        bound: dict[str, cst.BaseExpression] = {}
        for n, param in enumerate(positional):
            arg = find_arg(args, n, None if n < len(params.posonly_params) else param.name.value)
            if arg is not None:
                bound[param.name.value] = arg.value
            elif param.default is not None:
                bound[param.name.value] = param.default
        for param in params.kwonly_params:
            arg = find_arg(args, None, param.name.value)
            if arg is not None:
                bound[param.name.value] = arg.value
            elif param.default is not None:
                bound[param.name.value] = param.default
        return bound

    def imported_names(self, expr: cst.Name | cst.Attribute) -> frozenset[str]:
        """The imported (or builtin) names ``expr`` denotes by itself, without following
        assignments: ``hashlib.sha1`` or an imported ``md5``, not a variable holding one."""
        return frozenset(q.name for q in self._qualified_meta(expr)
                         if q.source in _RESOLVED_SOURCES)

    def reads(self, target: cst.Name) -> list[cst.CSTNode]:
        """The nodes where the name ``target`` (an assignment target) is read in its scope."""
        scope = self._scopes.get(target)
        return [] if scope is None else [access.node for access in scope.accesses[target.value]]

    def is_parameter(self, name: cst.Name) -> bool:
        """True when ``name`` (where it is used) refers to a parameter of its function."""
        scope = self._scopes.get(name)
        if scope is None:
            return False
        assignments = list(scope[name.value])
        return len(assignments) == 1 and isinstance(assignments[0], Assignment) \
            and isinstance(assignments[0].node, cst.Param)

    def _literal(self, expr: cst.BaseExpression, depth: int) -> Any:
        """A Python value for literal expressions (and constants holding them); else MISSING."""
        if isinstance(expr, cst.Integer | cst.Float):
            return expr.evaluated_value
        if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
            return expr.evaluated_value
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[expr.value]
            values = list(self._assigned_values(expr))
            if len(values) == 1 and values[0] is not None:
                return self._literal(values[0], depth + 1)
            return MISSING
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
            inner = self._literal(expr.expression, depth + 1)
            return -inner if isinstance(inner, int | float) else MISSING
        if isinstance(expr, cst.BinaryOperation):
            return self._binary(expr, depth)
        if isinstance(expr, cst.List | cst.Tuple):
            items = [self._literal(e.value, depth + 1) for e in expr.elements
                     if isinstance(e, cst.Element)]
            return items if all(i is not MISSING for i in items) else MISSING
        if isinstance(expr, cst.Dict):
            out: dict[Any, Any] = {}
            for el in expr.elements:
                if isinstance(el, cst.DictElement):
                    key = self._literal(el.key, depth + 1)
                    if isinstance(key, str):
                        out[key] = self._literal(el.value, depth + 1)
            return out
        if isinstance(expr, cst.Call):
            return self._literal_call(expr, depth)
        return MISSING

    def _binary(self, expr: cst.BinaryOperation, depth: int) -> Any:
        left = self._literal(expr.left, depth + 1)
        right = self._literal(expr.right, depth + 1)
        if left is MISSING or right is MISSING:
            return MISSING
        try:
            if isinstance(expr.operator, cst.Multiply):
                if isinstance(left, bytes | str) and isinstance(right, int) and right < 1 << 16:
                    return left * right
                if isinstance(left, int) and isinstance(right, int):
                    return left * right
            if isinstance(expr.operator, cst.Add) and type(left) is type(right):
                return left + right
            if (isinstance(expr.operator, cst.Power) and isinstance(left, int)
                    and isinstance(right, int) and 0 <= right < 64):
                return left**right
        except TypeError:
            return MISSING
        return MISSING

    def _literal_call(self, call: cst.Call, depth: int) -> Any:
        names = self.qualified_names(call.func)
        first = find_arg(call.args, 0, None)
        arg = self._literal(first.value, depth + 1) if first is not None else MISSING
        if "builtins.bytes" in names and isinstance(arg, int) and 0 <= arg < 1 << 16:
            return bytes(arg)
        if names & {"builtins.bytes.fromhex", "binascii.unhexlify", "base64.b64decode"} \
                and isinstance(arg, str | bytes):
            try:
                if "base64.b64decode" in names:
                    return base64.b64decode(arg)
                return bytes.fromhex(arg if isinstance(arg, str) else arg.decode())
            except (ValueError, UnicodeDecodeError):
                return MISSING
        if "builtins.str.encode" in names or (
                isinstance(call.func, cst.Attribute) and call.func.attr.value == "encode"):
            base = self._literal(call.func.value, depth + 1) \
                if isinstance(call.func, cst.Attribute) else MISSING
            return base.encode() if isinstance(base, str) else MISSING
        return MISSING

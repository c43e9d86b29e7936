"""Adding ``import agile`` and dropping imports the rewrite left unused, without libcst's
AddImportsVisitor/RemoveImportsVisitor.

Those two visitors copy the module and compute scope metadata on it again, which was more than
half of the time ``agile migrate`` spent on a file it rewrote. Here usage is read from Python's
own ``ast`` of the generated code (C-fast): an import scheduled for removal goes only when no
``Name`` anywhere in the module and no string (``__all__``, string annotations) mentions the name
it binds, which keeps a few imports libcst's scope-exact analysis would drop and never drops one
still in use.

>>> finish_imports(module, add_agile=True, unused=frozenset({("import", "hmac", None)}))  # doctest: +SKIP
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Sequence
from typing import Any

import libcst as cst

__all__ = ["ImportAlias", "alias_key", "finish_imports"]

#: ("import" | "from <module>", evaluated name, asname): one alias of one import statement.
ImportAlias = tuple[str, str, str | None]


def alias_key(stmt: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> ImportAlias | None:
    """The key of ``alias`` in ``stmt`` (None for relative imports, which are never dropped)."""
    if isinstance(stmt, cst.Import):
        return ("import", alias.evaluated_name, alias.evaluated_alias)
    if stmt.relative or stmt.module is None:
        return None
    module = cst.helpers.get_full_name_for_node(stmt.module)
    return (f"from {module}", alias.evaluated_name, alias.evaluated_alias)


def _bound_name(key: ImportAlias) -> str:
    kind, name, asname = key
    if asname is not None:
        return asname
    return name.split(".")[0] if kind == "import" else name


def _mentioned(code: str, names: Collection[str]) -> set[str]:
    """The ``names`` the code still uses: as a Name, or inside a string constant (other than
    the ``policy="..."`` the rewrites add: a policy may be called ``md5``)."""
    tree = ast.parse(code)
    found: set[str] = set()
    strings: list[ast.Constant] = []
    policies: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            found.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node)
        elif isinstance(node, ast.keyword) and node.arg == "policy":
            policies.add(id(node.value))
    rest = [n for n in names if n not in found]
    text = "\n".join(str(c.value) for c in strings if id(c) not in policies)
    if rest and text:
        # as an identifier (``"hashes.Hash"``, ``__all__``), not inside a word
        found.update(n for n in rest if re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", text))
    return found


class _DropAliases(cst.CSTTransformer):
    """Removes the given import aliases wherever they are; visits statements only."""

    def __init__(self, drop: Collection[ImportAlias]) -> None:
        super().__init__()
        self.drop = drop

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, cst.BaseExpression | cst.SimpleStatementLine)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body: list[cst.BaseSmallStatement] = []
        changed = False
        for small in updated_node.body:
            if isinstance(small, cst.Import | cst.ImportFrom) and \
                    not isinstance(small.names, cst.ImportStar):
                kept = _kept(small, small.names, self.drop)
                if kept is not None:
                    changed = True
                    if kept is cst.RemovalSentinel.REMOVE:
                        continue
                    small = kept
            body.append(small)
        if not changed:
            return updated_node
        if not body:
            return cst.RemovalSentinel.REMOVE
        last = body[-1]
        if isinstance(last.semicolon, cst.Semicolon):
            body[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=body)


def _kept(stmt: cst.Import | cst.ImportFrom, names: Sequence[cst.ImportAlias],
          drop: Collection[ImportAlias]) -> Any:
    """None if nothing goes, REMOVE if everything goes, else ``stmt`` with fewer aliases."""
    keep: list[cst.ImportAlias] = []
    for alias in names:
        if alias_key(stmt, alias) not in drop:
            keep.append(alias)
        elif isinstance(alias.comma, cst.Comma) and keep and isinstance(keep[-1].comma,
                                                                          cst.Comma):
            # hand a comment that trailed the dropped alias to the alias before it
            whitespace = alias.comma.whitespace_after
            if isinstance(whitespace, cst.ParenthesizedWhitespace) and any(
                    line.comment is not None for line in whitespace.empty_lines):
                keep[-1] = keep[-1].with_changes(comma=keep[-1].comma.with_changes(
                    whitespace_after=whitespace))
    if len(keep) == len(names):
        return None
    if not keep:
        return cst.RemovalSentinel.REMOVE
    if keep[-1] is not names[-1]:
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return stmt.with_changes(names=keep)


def _skip_first(module: cst.Module) -> bool:
    """A docstring (also an implicitly concatenated one, which libcst's own visitor misses)
    or ``__strict__`` flag stays above the imports."""
    if not module.body or not isinstance(module.body[0], cst.SimpleStatementLine):
        return False
    first = module.body[0].body[0] if module.body[0].body else None
    if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString
                                                  | cst.ConcatenatedString):
        return True
    return isinstance(first, cst.Assign) and any(
        isinstance(t.target, cst.Name) and t.target.value == "__strict__" for t in first.targets)


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(
        stmt.body[0], cst.Import | cst.ImportFrom)


def _add_import_agile(module: cst.Module) -> cst.Module:
    """``import agile`` at the end of the module's first block of imports, unless there."""
    body = list(module.body)
    at = 1 if _skip_first(module) else 0
    while at < len(body) and _is_import_line(body[at]):
        stmt = body[at]
        assert isinstance(stmt, cst.SimpleStatementLine)
        small = stmt.body[0]
        if isinstance(small, cst.Import) and any(
                a.evaluated_name == "agile" and a.asname is None for a in small.names):
            return module
        at += 1
    rest = body[at:]
    if rest:
        lines = rest[0].leading_lines
        if not lines:
            rest[0] = rest[0].with_changes(leading_lines=(cst.EmptyLine(),))
        elif lines[0].comment is not None:
            rest[0] = rest[0].with_changes(leading_lines=(cst.EmptyLine(), *lines))
    new = cst.parse_statement("import agile", config=module.config_for_parsing)
    return module.with_changes(body=[*body[:at], new, *rest])


def finish_imports(module: cst.Module, *, add_agile: bool,
                   unused: Collection[ImportAlias]) -> cst.Module:
    """Add ``import agile`` if asked; drop each alias in ``unused`` whose bound name the module
    no longer mentions."""
    if add_agile:
        module = _add_import_agile(module)
    if not unused:
        return module
    names = {_bound_name(key) for key in unused}
    try:
        still = _mentioned(module.code, names)
    except (SyntaxError, ValueError, RecursionError):
        return module  # the caller's own parse check reports it; keep every import
    drop = frozenset(key for key in unused if _bound_name(key) not in still)
    if not drop:
        return module
    return module.visit(_DropAliases(drop))

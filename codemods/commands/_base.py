"""The shared machinery of the migrate codemods: rules, outcomes, policy naming, imports.

A *rule* recognises one call pattern (``hashlib.sha256(data).digest()``) and returns a
:class:`Rewritten` replacement, a :class:`Skipped` reason, or None (not its pattern). A command is
a libcst ``VisitorBasedCodemodCommand`` that runs a tuple of rules in one pass, so each concern is
its own command (``HashlibToAgile``) and :class:`~codemods.commands.MigrateToAgile` runs them all
at once. Rewritten sites and skipped sites are kept in ``context.scratch`` for the migrate driver;
skipped sites are also ``self.warn()``-ed.

>>> from libcst.codemod import CodemodContext
>>> from codemods.commands import HashlibToAgile
>>> HashlibToAgile(CodemodContext()).transform_module(cst.parse_module(src))  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, ClassVar, Protocol

import libcst as cst
import libcst.matchers
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import (
    Assignment,
    ImportAssignment,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from agile import algorithms
from agile.algorithms import Algorithm
from agile.errors import UnknownAlgorithm

from ..scanner._detect import Detector, Walker
from ..scanner._findings import Finding
from ..scanner._resolve import Resolver
from ._imports import ImportAlias, alias_key, finish_imports
from ._purpose import purpose_of

__all__ = ["SITES_KEY", "AgileCommand", "CallRule", "Found", "Rewritten", "RunRule", "Site",
           "Skipped", "policy_name"]

#: ``context.scratch`` key holding the list of :class:`Site` records of one file.
SITES_KEY = "agile.migrate.sites"
REVIEW_MARK = "# agile-migrate: review:"
UNCOVERED = "no agile migrate rule covers"


@dataclass(frozen=True, slots=True)
class Site:
    """One call site: rewritten onto ``policy`` (pinning ``slot = algorithm``) or skipped."""

    line: int
    pattern: str
    rewritten: bool
    policy: str | None = None
    slot: str | None = None
    algorithm: str | None = None
    reason: str = ""
    #: The purpose the policy is named after (None: named after the algorithm).
    purpose: str | None = None
    #: Policy floors the call allows (``min_iterations``), as (key, value) pairs; None: the
    #: value is not visible, so no floor may be generated for the policy.
    settings: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Rewritten:
    """A replacement expression and the policy slot it pins. ``imports`` are the expressions
    (the replaced constructors) whose import may now be unused."""

    node: cst.BaseExpression
    slot: str
    algorithm: str
    policy: str
    imports: tuple[cst.BaseExpression, ...] = ()
    #: The replacement no longer uses the receiver object (it re-reads the constructor's
    #: arguments), so a construction whose every use is rewritten can go.
    replaces_receiver: bool = False
    #: Policy floors to generate with the pin (``(("min_iterations", 600000),)``; None: not
    #: visible at this call, so none may be generated).
    settings: tuple[tuple[str, int | None], ...] = ()
    #: Likewise for objects passed as arguments (``sign(h)`` re-reads ``h = SHA256.new(data)``).
    replaces_arguments: bool = False
    #: Block rules: statements to put before the replacement (a nonce the old object drew).
    statements_before: tuple[cst.SimpleStatementLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str


Outcome = Rewritten | Skipped | None


class BlockRule(Protocol):
    """Recognises a run of statements in one block; returns (first, last, replacement statement
    or Skipped) for each run it handles."""

    pattern: str

    def __call__(self, cmd: AgileCommand, body: Sequence[cst.BaseStatement]
                 ) -> list[tuple[int, int, cst.SimpleStatementLine | Skipped, Rewritten | None]]:
        ...


class AttributeRule(Protocol):
    """Replaces an attribute read that a rewrite made stale (``cipher.nonce``); None: not its
    case."""

    def __call__(self, cmd: AgileCommand, original: cst.Attribute) -> cst.BaseExpression | None:
        ...


#: What a block rule reports for one run: (first, last statement index, replacement or why not,
#: the rewrite it stands for).
Found = tuple[int, int, cst.SimpleStatementLine | Skipped, Rewritten | None]


class RunRule:
    """A block rule over runs that start at one statement: ``_at`` says whether a run starts at
    ``body[i]`` (and where it ends); calling the rule scans the block, resuming after each run."""

    pattern: str

    def __call__(self, cmd: AgileCommand, body: Sequence[cst.BaseStatement]) -> list[Found]:
        found: list[Found] = []
        i = 0
        while i < len(body):
            result = self._at(cmd, body, i)
            if result is None:
                i += 1
                continue
            found.append(result)
            i = result[1] + 1
        return found

    def _at(self, cmd: AgileCommand, body: Sequence[cst.BaseStatement], i: int) -> Found | None:
        raise NotImplementedError


class CallRule(Protocol):
    """Recognises one call pattern; ``original`` carries metadata, ``updated`` the new children."""

    pattern: str

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome: ...


def policy_name(algorithm: Algorithm) -> str:
    """The policy name derived from the pinned algorithm, lower-cased (``hmac-sha256``)."""
    return re.sub(r"[^a-z0-9]+", "-", algorithm.name.lower()).strip("-")


#: How generated policies are named: after the call's purpose where clear, or the algorithm.
NAMINGS = ("purpose", "algorithm")
#: (purpose, slot, algorithm) triples whose sites get ``<purpose>-<algorithm>`` names because
#: the plain purpose name is taken by another algorithm in that slot.
Disambiguation = frozenset[tuple[str, str, str]]


def _targets(stmt: cst.SimpleStatementLine) -> list[str]:
    """The names a statement assigns (``self.session_mac = ...`` -> ``session_mac``)."""
    names = []
    for small in stmt.body:
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, cst.AnnAssign | cst.AugAssign):
            targets = [small.target]
        for target in targets:
            for node in [target, *cst.matchers.findall(target, cst.matchers.Name()
                                                         | cst.matchers.Attribute())]:
                if isinstance(node, cst.Name):
                    names.append(node.value)
                elif isinstance(node, cst.Attribute):
                    names.append(node.attr.value)
    return names


def _is_import(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body)


def keep_import_separators(before: cst.Module, after: cst.Module) -> cst.Module:
    """Give the blank lines and comments above a removed import to the statement now in its
    place (removing an import drops them with it)."""
    original = list(before.body)
    body = list(after.body)
    if len(body) == len(original) and all(a is b for a, b in zip(body, original, strict=True)):
        return after
    i = 0
    for j, stmt in enumerate(body):
        if i >= len(original):
            break
        if stmt.deep_equals(original[i]):
            i += 1
            continue
        later = next((k for k in range(i + 1, len(original))
                      if _is_import(original[k]) and stmt.deep_equals(original[k])), None)
        removed = original[i:later] if later is not None else original[i:i + 1]
        lost = next((r.leading_lines for r in removed
                     if _is_import(r) and r.leading_lines
                     and not any(r.deep_equals(b) for b in body)), None)
        if lost is not None and _is_import(stmt) and not stmt.leading_lines:
            body[j] = stmt.with_changes(leading_lines=lost)
        i = later + 1 if later is not None else i + 1
    return after.with_changes(body=body)


@dataclass
class _FileState:
    findings: list[Finding] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    removed: set[cst.CSTNode] = field(default_factory=set)
    annotations: dict[int, list[str]] = field(default_factory=dict)
    add_agile: bool = False
    unused: set[ImportAlias] = field(default_factory=set)  # imports to drop if now unused


class AgileCommand(VisitorBasedCodemodCommand):
    """Base of the migrate commands: runs ``RULES`` on every call, in one pass."""

    DESCRIPTION: str = "Rewrite raw crypto calls onto agile.raw with pinned policies."
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, PositionProvider,
                             ParentNodeProvider)
    #: The rules this command applies, tried in order on every call.
    RULES: ClassVar[tuple[CallRule, ...]] = ()
    #: Rules over runs of statements (``h = Hash(...); h.update(x); h.finalize()``).
    BLOCK_RULES: ClassVar[tuple[BlockRule, ...]] = ()
    #: Rules over attribute reads of objects a rewrite removed.
    ATTRIBUTE_RULES: ClassVar[tuple[AttributeRule, ...]] = ()
    #: Top-level modules whose import makes the command worth running (the driver's pre-filter).
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    #: Also report every crypto call the scanner finds that no rule rewrote or skipped.
    REPORT_UNHANDLED: ClassVar[bool] = False

    def __init__(self, context: CodemodContext, policy_map: Mapping[str, str] | None = None,
                 annotate: bool = False, naming: str = "purpose",
                 disambiguate: Disambiguation = frozenset()) -> None:
        super().__init__(context)
        if naming not in NAMINGS:
            raise ValueError(f"naming must be one of {', '.join(NAMINGS)}, not {naming!r}")
        self.policy_map = dict(policy_map or {})
        self.annotate = annotate
        self.naming = naming
        self.disambiguate = disambiguate
        self._purpose_at: cst.CSTNode | None = None
        self._purpose_of_name: dict[str, str] = {}
        self._resolver: Resolver | None = None
        self._declared: frozenset[str] | None = None
        self._detector: Any = None
        self._agile_taken: bool | None = None
        self._state = _FileState()

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--annotate", action="store_true",
                                help="add a review comment above each call left unchanged")
        arg_parser.add_argument("--naming", choices=NAMINGS, default="purpose",
                                help="name generated policies after the call's purpose where "
                                     "the surrounding names make it clear, or always after "
                                     "the algorithm")

    def transform_module(self, tree: cst.Module) -> cst.Module:
        result = super().transform_module(tree)
        result = finish_imports(result, add_agile=self._state.add_agile,
                                unused=self._state.unused)
        return keep_import_separators(tree, result)

    # -- per-file state --------------------------------------------------------------------------
    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            wrapper = self.context.wrapper
            if wrapper is None:
                raise RuntimeError("AgileCommand runs through transform_module()")
            self._resolver = Resolver(wrapper)
        return self._resolver

    def visit_Module(self, node: cst.Module) -> None:
        self._resolver = None
        self._declared = None
        self._detector = None
        self._agile_taken = None
        self._purpose_of_name = {}
        self._state = _FileState()
        self.context.scratch[SITES_KEY] = self._state.sites
        if self.REPORT_UNHANDLED:
            walker = Walker(self.detector)
            node.visit(walker)
            self._state.findings = walker.findings

    @property
    def detector(self) -> Any:
        """The scanner's detector on this module (it describes calls: API, key type, params)."""
        if self._detector is None:
            wrapper = self.context.wrapper
            if wrapper is None:
                raise RuntimeError("AgileCommand runs through transform_module()")
            self._detector = Detector(wrapper, self.context.filename or "", ())
        return self._detector

    def _report_unhandled(self, first: int, last: int) -> None:
        """A skipped site for each scanner finding on lines ``first..last`` that no rule
        rewrote, skipped or removed (a crypto call this tool does not cover)."""
        if not self._state.findings:
            return
        handled = {site.line for site in self._state.sites}
        keep = []
        for finding in self._state.findings:
            if not first <= finding.line <= last:
                keep.append(finding)
            elif finding.parameters.get("use") == "operation":
                continue  # a method on a crypto object: its construction is the reported site
            elif finding.line not in handled and finding.library != "agile":
                handled.add(finding.line)
                name = finding.api.rsplit(".", 1)[-1]
                self._skip(finding.line, f"{finding.kind} {name}",
                           f"{UNCOVERED} {finding.api} yet")
        self._state.findings = keep

    @property
    def declared_global_or_nonlocal(self) -> frozenset[str]:
        """Names some function rebinds from outside its own scope (``global``/``nonlocal``)."""
        if self._declared is None:
            module = self.resolver.module
            found = cst.matchers.findall(module, cst.matchers.Global() | cst.matchers.Nonlocal())
            self._declared = frozenset(
                item.name.value for node in found
                for item in getattr(node, "names", ()))
        return self._declared

    def line_of(self, node: cst.CSTNode) -> int:
        return int(self.get_metadata(PositionProvider, node).start.line)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        parent: cst.CSTNode | None = self.get_metadata(ParentNodeProvider, node, None)
        return parent

    # -- rule helpers ----------------------------------------------------------------------------
    def qualified_names(self, expr: cst.BaseExpression) -> frozenset[str]:
        return self.resolver.qualified_names(expr)

    def purpose(self, node: cst.CSTNode) -> str | None:
        """What the call at ``node`` is for, read from the names around it (see _purpose)."""
        levels: list[list[str]] = []
        child: cst.CSTNode | None = node
        while child is not None:
            parent = self.parent(child)
            if isinstance(child, cst.SimpleStatementLine):
                levels.append(_targets(child))
            elif isinstance(child, cst.FunctionDef | cst.ClassDef):
                levels.append([child.name.value])
            child = parent
        if self.context.filename:
            levels.append([PurePath(self.context.filename).stem])
        return purpose_of(levels)

    def policy_for(self, algorithm: Algorithm, at: cst.CSTNode | None = None) -> str:
        """The policy a rewritten call of ``algorithm`` names: after the purpose of the call at
        ``at`` (default: the call being rewritten) where clear, else after the algorithm."""
        by_algorithm = policy_name(algorithm)
        node = at if at is not None else self._purpose_at
        purpose = self.purpose(node) if self.naming == "purpose" and node is not None else None
        if purpose is None:
            return self.policy_map.get(by_algorithm, by_algorithm)
        generated = purpose
        if (purpose, algorithm.family.value, algorithm.name) in self.disambiguate:
            generated = f"{purpose}-{by_algorithm}"
        name = self.policy_map.get(generated, generated)
        self._purpose_of_name[name] = purpose
        return name

    def registry_algorithm(self, name: str, family: str) -> Algorithm | str:
        """The registry descriptor for ``name`` in ``family``, or the reason it cannot be used."""
        try:
            alg = algorithms.get(name)
        except UnknownAlgorithm:
            return f"{name} is not in agile's algorithm registry"
        if alg.family.value != family:
            return f"{name} is a {alg.family} algorithm, not {family}"
        return alg

    # -- the pass --------------------------------------------------------------------------------
    @property
    def agile_name_taken(self) -> bool:
        """True if this module binds ``agile`` to something other than the agile package, so
        the ``agile.raw...`` the rewrites emit would not mean agile."""
        if self._agile_taken is None:
            scopes: set[Scope] = {s for s in self.metadata[ScopeProvider].values()
                                  if isinstance(s, Scope)}
            self._agile_taken = any(
                not (isinstance(a, ImportAssignment) and isinstance(a.node, cst.Import)
                     and any(n.evaluated_name == "agile" and n.asname is None
                             for n in a.node.names))
                for scope in scopes for a in scope.assignments["agile"])
        return self._agile_taken

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        for rule in self.ATTRIBUTE_RULES:
            replacement = rule(self, original_node)
            if replacement is not None:
                return replacement
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        self._purpose_at = original_node
        for rule in self.RULES:
            outcome = rule(self, original_node, updated_node)
            if outcome is None:
                continue
            line = self.line_of(original_node)
            if isinstance(outcome, Rewritten) and self.agile_name_taken:
                outcome = Skipped("the name 'agile' means something else in this module")
            if isinstance(outcome, Skipped):
                self._skip(line, rule.pattern, outcome.reason)
                return updated_node
            self._state.sites.append(Site(line, rule.pattern, True, outcome.policy, outcome.slot,
                                          outcome.algorithm,
                                          purpose=self._purpose_of_name.get(outcome.policy),
                                          settings=outcome.settings))
            self._state.add_agile = True
            for expr in outcome.imports:
                self._schedule_import_removal(expr)
            return outcome.node
        return updated_node

    def _skip(self, line: int, pattern: str, reason: str) -> None:
        self._state.sites.append(Site(line, pattern, False, reason=reason))
        self.warn(f"line {line}: {pattern} left unchanged: {reason}")
        if self.annotate:
            self._state.annotations.setdefault(line, []).append(f"{pattern}: {reason}")

    def _schedule_import_removal(self, expr: cst.BaseExpression) -> None:
        """Drop the import binding ``expr``'s root name if the rewritten module no longer uses
        it (see :func:`finish_imports`)."""
        root: cst.BaseExpression = expr
        while isinstance(root, cst.Attribute | cst.Call):
            root = root.value if isinstance(root, cst.Attribute) else root.func
        if not isinstance(root, cst.Name):
            return
        scope = self.get_metadata(ScopeProvider, root, None)
        if scope is None:
            return
        for assignment in scope[root.value]:
            if not isinstance(assignment, ImportAssignment):
                continue
            stmt = assignment.node
            if not isinstance(stmt, cst.Import | cst.ImportFrom) or isinstance(stmt.names,
                                                                                cst.ImportStar):
                continue
            for alias in stmt.names:
                asname = alias.evaluated_alias
                bound = asname or alias.evaluated_name.split(".")[0]
                if bound != root.value:
                    continue
                key = alias_key(stmt, alias)
                if key is not None:
                    self._state.unused.add(key)

    # -- --annotate --------------------------------------------------------------------------------
    def _annotated(self, original: cst.CSTNode, lines: Sequence[cst.EmptyLine],
                   start_only: bool) -> list[cst.EmptyLine] | None:
        if not self._state.annotations:
            return None
        pos = self.get_metadata(PositionProvider, original)
        last = pos.start.line if start_only else pos.end.line
        notes = [note for line in range(pos.start.line, last + 1)
                 for note in self._state.annotations.pop(line, [])]
        if not notes:
            return None
        present = {ln.comment.value for ln in lines if ln.comment is not None}
        extra = [cst.EmptyLine(comment=cst.Comment(f"{REVIEW_MARK} {note}")) for note in notes
                 if f"{REVIEW_MARK} {note}" not in present]
        return [*lines, *extra] if extra else None

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if self._only_feeds_rewritten_calls(original_node):
            assign = original_node.body[0]
            assert isinstance(assign, cst.Assign)
            for name in cst.matchers.findall(assign.value, cst.matchers.Name()):
                assert isinstance(name, cst.Name)
                self._schedule_import_removal(name)
            self._state.removed.add(original_node)
            pos = self.get_metadata(PositionProvider, original_node)
            self._state.findings = [f for f in self._state.findings
                                    if not pos.start.line <= f.line <= pos.end.line]
            return cst.RemovalSentinel.REMOVE
        pos = self.get_metadata(PositionProvider, original_node)
        self._report_unhandled(pos.start.line, pos.end.line)
        lines = self._annotated(original_node, updated_node.leading_lines, start_only=False)
        return updated_node if lines is None else updated_node.with_changes(leading_lines=lines)

    def _only_feeds_rewritten_calls(self, stmt: cst.SimpleStatementLine) -> bool:
        """True for ``name = Ctor(...)`` when every use of ``name`` is a method call that the
        rules rewrite (so the object is no longer needed): ``box = AESGCM(k); box.encrypt()``."""
        if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
            return False
        assign = stmt.body[0]
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name) \
                or not isinstance(assign.value, cst.Call):
            return False
        target = assign.targets[0].target
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or not self.RULES:
            return False
        ancestor = self.parent(stmt)
        while ancestor is not None:  # a constructor that may raise (Fernet(bad key)) stays
            if isinstance(ancestor, cst.Try | cst.TryStar):  # where its except clause sees it
                return False
            ancestor = self.parent(ancestor)
        bindings = list(scope[target.value])
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment) \
                or bindings[0].node is not target or not bindings[0].references:
            return False
        for access in bindings[0].references:
            attribute = self.parent(access.node)
            call = self.parent(attribute) if isinstance(attribute, cst.Attribute) else None
            if isinstance(call, cst.Call) and call.func is attribute:
                if not self._rewritten_without(call, receiver=True):
                    return False
            elif not self.feeds_rewritten_call(access.node):
                return False
        return True

    def _rewritten_without(self, call: cst.Call, receiver: bool) -> bool:
        outcomes = [rule(self, call, call) for rule in self.RULES]
        return any(isinstance(o, Rewritten) and (o.replaces_receiver if receiver
                                                 else o.replaces_arguments) for o in outcomes)

    def feeds_rewritten_call(self, node: cst.CSTNode) -> bool:
        """True if ``node`` is an argument of a call some rule rewrites without it."""
        arg = self.parent(node)
        call = self.parent(arg) if isinstance(arg, cst.Arg) else None
        return isinstance(call, cst.Call) and self._rewritten_without(call, receiver=False)

    def consumed_by_rewrites(self, call: cst.Call) -> bool:
        """True if the object ``call`` builds is only used by calls the rules rewrite without
        it: inline as their argument, or through a variable whose statement then goes."""
        if self.feeds_rewritten_call(call):
            return True
        assign = self.parent(call)
        statement = self.parent(assign) if isinstance(assign, cst.Assign) else None
        return isinstance(statement, cst.SimpleStatementLine) and \
            self._only_feeds_rewritten_calls(statement)

    def _leave_compound(self, original_node: Any, updated_node: Any) -> Any:
        line = self.get_metadata(PositionProvider, original_node).start.line
        self._report_unhandled(line, line)
        lines = self._annotated(original_node, updated_node.leading_lines, start_only=True)
        return updated_node if lines is None else updated_node.with_changes(leading_lines=lines)

    def _keep_separators(self, original: Sequence[cst.CSTNode], updated: Sequence[Any]
                         ) -> list[Any] | None:
        """Hand the blank lines above each removed statement to the next statement kept."""
        if not self._state.removed or not any(s in self._state.removed for s in original):
            return None
        kept = [s for s in original if s not in self._state.removed]
        if len(kept) != len(updated):
            return None
        out, j, carry = list(updated), 0, None
        for stmt in original:
            if stmt in self._state.removed:
                carry = carry or getattr(stmt, "leading_lines", None) or None
                continue
            if carry and not getattr(out[j], "leading_lines", True):
                out[j] = out[j].with_changes(leading_lines=carry)
            carry = None
            j += 1
        return out

    def _apply_block_rules(self, original: Sequence[Any], updated: Sequence[Any]) -> list[Any]:
        """Run BLOCK_RULES over ``original`` (for metadata) and splice into ``updated``."""
        out = list(updated)
        # where each original statement is in ``updated`` (statements the call rules made
        # redundant are gone: ``box = AESGCM(k)``)
        kept = [k for k, stmt in enumerate(original) if stmt not in self._state.removed]
        if not self.BLOCK_RULES or len(kept) != len(updated):
            return out
        index = {k: n for n, k in enumerate(kept)}
        replaced: list[tuple[int, int, list[cst.SimpleStatementLine]]] = []
        for rule in self.BLOCK_RULES:
            self._purpose_at = None  # each block rule names the statement it rewrites
            for first, last, result, rewritten in rule(self, original):
                if any(k not in index for k in range(first, last + 1)):
                    continue  # a call rule already rewrote part of this run
                start = self.line_of(original[first])
                end = self.get_metadata(PositionProvider, original[last]).end.line
                if not isinstance(result, Skipped) and self.agile_name_taken:
                    result = Skipped("the name 'agile' means something else in this module")
                # the statements' calls were reported as uncovered on the way up: now they
                # are covered (rewritten, or skipped with this rule's reason)
                self._state.sites[:] = [s for s in self._state.sites if s.rewritten or not (
                    start <= s.line <= end and s.reason.startswith(UNCOVERED))]
                if isinstance(result, Skipped):
                    self._skip(start, rule.pattern, result.reason)
                    continue
                assert rewritten is not None
                self._state.sites.append(Site(
                    start, rule.pattern, True, rewritten.policy, rewritten.slot,
                    rewritten.algorithm, purpose=self._purpose_of_name.get(rewritten.policy),
                    settings=rewritten.settings))
                self._state.add_agile = True
                for expr in rewritten.imports:
                    self._schedule_import_removal(expr)
                replaced.append((index[first], index[last],
                                 [*rewritten.statements_before, result]))
        for first, last, statements in sorted(replaced, key=lambda r: r[0], reverse=True):
            out[first:last + 1] = statements
        return out

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._keep_separators(original_node.body, updated_node.body)
        new = self._apply_block_rules(original_node.body, body or updated_node.body)
        return updated_node.with_changes(body=new)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        self._report_unhandled(1, 1 << 30)  # what no statement claimed (decorators...)
        body = self._keep_separators(original_node.body, updated_node.body)
        new = self._apply_block_rules(original_node.body, body or updated_node.body)
        return updated_node.with_changes(body=new)

    leave_If = leave_For = leave_While = leave_With = leave_FunctionDef = _leave_compound
    leave_ClassDef = _leave_compound

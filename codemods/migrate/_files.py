"""Migrating one file: read, pre-filter, parse, rewrite, check, diff and (atomically) write.

A bad file becomes a disposition with its reason, never an exception that stops the run.
"""

from __future__ import annotations

import difflib
import io
import os
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import libcst as cst
from libcst.codemod import CodemodContext

from agile._atomic import write_atomic

from ..commands import SITES_KEY, Disambiguation, MigrateToAgile, Site
from ..scanner._files import MAX_FILE_BYTES, Candidate, prefilter_pattern

__all__ = ["Disposition", "FileResult", "migrate_file", "prefiltered", "write_result"]

PREFILTER = prefilter_pattern(MigrateToAgile.TRIGGERS)


class Disposition(StrEnum):
    REWRITTEN = "rewritten"  # changed (written, or would be with --dry-run/--check)
    UNCHANGED = "unchanged"  # parsed; nothing this tool can rewrite
    PRE_FILTERED = "pre-filtered"  # imports no module the codemods handle
    EXCLUDED = "excluded"
    FAILED = "failed"  # unreadable, undecodable, unparsable, or the rewrite failed


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file; ``diff`` is the unified diff of the change (empty if none)."""

    path: str
    disposition: Disposition
    reason: str = ""
    sites: tuple[Site, ...] = ()
    diff: str = ""
    root: str = ""
    target: str = ""  # the file on disk
    new_text: str = field(default="", repr=False)
    encoding: str = "utf-8"

    @property
    def rewritten(self) -> int:
        return sum(1 for s in self.sites if s.rewritten)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.sites if not s.rewritten)


def _read(path: str) -> tuple[bytes, str] | str:
    """(bytes, text) or the reason the file cannot be migrated."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return f"file too large ({size} bytes, limit {MAX_FILE_BYTES})"
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if b"\0" in data[:8192]:
        return "binary file (NUL bytes)"
    if PREFILTER.search(data) is None:
        return ""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data, data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        return f"cannot decode: {exc}"


def write_result(result: FileResult) -> None:
    """Replace the file with its rewritten text, atomically, keeping its permissions."""
    mode = os.stat(result.target).st_mode & 0o7777
    write_atomic(result.target, result.new_text.encode(result.encoding), mode=mode)


def prefiltered(candidate: Candidate, root: str = "") -> FileResult | None:
    """The pre-filtered or failed result when the file need not be parsed; None otherwise."""
    read = _read(candidate.path)
    if read == "":
        return FileResult(candidate.rel, Disposition.PRE_FILTERED,
                          "imports no module the codemods handle", root=root)
    if isinstance(read, str):
        return FileResult(candidate.rel, Disposition.FAILED, read, root=root)
    return None


def migrate_file(candidate: Candidate, *, annotate: bool = False,
                 policy_map: Mapping[str, str] | None = None, root: str = "",
                 naming: str = "purpose", disambiguate: Disambiguation = frozenset()
                 ) -> FileResult:
    """Rewrite one file in memory; the result says what happened (see :func:`write_result`)."""
    rel = candidate.rel
    read = _read(candidate.path)
    if read == "":
        return FileResult(rel, Disposition.PRE_FILTERED, "imports no module the codemods handle",
                          root=root)
    if isinstance(read, str):
        return FileResult(rel, Disposition.FAILED, read, root=root)
    data, text = read
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileResult(rel, Disposition.FAILED, f"syntax error at line {exc.raw_line}: "
                          f"{exc.message}", root=root)
    except (RecursionError, MemoryError, ValueError) as exc:
        return FileResult(rel, Disposition.FAILED, f"cannot parse: {type(exc).__name__}",
                          root=root)
    context = CodemodContext(filename=candidate.path)
    command = MigrateToAgile(context, policy_map=policy_map, annotate=annotate, naming=naming,
                             disambiguate=disambiguate)
    try:
        new = command.transform_module(module).code
        if new != text:
            compile(new, candidate.path, "exec")  # the output must parse, always
    except Exception as exc:  # one odd file must not stop a fleet migration; say what happened
        return FileResult(rel, Disposition.FAILED, f"rewrite failed: {type(exc).__name__}: {exc}",
                          root=root)
    sites = tuple(context.scratch.get(SITES_KEY, ()))
    if new == text:
        return FileResult(rel, Disposition.UNCHANGED, "", sites, root=root)
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        f"a/{rel}", f"b/{rel}"))
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return FileResult(rel, Disposition.REWRITTEN, "", sites, diff, root=root,
                      target=candidate.path, new_text=new, encoding=encoding)

"""Which files to scan, and scanning one file: size and binary checks, the import pre-filter,
decoding, parsing and detection. A bad file becomes a disposition, never an exception."""

from __future__ import annotations

import ast
import fnmatch
import io
import os
import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst
import pathspec

from ._findings import FileReport, Status

if TYPE_CHECKING:
    from ._cache import ScanCache

__all__ = [
    "DEFAULT_EXCLUDES",
    "MAX_FILE_BYTES",
    "Candidate",
    "analyse",
    "imports_tracked",
    "prefilter_pattern",
    "scan_file",
    "tracked_prefixes",
    "triage",
    "walk",
]

#: Directory names never descended into (reported once each as excluded).
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist",
                    ".tox", ".nox", "__pycache__", ".mypy_cache", ".ruff_cache", ".eggs")
#: Files larger than this are reported as parse-failed without being read.
MAX_FILE_BYTES = 2_000_000
_BINARY_PROBE = 8192


def prefilter_pattern(modules: Iterable[str]) -> re.Pattern[bytes]:
    """A regex matching an import statement that names one of ``modules`` on its first line."""
    names = "|".join(sorted({re.escape(m) for m in modules}, key=len, reverse=True))
    return re.compile(rb"(?m)^(?:\xef\xbb\xbf)?[ \t]*(?:from|import)[ \t][^\n]*?\b(?:"
                      + names.encode() + rb")\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to scan: where it is and the name it is reported under."""

    path: str
    rel: str


class _Ignore:
    """The .gitignore files met on the way down, each applying below its own directory."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def push(self, directory: str, rel_dir: str) -> None:
        gitignore = os.path.join(directory, ".gitignore")
        if os.path.isfile(gitignore):
            try:
                with open(gitignore, encoding="utf-8", errors="replace") as fh:
                    spec = pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
            except OSError:
                return
            self._specs.append((rel_dir, spec))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for base, spec in self._specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False


def _excluded(rel: str, patterns: Sequence[str]) -> str | None:
    for pattern in patterns:
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel + "/", pattern):
            return pattern
    return None


def walk(roots: Sequence[str], *, excludes: Sequence[str] = (),
         gitignore: bool = True) -> Iterator[Candidate | FileReport]:
    """Python files under ``roots`` (and files named directly), or excluded dispositions.

    Reported names are relative to their root, prefixed with the root when several are given.
    """
    for root in roots:
        prefix = "" if len(roots) == 1 else Path(root).as_posix().rstrip("/") + "/"
        if os.path.isfile(root):
            name = prefix.rstrip("/") if prefix else Path(root).name
            yield Candidate(root, name)
            continue
        if not os.path.isdir(root):
            yield FileReport(Path(root).as_posix(), Status.PARSE_FAILED, "no such file or directory")
            continue
        ignore = _Ignore()
        for directory, dirnames, filenames in os.walk(root):
            rel_dir = Path(os.path.relpath(directory, root)).as_posix()
            rel_dir = "" if rel_dir == "." else rel_dir
            if gitignore:
                ignore.push(directory, rel_dir)
            keep = []
            for d in sorted(dirnames):
                rel = f"{rel_dir}/{d}" if rel_dir else d
                if d in DEFAULT_EXCLUDES:
                    yield FileReport(prefix + rel + "/", Status.EXCLUDED, f"default exclude ({d})")
                elif (pattern := _excluded(rel, excludes)) is not None:
                    yield FileReport(prefix + rel + "/", Status.EXCLUDED, f"--exclude {pattern}")
                elif gitignore and ignore.ignored(rel, True):
                    yield FileReport(prefix + rel + "/", Status.EXCLUDED, ".gitignore")
                else:
                    keep.append(d)
            dirnames[:] = keep
            for f in sorted(filenames):
                if not f.endswith((".py", ".pyw")):
                    continue
                rel = f"{rel_dir}/{f}" if rel_dir else f
                if (pattern := _excluded(rel, excludes)) is not None:
                    yield FileReport(prefix + rel, Status.EXCLUDED, f"--exclude {pattern}")
                elif gitignore and ignore.ignored(rel, False):
                    yield FileReport(prefix + rel, Status.EXCLUDED, ".gitignore")
                else:
                    yield Candidate(os.path.join(directory, f), prefix + rel)


def tracked_prefixes(api_names: Iterable[str]) -> frozenset[str]:
    """Every dotted prefix of ``api_names`` (``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``)."""
    out: set[str] = set()
    for name in api_names:
        parts = name.rstrip("=").split(".")
        out.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return frozenset(out)


def imports_tracked(data: bytes, tracked: frozenset[str]) -> bool | None:
    """Whether the module imports anything in ``tracked`` (None: it does not parse with ``ast``).
    ``from ssl import SSLError`` alone imports nothing the tables know, so nothing can be found."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module if alias.name == "*" else f"{node.module}.{alias.name}"
                     for alias in node.names]
        else:
            continue
        if any(name in tracked for name in names):
            return True
    return False


def triage(candidate: Candidate, prefilter: re.Pattern[bytes],
           max_bytes: int = MAX_FILE_BYTES, *,
           tracked: frozenset[str] | None = None) -> FileReport | bytes:
    """The cheap checks: a disposition (too large, unreadable, binary, pre-filtered), or the
    file's bytes when it has to be parsed. With ``tracked`` (:func:`tracked_prefixes` of the
    API tables), a file whose crypto imports are all of untracked names (exception classes) is
    pre-filtered too."""
    rel = candidate.rel
    try:
        size = os.path.getsize(candidate.path)
        if size > max_bytes:
            return FileReport(rel, Status.PARSE_FAILED,
                              f"file too large ({size} bytes, limit {max_bytes})")
        with open(candidate.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return FileReport(rel, Status.PARSE_FAILED, f"unreadable: {exc.strerror or exc}")
    if b"\0" in data[:_BINARY_PROBE]:
        return FileReport(rel, Status.PARSE_FAILED, "binary file (NUL bytes)")
    if prefilter.search(data) is None:
        return FileReport(rel, Status.PRE_FILTERED, "imports no cryptographic module")
    if tracked is not None and imports_tracked(data, tracked) is False:
        return FileReport(rel, Status.PRE_FILTERED, "imports no cryptographic API (only names "
                          "the scanner does not track, such as exception classes)")
    return data


def analyse(rel: str, data: bytes, cache: ScanCache | None = None) -> FileReport:
    """Parse and detect ``data`` (reported as ``rel``), through ``cache`` when given."""
    if cache is None:
        return _analyse(data, rel)
    report = cache.get(data, rel)
    if report is None:
        report = _analyse(data, rel)
        cache.put(data, report)
    return report


def scan_file(candidate: Candidate, prefilter: re.Pattern[bytes],
              max_bytes: int = MAX_FILE_BYTES, *, cache: ScanCache | None = None) -> FileReport:
    """Scan one file; every failure becomes a parse-failed disposition with its reason.
    With ``cache``, a file whose content was analysed before is not parsed again."""
    found = triage(candidate, prefilter, max_bytes)
    return found if isinstance(found, FileReport) else analyse(candidate.rel, found, cache)


def _analyse(data: bytes, rel: str) -> FileReport:
    """Decode, parse and detect: the expensive part, and the part the cache remembers."""
    from ._detect import detect  # the tables load once per process, on first use

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError) as exc:
        return FileReport(rel, Status.PARSE_FAILED, f"bad encoding declaration: {exc}")
    except UnicodeDecodeError as exc:
        return FileReport(rel, Status.PARSE_FAILED,
                          f"not valid {exc.encoding} at byte {exc.start} (undeclared encoding)")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileReport(rel, Status.PARSE_FAILED,
                          f"syntax error at line {exc.raw_line}: {exc.message}")
    except (RecursionError, MemoryError, ValueError) as exc:
        return FileReport(rel, Status.PARSE_FAILED, f"cannot parse: {type(exc).__name__}")
    try:
        findings = detect(module, rel, text)
    except RecursionError:
        return FileReport(rel, Status.PARSE_FAILED, "analysis failed: nesting too deep")
    except Exception as exc:  # one odd file must not stop a fleet scan; say what happened
        return FileReport(rel, Status.PARSE_FAILED, f"analysis failed: {type(exc).__name__}: {exc}")
    return FileReport(rel, Status.SCANNED, "", tuple(findings))

"""Find liboqs before importing liboqs-python, so that its download fallback never runs.

liboqs-python (the ``oqs`` module) loads the liboqs shared library at import time; when it finds
none it waits five seconds and runs ``git clone`` + CMake to build one, which hangs or fails
offline. :func:`load_oqs` therefore looks for the library where liboqs-python would (``lib`` and
``lib64`` under ``OQS_INSTALL_PATH``, default ``~/_oqs``, then the system library path), checks
that it loads, and only then imports ``oqs``.

>>> module, reason = load_oqs()
>>> (module is None) == (reason is not None)
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import logging
import os
import platform
from pathlib import Path
from types import ModuleType

ENABLE_HINT = ("set OQS_INSTALL_PATH to a liboqs install (the directory whose lib/ or lib64/ "
               "holds the liboqs shared library) or install liboqs system-wide; see the README "
               "section 'liboqs provider'")


def _library_file() -> str:
    system = platform.system()
    return {"Darwin": "liboqs.dylib", "Windows": "oqs.dll"}.get(system, "liboqs.so")


def _install_dir() -> Path:
    configured = os.environ.get("OQS_INSTALL_PATH")
    return Path(configured) if configured else Path.home() / "_oqs"


def library_candidates() -> list[str]:
    """Where liboqs-python will look for liboqs, in its order of preference."""
    found = [p for p in (ctypes.util.find_library("oqs"), ctypes.util.find_library("liboqs")) if p]
    base = _install_dir()
    subdirs = ("bin",) if platform.system() == "Windows" else ("lib", "lib64")
    return [*found, *(str(base / sub / _library_file()) for sub in subdirs)]


def find_liboqs() -> str | None:
    """The first liboqs shared library that loads here, or None."""
    for candidate in library_candidates():
        if os.sep in candidate and not Path(candidate).is_file():
            continue
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return candidate
    return None


class _QuietImport(logging.Filter):
    """liboqs-python logs "faulthandler is disabled" to stdout at import; keep warnings only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def load_oqs() -> tuple[ModuleType | None, str | None]:
    """``(oqs module, None)`` when liboqs is usable, else ``(None, why and how to enable it)``."""
    if importlib.util.find_spec("oqs") is None:
        return None, ("liboqs-python is not installed: pip install 'agile-crypto[oqs]', then "
                      + ENABLE_HINT)
    library = find_liboqs()
    if library is None:
        where = os.environ.get("OQS_INSTALL_PATH")
        looked = f"OQS_INSTALL_PATH={where}" if where else "OQS_INSTALL_PATH is not set"
        return None, f"liboqs shared library not found ({looked}): {ENABLE_HINT}"
    logging.getLogger("oqs.oqs").addFilter(_QuietImport())
    try:
        import oqs
    except (Exception, SystemExit) as exc:  # liboqs-python exits when it cannot load liboqs
        return None, f"liboqs at {library} could not be used by liboqs-python: {exc}"
    return oqs, None

"""Crash-safe file replacement: readers see the old file or the new one, never a partial one.

>>> write_atomic(Path("out.bin"), b"data", mode=0o600)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o600,
                 prefix: str | None = None, suffix: str = ".tmp") -> None:
    """Write ``data`` to a temp file beside ``path`` (``mode``), fsync, rename it over ``path``,
    then fsync the directory so the rename itself survives a crash."""
    target = Path(path)
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=prefix or f".{target.name}.", suffix=suffix, dir=folder)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)

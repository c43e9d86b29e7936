"""``--shard K/N``: a stable split of a tree's files across N machines.

A file belongs to shard ``1 + int(sha256(path)[:16], 16) % N``, where ``path`` is the name it is
reported under (relative to its root). The split depends on nothing but that name, so every
machine computes the same one, and shards 1..N together cover each file exactly once.

>>> Shard.parse("2/3").owns("pkg/keys.py") in (True, False)
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from agile.errors import InvalidArgument

__all__ = ["Shard", "shard_of"]


def shard_of(path: str, count: int) -> int:
    """The 1-based shard number ``path`` belongs to among ``count`` shards."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    return 1 + int(digest[:16], 16) % count


@dataclass(frozen=True, slots=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` with 1 <= K <= N."""
        k, sep, n = text.partition("/")
        try:
            shard = cls(int(k), int(n))
        except ValueError:
            shard = None
        if not sep or shard is None or not 1 <= shard.index <= shard.count:
            raise InvalidArgument(f"shard must be K/N with 1 <= K <= N (e.g. 2/8), not {text!r}")
        return shard

    def owns(self, path: str) -> bool:
        return shard_of(path, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

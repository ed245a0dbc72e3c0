"""A bounded memory of the judge's readings: a pair read once is not read again.

A fact-checker re-checks: the same statement against other sources, a draft after editing one
sentence, a batch with a claim twice. Each check asks the judge for (passage, claim) pairs; the
ones it has read before are answered from memory and only the new ones are judged (a draft of 30
sentences re-checked after one edit judges that sentence's pairs). The readings are the judge's
own, so a report is the one a fresh check gives, up to the last digits a different batch can move
(padding). The memory keeps the ``max_pairs`` pairs used last (about 1 KB each with their texts)
and is shared by the threads of the app's sessions. It is keyed by the texts alone: one memory
serves one model (:attr:`verify.verifier.Verifier.nli` makes one per judge it loads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from verify.judge.backends import Judge


class CachedJudge:
    """``judge`` with a memory of its last ``max_pairs`` readings.

    Args:
        judge: The judge whose readings are kept.
        max_pairs: How many pairs to keep (the least recently used go first).
    """

    def __init__(self, judge: Judge, max_pairs: int) -> None:
        if max_pairs < 1:
            raise ValueError(f"max_pairs must be at least 1, not {max_pairs}")
        self.inner = judge
        self.max_pairs = max_pairs
        self._kept: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __getattr__(self, name: str):  # runtime, logits, ...: the judge's own
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def predict(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """The readings of ``pairs`` (as the judge's ``predict``), judging only those not kept."""
        with self._lock:
            known = {pair: self._kept.get(pair) for pair in pairs}
        new = [pair for pair, p in known.items() if p is None]
        if new:
            for pair, p in zip(new, np.asarray(self.inner.predict(new))):
                known[pair] = p.copy()
        with self._lock:
            self.misses += len(new)
            self.hits += len(pairs) - len(new)
            for pair, p in known.items():
                self._kept[pair] = p
                self._kept.move_to_end(pair)
            while len(self._kept) > self.max_pairs:
                self._kept.popitem(last=False)
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        return np.stack([known[pair] for pair in pairs])

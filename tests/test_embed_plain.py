"""The bundled embedding model run with transformers alone gives sentence-transformers' vectors, bit for bit.

A query embedded one way and an index built the other must agree to the last bit: a check's candidates
and similarities are read off these vectors, and ``verify check`` no longer imports sentence-transformers
for the bundled model (``index.embed.MeanPooledModel``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.embed import MeanPooledModel, SentenceTransformerEmbedder, default_model_path, mean_pooled_layout

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def _texts() -> list[str]:
    lines = [line.strip() for path in sorted(CORPUS.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    odd = ["a", "Lavrov plans to visit Pyongyang in October.", "  padded  with spaces  ", "É", "12 345,6 %",
           "Ünïcödé — “quotes” and emoji 🙂", " ".join(lines)[:4000]]  # the last one is cut at the token limit
    return lines[:120] + odd


@pytest.fixture(scope="module")
def both():
    from sentence_transformers import SentenceTransformer

    path = default_model_path()
    reference = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return reference, MeanPooledModel(path, mean_pooled_layout(path))


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_same_bits_as_sentence_transformers(both, batch_size):
    reference, plain = both
    texts = _texts()
    expected = reference.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)
    got = plain.encode(texts, batch_size=batch_size)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected), f"{int((got != expected).any(axis=1).sum())} rows differ"


def test_embedder_uses_it_for_the_bundled_model():
    embedder = SentenceTransformerEmbedder()
    assert isinstance(embedder._load(), MeanPooledModel)
    assert embedder.dim == 384


def test_other_layouts_load_through_sentence_transformers(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    base = default_model_path()
    for name in ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"):
        (model / name).write_bytes((base / name).read_bytes())
    (model / "1_Pooling").mkdir()
    pooling = json.loads((base / "1_Pooling" / "config.json").read_text())
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert mean_pooled_layout(model) == 256
    (model / "1_Pooling" / "config.json").write_text(json.dumps({**pooling, "pooling_mode_cls_token": True}))
    assert mean_pooled_layout(model) is None
    prompts = {"prompts": {"query": "query: "}, "default_prompt_name": "query"}
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (model / "config_sentence_transformers.json").write_text(json.dumps(prompts))
    assert mean_pooled_layout(model) is None
    assert mean_pooled_layout(tmp_path / "missing") is None

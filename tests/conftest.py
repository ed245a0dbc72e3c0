"""Shared fixtures: a deterministic fake embedder, the real embedder, and the real corpus index; helpers that
build a tiny index from a few texts and a report contradicted on a date.

The judge's ONNX export (made on first use by the default backend) goes to a folder of the test
session, never to the repository's ``var/onnx``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from index import SentenceTransformerEmbedder, build_index

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"


class RecordingJudge:
    """A fake judge that keeps every (premise, hypothesis) pair it is asked in ``seen``.

    Args:
        rule: a pair's probabilities (supports, contradicts, neutral) from its premise and hypothesis.
    """

    def __init__(self, rule):
        self.rule = rule
        self.seen: list[tuple[str, str]] = []

    def predict(self, pairs):
        self.seen.extend(pairs)
        return np.array([self.rule(p, h) for p, h in pairs], dtype=np.float64).reshape(-1, 3)


def keyword_rule(premise: str, hypothesis: str) -> list[float]:
    """'confirmed' in the premise -> supports, 'denied' -> contradicts, else neutral."""
    if "confirmed" in premise:
        return [0.9, 0.05, 0.05]
    if "denied" in premise:
        return [0.05, 0.9, 0.05]
    return [0.1, 0.1, 0.8]


class KeywordJudge(RecordingJudge):
    """A :class:`RecordingJudge` by :func:`keyword_rule`, answering in float32 as the real judge does."""

    def __init__(self):
        super().__init__(keyword_rule)

    def predict(self, pairs):
        return super().predict(pairs).astype(np.float32)


def tiny_index(root: Path, files: dict[str, str | bytes], embedder, corpus: str = "corpus",
               index: str = "index") -> Path:
    """A small corpus and its index, for tests that build one from a few texts.

    Args:
        root: The folder to hold both (usually ``tmp_path``).
        files: File name -> its text (written as UTF-8) or bytes.
        embedder: The embedder of the build (usually the fake one).
        corpus: The corpus folder's name under ``root``. Defaults to ``"corpus"``.
        index: The index folder's name under ``root``. Defaults to ``"index"``.

    Returns:
        The index folder; the corpus is ``root / corpus``.
    """
    folder = root / corpus
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    build_index(folder, root / index, embedder)
    return root / index


LAVROV_DECEMBER = "Lavrov plans to visit Pyongyang in December."


def contradicted_in_october(passage_text: str, claim: str = LAVROV_DECEMBER):
    """A report of ``claim`` contradicted by source ``y``: its one passage says "in October" where the
    claim says "in December", the date mismatch spanning both."""
    from verify.models import Mismatch, Passage, Probabilities, Report, SourceVerdict, Span

    c, p = claim.index("in December"), passage_text.index("in October")
    passage = Passage(text=passage_text, start=0, end=len(passage_text), label="contradicts", similarity=0.8,
                      probabilities=Probabilities(supports=0.05, contradicts=0.9, neutral=0.05),
                      mismatches=[Mismatch(kind="date", claim=Span(text="in December", start=c, end=c + 11),
                                           passage=Span(text="in October", start=p, end=p + 10),
                                           detail="claim says 'in December', passage says 'in October'")])
    return Report(claim=claim, verdict="contradicted", confidence=0.9, sources=[
        SourceVerdict(source_id="y", stance="contradicts", confidence=0.9, passages=[passage])])


@functools.lru_cache(maxsize=200_000)  # a word's vector is made once: a 10,000-source index builds in seconds
def _seeded(text: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dim)
    vector.setflags(write=False)  # shared by every caller
    return vector


class FakeEmbedder:
    """Bag-of-words embedder seeded from hashes: deterministic, and texts sharing words are near.

    ``calls`` records every batch it embedded, so tests can see what was (re)embedded.
    """

    def __init__(self, name: str = "fake-embedder", dim: int = 32) -> None:
        self.name = name
        self.dim = dim
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), self.dim), dtype=np.float64)
        for row, text in enumerate(texts):
            vector = 0.3 * _seeded("\x00" + text, self.dim)
            for word in re.findall(r"\w+", text.lower()):
                vector += _seeded(word, self.dim)
            rows[row] = vector / np.linalg.norm(vector)
        return rows.astype(np.float32)

    @property
    def embedded(self) -> list[str]:
        """Every text embedded so far."""
        return [text for batch in self.calls for text in batch]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A fresh FakeEmbedder (dim 32, name ``fake-embedder``)."""
    return FakeEmbedder()


@pytest.fixture(scope="session", autouse=True)
def onnx_cache(tmp_path_factory: pytest.TempPathFactory):
    """The session's folder for the judge's ONNX export, for this process and the CLI subprocesses."""
    import verify.judge.backends

    folder = tmp_path_factory.mktemp("onnx")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROSSCHECK_ONNX_CACHE", str(folder))
        patch.setattr(verify.judge.backends, "DEFAULT_ONNX_CACHE", folder)
        yield folder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of data/corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The bundled MiniLM embedder, loaded once per session."""
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder) -> Path:
    """The index of data/corpus built with the real embedder, once per session. Do not modify it."""
    out = tmp_path_factory.mktemp("real_index") / "index"
    build_index(CORPUS, out, real_embedder)
    return out


@pytest.fixture
def notes_path(monkeypatch, tmp_path) -> Path:
    """A notes database of the test's own (``CROSSCHECK_NOTES``), never the user's ``var/notes.sqlite3``."""
    path = tmp_path / "notes" / "notes.sqlite3"
    monkeypatch.setenv("CROSSCHECK_NOTES", str(path))
    return path

"""A synthetic news-like corpus of any size, and a fast stand-in encoder, for the store benchmark.

The corpus: ``sources`` .txt files, each a headline and paragraphs of 2-5 sentences of
12-24 words drawn from a Zipf-distributed vocabulary of 50,000 made-up words, with a
topic per source (a third of the words come from the source's own 200-word topic
list), names and figures sprinkled in. Deterministic for a seed.

The stand-in encoder (``HashEmbedder``): bag of words over a fixed random table
(2^15 rows x 384 float32, 48 MiB, rows picked by crc32 of the word), summed and L2-normalised. It has
MiniLM's shape (384-d unit vectors) and, like a real encoder, puts sentences sharing
words near each other, so clusters (topics) exist and ANN recall is a fair test; it
embeds ~50-100k sentences/s on one core, so the store, not the model, is measured.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np

from index.models import Document, Sentence
from index.split.document import paragraph_spans, sentence_id

__all__ = ["HashEmbedder", "append_paragraph", "claims", "line_split", "write_corpus"]

_VOCAB = 50_000
_WORD = re.compile(r"\w+")


def _words(rng: np.random.Generator, count: int) -> np.ndarray:
    ranks = np.minimum(rng.zipf(1.2, count), _VOCAB) - 1
    return ranks


def _word(rank: int) -> str:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    out, n = [], rank + 7
    while n:
        n, c = divmod(n, 16)
        n, v = divmod(n, 5)
        out.append(consonants[c] + vowels[v])
    return "".join(out)


_LEXICON = [_word(rank) for rank in range(_VOCAB)]


def _sentence(rng: np.random.Generator, topic: np.ndarray) -> str:
    length = int(rng.integers(12, 25))
    ranks = _words(rng, length)
    own = rng.random(length) < 0.33
    ranks[own] = rng.choice(topic, own.sum())
    words = [_LEXICON[r] for r in ranks.tolist()]
    if rng.random() < 0.3:
        words[int(rng.integers(1, length))] = _LEXICON[int(rng.integers(0, _VOCAB))].capitalize()
    if rng.random() < 0.3:
        words[int(rng.integers(1, length))] = str(int(rng.integers(2, 100_000)))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def write_corpus(folder: Path, sentences: int, per_source: int = 100, seed: int = 0, one_per_line: bool = False) -> int:
    """Write a synthetic corpus of about ``sentences`` sentences into ``folder``.

    Args:
        folder: Where the .txt files go.
        sentences: About how many sentences in all.
        per_source: Sentences per file. Defaults to 100.
        seed: Defaults to 0.
        one_per_line: Each sentence its own paragraph (for ``line_split``). Defaults to False.

    Returns:
        The number of source files written.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sources = max(1, sentences // per_source)
    for number in range(sources):
        topic = rng.integers(0, _VOCAB, 200)
        paragraphs, written = [f"Report {number} on {_word(int(topic[0]))} and {_word(int(topic[1]))}"], 1
        while written < per_source:
            count = 1 if one_per_line else min(int(rng.integers(2, 6)), per_source - written)
            paragraphs.append(" ".join(_sentence(rng, topic) for _ in range(count)))
            written += count
        (folder / f"src{number:06d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return sources


def append_paragraph(path: Path) -> None:
    """Append one new paragraph to a corpus file (a one-file change for an update to pick up)."""
    with path.open("a", encoding="utf-8") as extra:
        extra.write("\nA late paragraph about 12345 zavuga pofoka was added.\n")


def claims(count: int, seed: int = 1) -> list[str]:
    """Claim-like queries over the same vocabulary (one topic each)."""
    rng = np.random.default_rng(seed)
    return [_sentence(rng, rng.integers(0, _VOCAB, 200)) for _ in range(count)]


class HashEmbedder:
    """Stand-in encoder: normalised sum of random word vectors (see the module docstring)."""

    name = "hash-bow-384"
    dim = 384

    def __init__(self) -> None:
        self._table: np.ndarray | None = None  # made on first use, like a model loaded lazily

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text."""
        if self._table is None:
            self._table = np.random.default_rng(12345).standard_normal((1 << 15, self.dim), dtype=np.float32)
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = [zlib.crc32(w.encode()) & 0x7FFF for w in _WORD.findall(text.lower())] or [0]
            rows[i] = self._table[ids].sum(axis=0)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        return rows


def line_split(document: Document) -> list[Sentence]:
    """Stand-in for ``split_document`` when only the store is measured: one sentence per paragraph."""
    sentences = []
    for number, (start, end) in enumerate(paragraph_spans(document.text)):
        text = document.text[start:end]
        sentences.append(Sentence(id=sentence_id(document.source_id, start, end, text), source_id=document.source_id,
                                  position=number, text=text, start=start, end=end, kind="body", paragraph=number))
    return sentences

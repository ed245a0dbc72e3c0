"""Does the bounded candidate choice judge what the per-source search judged? (no judge; the index's embedder)

For each claim of a .jsonl file (a ``claim`` per line), compares ``select_candidates`` with the
per-source search a check used before (each candidate source's ``k_per_source`` nearest
sentences above ``min_similarity``), and prints how many claims get the same sentences:

    nice .venv/bin/python -m bench.same_candidates --index var/index --claims ../shared/eval/dev_claims.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index import ClaimIndex, SentenceTransformerEmbedder
from verify import Settings
from verify.scoring.candidates import select_candidates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.same_candidates", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="index directory (built with the bundled model)")
    parser.add_argument("--claims", type=Path, nargs="+", required=True, help=".jsonl files with a 'claim' field")
    args = parser.parse_args(argv)
    index = ClaimIndex.load(args.index, corpus_check=False)
    claims = [json.loads(line)["claim"] for path in args.claims
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings.from_env()
    queries = SentenceTransformerEmbedder(settings.embedding_model).embed(claims)
    before = [[h for h in hits if h.similarity >= settings.min_similarity]
              for hits in index.search_batch(queries, k_per_source=settings.k_per_source)]
    after = select_candidates(index, claims, queries, settings)
    same = sum({h.sentence for h in a} == {h.sentence for h in b} for a, b in zip(after, before))
    in_order = sum([h.sentence for h in a] == [h.sentence for h in b] for a, b in zip(after, before))
    gap = max((abs(x.similarity - y.similarity) for a, b in zip(after, before) for x, y in zip(
        sorted(a, key=lambda h: h.sentence), sorted(b, key=lambda h: h.sentence))), default=0.0)
    print(f"{len(claims)} claims; {index.rows.sentences} sentences, {index.rows.documents} sources: the same "
          f"sentences for {same}, in the same order for {in_order}; largest similarity difference {gap:.1e}; "
          f"passages a claim before {sum(map(len, before)) / len(claims):.1f}, after "
          f"{sum(map(len, after)) / len(claims):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A check's cost per claim does not grow with the corpus: candidate selection (verify/scoring/candidates.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FakeEmbedder, tiny_index

import index.build.new_segment
from bench.synthetic import line_split
from index import ClaimIndex, build_index
from index.models import Hit
from index.search.filtered import GLOBAL_ROW, OVERFETCH
from verify import Settings, Verifier
from verify.scoring.candidates import choose, keyword_query, select_candidates

CLAIM = "Trade grew in the harbour of Port 7."


class CountingJudge:
    """Neutral on every pair; counts the pairs it receives."""

    def __init__(self) -> None:
        self.pairs = 0

    def predict(self, pairs):
        self.pairs += len(pairs)
        return np.tile(np.array([0.1, 0.1, 0.8], dtype=np.float32), (len(pairs), 1))


def hit(row: int, source: str, similarity: float) -> Hit:
    return Hit(sentence=row, source_id=source, similarity=similarity)


def test_choose_takes_the_most_similar_with_a_cap_per_source_and_in_all():
    dense = [hit(0, "a", 0.9), hit(1, "a", 0.8), hit(2, "a", 0.7), hit(3, "b", 0.6), hit(4, "c", 0.5),
             hit(5, "d", 0.1)]
    chosen = choose(dense, [], k_per_source=2, max_passages=3, keyword_passages=0, min_similarity=0.2)
    assert [h.sentence for h in chosen] == [0, 1, 3]  # a's third passage gives way to b
    everything = choose(dense, [], k_per_source=2, max_passages=10, keyword_passages=0, min_similarity=0.2)
    assert [h.sentence for h in everything] == [0, 1, 3, 4]  # d is below min_similarity


def test_choose_adds_keyword_hits_beyond_the_dense_cap_once_each():
    dense = [hit(0, "a", 0.9), hit(1, "b", 0.8)]
    keyword = [hit(0, "a", 0.9), hit(7, "z", 0.3), hit(8, "z", 0.25), hit(9, "y", 0.1)]
    chosen = choose(dense, keyword, k_per_source=1, max_passages=2, keyword_passages=3, min_similarity=0.2)
    assert [h.sentence for h in chosen] == [0, 1, 7]  # row 0 once; z capped at 1; y below min_similarity


def test_keyword_query_keeps_the_words_that_may_name_something():
    assert keyword_query("The Kim met Putin in 2023 at the Vostochny base.") == "kim met putin 2023 vostochny base"


def test_on_a_small_corpus_the_choice_is_each_sources_nearest_passages_as_before(tmp_path, fake_embedder):
    topics = ["harbour trade", "harbour cargo ships", "bread baking", "trade talks", "weather"]
    files = {f"{n}.txt": f"Title {n}\n\n" + "\n\n".join(f"Sentence {i} is about {topic} and the harbour {i % 3}."
                                                       for i in range(12)) for n, topic in enumerate(topics)}
    store = ClaimIndex.load(tiny_index(tmp_path, files, fake_embedder))
    settings = Settings()
    claims = ["The harbour trade grew.", "Bread bakes slowly.", "Ships carried cargo to the harbour 2."]
    queries = fake_embedder.embed(claims)
    before = [[h for h in hits if h.similarity >= settings.min_similarity]  # the per-source search a check used
              for hits in store.search_batch(queries, k_per_source=settings.k_per_source)]
    assert store.rows.sentences <= settings.candidate_pool and store.rows.documents * settings.k_per_source \
        <= settings.max_passages
    def rows(hit_lists):  # the two searches compute a similarity in a different order: equal to ~1e-7
        return [[(h.sentence, h.source_id, round(h.similarity, 5)) for h in hits] for hits in hit_lists]

    assert rows(select_candidates(store, claims, queries, settings)) == rows(before)
    # choosing every source is the same choice as choosing none (a filter narrows; it does not widen)
    everyone = set(store.rows.source_ids)
    assert rows(select_candidates(store, claims, queries, settings, sources=everyone)) == rows(before)


def test_the_keyword_search_brings_in_a_rare_name_the_similarity_search_ranks_low(tmp_path, fake_embedder):
    files = {f"n{n:02d}.txt": f"Note {n}\n\nThe harbour trade grew strongly this spring.\n" for n in range(30)}
    files["zz.txt"] = "Profile\n\nZlatkov once worked as a teacher in a small mountain town.\n"
    tiny_index(tmp_path, files, fake_embedder)
    settings = Settings(min_similarity=-1.0, k_per_source=1, max_passages=5, candidate_pool=10, keyword_passages=2)
    claim = "The harbour trade grew strongly under minister Zlatkov."
    with_keywords = Verifier.from_index(tmp_path / "index", settings, fake_embedder, CountingJudge()).check(claim)
    assert "zz" in {s.source_id for s in with_keywords.sources}
    dense_only = Verifier.from_index(tmp_path / "index", settings.model_copy(update={"keyword_pool": 0}),
                                     fake_embedder, CountingJudge()).check(claim)
    assert "zz" not in {s.source_id for s in dense_only.sources}
    assert dense_only.sources_without_evidence == 31 - 5


@pytest.fixture(scope="module")
def sized_indexes(tmp_path_factory):
    """Indexes of 5 and of 10,000 two-sentence sources that all mention the claim's words."""
    out = tmp_path_factory.mktemp("sized")
    embedder = FakeEmbedder()
    real_split = index.build.new_segment.split_document
    index.build.new_segment.split_document = line_split  # one sentence a paragraph: the build costs seconds, not minutes
    try:
        for count in (5, 10_000):
            corpus = out / f"corpus-{count}"
            corpus.mkdir()
            with (corpus / "notes.jsonl").open("w", encoding="utf-8") as lines:
                for n in range(count):
                    text = f"The harbour at Port {n} handled cargo.\n\nTrade grew in the harbour."
                    lines.write(json.dumps({"id": f"s{n:05d}", "title": f"Note {n}", "text": text}) + "\n")
            build_index(corpus, out / f"index-{count}", embedder)
    finally:
        index.build.new_segment.split_document = real_split
    return {count: out / f"index-{count}" for count in (5, 10_000)}, embedder


def judge_pairs_per_claim(folder, embedder, settings) -> tuple[int, object]:
    judge = CountingJudge()
    report = Verifier.from_index(folder, settings, embedder, judge).check(CLAIM)
    return judge.pairs, report


def test_the_judge_gets_the_same_bounded_work_per_claim_at_5_and_10000_sources(sized_indexes):
    folders, embedder = sized_indexes
    # small caps that 5 two-sentence sources already fill, so the two corpora can be compared
    dense = Settings(k_per_source=2, max_passages=6, keyword_pool=0, min_similarity=0.2)
    small, _ = judge_pairs_per_claim(folders[5], embedder, dense)
    large, report = judge_pairs_per_claim(folders[10_000], embedder, dense)
    # each passage is read alone and with its neighbours (two pairs a passage; the judge scores a
    # repeated pair once, so fewer reach it), the same number at 5 and at 10,000 sources
    assert small == large and dense.max_passages <= small <= 2 * dense.max_passages
    assert len(report.sources) <= dense.max_passages
    assert report.sources_without_evidence == 10_000 - len(report.sources)  # counted, not listed
    # the keyword search adds at most keyword_passages more, at any size
    both = dense.model_copy(update={"keyword_pool": 32, "keyword_passages": 2})
    for folder in folders.values():
        pairs, _ = judge_pairs_per_claim(folder, embedder, both)
        assert small <= pairs <= 2 * (both.max_passages + both.keyword_passages)


def test_with_the_default_settings_the_judges_work_at_10000_sources_stays_under_the_bound(sized_indexes):
    folders, embedder = sized_indexes
    settings = Settings()
    judge = CountingJudge()
    verifier = Verifier.from_index(folders[10_000], settings, embedder, judge)
    reports = verifier.check_many([CLAIM, "Cargo was handled at Port 9170.", "Officials met in Geneva."])
    assert judge.pairs <= 3 * 2 * (settings.max_passages + settings.keyword_passages)
    # before, every source among the 256 nearest rows had 6 passages judged: hundreds of pairs a claim
    assert all(len(r.sources) <= settings.max_passages + settings.keyword_passages for r in reports)
    port = reports[1]
    assert any(p.text.startswith("The harbour at Port 9170") for s in port.sources for p in s.passages)


def test_a_check_of_chosen_sources_gets_the_same_bounded_work_at_5_and_5000_chosen(sized_indexes):
    folders, embedder = sized_indexes
    dense = Settings(k_per_source=2, max_passages=6, keyword_pool=0, min_similarity=0.2)
    judge = CountingJudge()
    verifier = Verifier.from_index(folders[10_000], dense, embedder, judge)
    few, many = {f"s{n:05d}" for n in range(5)}, {f"s{n:05d}" for n in range(5_000)}
    pairs = {}
    for name, chosen in (("few", few), ("many", many)):
        before = judge.pairs
        report = verifier.check(CLAIM, sources=chosen)
        pairs[name] = judge.pairs - before
        judged = [s for s in report.sources if s.passages]
        assert sum(len(s.passages) for s in judged) <= dense.max_passages and {s.source_id for s in judged} <= chosen
        assert report.sources_without_evidence == len(chosen) - len(judged)
        if len(chosen) <= dense.list_chosen:  # a few chosen by name: each is listed, "nothing relevant" too
            assert {s.source_id for s in report.sources} == chosen
        else:  # many: listed as an unfiltered check lists, the others counted
            assert report.sources == judged and len(report.sources) <= dense.max_passages
    # before, each of the 5,000 chosen sources had its k_per_source passages judged: 10,000 passages
    assert pairs["few"] == pairs["many"] and dense.max_passages <= pairs["many"] <= 2 * dense.max_passages
    both = dense.model_copy(update={"keyword_pool": 32, "keyword_passages": 2})
    verifier = Verifier.from_index(folders[10_000], both, embedder, judge)
    for chosen in (few, many):  # the keyword hits within the chosen sources add at most keyword_passages
        before = judge.pairs
        verifier.check("Cargo was handled at Port 4321.", sources=chosen)
        assert 0 < judge.pairs - before <= 2 * (both.max_passages + both.keyword_passages)


class RowSpy:
    """Counts the stored vectors a check's search asks for: the global top-m rows, and the rows read in
    slices (each chosen source's rows in the per-source search, or the chosen rows scored exactly)."""

    def __init__(self, store) -> None:
        self.rows = 0
        top, block = store.nearest_rows, store.rows.block

        def nearest_rows(queries, n):
            self.rows += n * len(queries)
            return top(queries, n)

        def sliced(start, stop):
            self.rows += stop - start
            return block(start, stop)

        store.nearest_rows, store.rows.block = nearest_rows, sliced


def test_a_check_of_chosen_sources_reads_rows_in_proportion_to_its_candidates_not_to_the_sources(sized_indexes):
    folders, embedder = sized_indexes
    settings = Settings(keyword_pool=0)
    verifier = Verifier.from_index(folders[10_000], settings, embedder, CountingJudge())
    spy = RowSpy(verifier.index)
    total, read = verifier.index.rows.sentences, {}
    for count in (5, 500, 5_000, 10_000):
        chosen = {f"s{n:05d}" for n in range(0, 10_000, 10_000 // count)}
        spy.rows = 0
        report = verifier.check(CLAIM, sources=chosen)
        read[count] = spy.rows
        assert report.sources and {s.source_id for s in report.sources} <= chosen
    # few chosen rows (two a source): scored exactly, cheaper than a global search
    assert read[5] == 10 and read[500] == 1_000
    # many: the global top 2 x 256 x (rows / chosen rows), filtered; before, each chosen source's rows were
    # read: 10,000 rows at 5,000 sources, 20,000 at every source
    assert read[5_000] == OVERFETCH * settings.candidate_pool * 2 and read[10_000] == OVERFETCH * settings.candidate_pool
    assert max(read.values()) <= (GLOBAL_ROW * OVERFETCH * settings.candidate_pool * total) ** 0.5  # whatever is chosen


def test_a_report_of_many_chosen_sources_lists_those_with_evidence_and_counts_the_others(sized_indexes):
    folders, embedder = sized_indexes
    settings = Settings(k_per_source=1, max_passages=4, keyword_pool=0, list_chosen=3)
    verifier = Verifier.from_index(folders[10_000], settings, embedder, CountingJudge())
    size = {}
    for count in (4, 100, 1_000, 5_000):
        chosen = {f"s{n:05d}" for n in range(0, 10_000, 10_000 // count)}
        report = verifier.check(CLAIM, sources=chosen)
        judged = [s for s in report.sources if s.passages]
        assert report.sources == judged and 0 < len(judged) <= settings.max_passages  # no entry per silent source
        assert report.sources_without_evidence == count - len(judged)  # the chosen ones without evidence, counted
        size[count] = len(report.model_dump_json())
        everyone = verifier.check(CLAIM, sources=chosen, all_sources=True)  # all_sources lists every chosen one
        assert {s.source_id for s in everyone.sources} == chosen and everyone.verdict == report.verdict
        assert everyone.sources_without_evidence == report.sources_without_evidence
        assert {s.source_id for s in everyone.sources if s.stance == "none" and not s.passages} == \
            chosen - {s.source_id for s in judged}
    # the report of 5,000 chosen sources is the size of that of 4 (the judged passages differ a little)
    assert size[5_000] < 1.2 * size[4]
    few = verifier.check(CLAIM, sources={"s00001", "s00002", "s00003"})  # up to list_chosen: each one listed
    assert {s.source_id for s in few.sources} == {"s00001", "s00002", "s00003"}

"""How the evidence readers' cost grows with their input: each at n and 10n, and the ratio.

A ratio near 10 is linear; near 100, quadratic. Four readers that once grew faster than their input
(README, "Evidence cost that grew faster than its input"): ``find_quantities`` on a text of many
numbers after range marks, ``analyse`` on a text of many dates and figures, the anniversary reader
on many anniversaries and years, the title reader (since it exists) on many titled people, ``detect`` for a claim in capitals against a corpus name set
of n names (time a passage), the name reader on one long sentence of many names, the order reader (``detect`` for
a claim of two ordered events against a run-on passage of many cues and dates), the outlet reader, the traveller and
gap readers (``analyse`` and ``sequences`` on many journeys, invitations and "a month earlier"), and the model's
reading of a claim in a passage's names of states (``judged`` against a passage of many states named by country and
capital). Texts are generated, the same for every tree: run it with another
tree first on the path (``PYTHONPATH=/path/to/tree python bench/bench_evidence_scaling.py``) to
measure that tree's code.

Usage: ``python -m bench.bench_evidence_scaling [--numbers 1000] [--slots 800] [--years 800] [--titles 200] [--names 5000] [--named 200] [--ordered 100] [--outlets 200] [--journeys 100] [--states 200]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from verify.evidence import quantities, slots
from verify.evidence.analysis import analyse, clear_cache
from verify.evidence.detectors import detect
from verify.evidence.names import NameSet, known_names

RANGES = "between 3 and 5 cases, from 10 to 20 people and 7 dogs in 2016-17; "  # 7 numbers, 4 after a mark
SLOTS = "between 3 and 5 cases, from 10 to 20 people and 7 dogs in 2016-17 and in March 2019; "  # 8 numbers or dates
ANNIVERSARIES = "In 2018 the 70th anniversary of ties was marked; "  # one anniversary, one year
TITLES = "North Korean Foreign Minister Choe Son-hui met Russian Ambassador to North Korea Alexander Matsegora. "
SHOUTED = "CELEBRATIONS WERE HELD IN MOSCOW FOR 75 YEARS OF TIES."
NAMED = "Chancellor Scholz and President Biden met Prime Minister Sunak in Berlin, "
ORDERED = "the ferry left after the storm passed and the crew returned before the port closed in March 2001 "
STATES = "officials in the US said that Moscow and the Kremlin met Japan's envoy, "
OUTLETS = "Officials From The State Department Said State Media Official Sources Reported Television Crews Arrived, "
JOURNEYS = ("Kim invited Putin to visit Pyongyang, Lavrov earlier said he plans to visit Seoul in May, and Lula's six-day "
            "visit to Madrid was the first time he had ever visited Spain, which Sanchez had proposed a month earlier. ")


def _seconds(run: Callable[[], object], rounds: int = 3) -> float:
    """The best of ``rounds`` timings of ``run``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _quantities(n: int) -> float:
    text = RANGES * (n // 7 + 1)
    return _seconds(lambda: quantities._find_quantities.__wrapped__(text, ()))


def _analyse(n: int) -> float:
    text = SLOTS * (n // 8 + 1)

    def run():
        clear_cache()
        analyse(text)
    return _seconds(run, rounds=1)


def _anniversaries(n: int) -> float:
    text = ANNIVERSARIES * n
    return _seconds(lambda: slots._find_dates.__wrapped__(text, None, True), rounds=1)


def _document_year(n: int) -> float:
    """Seconds to read the year of one undated document of n anniversaries and n dated sentences (each anniversary
    looked up by its words and kinds, not paired with every dated sentence)."""
    from verify.evidence.document_year import document_year

    # each size its own sentences ("accord 400-7"): none read already, in the analyses' cache, by the smaller run
    text = "\n\n".join(f"They marked the 40th anniversary of accord {n}-{i} this week.\n\nAccord {n}-{i} was signed "
                        f"in {1950 + i % 30}." for i in range(n))
    return _seconds(lambda: document_year.__wrapped__(text), rounds=1)


def _titles(n: int) -> float:
    from verify.evidence.titles import find_titles  # since the title comparison (absent from older trees)

    text = TITLES * n
    return _seconds(lambda: find_titles(text))


def _names(n: int) -> float:
    """Seconds to find the names of one sentence of n clauses, each with four names (each name once looked up where
    its sentence starts: a search over the text before it, made once a name, was quadratic)."""
    from verify.evidence.names import _claim_names

    text = NAMED * n
    return _seconds(lambda: _claim_names(text, None), rounds=1)


def _ordered(n: int) -> float:
    """Seconds of one ``detect`` for a claim of two ordered events against a run-on passage of n clauses, each with
    a sequence cue and a date (the order reader's sides reach a bounded stretch; its breaks are read once a text)."""
    from verify.evidence.order import sequences  # since the order reader (absent from older trees)

    claim = "The museum director resigned before the city council cut the arts budget."
    text = ORDERED * n + "The museum director resigned after the council cut the arts budget."

    def run():
        clear_cache()
        sequences.cache_clear()
        detect(claim, text)
    return _seconds(run, rounds=1)


def _journeys(n: int) -> float:
    """Seconds to analyse, and read the sequences of, a text of n sentences of invitations, journeys and their
    travellers, plans, a first time and a gap that ends its clause (each journey word reads only the invitations
    ending just before it: reading all of them, once a word, was quadratic)."""
    from verify.evidence.sequences import sequences  # since the traveller reader (absent from older trees)

    text = JOURNEYS * n

    def run():
        clear_cache()
        sequences.cache_clear()
        analyse(text)
        sequences(text)
    return _seconds(run, rounds=1)


def _outlets(n: int) -> float:
    """Seconds to read the state-run outlets of a text of n clauses of capitalised words and outlet words."""
    from verify.evidence.owners import outlets  # since the outlet reader (absent from older trees)

    text = OUTLETS * n
    return _seconds(lambda: outlets.__wrapped__(text), rounds=1)


def _states(n: int) -> float:
    """Seconds of the model's reading of a claim naming states by their capitals against a passage of n clauses that
    name states by country and capital (the claim rewritten in the passage's names; each name's look back bounded)."""
    from verify.evidence.harmonise import judged
    from verify.evidence.places import state_runs, states_named  # since the state names (absent from older trees)

    claim = "Washington and Tokyo warned Moscow of sanctions."
    text = STATES * n

    def run():
        state_runs.cache_clear()
        states_named.cache_clear()
        judged(claim, text)
    return _seconds(run, rounds=1)


def _shouted(n: int) -> float:
    """Seconds of one passage's ``detect`` for a claim in capitals, with n corpus names (median of 5 passes of 40)."""
    corpus = frozenset(f"name{i:06d}" for i in range(n)) | {"moscow", "pyongyang", "kim", "putin"}
    names = NameSet(corpus) | known_names([SHOUTED])  # as scoring.assemble hands it, once a claim
    places = ("Pyongyang", "Moscow", "Seoul", "Vladivostok and Moscow")
    passages = [f"Celebrations number {i} were held in {places[i % 4]} for {70 + i % 8} years, Kim said."
                for i in range(40)]
    for passage in passages:  # the analyses are cached: time the comparison, not the parsing
        detect(SHOUTED, passage, "", names=names)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for passage in passages:
            detect(SHOUTED, passage, "", names=names)
        runs.append((time.perf_counter() - start) / len(passages))
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_evidence_scaling",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=1000, help="numbers in the smaller range text. Defaults to 1000")
    parser.add_argument("--slots", type=int, default=800, help="dates and figures in the smaller text. Defaults to 800")
    parser.add_argument("--years", type=int, default=800, help="anniversaries in the smaller text. Defaults to 800")
    parser.add_argument("--titles", type=int, default=200, help="people with titles, smaller text. Defaults to 200")
    parser.add_argument("--names", type=int, default=5000, help="corpus names, smaller set. Defaults to 5000")
    parser.add_argument("--named", type=int, default=200, help="clauses of four names in one sentence, smaller text. Defaults to 200")
    parser.add_argument("--ordered", type=int, default=100, help="clauses with a sequence cue and a date in one passage, "
                        "smaller text. Defaults to 100")
    parser.add_argument("--states", type=int, default=200, help="clauses naming states by country and capital, "
                        "smaller text. Defaults to 200")
    parser.add_argument("--journeys", type=int, default=100, help="sentences of invitations, journeys and gaps, "
                        "smaller text. Defaults to 100")
    parser.add_argument("--outlets", type=int, default=200, help="clauses of capitalised and outlet words, smaller text. "
                        "Defaults to 200")
    args = parser.parse_args(argv)
    analyse("warm-up in Moscow")  # the gazetteer and word lists load outside the timings
    rows = [("find_quantities, numbers after range marks", args.numbers, _quantities, "s"),
            ("analyse, dates and figures in one text", args.slots, _analyse, "s"),
            ("anniversaries and years in one text", args.years, _anniversaries, "s"),
            ("document_year, anniversaries and dated sentences", args.years // 4, _document_year, "s"),
            ("find_titles, people with offices in one text", args.titles, _titles, "s"),
            ("detect, claim in capitals, a passage vs corpus names", args.names, _shouted, "ms"),
            ("claim_names, clauses of names in one sentence", args.named, _names, "s"),
            ("detect, two ordered events vs a run-on passage", args.ordered, _ordered, "s"),
            ("outlets, capitalised and outlet words in one text", args.outlets, _outlets, "s"),
            ("analyse + sequences, journeys and invitations", args.journeys, _journeys, "s"),
            ("judged, a claim in a passage's names of states", args.states, _states, "s")]
    print(f"{'reader':<52} {'n':>8} {'at n':>10} {'at 10n':>10} {'ratio':>7}")
    for label, n, measure, unit in rows:
        small, large = measure(n), measure(10 * n)
        scale = 1000 if unit == "ms" else 1
        print(f"{label:<52} {n:>8,} {small * scale:>8.3f}{unit:>2} {large * scale:>8.3f}{unit:>2} {large / small:>6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The stemmer the detectors use: PyStemmer's C build of Snowball, with the pure-Python stems."""

from __future__ import annotations

from pathlib import Path

from snowballstemmer.english_stemmer import EnglishStemmer

from verify.evidence import text
from verify.evidence.cues import ANTONYMS, NEGATION_CUES

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_the_c_stemmer_is_in_use():
    # requirements.txt installs PyStemmer; snowballstemmer then hands out its C stemmer, ~10x faster
    # on words not seen before (a check at scale meets thousands)
    assert type(text._SNOWBALL).__module__ == "Stemmer"


def test_c_stems_are_the_pure_python_ones():
    words = {w for path in sorted(CORPUS.glob("*")) if path.is_file()
             for w in text.words(text.canonical(path.read_text(encoding="utf-8")))}
    words |= {w for cue in NEGATION_CUES for w in cue.split()} | set(ANTONYMS)
    words |= {"visited", "visits", "ties", "celebrating", "generously", "anniversaries", "Kim's", "x", "naïve"}
    assert len(words) > 500
    pure = EnglishStemmer()
    for word in sorted(words):
        cleaned = word.lower().strip("'’-").removesuffix("'s").removesuffix("’s")
        assert text.stem(word) == pure.stemWord(text.american(cleaned)), word


def test_british_and_american_spellings_share_a_stem():
    # a claim typed the British way, news written the American way (and back)
    for british, american in [("recognise", "recognize"), ("recognised", "recognized"), ("organisations", "organizations"),
                              ("defence", "defense"), ("travelled", "traveled"), ("honoured", "honored"),
                              ("centre", "center"), ("analysed", "analyzed"), ("Programme", "program")]:
        assert text.stem(british) == text.stem(american), british
    # words that only look British keep their own stems
    assert text.stem("promise") != text.stem("promize") and text.stem("rise") == "rise"

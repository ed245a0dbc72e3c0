"""What the detectors found for one (claim, passage) pair: the record the scoring reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from verify.models import Mismatch, Span

HARD_KINDS = frozenset({"number", "date", "place", "title", "negation", "antonym", "role", "order", "planned"})
"""Kinds that contradict an otherwise matching passage; the others only block a "supports"."""
PLAN_KINDS = frozenset({"modality", "planned"})
"""Kinds that say the passage reports the claim's act as planned: only failing to confirm it, or (claimed as already
done) contradicting it."""


@dataclass
class Detection:
    """What the detectors found for one (claim, passage) pair."""

    mismatches: list[Mismatch] = field(default_factory=list)
    alignment: float = 0.0
    """Share of the claim's content words (slots aside) that the passage holds."""
    topic_alignment: float = 0.0
    """The same share, counting the sentences a leaning-back passage ("These letters ...")
    depends on: whether a slot difference is about the same event."""
    in_context: bool = False
    """True when the passage came with its neighbouring sentences (a retrieved corpus passage),
    False for a bare pair whose topic the caller chose."""
    counted: set[int] = field(default_factory=set)
    """Indexes of mismatches where both sides count the same thing ("8,000 cases" / "8,030 cases"; "one of several
    crossing points" / "the only border crossing"; "the first time" / "reaffirmed its support"; both events of "A
    after B" found in the passage and ordered the other way): that is itself a sign that the passage speaks of the
    claim's figure."""
    pinned: set[int] = field(default_factory=set)
    """Indexes of place mismatches of an occasion the passage pins down as the claim's: it names the claim's
    event word and gives that event the claim's date ("held a summit in Singapore in 2018" for "the 2018 summit
    took place in Hanoi, with ..."). The words the claim adds around it do not make it another topic."""
    attributed: set[int] = field(default_factory=set)
    """Indexes of ``role`` mismatches where the passage gives the act of a claim's exclusive doer ("it was Lavrov,
    not Choe, who called for ...") to another: the act's own words, not the claim's, say it is the same act."""
    names_only: bool = False
    """Whether the passage shares only the claim's names and speaks of another kind of event: it holds none of the
    claim's other words, and its event words are all of other kinds than the claim's ("N. Korea, Russia hold
    celebrations ..." for "Both North Korea and Russia have denied making arms deals")."""
    agreements: int = 0
    claim_slots: int = 0
    agreed: Counter = field(default_factory=Counter)
    """Agreements by kind ("date", "number", "place", "title")."""
    same_event: bool | None = None
    """Whether the passage speaks of the claim's event: True when a compared date, figure or
    place sits in a clause naming an event of the claim's kind, False when every compared slot
    belongs to another event ("a treaty of February 2000" for "established ties in 1948"),
    None when no slot could be placed in an event."""
    other_event: int = 0
    """Slot differences set aside because the passage's slot belongs to another event."""
    other_occasion: int = 0
    """Date differences set aside as another occasion of the same event ("last visited in 2000")."""
    elsewhere: list[Mismatch] = field(default_factory=list)
    """The claim's places the passage names only as the place of another event ("Kim's visit to Moscow" for
    "celebrations took place in Moscow"): soft, added after the gates (they say nothing of the claim's event)."""
    set_aside: list[Mismatch] = field(default_factory=list)
    """Findings the gates took out of :attr:`mismatches` (the passage is on another topic, about
    another person, or reports a plan): no contradiction, but what a reader or the scoring
    model may still weigh ("satisfied" against "disappointed" on a passage about other talks)."""
    off_topic: list[int] = field(default_factory=list)
    """Indexes into :attr:`set_aside` of the date, figure and place differences set aside only because the
    passage holds too few of the claim's words (``min_alignment``): a passage may name the claim's event in
    other words ("forged ties" for "established relations"). Whether it does is the judge's reading
    (:meth:`read_as_same_event`), not a word count."""

    def keep(self, wanted) -> None:
        """Keep the mismatches for which ``wanted(index, mismatch)`` holds; set the others aside."""
        kept = []
        for i, m in enumerate(self.mismatches):
            (kept if wanted(i, m) else self.set_aside).append(m)
        self.mismatches = kept

    def read_as_same_event(self) -> None:
        """Put the :attr:`off_topic` differences back: the judge reads the passage as saying the claim (but for
        the differing slot), so it speaks of the claim's event, and the difference contradicts the claim."""
        back = set(self.off_topic)
        self.mismatches += [self.set_aside[i].model_copy(update={"detail": f"{self.set_aside[i].detail} (the model "
                                                                            "reads the rest as the claim's event)"})
                            for i in self.off_topic]
        self.set_aside = [m for i, m in enumerate(self.set_aside) if i not in back]
        self.off_topic = []
        self.same_event = True

    @property
    def hard(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind in HARD_KINDS]

    @property
    def soft(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind not in HARD_KINDS]

    def saw_event(self, same: bool | None) -> None:
        """Fold one slot's same-event reading into :attr:`same_event` (any True wins)."""
        if same is True:
            self.same_event = True
        elif same is False and self.same_event is None:
            self.same_event = False

    def agreed_on(self, kind: str, sames: list[bool | None]) -> None:
        """Count one claim slot of ``kind`` ("date", "number", "place", "title") that the passage agrees with;
        ``sames`` are the agreeing slots' same-event readings (a True among them wins, else the first)."""
        self.agreements += 1
        self.agreed[kind] += 1
        self.saw_event(True if True in sames else sames[0])


def span(text: str, start: int, end: int) -> Span:
    return Span(text=text[start:end], start=start, end=end)

"""Evidence readers: each text analysed once (``analysis``), and deterministic detectors of what a
passage says about a claim's slots: dates, numbers and places compared event by event (``compare``,
``events``, ``places``), names, negation, opposite words, plans (``detectors``, ``meaning``), who said or
did it (``speakers``), how often and how many (``counts``), with the text helpers and word lists they share
(``text``, ``cues``)."""

"""Evidence readers: deterministic detectors of what a passage says about a claim's slots (dates, numbers,
names, negation, modality) and the text helpers they share."""

"""Building and incrementally updating one index folder: ``build_index`` (``index.build.update``), the plan of
what changed in the corpus, writing the new segment, and what a build may write or clear in the folder."""

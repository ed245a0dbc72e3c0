"""Splitting a cleaned document into paragraphs and sentences with exact offsets (``index.split.document``),
and the linear-time sentence segmenter behind it, which keeps most text away from pysbd by reading pysbd's own
rules narrowly."""

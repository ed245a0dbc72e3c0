"""Reading a corpus: finding and fingerprinting its files, cleaning raw copies (text, Markdown, HTML) into
paragraphs, recognising an article's parts (headline, bylines, datelines, dates), and turning each file into a
``Document`` (``index.ingest.read``)."""

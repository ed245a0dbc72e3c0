"""An index on disk and opened: ``ClaimIndex`` (``index.store.claim_index``) and what it shares with a sharded
index (``index.store.base``), its immutable segments and their writer, the row numbering and read-on-demand views
over them, the manifest, corpus-wide text tables, and durable writes (fsync, atomic swap, build lock)."""

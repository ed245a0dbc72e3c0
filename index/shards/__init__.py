"""Sharded indexes: the on-disk layout and versioned shard folders, building or updating K shards (optionally
on a Ray cluster, ``index.shards.distributed``), and ``ShardedIndex`` (``index.shards.sharded_index``), which
searches them as one index through per-shard workers and global row numbers."""

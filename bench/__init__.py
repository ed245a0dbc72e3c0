"""Benchmarks: index build throughput (``bench_index``) and claim-check latency (``bench_check``)."""

"""Benchmark suite: lightschema vs prefect==3.9.1 models vs msgspec (``python -m benchmarks``)."""

"""Benchmark-side helpers: launchers, runners, counter snapshots, baselines (architecture.md)."""

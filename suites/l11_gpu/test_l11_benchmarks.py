"""Layer 11 benchmarks: the catalogue's L11 runs (bringup/bench/catalogue.yml), judged against baselines/."""

from bringup.bench.suite import judge_item


def test_benchmark_meets_baseline(bench_run, bench, check, record_property):
    judge_item(bench_run, bench, check, record_property)

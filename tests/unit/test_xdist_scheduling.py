"""The pure parts of the xdist scheduler: which nodes a test id names, and the components they form."""

from bringup.xdist_scheduling import components, nodes_in

NAMES = ["gpu-a1", "gpu-a10", "gpu-a2", "gpu-a3"]


def test_nodes_in_matches_whole_names_only():
    assert nodes_in("t.py::test_x[gpu-a10-rail0]", NAMES) == ["gpu-a10"]
    assert sorted(nodes_in("t.py::test_ssh[gpu-a1-gpu-a2]", NAMES)) == ["gpu-a1", "gpu-a2"]
    assert nodes_in("t.py::test_cluster", NAMES) == []
    assert nodes_in("t.py::test_benchmark_meets_baseline[perftest-write-bw@rail0@gpu-a1+gpu-a10]", NAMES) == [
        "gpu-a1", "gpu-a10"]  # a benchmark run joins every node it runs on


def test_pair_checks_join_their_nodes():
    ids = ["t.py::a[gpu-a1]", "t.py::a[gpu-a2]", "t.py::a[gpu-a3]", "t.py::a[gpu-a10]", "t.py::p[gpu-a1-rail0-gpu-a2]"]
    comp = components(ids, NAMES)
    assert comp["gpu-a1"] == comp["gpu-a2"] != comp["gpu-a3"] != comp["gpu-a10"]

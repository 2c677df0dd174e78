"""Launchers (bringup/bench/launchers.py): exact argv / manifests for each design's example inventory, and the
inputs they refuse."""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bringup.bench import catalogue, launchers
from bringup.bench.launchers import LaunchError
from bringup.inventory import load_inventory
from bringup.model import Hardware, Kubernetes, Mpi

EXAMPLES = Path(__file__).resolve().parents[2] / "inventories" / "examples"
CAT = catalogue.default()
NCCL = "/opt/bringup/bench/src/nccl-tests/build"
OSU = "/opt/bringup/bench/osu/libexec/osu-micro-benchmarks/mpi/pt2pt"
SWEEP = ["-b", "8", "-e", "8G", "-f", "2", "-n", "20", "-w", "5", "-g", "1"]
ALL_HCAS = ",".join(f"mlx5_{i}:1" for i in range(8))
IMAGE = "registry.example/bench:2.23"


def _nodes(design: str) -> list:
    return list(load_inventory(str(EXAMPLES / design)).nodes)


@pytest.fixture(scope="module")
def d4():
    return _nodes("baremetal-mpi-roce")


@pytest.fixture(scope="module")
def d2():
    return _nodes("baremetal-slurm-roce")


@pytest.fixture(scope="module")
def d1():
    return _nodes("k8s-sriov-roce")


@pytest.fixture(scope="module")
def d3():
    return _nodes("k8s-physnic-roce")


@pytest.fixture(scope="module")
def d5():
    return _nodes("hybrid-k8s-slurm-roce")


def test_d4_mpirun_all_reduce_ring(d4):
    launch = launchers.launch(CAT.case("nccl-all_reduce-ring"), d4)
    assert launch.kind == "mpirun" and launch.run_on == "node01" and launch.timeout_s == 900
    assert launch.argv == [
        "mpirun", "-np", "16", "--hostfile", "hostfile", "--map-by", "ppr:8:node", "--bind-to", "numa",
        "--mca", "pml", "ucx",
        "--mca", "oob_tcp_if_include", "enp75s0f0np0", "--mca", "btl_tcp_if_include", "enp75s0f0np0",
        "-x", f"NCCL_IB_HCA=={ALL_HCAS}", "-x", "NCCL_IB_TC=106", "-x", "NCCL_SOCKET_IFNAME==enp75s0f0np0",
        "-x", f"UCX_NET_DEVICES={ALL_HCAS}", "-x", "NCCL_ALGO=Ring", "-x", "NCCL_DEBUG=INFO",
        "-x", "NCCL_DEBUG_SUBSYS=INIT,NET",
        f"{NCCL}/all_reduce_perf", *SWEEP]
    assert launch.files == {"hostfile": "node01 slots=8\nnode02 slots=8\n"}
    assert launch.env == {"NCCL_IB_HCA": f"={ALL_HCAS}", "NCCL_IB_TC": "106",
                          "NCCL_SOCKET_IFNAME": "=enp75s0f0np0", "UCX_NET_DEVICES": ALL_HCAS, "NCCL_ALGO": "Ring",
                          "NCCL_DEBUG": "INFO", "NCCL_DEBUG_SUBSYS": "INIT,NET"}
    assert shlex.split(launch.shell()) == launch.argv


def test_d4_per_rail_sendrecv_pins_the_rail_and_its_gpu(d4):
    launch = launchers.launch(CAT.case("nccl-sendrecv-rail"), d4, rail="rail3")
    assert launch.argv[:10] == ["mpirun", "-np", "2", "--hostfile", "hostfile", "--map-by", "ppr:1:node",
                                "--bind-to", "numa", "--mca"]
    assert launch.argv[18:] == [
        "-x", "NCCL_IB_HCA==mlx5_3:1", "-x", "NCCL_IB_TC=106", "-x", "NCCL_SOCKET_IFNAME==enp75s0f0np0",
        "-x", "UCX_NET_DEVICES=mlx5_3:1", "env", "CUDA_VISIBLE_DEVICES=3", f"{NCCL}/sendrecv_perf", *SWEEP]
    assert launch.files == {"hostfile": "node01 slots=1\nnode02 slots=1\n"}


def test_d4_osu_uses_the_rail_of_gpu0(d4):
    launch = launchers.launch(CAT.case("osu-bw-dd"), d4)
    assert launch.argv[18:] == ["-x", "UCX_NET_DEVICES=mlx5_0:1", f"{OSU}/osu_bw", "-m", "1:4194304", "-x", "20",
                                "-i", "100", "-d", "cuda", "D", "D"]


def test_d2_srun(d2):
    launch = launchers.launch(CAT.case("nccl-all_reduce-ring"), d2)
    assert launch.kind == "srun" and launch.run_on == "node01"
    assert launch.argv == [
        "env", f"NCCL_IB_HCA=={ALL_HCAS}", "NCCL_IB_TC=106", "NCCL_SOCKET_IFNAME==enp75s0f0np0",
        f"UCX_NET_DEVICES={ALL_HCAS}", "NCCL_ALGO=Ring", "NCCL_DEBUG=INFO", "NCCL_DEBUG_SUBSYS=INIT,NET",
        "srun", "-N", "2", "-w", "node01,node02", "--ntasks-per-node=8", "--gpus-per-node=8", "--mpi=pmix",
        "-p", "gpu", "-t", "15", "--export=ALL,NCCL_IB_HCA,NCCL_IB_TC,NCCL_SOCKET_IFNAME,UCX_NET_DEVICES,NCCL_ALGO,NCCL_DEBUG,"
        "NCCL_DEBUG_SUBSYS",
        f"{NCCL}/all_reduce_perf", *SWEEP]
    assert launch.files == {} and launch.manifest is None


def test_d2_single_node_all_reduce_has_no_network_pins(d2):
    launch = launchers.launch(CAT.case("nccl-all_reduce-1node"), d2[:1])
    assert launch.argv == ["env", "NCCL_IB_TC=106", "NCCL_SOCKET_IFNAME==enp75s0f0np0",
                           "srun", "-N", "1", "-w", "node01", "--ntasks-per-node=8", "--gpus-per-node=8",
                           "--mpi=pmix", "-p", "gpu", "-t", "10", "--export=ALL,NCCL_IB_TC,NCCL_SOCKET_IFNAME",
                           f"{NCCL}/all_reduce_perf", *SWEEP]


def test_d5_launches_by_partition(d5):
    slurm = [n for n in d5 if n.partition == "slurm"]
    k8s = [n for n in d5 if n.partition == "kubernetes"]
    ring = CAT.case("nccl-all_reduce-ring")
    assert launchers.launch(ring, slurm).argv[8:13] == ["srun", "-N", "2", "-w", "hpc01,hpc02"]
    job = launchers.launch(ring, k8s, image=IMAGE)
    assert job.kind == "mpijob" and job.run_on == "controller"
    worker = job.manifest["items"][-1]["spec"]["mpiReplicaSpecs"]["Worker"]["template"]["spec"]
    assert worker["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == ["k8s01", "k8s02"]
    with pytest.raises(LaunchError, match=r"D5: one benchmark cannot span the Slurm and Kubernetes partitions "
                                          r"\(hpc01=srun, k8s01=mpijob\)"):
        launchers.launch(ring, [slurm[0], k8s[0]], image=IMAGE)


def test_d1_mpijob_asks_for_the_rail_vf(d1):
    launch = launchers.launch(CAT.case("nccl-sendrecv-rail"), d1, rail="rail3", image=IMAGE)
    name = launchers.job_name(CAT.case("nccl-sendrecv-rail"), d1, "rail3")
    assert name.startswith("bench-nccl-sendrecv-rail-") and len(f"{name}-worker-0") <= 63
    assert launch.manifest == {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "kubeflow.org/v2beta1", "kind": "MPIJob",
        "metadata": {"name": name, "namespace": "default",
                     "labels": {"app.kubernetes.io/managed-by": "bringup", "bringup.io/case": "nccl-sendrecv-rail"}},
        "spec": {
            "slotsPerWorker": 1, "mpiImplementation": "OpenMPI", "launcherCreationPolicy": "WaitForWorkersReady",
            "runPolicy": {"cleanPodPolicy": "Running", "backoffLimit": 0, "activeDeadlineSeconds": 600},
            "mpiReplicaSpecs": {
                "Launcher": {"replicas": 1, "template": {"spec": {"containers": [{
                    "name": "launcher", "image": IMAGE,
                    "command": ["mpirun", "-np", "2", "--map-by", "ppr:1:node", "--bind-to", "numa", "--mca", "pml",
                                "ucx", "-x", "NCCL_IB_TC", "-x", "NCCL_SOCKET_IFNAME", f"{NCCL}/sendrecv_perf", *SWEEP],
                    "env": [{"name": "NCCL_IB_TC", "value": "106"}, {"name": "NCCL_SOCKET_IFNAME", "value": "=eth0"}],
                }]}}},
                "Worker": {"replicas": 2, "template": {
                    "metadata": {"labels": {"bringup.io/job": name, "bringup.io/role": "worker"},
                                 "annotations": {"k8s.v1.cni.cncf.io/networks": "sriov-rail3"}},
                    "spec": {
                        "containers": [{"name": "worker", "image": IMAGE,
                                        "securityContext": {"capabilities": {"add": ["IPC_LOCK"]}},
                                        "resources": {"limits": {"nvidia.com/gpu": 1, "nvidia.com/sriov_rail3": 1},
                                                      "requests": {"nvidia.com/gpu": 1, "nvidia.com/sriov_rail3": 1}}}],
                        "affinity": {
                            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                                       "values": ["gpu-a01", "gpu-a02"]}]}]}},
                            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                                {"labelSelector": {"matchLabels": {"bringup.io/job": name, "bringup.io/role": "worker"}},
                                 "topologyKey": "kubernetes.io/hostname"}]}}}}},
            }}}]}
    assert launch.argv == launch.manifest["items"][0]["spec"]["mpiReplicaSpecs"]["Launcher"]["template"]["spec"][
        "containers"][0]["command"]


def test_d1_all_rails_and_declared_network_names(d1):
    nodes = [dataclasses.replace(n, mpi=Mpi(**{"image": IMAGE,
                                                                      "sriov_networks": {"rail0": "net-r0"}}))
             for n in d1]
    job = launchers.launch(CAT.case("nccl-all_reduce-ring"), nodes).manifest["items"][0]
    worker = job["spec"]["mpiReplicaSpecs"]["Worker"]["template"]
    assert worker["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"] == \
        "net-r0," + ",".join(f"sriov-rail{i}" for i in range(1, 8))
    assert worker["spec"]["containers"][0]["resources"]["limits"] == {
        "nvidia.com/gpu": 8, **{f"nvidia.com/sriov_rail{i}": 1 for i in range(8)}}
    assert job["spec"]["slotsPerWorker"] == 8
    assert "command" not in worker["spec"]["containers"][0]  # the image's entrypoint, as the reference note
    sshd = [dataclasses.replace(n, mpi=Mpi(**{"image": IMAGE,
                                                                    "worker_command": ["/usr/sbin/sshd", "-De"]}))
            for n in d1]
    job = launchers.launch(CAT.case("nccl-all_reduce-ring"), sshd).manifest["items"][0]
    assert job["spec"]["mpiReplicaSpecs"]["Worker"]["template"]["spec"]["containers"][0]["command"] == \
        ["/usr/sbin/sshd", "-De"]


def test_d3_mpijob_claims_the_nic_through_dranet(d3):
    launch = launchers.launch(CAT.case("nccl-sendrecv-rail"), d3, rail="rail3", image=IMAGE)
    template, job = launch.manifest["items"]
    name = job["metadata"]["name"]
    assert template == {
        "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaimTemplate",
        "metadata": {"name": f"{name}-rdma", "namespace": "default"},
        "spec": {"spec": {"devices": {"requests": [{"name": "rail3", "exactly": {
            "deviceClassName": "dranet-rdma-for-mpi",
            "selectors": [{"cel": {"expression": 'device.attributes["dra.net"].ifName == "enp93s0np0"'}}]}}]}}}}
    worker = job["spec"]["mpiReplicaSpecs"]["Worker"]["template"]
    assert "annotations" not in worker["metadata"]
    assert worker["spec"]["resourceClaims"] == [{"name": "rdma", "resourceClaimTemplateName": f"{name}-rdma"}]
    assert worker["spec"]["containers"][0]["resources"] == {
        "limits": {"nvidia.com/gpu": 1}, "requests": {"nvidia.com/gpu": 1}, "claims": [{"name": "rdma"}]}


def test_d3_older_dra_api_keeps_the_flat_request(d3):
    nodes = [dataclasses.replace(n, mpi=Mpi(**{"dra_api": "resource.k8s.io/v1beta1",
                                                                      "namespace": "bench"})) for n in d3]
    template, job = launchers.launch(CAT.case("osu-bw-hh"), nodes, image=IMAGE).manifest["items"]
    assert template["apiVersion"] == "resource.k8s.io/v1beta1" and template["metadata"]["namespace"] == "bench"
    assert template["spec"]["spec"]["devices"]["requests"] == [{
        "name": "rail0", "deviceClassName": "dranet-rdma-for-mpi",
        "selectors": [{"cel": {"expression": 'device.attributes["dra.net"].ifName == "enp24s0np0"'}}]}]
    assert job["metadata"]["namespace"] == "bench"


def test_perftest_pair(d4):
    launch = launchers.launch(CAT.case("perftest-write-bw"), d4, rail="rail1")
    assert (launch.kind, launch.run_on, launch.server_on) == ("pair", "node01", "node02")
    common = ["-F", "--report_gbits", "-q", "4", "-s", "65536", "-D", "10", "--tclass=106", "-p", "18516"]
    assert launch.server_argv == ["/opt/bringup/bench/perftest/bin/ib_write_bw", "-d", "mlx5_1", *common]
    assert launch.argv == ["/opt/bringup/bench/perftest/bin/ib_write_bw", "-d", "mlx5_1", *common, "198.19.17.12"]
    gid = [dataclasses.replace(n, expect={**n.expect, "roce_gid_index": 3}) for n in d4]
    assert launchers.launch(CAT.case("perftest-write-lat"), gid, rail="rail0", port=20000).argv == [
        "/opt/bringup/bench/perftest/bin/ib_write_lat", "-d", "mlx5_0", "-F", "-s", "2", "-n", "1000",
        "--tclass=106", "-x", "3", "-p", "20000", "198.19.16.12"]


def test_lab_iperf3_pair_and_netpipe(d4):
    lab = [dataclasses.replace(n, profile="lab", frontend=None,
                               rails=tuple(r.model_copy(update={"rdma_device": None}) for r in n.rails)) for n in d4]
    pair = launchers.launch(CAT.case("iperf3-rail"), lab, rail="rail2")
    assert pair.server_argv == ["iperf3", "-s", "-1", "-B", "198.19.18.12", "-p", "5203"]
    assert pair.argv == ["iperf3", "-c", "198.19.18.12", "-B", "198.19.18.11", "-p", "5203", "-t", "5", "-J"]
    npmpi = launchers.launch(CAT.case("netpipe-pair"), lab)
    rails = ",".join(r.netdev for r in d4[0].rails)
    assert npmpi.argv == ["mpirun", "-np", "2", "--hostfile", "hostfile", "--map-by", "ppr:1:node", "--bind-to",
                          "numa", "--mca", "pml", "ucx", "--mca", "btl_tcp_if_include", rails,
                          "NPopenmpi", "-p", "0", "-u", "1048576", "-o", "/dev/null"]
    root = [dataclasses.replace(n, mpi=Mpi(**{"allow_run_as_root": True, "pml": "ob1"}))
            for n in lab]
    assert launchers.launch(CAT.case("netpipe-pair"), root).argv[:2] == ["mpirun", "--allow-run-as-root"]
    assert launchers.launch(CAT.case("netpipe-pair"), root).argv[10:13] == ["--mca", "pml", "ob1"]


def test_mca_parameters(d4):
    assert launchers.mca_params(d4) == {"pml": "ucx", "oob_tcp_if_include": "enp75s0f0np0",
                                        "btl_tcp_if_include": "enp75s0f0np0"}
    declared = [dataclasses.replace(n, mpi=Mpi(**{"mca": {"btl_tcp_if_include": "198.19.0.0/24",
                                                                                "pml": "ob1"}})) for n in d4]
    assert launchers.mca_params(declared) == {"pml": "ob1", "oob_tcp_if_include": "enp75s0f0np0",
                                              "btl_tcp_if_include": "198.19.0.0/24"}
    plain = [dataclasses.replace(n, frontend=None, rails=tuple(
        r.model_copy(update={"rdma_device": None, "netdev": f"{n.name}r{i}"}) for i, r in enumerate(n.rails)))
             for n in d4]
    assert launchers.mca_params(plain) == {
        "pml": "ucx", "btl_tcp_if_include": ",".join(f"198.19.{16 + i}.0/24" for i in range(8))}
    bad = [dataclasses.replace(n, mpi=Mpi(**{"mca": {"--host": "x"}})) for n in d4]
    with pytest.raises(LaunchError, match=r"bringup_mpi.mca: '--host' is not an MCA parameter name"):
        launchers.mca_params(bad)


def test_shell_quotes_every_value(d4):
    launch = launchers.mpirun_launch(CAT.case("osu-latency-hh"), d4, {"UCX_TLS": "rc_x,self sm"})
    assert "-x 'UCX_TLS=rc_x,self sm'" in launch.shell()
    assert shlex.split(launch.shell()) == launch.argv


def test_bad_inputs_are_named(d1, d3, d4):
    evil = [dataclasses.replace(d4[0], name="-oProxyCommand=x"), d4[1]]
    with pytest.raises(LaunchError, match=r"host name '-oProxyCommand=x' cannot be passed to a launcher"):
        launchers.launch(CAT.case("osu-bw-hh"), evil)
    no_gpus = [dataclasses.replace(n, hardware=Hardware(gpus=0)) for n in d4]
    with pytest.raises(LaunchError, match=r"nccl-alltoall runs one rank per GPU; inventory declares no GPUs for "
                                          r"node01, node02"):
        launchers.launch(CAT.case("nccl-alltoall"), no_gpus)
    with pytest.raises(LaunchError, match=r"bringup_mpi.image: no container image declared for gpu-b01"):
        launchers.launch(CAT.case("nccl-alltoall"), d3)
    moved = [d4[0], dataclasses.replace(d4[1], rails=tuple(
        r.model_copy(update={"rdma_device": "mlx5_9"}) if r.name == "rail3" else r for r in d4[1].rails))]
    with pytest.raises(LaunchError, match=r"rail3 is mlx5_3 on node01, mlx5_9 on node02: one NCCL_IB_HCA"):
        launchers.launch(CAT.case("nccl-sendrecv-rail"), moved, rail="rail3")
    with pytest.raises(LaunchError, match=r"node01 has no rail 'rail9'"):
        launchers.launch(CAT.case("nccl-sendrecv-rail"), d4, rail="rail9")
    unplanned = [dataclasses.replace(n, kubernetes=Kubernetes(**{"resources": {"rail0": "r0"}}))
                 for n in d1]
    with pytest.raises(LaunchError, match=r"bringup_kubernetes.resources.rail3: no SR-IOV resourceName declared"):
        launchers.launch(CAT.case("nccl-sendrecv-rail"), unplanned, rail="rail3", image=IMAGE)
    with pytest.raises(LaunchError, match=r"a pair launch takes two nodes and a rail"):
        launchers.launch(CAT.case("perftest-write-bw"), d4)


def test_skip_reasons_add_the_launchers_own(d1, d4):
    assert launchers.skip_reason(CAT.case("perftest-write-bw"), d4) is None
    assert launchers.skip_reason(CAT.case("perftest-write-bw"), d1) is None  # no ssh between nodes needed
    off = [dataclasses.replace(n, expect={**n.expect, "traffic_checks": False}) for n in d1]
    assert launchers.skip_reason(CAT.case("perftest-write-bw"), off) == (
        "perftest-write-bw: bringup_expect.traffic_checks is false for gpu-a01, gpu-a02 (host pair benchmarks off)")
    assert launchers.skip_reason(CAT.case("nccl-alltoall"), d1) == (
        "nccl-alltoall runs as an MPIJob; bringup_mpi.image (the container holding nccl-tests) is not declared")
    assert launchers.skip_reason(CAT.case("nccl-alltoall"), d1, image=IMAGE) is None
    no_gpus = [dataclasses.replace(n, hardware=Hardware(gpus=0)) for n in d4]
    assert launchers.skip_reason(CAT.case("osu-bw-dd"), no_gpus) == \
        "osu-bw-dd needs GPUs; inventory declares none for node01, node02"


def test_skip_reason_for_a_case_across_d5_partitions(d5):
    assert launchers.skip_reason(CAT.case("osu-bw-hh"), [d5[0], d5[2]]) == (
        "D5: one benchmark cannot span the Slurm and Kubernetes partitions (hpc01=srun, k8s01=mpijob)")


@pytest.mark.skipif(not shutil.which("mpirun"), reason="Open MPI's mpirun is not installed here")
def test_real_mpirun_accepts_the_argv_and_exports_the_env(d4, tmp_path):
    """Open MPI itself parses our argv: one rank on this machine, the benchmark swapped for `env`."""
    here = dataclasses.replace(
        d4[0], name="localhost", frontend=d4[0].frontend.model_copy(update={"netdev": "lo"}),
        mpi=Mpi(**{"pml": "ob1", "allow_run_as_root": os.geteuid() == 0}))
    launch = launchers.mpirun_launch(CAT.case("netpipe-pair"), [here],
                                     {"NCCL_IB_HCA": "=mlx5_0:1,mlx5_1:1", "NCCL_ALGO": "Ring"})
    for name, content in launch.files.items():
        (tmp_path / name).write_text(content)
    argv = launch.argv[:launch.argv.index("NPopenmpi")] + ["env"]
    proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert {"NCCL_IB_HCA==mlx5_0:1,mlx5_1:1", "NCCL_ALGO=Ring"} <= set(proc.stdout.splitlines())

"""Write the healthy traffic captures of the H100 scenario (layers 8, 12, 13: bringup/probes/traffic.py).

Run ``python tests/scenarios/h100/tools/gen_traffic.py`` from the repository root. Every node runs, per rail,
perftest pairs to its ring neighbour: the proof by traffic between two ``ethtool -S`` snapshots (L8), host and
GPU memory bandwidth (L12), and bandwidth plus latency (L13). The report layout is perftest's, as in
tests/fixtures/perftest/ (README there for the provenance); the counters are mlx5's ``ethtool -S`` names
(kernel Documentation/networking/device_drivers/ethernet/mellanox/mlx5/counters.rst). Values are sized to a
healthy ConnectX-7 400GbE rail (layers.md §4): ~392 Gb/s host memory, GPU memory 1% below, 2 B latency ~1.9 us.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))
from bringup.inventory import load_inventory  # noqa: E402

SCENARIO = Path(__file__).resolve().parent.parent
CAPTURES = SCENARIO / "captures"
RULE = "-" * 87
GID = "00:00:00:00:00:00:00:00:00:00:255:255:{}"

HEADER = f"""{RULE}
                    {{title}}
 Dual-port       : OFF\t\tDevice         : {{device}}
 Number of qps   : {{qps}}\t\tTransport type : IB
 Connection type : RC\t\tUsing SRQ      : OFF
 PCIe relax order: ON
 ibv_wr* API     : ON
 TX depth        : {{tx_depth}}
 CQ Moderation   : 1
 Mtu             : 4096[B]
 Link type       : Ethernet
 GID index       : 3
 Max inline data : {{inline}}[B]
 rdma_cm QPs\t : OFF
 Data ex. method : Ethernet
{RULE}
"""

CUDA_PREAMBLE = """Perftest doesn't supports CUDA tests with inline messages: inline size set to 0
initializing CUDA
Listing all CUDA devices in system:
{devices}
Picking device No. {gpu}
[pid = {pid}, dev = {gpu}] device name = [NVIDIA H100 80GB HBM3]
creating CUDA Ctx
making it the current CUDA Ctx
cuMemAlloc() of a 524288 bytes GPU buffer
allocated GPU buffer address at 00007f2e1c000000 pointer=0x7f2e1c000000
"""
GPU_BUSES = ["19", "2B", "3B", "5E", "9B", "AC", "BB", "DC"]  # GPU i at NIC bus + 1 (tools/gen_platform.py)


def _gid(address: str) -> str:
    return GID.format(":".join(f"{int(o):02d}" for o in address.split(".")))


def _addresses(local: str, remote: str, qps: int, seed: int) -> str:
    rows = []
    for side, address, base in (("local", local, 0x120), ("remote", remote, 0x130)):
        for q in range(qps):
            rows.append(f" {side} address: LID 0000 QPN 0x{base + seed * 8 + q:04x} PSN 0x{(seed * 7919 + q * 104729) % 0xFFFFFF:06x} "
                        f"RKey 0x1fff00 VAddr 0x007f4c2a{q:02x}0000")
            rows.append(f" GID: {_gid(address)}")
    return "\n".join(rows) + f"\n{RULE}\n"


def bw_report(device: str, local: str, remote: str, gbps: float, seconds: int, seed: int) -> str:
    iterations = int(gbps * 1e9 * seconds / 8 / 65536)
    return (HEADER.format(title="RDMA_Write BW Test", device=device, qps=4, tx_depth=128, inline=0)
            + _addresses(local, remote, 4, seed)
            + " #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]\n"
            + f" 65536      {iterations:<16d} 0.00               {gbps:.2f} \t\t     {gbps * 1e3 / 8 / 65536:.6f}\n"
            + f"{RULE}\n")


def lat_report(device: str, local: str, remote: str, typical: float, seed: int) -> str:
    return (HEADER.format(title="RDMA_Write Latency Test", device=device, qps=1, tx_depth=1, inline=220)
            + _addresses(local, remote, 1, seed)
            + " #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    t_avg[usec]    t_stdev[usec]   "
              "99% percentile[usec]   99.9% percentile[usec] \n"
            + f" 2       1000          {typical - 0.07:.2f}           5.92         {typical:.2f}                "
              f"{typical + 0.02:.2f}             0.07            {typical + 0.28:.2f}                    5.92   \n"
            + f"{RULE}\n")


def counters(tx: dict[int, int], rx_bytes: int) -> str:
    """mlx5 ``ethtool -S`` (abridged to the port and per-priority counters the checks read)."""
    total = sum(tx.values())
    rows = [("rx_packets", rx_bytes // 4136), ("rx_bytes", rx_bytes), ("tx_packets", total // 4136),
            ("tx_bytes", total), ("rx_discards_phy", 0), ("rx_pcs_symbol_err_phy", 0), ("link_down_events_phy", 0)]
    for prio in range(8):
        rows += [(f"tx_prio{prio}_bytes", tx.get(prio, 0)), (f"tx_prio{prio}_packets", tx.get(prio, 0) // 4136)]
    rows += [("rx_prio3_pause", 318), ("tx_prio3_pause", 97), ("tx_pause_storm_warning_events", 0),
             ("tx_pause_storm_error_events", 0)]
    return "NIC statistics:\n" + "".join(f"     {name}: {value}\n" for name, value in rows)


def write(node: str, key: str, text: str) -> None:
    path = CAPTURES / node / f"{key}.out"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    cluster = load_inventory(str(SCENARIO / "inventory"))
    for n, node in enumerate(cluster.nodes):
        for i, rail in enumerate(node.rails):
            peer, remote = node.rail_peers[rail.name]
            local = str(rail.address.ip)
            seed = n * 8 + i
            host_gbps = 392.18 - 0.11 * i - 0.05 * n
            proof_gbps = host_gbps - 0.4
            proof_bytes = int(proof_gbps * 1e9 * 5 / 8)
            before = {0: 9_184_220 + 1000 * i, 3: 1_503_339_881_472 + 10**9 * i}
            after = {0: before[0] + 41_830, 3: before[3] + int(proof_bytes * 1.02)}  # + headers, ACKs
            write(node.name, f"counters-before-{rail.name}", counters(before, 1_507_842_619_904))
            write(node.name, f"counters-after-{rail.name}", counters(after, 1_507_842_619_904 + 8_302_114))
            write(node.name, f"perftest-proof-{rail.name}", bw_report(rail.rdma_device, local, remote, proof_gbps, 5,
                                                                       seed))
            write(node.name, f"perftest-bw-{rail.name}", bw_report(rail.rdma_device, local, remote, host_gbps, 10,
                                                                    seed + 1))
            write(node.name, f"perftest-lat-{rail.name}", lat_report(rail.rdma_device, local, remote, 1.93 + 0.01 * i,
                                                                      seed))
            write(node.name, f"perftest-gdr-host-{rail.name}", bw_report(rail.rdma_device, local, remote,
                                                                          host_gbps + 0.03, 10, seed + 2))
            devices = "\n".join(f"CUDA device {g}: PCIe address is {bus}:00" for g, bus in enumerate(GPU_BUSES))
            cuda = CUDA_PREAMBLE.format(devices=devices + "\n", gpu=rail.gpu, pid=48213 + seed)
            write(node.name, f"perftest-gdr-cuda-{rail.name}",
                  cuda + bw_report(rail.rdma_device, local, remote, round(host_gbps * 0.99, 2), 10, seed + 3)
                  + "deallocating RX GPU buffer 00007f2e1c000000\ndestroying current CUDA Ctx\n")


# ---- the NCCL job of L12/L13 (bringup/probes/nccl_job.py): srun, one process per node driving 8 GPUs ----
# NCCL 2.21.5 INFO lines in the shapes NCCL prints them (net_ib.cc "NET/IB : Using ... [RO]; OOB",
# "GPU Direct RDMA (nvidia-peermem) enabled for HCA %d '%s" -- NCCL's format has no closing quote --,
# "Channel %02d/%d : %d[%d] -> %d[%d] [send] via NET/IB/%d/GDRDMA"), then nccl-tests' table.
NCCL_VERSION = "2.21.5+cuda12.4"
BUS_IDS = ["19000", "2b000", "3b000", "5e000", "9b000", "ac000", "bb000", "dc000"]


def nccl_host_lines(host: str, pid: int, first_rank: int, devices: list[str], oob: str, channels: int) -> list[str]:
    p = f"{host}:{pid}:{pid}"
    lines = [f"{p} [0] NCCL INFO Bootstrap : Using {oob}",
             f"{p} [0] NCCL INFO cudaDriverVersion 12040",
             f"{p} [0] NCCL INFO NCCL version {NCCL_VERSION}",
             f"{p} [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.",
             f"{p} [0] NCCL INFO NET/IB : Using " + " ".join(f"[{i}]{d}:1/RoCE" for i, d in enumerate(devices))
             + f" [RO]; OOB {oob}",
             f"{p} [0] NCCL INFO Using non-device net plugin version 0",
             f"{p} [0] NCCL INFO Using network IB"]
    for gpu in range(8):
        t = f"{host}:{pid}:{pid + 19 + gpu}"
        lines.append(f"{t} [{gpu}] NCCL INFO ncclCommInitRank comm 0x55d0c8a1{gpu:x}2c0 rank {first_rank + gpu} nranks 16 "
                     f"cudaDev {gpu} nvmlDev {gpu} busId {BUS_IDS[gpu]} commId 0x6c2b3f1e8a4d9c07 - Init START")
    for i, d in enumerate(devices):
        lines.append(f"{p} [0] NCCL INFO NET/IB : GPU Direct RDMA (nvidia-peermem) enabled for HCA {i} '{d}")
    t = f"{host}:{pid}:{pid + 19}"
    ring = "   ".join(str(r) for r in (0, 7, 6, 5, 4, 3, 2, 1, 8, 15, 14, 13, 12, 11, 10, 9))
    lines.append(f"{t} [0] NCCL INFO comm 0x55d0c8a102c0 rank {first_rank} nRanks 16 nNodes 2 localRanks 8 localRank 0 "
                 f"MNNVL 0")
    for c in range(channels):
        lines.append(f"{t} [0] NCCL INFO Channel {c:02d}/{channels} :    {ring}")
    other = 8 - first_rank
    for c in range(channels):
        nic = c % 8
        gpu = nic
        prox = f"{host}:{pid}:{pid + 40 + gpu}"
        lines.append(f"{prox} [{gpu}] NCCL INFO Channel {c:02d}/0 : {other + (gpu + 1) % 8}[{(gpu + 1) % 8}] -> "
                     f"{first_rank + gpu}[{gpu}] [receive] via NET/IB/{nic}/GDRDMA")
        lines.append(f"{prox} [{gpu}] NCCL INFO Channel {c:02d}/0 : {first_rank + gpu}[{gpu}] -> {other + gpu}[{gpu}] "
                     f"[send] via NET/IB/{nic}/GDRDMA")
        lines.append(f"{prox} [{gpu}] NCCL INFO Channel {c:02d}/0 : {first_rank + gpu}[{gpu}] -> "
                     f"{first_rank + (gpu + 7) % 8}[{(gpu + 7) % 8}] via P2P/CUMEM/read")
    lines.append(f"{t} [0] NCCL INFO Connected all rings")
    lines.append(f"{t} [0] NCCL INFO Connected all trees")
    for gpu in range(8):
        t = f"{host}:{pid}:{pid + 19 + gpu}"
        lines.append(f"{t} [{gpu}] NCCL INFO ncclCommInitRank comm 0x55d0c8a1{gpu:x}2c0 rank {first_rank + gpu} nranks 16 "
                     f"cudaDev {gpu} nvmlDev {gpu} busId {BUS_IDS[gpu]} commId 0x6c2b3f1e8a4d9c07 - Init COMPLETE")
    return lines


def nccl_job_log(cluster) -> str:
    first, second = cluster.nodes[0], cluster.nodes[1]
    head = ["# nThread 1 nGpus 8 minBytes 67108864 maxBytes 67108864 step: 2(factor) warmup iters: 2 iters: 5 "
            "agg iters: 1 validation: 1 graph: 0", "#", "# Using devices"]
    for rank in range(16):
        host, pid = (first.name, 48213) if rank < 8 else (second.name, 51877)
        head.append(f"#  Rank {rank:2d} Group  0 Pid {pid:6d} on {host:>10} device {rank % 8:2d} "
                    f"[0x{BUS_IDS[rank % 8][:2]}] NVIDIA H100 80GB HBM3")
    body = []
    for node, pid, first_rank in ((first, 48213, 0), (second, 51877, 8)):
        devices = [r.rdma_device for r in node.rails]
        oob = f"enp157s0f0np0:{node.connection.host}<0>"
        body.append(nccl_host_lines(node.name, pid, first_rank, devices, oob, 16))
    # the two hosts' lines interleave in the job log as srun forwards them
    merged = [line for pair in zip(*body) for line in pair] + [line for b in body for line in b[len(min(body, key=len)):]]
    table = ["#",
             "#                                                              out-of-place                       "
             "in-place          ",
             "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   "
             "busbw #wrong",
             "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  "
             "(GB/s)       ",
             "    67108864      16777216     float     sum      -1    372.1  180.35  338.16      0    370.8  180.98  "
             "339.34      0",
             "# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 338.75 ", "#"]
    return "\n".join(head + merged + table) + "\n"


def write_nccl_job() -> None:
    cluster = load_inventory(str(SCENARIO / "inventory"))
    write(cluster.nodes[0].name, "nccl-job", nccl_job_log(cluster))


if __name__ == "__main__":
    main()
    write_nccl_job()

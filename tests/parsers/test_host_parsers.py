"""Parsers behind L1 and L6, on captured outputs (tests/scenarios/h100/captures) and real-world noise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bringup.parsers import ParseError, chronyc, cpufreq, lspci, meminfo, nvidia_smi_list, nvidia_smi_query, os_release
from bringup.parsers import registry, scalar, timedatectl, ulimit

CAPTURES = Path(__file__).resolve().parent.parent / "scenarios" / "h100" / "captures"


def capture(name: str, node: str = "common") -> str:
    return (CAPTURES / node / f"{name}.out").read_text()


def test_lspci_counts_gpus_and_backend_nics():
    devices = lspci.parse(capture("lspci"))
    assert len(lspci.gpus(devices)) == 8  # NVSwitch bridges (class 0680) are not GPUs
    assert len(lspci.nics(devices, "15b3")) == 10  # 8 CX-7 backend + 2 CX-6 Dx frontend ports
    assert len(lspci.nics(devices, "15b3", "1021")) == 8
    gpu = lspci.gpus(devices)[0]
    assert (gpu.slot, gpu.class_id, gpu.vendor, gpu.device, gpu.revision) == ("0000:19:00.0", "0302", "10de", "2330", "a1")


def test_lspci_skips_virtual_functions_and_rejects_garbage():
    text = ("0000:1a:00.0 Ethernet controller [0200]: Mellanox Technologies MT2910 Family [ConnectX-7] [15b3:1021]\r\n"
            "0000:1a:00.2 Ethernet controller [0200]: Mellanox Technologies ConnectX Family mlx5Gen Virtual Function [15b3:101e]\r\n")
    assert [d.slot for d in lspci.nics(lspci.parse(text), "15b3")] == ["0000:1a:00.0"]
    with pytest.raises(ParseError, match="line 2 is not `lspci -Dnn` output"):
        lspci.parse(text.splitlines()[0] + "\n0000:1a:00.2 Ethernet contr")


def test_meminfo_in_bytes_and_truncation():
    values = meminfo.parse(capture("meminfo"))
    assert values["MemTotal"] == 2113389012 * 1024 and values["HugePages_Total"] == 0
    with pytest.raises(ParseError, match="no MemTotal"):
        meminfo.parse("MemFree:        2052219636 kB\n")


def test_os_release_quoting():
    values = os_release.parse(capture("os-release"))
    assert values["PRETTY_NAME"] == "Ubuntu 22.04.4 LTS" and values["ID"] == "ubuntu"
    with pytest.raises(ParseError, match="line 1 is not KEY=value"):
        os_release.parse("<html>\n")


def test_chronyc_synchronised_and_not():
    tracking = chronyc.parse(capture("chrony"))
    assert tracking.synchronised and tracking.stratum == 3 and tracking.system_offset_s == pytest.approx(3.104e-6)
    unsynced = capture("chrony").replace("C0A80101 (198.19.0.1)", "00000000 ()").replace("Normal", "Not synchronised")
    assert not chronyc.parse(unsynced).synchronised
    with pytest.raises(ParseError, match="no 'Leap status' line"):
        chronyc.parse("\n".join(capture("chrony").splitlines()[:5]))
    # a garbled Stratum line (found by tests/parsers/test_fuzz_parsers.py): a ParseError, not int()'s ValueError
    garbled = capture("chrony").replace("Stratum         : 3", "Stratum         : : 3")
    with pytest.raises(ParseError, match="unexpected Stratum value: ': 3'"):
        chronyc.parse(garbled)


def test_nvidia_smi_query_and_list():
    rows = nvidia_smi_query.parse(capture("gpu-query", "node01"),
                                  ["index", "name", "serial", "vbios_version", "pci.bus_id", "power.limit",
                                   "power.default_limit", "clocks_throttle_reasons.hw_slowdown"])
    assert len(rows) == 8 and rows[7]["pci.bus_id"] == "00000000:DC:00.0" and rows[0]["power.limit"] == "700.00"
    assert rows[0]["clocks_throttle_reasons.hw_slowdown"] == "Not Active"
    header = "index, name, memory.total [MiB]\n0, NVIDIA H100 80GB HBM3, 81559 MiB\n"
    assert nvidia_smi_query.parse(header) == [{"index": "0", "name": "NVIDIA H100 80GB HBM3", "memory.total": "81559 MiB"}]
    with pytest.raises(ParseError, match="row 1 has 2 fields, expected 3"):
        nvidia_smi_query.parse("0, NVIDIA H100\n", ["index", "name", "serial"])
    gpus = nvidia_smi_list.parse("GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-6f3c9a3e-2b1d-4a2f-9c1e-0d1a2b3c4d5e)\n"
                                 "  MIG 1g.10gb      Device  0: (UUID: MIG-1d0c2a5e-aaaa-bbbb-cccc-0123456789ab)\n")
    assert [(g.index, g.name) for g in gpus] == [(0, "NVIDIA H100 80GB HBM3")]


def test_small_outputs():
    assert ulimit.parse("unlimited\n") is None and ulimit.parse("8192\r\n") == 8192
    assert cpufreq.parse(capture("governor"))[223] == "performance"
    assert timedatectl.parse(capture("timedatectl"))["NTPSynchronized"] == "yes"
    assert scalar.parse_int("0: 224\n") == 224  # srun -l prefix
    with pytest.raises(ParseError):
        scalar.parse("a\nb\n")


def test_every_parser_is_reachable_from_the_cli(tmp_path):
    for tool in ("lspci-nn", "meminfo", "chronyc-tracking"):
        assert tool in registry()
    out = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "meminfo", str(CAPTURES / "common" / "meminfo.out")],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["MemTotal"] == 2113389012 * 1024
    bad = tmp_path / "bad.txt"
    bad.write_text("MemFree: 1 kB\n")
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "meminfo", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "no MemTotal line" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "nope", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown tool 'nope'" in proc.stderr


def test_ulimit_unicode_digit_is_not_a_number():
    # Found by tests/parsers/test_fuzz_parsers.py: "²".isdigit() is True but int("²") raises ValueError; digits are now
    # tested with isdecimal() in every parser.
    with pytest.raises(ParseError) as raised:
        ulimit.parse("²\n")
    assert str(raised.value) == "not a number of KiB nor 'unlimited': '²'"

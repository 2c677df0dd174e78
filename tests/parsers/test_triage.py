"""``bringup triage``: tool detection on real captures, no detector claiming another tool's capture, a passing
and a failing finding per rule, the exit statuses and the CLI forms (--inventory/--node, --json, parse auto)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bringup.cli import main
from bringup.triage import cli, context, engine
from bringup.triage.model import Context

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
H100 = ROOT / "tests" / "scenarios" / "h100"
INVENTORY = str(H100 / "inventory")

# Real captures per tool (provenance in each fixture folder's README.md, tests/scenarios/h100/README.md).
CAPTURES = {
    "ethtool": [FIX / "ethtool/cx7_400g.txt", FIX / "ethtool/link_down_crlf.txt", FIX / "ethtool/lab_rail1.txt"],
    "ethtool-S": [FIX / "ethtool_stats/mlx5.txt", FIX / "ethtool_stats/veth.txt"],
    "ip-link": [FIX / "ip_link/cx7_sriov_text.txt", FIX / "ip_link/cx7_sriov.json", FIX / "ip_link/veth_lab.json",
                H100 / "captures/node02/ip-link.out"],
    "dmesg": [FIX / "dmesg/xid_ctime_peermem.txt", FIX / "dmesg/aer_journal_aer_prefix.txt",
              FIX / "dmesg/sxid_iso.txt", FIX / "dmesg/intel_passthrough_xid.txt",
              H100 / "captures/common/dmesg-xid.out"],
    "nvidia-smi-topo-m": [FIX / "nvidia_smi_topo/hgx_h100_8gpu_10nic.txt",
                          FIX / "nvidia_smi_topo/driver450_device_columns.txt"],
    "dcgmi-diag": [FIX / "dcgmi_diag/r1_pass.json", FIX / "dcgmi_diag/r1_fail_dcgm3.json",
                   FIX / "dcgmi_diag/r3_text_fail.txt"],
    "lspci-vvv": [FIX / "lspci_vvv/hgx_h100_switch.txt", FIX / "lspci_vvv/legacy_pciutils_3_5.txt"],
    "mlnx_qos": [FIX / "mlnx_qos/doca_dscp.txt", FIX / "mlnx_qos/ofed42_ets.txt"],
    "nccl-tests": [FIX / "nccl_tests/all_reduce_2node.txt", FIX / "nccl_tests/all_reduce_tag_output.txt",
                   FIX / "nccl_tests/all_reduce_srun_l.txt", FIX / "nccl_tests/all_reduce_wrong_overflow.txt"],
    "perftest": [FIX / "perftest/write_bw_roce_400g.out", FIX / "perftest/write_lat_roce.out",
                 FIX / "perftest/write_bw_mbsec_old.out"],
    "rdma-link": [FIX / "rdma_link/text.txt", FIX / "rdma_link/cx7.json"],
    "scontrol_node": [H100 / "captures/node01/node-state.out"],
}
RULES = engine.discover()
MINE = {r.tool: r for r in RULES.rules if r.tool in CAPTURES}


def _norm(path: Path) -> str:
    from bringup.parsers.common import lines

    return "\n".join(lines(path.read_text()))


def test_every_rule_here_is_discovered():
    assert set(MINE) == set(CAPTURES)


@pytest.mark.parametrize("tool, path", [(t, p) for t, ps in CAPTURES.items() for p in ps],
                         ids=[f"{t}-{p.name}" for t, ps in CAPTURES.items() for p in ps])
def test_only_its_own_rule_detects_a_capture(tool, path):
    """Every discovered rule (other helpers' too) against every capture: exactly the capture's tool claims it."""
    raw = path.read_text()
    assert [r.tool for r in RULES.rules if r.detect(raw) or r.detect(_norm(path))] == [tool]


def _findings(tool: str, path: Path | None = None, text: str | None = None, ctx: Context | None = None):
    rule = MINE[tool]
    text = path.read_text() if text is None else text
    return [(f.severity, f.subject, f.message) for f in rule.findings(rule.parse(text), ctx or context.build("x"))]


def _h100(node: str = "node01") -> Context:
    return context.build("x", INVENTORY, node)


def test_ethtool_speed_against_the_inventory():
    assert _findings("ethtool", FIX / "ethtool/cx7_400g.txt", ctx=_h100()) == [
        ("info", "enp24s0np0", "link at 400000Mb/s as expected (bringup_hardware.nic_speed_mbps)")]
    assert _findings("ethtool", FIX / "ethtool/lab_rail1.txt", ctx=_h100()) == [
        ("fail", "rail1", "link at 10000Mb/s, expected 400000 (bringup_hardware.nic_speed_mbps)")]
    assert _findings("ethtool", FIX / "ethtool/link_down_crlf.txt") == [
        ("fail", "enp42s0np0", "link not detected (Link detected: no)")]


def test_ethtool_stats_watch_list():
    assert _findings("ethtool-S", FIX / "ethtool_stats/mlx5.txt") == [
        ("info", "watch-list", "no watch-list counter is non-zero (25 counters; RoCE priority 3)")]
    text = (FIX / "ethtool_stats/mlx5.txt").read_text().replace("rx_prio3_buf_discard: 0", "rx_prio3_buf_discard: 41")
    assert _findings("ethtool-S", text=text) == [
        ("fail", "rx_prio3_buf_discard", "41 since the counters were cleared: drop on the lossless class (priority "
                                         "3): fabric contract broken")]


def test_ip_link_mtu_against_the_fabric():
    found = _findings("ip-link", H100 / "captures/node02/ip-link.out", ctx=_h100("node02"))
    assert found[:2] == [
        ("warn", "enp75s0f0np0", "MTU 1500 (the Ethernet default), expected 9000 (bringup_fabric.mtu) on a rail; a "
                                 "management or frontend interface may keep it"),
        ("info", "enp24s0np0", "MTU 9000 as expected (bringup_fabric.mtu)")]
    assert len(found) == 9 and {f[0] for f in found[1:]} == {"info"}
    assert _findings("ip-link", FIX / "ip_link/cx7_sriov_text.txt", ctx=Context(fabric={"mtu": 4200})) == [
        ("fail", "enp24s0np0", "MTU 9000, expected 4200 (bringup_fabric.mtu)")]


def test_dmesg_every_class():
    assert _findings("dmesg", H100 / "captures/common/dmesg-xid.out") == [
        ("info", "kernel log:", "no NVIDIA Xid, GPU fallen off the bus, GPUDirect RDMA kernel path (peermem/dma-buf), "
                                "PCIe AER, PCIe bandwidth limited, NVSwitch SXid events")]
    found = _findings("dmesg", FIX / "dmesg/xid_ctime_peermem.txt")
    assert [f[2][:40] for f in found] == ["Xid 13 (Graphics Engine Exception (SM ex"] * 3 + [
        "Xid 109 (Context Switch Timeout Error) o", "nvidia-peermem: nv_get_p2p_free_callback"]
    assert {f[0] for f in found} == {"fail"}


def test_dmesg_xid_ignore_from_the_policy_context():
    ctx = Context(expect={"xid_ignore": [13], "aer_corrected_max": 0})
    found = _findings("dmesg", FIX / "dmesg/xid_ctime_peermem.txt", ctx=ctx)
    assert [f[2][:7] for f in found] == ["Xid 109", "nvidia-"]


def test_topology_nearest_nic():
    assert _findings("nvidia-smi-topo-m", FIX / "nvidia_smi_topo/hgx_h100_8gpu_10nic.txt")[0] == (
        "info", "GPU0", "reaches mlx5_0 via PIX")
    ctx = Context(expect={"gpu_nic_topology": ["PIX"]})
    assert _findings("nvidia-smi-topo-m", FIX / "nvidia_smi_topo/driver450_device_columns.txt", ctx=ctx)[0] == (
        "fail", "GPU0", "nearest NIC mlx5_0 is PXB away, not PIX (policy gpu_nic_topology): GPUDirect traffic "
                        "crosses the CPU")


def test_dcgmi_diag():
    assert _findings("dcgmi-diag", FIX / "dcgmi_diag/r1_pass.json") == [
        ("info", "dcgmi diag", "9 results, none Fail")]
    assert _findings("dcgmi-diag", FIX / "dcgmi_diag/r3_text_fail.txt")[0] == (
        "fail", "Hardware/GPU Memory", "Fail GPU: 3 GPU 3 Error using CUDA API cudaMalloc")


def test_lspci_link_status_against_capability_and_policy():
    assert _findings("lspci-vvv", FIX / "lspci_vvv/hgx_h100_switch.txt") == [
        ("info", "0000:18:00.0", "link 32.0GT/s x16 at LnkCap"),
        ("info", "0000:19:00.0", "link 32.0GT/s x16 at LnkCap")]
    assert _findings("lspci-vvv", FIX / "lspci_vvv/legacy_pciutils_3_5.txt") == [
        ("fail", "0000:3b:00.0", "link 8.0GT/s x8 below its LnkCap 16.0GT/s x16")]


def test_mlnx_qos_trust_and_pfc():
    assert _findings("mlnx_qos", FIX / "mlnx_qos/doca_dscp.txt", ctx=_h100()) == [
        ("info", "trust", "dscp as expected (bringup_fabric.trust)"),
        ("info", "PFC", "enabled on priority 3 only (bringup_fabric.pfc_priority)")]
    assert _findings("mlnx_qos", FIX / "mlnx_qos/ofed42_ets.txt") == [
        ("fail", "trust", "pcp, expected dscp (policy trust)"),
        ("fail", "PFC", "enabled on priorities [0, 2, 6, 7], expected only 3 (policy pfc_priority)")]


def test_nccl_tests_against_the_baselines():
    assert _findings("nccl-tests", FIX / "nccl_tests/all_reduce_2node.txt") == [(
        "warn", "2 node(s) x 8 GPU(s):",
        "all_reduce 8 GiB busbw 359.8 GB/s is 5.3% under 380 GB/s, within the warn band (warn -5.3%, lower -10.5%, "
        "baselines/h100-cx7-400g/nccl-tests.yaml:43) [profile h100-cx7-400g; judged as NCCL_ALGO=Ring: the output "
        "does not say]")]
    found = _findings("nccl-tests", FIX / "nccl_tests/all_reduce_wrong_overflow.txt")
    assert found[0] == ("fail", "2 node(s) x 8 GPU(s):", "all_reduce not a valid measurement at 23 size(s) (8 B, 16 B, "
                                                          "32 B, 64 B ... 64 MiB): Out of bounds values 3 FAILED")
    assert len(found) == 4 and {f[0] for f in found} == {"fail"}


def test_perftest_against_the_baselines():
    assert _findings("perftest", FIX / "perftest/write_bw_roce_400g.out") == [(
        "info", "mlx5_0:", "ib_write_bw 64 KiB bandwidth 392.2 Gb/s is 0.0% over 392 Gb/s (lower -3%, "
                           "baselines/h100-cx7-400g/perftest.yaml:10) [profile h100-cx7-400g]")]
    assert _findings("perftest", FIX / "perftest/write_bw_mbsec_old.out") == [(
        "fail", "mlx5_2:", "ib_write_bw 64 KiB bandwidth 90.4 Gb/s is 76.9% under 392 Gb/s (lower -3%, "
                           "baselines/h100-cx7-400g/perftest.yaml:10) [profile h100-cx7-400g]")]


def test_rdma_link_states():
    assert _findings("rdma-link", FIX / "rdma_link/cx7.json") == [
        ("info", "mlx5_0/1 (enp24s0np0)", "ACTIVE / LINK_UP"),
        ("fail", "mlx5_1/1 (enp42s0np0)", "state DOWN, physical_state DISABLED; expected ACTIVE / LINK_UP")]


def test_scontrol_node_state():
    text = (H100 / "captures/node01/node-state.out").read_text()
    assert _findings("scontrol_node", text=text) == [("info", "node node01", "State=IDLE")]
    drained = text.replace("State=IDLE ", "State=IDLE+DRAIN ").replace("Weight=1 ", "Weight=1 Reason=bad_gpu ")
    assert _findings("scontrol_node", text=drained) == [
        ("fail", "node node01", "State=IDLE+DRAIN, reason: bad_gpu; expected IDLE or MIXED without drain")]


# ---- the command ----

def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    files = [a for a in args if not a.startswith("--")]
    code = cli.run(files, inventory=None, as_json="--json" in args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_exit_0_when_nothing_fails_and_1_when_a_finding_fails(capsys):
    assert main(["triage", str(FIX / "rdma_link/text.txt"), str(FIX / "mlnx_qos/doca_dscp.txt")]) == 0
    assert main(["triage", "--inventory", INVENTORY, "--node", "node01", str(FIX / "ethtool/lab_rail1.txt")]) == 1
    out = capsys.readouterr().out
    assert "  FAIL ethtool: rail1 link at 10000Mb/s, expected 400000 (bringup_hardware.nic_speed_mbps)\n" in out


def test_exit_2_for_unreadable_unknown_and_unparsable_files(tmp_path, capsys):
    assert main(["triage", str(tmp_path / "missing.txt")]) == 2
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello\n")
    cut = tmp_path / "cut.txt"
    cut.write_text("[ 8412.503117] NVRM: Xid (PCI:0000:5e\n")
    assert main(["triage", str(unknown), str(cut), str(FIX / "rdma_link/cx7.json")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'missing.txt'}: cannot read: No such file or directory" in err
    assert f"{unknown}: no known tool recognises this output (known: " in err and "dmesg, ethtool, ethtool-S" in err
    assert (f"{cut}: looks like dmesg output but does not parse: dmesg: line 1: an Xid line without PCI id and Xid "
            "number") in err


def test_unknown_inventory_node_is_exit_2(capsys):
    assert main(["triage", "--inventory", INVENTORY, "--node", "node09", str(FIX / "rdma_link/text.txt")]) == 2
    assert "has no node 'node09' (nodes: node01, node02)" in capsys.readouterr().err


def test_json_output():
    code, out, _ = _run("--json", str(FIX / "rdma_link/cx7.json"))
    assert code == 1
    assert json.loads(out) == [{"file": str(FIX / "rdma_link/cx7.json"), "tool": "rdma-link", "error": None,
                                "findings": [
        {"severity": "info", "subject": "mlx5_0/1 (enp24s0np0)", "message": "ACTIVE / LINK_UP"},
        {"severity": "fail", "subject": "mlx5_1/1 (enp42s0np0)",
         "message": "state DOWN, physical_state DISABLED; expected ACTIVE / LINK_UP"}]}]


def test_parse_auto_is_triage(capsys):
    assert main(["parse", "auto", str(FIX / "dmesg/sxid_nvswitch.txt")]) == 1
    assert ("  FAIL dmesg: kernel log: SXid 22013 on NVSwitch 0000:02:00.0 (nvidia-nvswitch1): Non-fatal, Link 00 "
            "Minion Link DLREQ interrupt") in capsys.readouterr().out


def test_two_detectors_resolved_by_the_parser_or_reported_ambiguous(tmp_path):
    import types

    def rule(tool, parses):
        module = types.SimpleNamespace(TOOL=tool, detect=lambda text: True, findings=lambda parsed, ctx: [])

        def parse(text):
            if not parses:
                raise ValueError("not mine")
            return text
        return engine.Rule(tool, module, parse)

    ctx = Context(source="f")
    one = engine.triage_text("x\n", ctx, engine.Rules([rule("a", False), rule("b", True)]))
    assert (one.tool, one.error) == ("b", None)
    both = engine.triage_text("x\n", ctx, engine.Rules([rule("a", True), rule("b", True)]))
    assert both.error == "f: ambiguous: a, b all recognise and parse it; use `bringup parse TOOL FILE`"


def test_a_broken_rule_module_is_named_not_fatal(tmp_path, monkeypatch):
    pkg = tmp_path / "fake_rules"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "broken.py").write_text("raise RuntimeError('half written')\n")
    (pkg / "partial.py").write_text("TOOL = 'dmesg'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = engine.discover("fake_rules")
    assert found.rules == []
    assert found.problems == ["rule fake_rules.broken cannot be imported: RuntimeError: half written",
                              "rule fake_rules.partial lacks detect, findings"]

"""The design playbooks and their roles: syntax, ansible-lint (production profile), role discipline.

Nothing here touches this machine: --syntax-check parses only, ansible-lint reads files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bringup.designs import DESIGNS
from bringup.provision import PLAYBOOKS

ROLES = PLAYBOOKS / "roles"
ROLE_NAMES = sorted(p.name for p in ROLES.iterdir() if (p / "tasks" / "main.yml").is_file())
# Helper roles that every role may call; they take their variables from the caller.
HELPERS = {"daemon"}


# load_inventory() sets ANSIBLE_* variables in this process (e.g. ANSIBLE_INVENTORY_UNPARSED_FAILED); the
# tools below must see the environment a user's shell has.
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


@pytest.mark.parametrize("design", [d.slug for d in DESIGNS])
def test_every_design_has_a_playbook_that_parses(design):
    playbook = PLAYBOOKS / f"{design}.yml"
    assert playbook.is_file(), f"design {design} has no playbook {playbook}"
    out = subprocess.run([_tool("ansible-playbook"), "--syntax-check", "-i", "localhost,", str(playbook)],
                         capture_output=True, text=True, cwd=PLAYBOOKS, timeout=120, env=CLEAN_ENV)
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_playbook_without_a_design():
    slugs = {d.slug for d in DESIGNS}
    strays = [p.name for p in PLAYBOOKS.glob("*.yml") if p.stem not in slugs]
    assert not strays, f"playbooks for unknown designs: {strays}"


def test_ansible_lint_production_profile_passes():
    out = subprocess.run([_tool("ansible-lint"), "--profile", "production", "--nocolor", "."],
                         capture_output=True, text=True, cwd=PLAYBOOKS, timeout=600, env=CLEAN_ENV)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


def _role_files(role: str, *parts: str) -> list[Path]:
    return sorted((ROLES / role).glob("/".join(parts)))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_role_knobs_are_prefixed_and_live_in_defaults(role):
    defaults = ROLES / role / "defaults" / "main.yml"
    data = yaml.safe_load(defaults.read_text()) or {}
    wrong = [k for k in data if not k.startswith(f"{role}_")]
    assert not wrong, f"{defaults}: role variables must start with {role}_: {wrong}"
    assert not (ROLES / role / "vars").exists(), f"{role}: no vars/ (site data belongs in the inventory)"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_role_never_ignores_errors(role):
    for path in _role_files(role, "**", "*.yml"):
        assert "ignore_errors" not in path.read_text(), f"{path}: guard with facts, not ignore_errors"


@pytest.mark.parametrize("role", sorted(set(ROLE_NAMES) - HELPERS - {"hw_facts"}))
def test_role_has_a_verify_step_or_reports_its_skip(role):
    text = "\n".join(p.read_text() for p in _role_files(role, "tasks", "*.yml"))
    assert re.search(r"- name: (Verify|Assert)", text), f"{role}: no task asserts the real end state"


def test_rail_plan_filter():
    sys.path.insert(0, str(ROLES / "rail_network" / "filter_plugins"))
    try:
        from rail_plan import rail_plan
    finally:
        sys.path.pop(0)
    rails = [{"name": "rail0", "netdev": "eth1", "address": "198.18.1.11/24", "table": 101},
             {"name": "rail1", "netdev": "eth2", "address": "198.18.2.11/24", "mtu": 4200},
             {"name": "rail2", "netdev": "eth3"}]
    plan = rail_plan(rails, 9000)
    assert plan == [
        {"name": "rail0", "netdev": "eth1", "ip": "198.18.1.11", "prefixlen": 24, "network": "198.18.1.0/24",
         "table": 101, "priority": 1000, "mtu": 9000, "probe": "198.18.1.1"},
        {"name": "rail1", "netdev": "eth2", "ip": "198.18.2.11", "prefixlen": 24, "network": "198.18.2.0/24",
         "table": 102, "priority": 1001, "mtu": 4200, "probe": "198.18.2.1"},
    ]


def test_readme_roles_table_matches_the_roles():
    from bringup.provision.roles_table import BEGIN, END, markdown

    readme = (PLAYBOOKS.parent / "README.md").read_text()
    assert BEGIN in readme and END in readme, "README's Provisioning section lost its roles table"
    shown = readme[readme.index(BEGIN):readme.index(END) + len(END)]
    assert shown == markdown(), "README roles table is stale: python3 -m bringup.provision.roles_table"


def test_roce_qos_parses_captured_connectx_output():
    """roce_qos compares these values with the contract; the captures are a CX-7 rail of the H100 scenario."""
    sys.path.insert(0, str(ROLES / "roce_qos" / "filter_plugins"))
    try:
        from qos_state import roce_qos_state
    finally:
        sys.path.pop(0)
    captures = PLAYBOOKS.parent / "tests" / "scenarios" / "h100" / "captures" / "common"
    read = lambda name: (captures / f"{name}-rail0.out").read_text()  # noqa: E731
    state = roce_qos_state(read("mlnx_qos"), read("ecn"), read("pause") + "===\n" + read("rings"))
    assert state["trust"] == "dscp"
    assert state["pfc"] == "0,0,0,1,0,0,0,0"
    assert state["pause"] == ["off", "off"]
    assert state["rings"] == {"max": [8192, 8192], "current": [8192, 8192]}
    assert state["files"]["/sys/class/net/enp24s0np0/ecn/roce_np/enable/3"] == "1"
    assert state["files"]["/sys/class/net/enp24s0np0/ecn/roce_np/cnp_dscp"] == "48"
    assert state["files"]["/sys/class/net/enp24s0np0/ecn/roce_np/cnp_802p_prio"] == "6"


def test_roce_qos_parses_small_rings_and_pcp_trust():
    sys.path.insert(0, str(ROLES / "roce_qos" / "filter_plugins"))
    try:
        from qos_state import roce_qos_state
    finally:
        sys.path.pop(0)
    mlnx = "Priority trust state: pcp\nPFC configuration:\n\tpriority    0   1   2   3   4   5   6   7\n" \
           "\tenabled     0   0   0   0   1   0   0   0\n"
    eth = "RX:\t\ton\nTX:\t\toff\n===\nPre-set maximums:\nRX:\t\t8192\nRX Mini:\tn/a\nTX:\t\t8192\n" \
          "Current hardware settings:\nRX:\t\t1024\nTX:\t\t1024\nTX Push:\toff\n"
    state = roce_qos_state(mlnx, "", eth)
    assert (state["trust"], state["pfc"], state["pause"]) == ("pcp", "0,0,0,0,1,0,0,0", ["on", "off"])
    assert state["rings"] == {"max": [8192, 8192], "current": [1024, 1024]}

"""Inventories load with ansible-core's own managers; examples of all five designs validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup import expect
from bringup.designs import DESIGNS, parse_layer_selection
from bringup.inventory import load_inventory

EXAMPLES = Path(__file__).resolve().parents[2] / "inventories" / "examples"


@pytest.mark.parametrize("design", DESIGNS, ids=lambda d: d.slug)
def test_example_inventory_validates(design):
    cluster = load_inventory(str(EXAMPLES / design.slug))
    assert cluster.design is design
    assert all(len(node.rails) == 8 for node in cluster.nodes)
    assert len(cluster.cabling) == 8 * len(cluster.nodes)
    assert cluster.nodes[0].fabric.pfc_priority == 3 and cluster.nodes[0].fabric.tos == 106


def test_group_vars_precedence_is_ansibles(tmp_path):
    """A child group's value beats `all`; host_vars beat both (what ansible-playbook sees)."""
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "hosts.yml").write_text("all:\n  children:\n    rack1:\n      hosts: {a: {}, b: {}}\n")
    (tmp_path / "group_vars" / "all.yml").write_text("bringup_design: D4\nbringup_fabric: {mtu: 1500}\n")
    (tmp_path / "group_vars" / "rack1.yml").write_text("bringup_fabric: {mtu: 9000}\n")
    (tmp_path / "host_vars" / "b.yml").write_text("bringup_fabric: {mtu: 4200}\n")
    cluster = load_inventory(str(tmp_path))
    assert {n.name: n.fabric.mtu for n in cluster.nodes} == {"a": 9000, "b": 4200}


def test_jinja_templates_are_rendered(tmp_path):
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "hosts.yml").write_text("all:\n  hosts: {a: {}}\n")
    (tmp_path / "group_vars" / "all.yml").write_text(
        "site_mtu: 9000\nbringup_design: D4\nbringup_fabric: {mtu: '{{ site_mtu }}'}\n")
    assert load_inventory(str(tmp_path)).nodes[0].fabric.mtu == 9000


def test_layer_selection():
    assert parse_layer_selection("1-7,13") == frozenset({1, 2, 3, 4, 5, 6, 7, 13})
    assert parse_layer_selection("l06") == frozenset({6})
    for bad in ("0-3", "7-2", "x", ""):
        with pytest.raises(ValueError):
            parse_layer_selection(bad)


def test_fleet_majority_and_ties():
    assert expect.fleet_majority({"a": 1, "b": 1, "c": 2}).value == 1
    assert expect.minority({"a": 1, "b": 1, "c": 2}, expect.fleet_majority({"a": 1, "b": 1, "c": 2})) == ["c"]
    with pytest.raises(expect.NoConsensus, match="no fleet majority"):
        expect.fleet_majority({"a": 1, "b": 2})


def test_inventory_snapshot_redacts_secrets(tmp_path):
    from bringup.rundir import REDACTED, snapshot_inventory

    source = tmp_path / "inv"
    (source / "group_vars").mkdir(parents=True)
    (source / "hosts.yml").write_text("all:\n  hosts:\n    a: {ansible_password: hunter2, ansible_host: 198.18.0.1}\n")
    (source / "group_vars" / "all.yml").write_text("bringup_design: D4\nsite_api_token: abc123\n")
    (source / "group_vars" / "vault.yml").write_text("$ANSIBLE_VAULT;1.1;AES256\n6162\n")
    snapshot_inventory(source, tmp_path / "snap")
    text = "".join(p.read_text() for p in (tmp_path / "snap").rglob("*.yml"))
    assert "hunter2" not in text and "abc123" not in text and REDACTED in text
    assert "198.18.0.1" in text and not (tmp_path / "snap" / "group_vars" / "vault.yml").exists()


SCENARIO_INVENTORIES = [Path(__file__).resolve().parents[1] / "scenarios" / s / "inventory"
                        for s in ("h100", "h100_sriov", "h100_device")]


@pytest.mark.parametrize("path", [EXAMPLES / d.slug for d in DESIGNS] + SCENARIO_INVENTORIES,
                         ids=lambda p: p.parent.name if p.name == "inventory" else p.name)
def test_replay_loaders_see_what_ansible_sees(path, tmp_path):
    """A recorded run's inventory is read as data (resolved.json, else plain YAML), never through ansible; both
    readers must give the suites exactly the nodes, variables, expectations and cabling that ansible gave."""
    from bringup.inventory import load_recorded, load_recorded_yaml, write_resolved

    live = load_inventory(str(path))
    write_resolved(live, tmp_path)
    for again in (load_recorded(tmp_path), load_recorded_yaml(path)):
        assert [n.name for n in again.nodes] == [n.name for n in live.nodes]
        for mine, theirs in zip(again.nodes, live.nodes):
            assert (mine.vars, mine.expect, mine.rails, mine.fabric, mine.hardware, mine.design) == \
                (theirs.vars, theirs.expect, theirs.rails, theirs.fabric, theirs.hardware, theirs.design)
            assert set(mine.groups) == set(theirs.groups) and mine.rail_peers == theirs.rail_peers
        assert again.cabling == live.cabling

"""policy.yml is read through the bringup_expect schema, and a check can only ask for a declarable key."""

from types import SimpleNamespace

import pytest

from bringup import expect


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    path = tmp_path / "policy.yml"
    monkeypatch.setattr(expect, "POLICY_FILE", path)
    expect.policy.cache_clear()
    yield path
    expect.policy.cache_clear()


def test_the_shipped_policy_is_valid_and_typed():
    assert expect.policy()["pfc_priority"] == 3
    assert isinstance(expect.policy()["pfc_priority"], int)


def test_a_typo_in_policy_names_the_file_and_key(policy_file):
    policy_file.write_text("pfc_priorty: 3\n")
    with pytest.raises(expect.PolicyError, match=r"policy.yml: pfc_priorty: Extra inputs are not permitted"):
        expect.policy()


def test_a_value_out_of_range_names_the_file_and_key(policy_file):
    policy_file.write_text("pfc_priority: 9\n")
    with pytest.raises(expect.PolicyError, match=r"policy.yml: pfc_priority: Input should be less than or equal to 7"):
        expect.policy()


def test_inventory_then_policy_then_nothing(policy_file):
    policy_file.write_text("pfc_priority: 3\n")
    node = SimpleNamespace(expect={"roce_dscp": 24})
    assert expect.declared(node, "roce_dscp") == expect.Expected(24, "inventory bringup_expect.roce_dscp")
    assert expect.declared(node, "pfc_priority") == expect.Expected(3, "policy pfc_priority in bringup/policy.yml")
    assert expect.declared(node, "cnp_dscp") is None
    with pytest.raises(KeyError, match="'pfc_prio' is not a bringup_expect key"):
        expect.declared(node, "pfc_prio")

"""bringup.lab.packages: the Debian packages `lab up` installs are derived from the design's roles (issue 12 item 8)."""

from pathlib import Path

import pytest

from bringup.lab import inventory_gen, packages


def _lab(design):
    return packages.role_packages(design, inventory_gen.group_vars(design))


def test_slurm_lab_gets_every_package_its_roles_ask_for():
    asked = _lab("baremetal-slurm-roce")
    assert asked.undecided == []
    for package in ("pciutils", "libopenmpi-dev", "slurm-wlm", "slurm-client", "iperf3", "netpipe-openmpi"):
        assert package in asked.packages, package  # each once failed a fresh lab's provisioning


def test_mpi_lab_has_no_slurm():
    asked = _lab("baremetal-mpi-roce")
    assert "openmpi-bin" in asked.packages and "slurmd" not in asked.packages


def test_hardware_gated_packages_follow_the_facts():
    lab = _lab("baremetal-slurm-roce").packages
    assert not {"rdma-core", "perftest", "nvidia-fabricmanager-570"} & set(lab)  # no ConnectX, no GPU on a lab node
    facts = {**packages.LAB_FACTS, "hw_facts_connectx_pci": ["0000:17:00.0"], "hw_facts_nvidia_gpus": 8,
             "hw_facts_nvswitches": 4}
    real = packages.role_packages("baremetal-slurm-roce", {}, facts).packages
    assert {"rdma-core", "perftest", "nvidia-driver-570-server-open", "nvidia-fabricmanager-570"} <= set(real)


def test_inventory_variables_decide():
    assert "chrony" not in _lab("baremetal-slurm-roce").packages  # the lab says time_sync: not_required
    site = packages.role_packages("baremetal-slurm-roce", {"bringup_os": {"packages": ["htop"]},
                                                           "bringup_mpi": {"benchmarks": ["osu"]}})
    assert {"chrony", "htop"} <= set(site.packages)
    assert "iperf3" not in site.packages  # OSU is built from source, not installed from Debian


def test_a_condition_that_cannot_be_decided_is_named(tmp_path, monkeypatch):
    role = tmp_path / "roles" / "odd" / "tasks"
    role.mkdir(parents=True)
    (role / "main.yml").write_text("- name: Install odd things\n  when: odd_site_flag\n"
                                   "  ansible.builtin.package:\n    name: [odd]\n")
    (tmp_path / "d.yml").write_text("- hosts: all\n  roles: [odd]\n")
    monkeypatch.setattr(packages, "PLAYBOOKS", tmp_path)
    asked = packages.role_packages("d", {})
    assert asked.packages == []
    assert asked.undecided == ["role odd (main.yml) task 'Install odd things': UndefinedError: 'odd_site_flag' is undefined"]
    assert packages.role_packages("d", {"odd_site_flag": True}).packages == ["odd"]


def test_fresh_dpkg_state_misses_every_role_package(tmp_path, monkeypatch):
    monkeypatch.setattr(packages, "DPKG_STATUS", tmp_path / "status")
    (tmp_path / "status").write_text("")
    design = "baremetal-slurm-roce"
    inventory = inventory_gen.group_vars(design)
    assert set(_lab(design).packages) <= set(packages.missing(design, inventory))
    (tmp_path / "status").write_text("".join(f"Package: {p}\nArchitecture: amd64\nStatus: install ok installed\n\n"
                                             for p in _lab(design).packages))
    assert not set(_lab(design).packages) & set(packages.missing(design, inventory))


def test_no_install_names_the_missing_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(packages, "DPKG_STATUS", tmp_path / "absent")
    with pytest.raises(packages.LabError, match=r"missing Debian packages: .*netpipe-openmpi"):
        packages.ensure(install=False, design="baremetal-slurm-roce",
                        inventory=inventory_gen.group_vars("baremetal-slurm-roce"))

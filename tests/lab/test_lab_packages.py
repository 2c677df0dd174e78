"""bringup.lab.packages: the Debian packages `lab up` installs are derived from the design's roles (issue 12 item 8)."""

import io
import json
from pathlib import Path

import pytest

from bringup.lab import inventory_gen, packages
from bringup.provision.progress import Progress

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ansible_runner_events"


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


# A minimal dpkg status file of a fresh Debian 12 host: essentials only, none of the lab's packages (the stanza
# format of /var/lib/dpkg/status, dpkg(1); fields as `dpkg -s` prints them on bookworm). iproute2 and procps
# are in a minimal install; the last stanza was removed but left its config ("deinstall ok config-files").
FRESH_STATUS = """\
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u8

Package: iproute2
Status: install ok installed
Priority: important
Architecture: amd64
Version: 6.1.0-3

Package: procps
Status: install ok installed
Priority: important
Architecture: amd64
Version: 2:4.0.2-3

Package: util-linux
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 2.38.1-5+deb12u3

Package: python3
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 3.11.2-1+b1

Package: ethtool
Status: deinstall ok config-files
Priority: important
Architecture: amd64
Version: 1:6.1-1
"""

LAB_TOOLS_MISSING = ["iputils-ping", "lldpd", "openssh-client", "openssh-server", "python3-apt"]


@pytest.mark.parametrize("design,roles_missing", [
    ("baremetal-slurm-roce", ["ethtool", "iperf3", "libopenmpi-dev", "munge", "netpipe-openmpi", "openmpi-bin",
                              "pciutils", "slurm-client", "slurm-wlm", "slurmctld", "slurmd"]),
    ("baremetal-mpi-roce", ["ethtool", "iperf3", "libopenmpi-dev", "netpipe-openmpi", "openmpi-bin", "pciutils"]),
])
def test_fresh_dpkg_state_installs_exactly_what_the_roles_and_the_lab_ask_for(tmp_path, design, roles_missing):
    status = tmp_path / "status"
    status.write_text(FRESH_STATUS)
    assert packages.installed(FRESH_STATUS) == {"base-files", "iproute2", "procps", "util-linux", "python3"}
    got = packages.missing(design, inventory_gen.group_vars(design), status=status)
    assert got == sorted(LAB_TOOLS_MISSING + roles_missing)
    # the four a fresh lab once lacked (provisioning failed at os_baseline, mpi_stack, slurm) are among them
    assert {"pciutils", "libopenmpi-dev"} <= set(got)
    assert ({"slurm-wlm", "slurm-client"} <= set(got)) == (design == "baremetal-slurm-roce")


def test_every_wanted_package_installed_leaves_nothing_missing(tmp_path):
    design = "baremetal-slurm-roce"
    inventory = inventory_gen.group_vars(design)
    status = tmp_path / "status"
    status.write_text("".join(f"Package: {p}\nArchitecture: amd64\nStatus: install ok installed\n\n"
                              for p in packages.wanted(design, inventory)))
    assert packages.missing(design, inventory, status=status) == []
    status.write_text("")  # no package at all: every one is missing
    assert packages.missing(design, inventory, status=status) == sorted(packages.wanted(design, inventory))


def _failed_result(name: str) -> dict:
    line = (FIXTURES / name).read_text().strip()
    event = json.loads(line)
    assert event["event"] == "runner_on_failed"
    return event


def test_a_package_task_that_reached_for_the_network_says_what_to_install(tmp_path):
    event = _failed_result("lab_apt_no_network.jsonl")
    assert packages.no_network_hint(event["event_data"]["res"]) == \
        "lab nodes have no network: install sl on the host (bringup lab up does this)"
    progress = Progress(tmp_path / "events.jsonl", io.StringIO(), explain=packages.no_network_hint)
    progress.on_event(event)
    (failure,) = progress.failures
    assert failure.message == ("lab nodes have no network: install sl on the host (bringup lab up does this); "
                               "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?")
    assert progress.out.getvalue().startswith("[node02] FAILED      Install a package the host does not have: "
                                              "lab nodes have no network: install sl on the host")


def test_another_package_failure_gets_no_network_hint(tmp_path):
    event = _failed_result("lab_apt_no_such_package.jsonl")
    assert packages.no_network_hint(event["event_data"]["res"]) is None
    progress = Progress(tmp_path / "events.jsonl", io.StringIO(), explain=packages.no_network_hint)
    progress.on_event(event)
    assert progress.failures[0].message == "No package matching 'bringup-no-such-package' is available"


def test_outside_the_lab_a_network_failure_is_reported_as_apt_said(tmp_path):
    progress = Progress(tmp_path / "events.jsonl", io.StringIO())  # no explain: a real cluster's provisioning
    progress.on_event(_failed_result("lab_apt_no_network.jsonl"))
    assert progress.failures[0].message == \
        "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?"


def test_no_install_names_the_missing_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(packages, "DPKG_STATUS", tmp_path / "absent")
    with pytest.raises(packages.LabError, match=r"missing Debian packages: .*netpipe-openmpi"):
        packages.ensure(install=False, design="baremetal-slurm-roce",
                        inventory=inventory_gen.group_vars("baremetal-slurm-roce"))

"""The lab: a virtual multi-node cluster on one machine, built from Linux namespaces and real daemons.

Each lab *machine* (a node or a switch) is three persistent namespaces bound under the state folder:

* a network namespace (``ip netns``: ``bringup-node01``, ``bringup-leaf1``, ``bringup-mgmt``);
* a UTS namespace, so ``hostname`` answers ``node01`` / ``leaf1``;
* a mount namespace whose ``/etc`` and ``/var`` are overlays (lower: the host's, upper: the machine's own
  folder under ``/run/bringup-lab/machines/<name>/``), whose ``/root`` is a fresh home from /etc/skel (never
  the host's dotfiles or credentials) and whose ``/run``, ``/tmp`` are private tmpfs, with ``/sys`` remounted for the machine's network namespace.

Why a mount namespace instead of per-node config paths: a process that ``sshd`` starts on a lab node sees
``/etc/slurm/slurm.conf``, ``/etc/munge/munge.key``, ``/run/munge``, ``/var/spool/slurmd`` and
``/etc/ssh/sshd_config`` at their standard paths, exactly as on a real node, so the *same* playbooks
configure a lab node and a real one, and daemons started by them (munged, slurmd, lldpd) keep their pid
files, sockets and spools apart without any lab-specific variable. The host's ``/usr`` is shared: software
is installed once, on the host (:mod:`bringup.lab.packages`), and a playbook's package task finds it present.

What the lab itself makes (``bringup lab up``): machines, cables (veth pairs), switches (a Linux bridge per
rail plus a management bridge, each in its own namespace, with lldpd announcing ``leafN`` and ``swpN``), an
sshd per node with generated host keys, a client key, ``/etc/hosts`` and ``inventories/lab/``. Node software
(munge, Slurm, OpenMPI, lldpd on the nodes, rail routing, OS settings) is the playbooks' job
(``bringup provision --inventory lab``).

Addresses come only from 198.18.0.0/15 (RFC 2544 benchmarking range); see :mod:`bringup.lab.addressing`.
"""

"""``bringup lab up|down|status|inject|heal``: the command-line face of the lab (see bringup/lab/README.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from bringup.lab.errors import LabError


def _up(args: argparse.Namespace) -> int:
    from bringup.lab import lab

    lab.up(args.nodes, args.rails, args.design, force=args.force, install=not args.no_install)
    if args.provision:
        return _provision()
    print("bringup lab: next, configure the node software: bringup provision --inventory lab")
    return 0


def _provision() -> int:
    """The node software comes from the project's playbooks, exactly as on a real cluster."""
    from bringup import cli

    print("bringup lab: provisioning: bringup provision --inventory lab", file=sys.stderr)
    return cli.main(["provision", "--inventory", "lab"])


def _down(args: argparse.Namespace) -> int:
    from bringup.lab import lab

    started = time.time()
    lab.down()
    print(f"bringup lab: down in {time.time() - started:.1f} s")
    return 0


def _status(args: argparse.Namespace) -> int:
    from bringup.lab import lab

    info = lab.status()
    if args.json:
        print(json.dumps(info, indent=1))
        return 0 if info["up"] else 1
    if not info["up"]:
        extra = f" (leftover namespaces: {', '.join(info['leftovers'])}; run `bringup lab down`)" \
            if info["leftovers"] else ""
        print(f"no lab is up{extra}")
        return 1
    print(f"lab: {len(info['nodes'])} nodes, design {info['design']}"
          + ("" if info["complete"] else " (half-built: run `bringup lab down`)") + f", inventory {info['inventory']}")
    for name, node in info["nodes"].items():
        daemons = " ".join(f"{d}={'up' if ok else 'down'}" for d, ok in node.items() if d not in ("alive", "address"))
        print(f"  {name:8} {node['address']:14} {'alive' if node['alive'] else 'DEAD':6} {daemons}")
    for name, sw in info["switches"].items():
        daemons = " ".join(f"{d}={'up' if ok else 'down'}" for d, ok in sw.items() if d != "alive")
        print(f"  {name:8} {'switch':14} {'alive' if sw['alive'] else 'DEAD':6} {daemons}")
    print(f"CPU budget: {info.get('cpu_budget') or 'unknown'}")
    print("faults: " + (", ".join(info["faults"]) or "none"))
    return 0


def _inject(args: argparse.Namespace) -> int:
    from bringup.lab import faults

    fault = faults.inject(args.fault, args.node, args.rail, percent=args.percent)
    print(f"bringup lab: injected {fault.label()}")
    return 0


def _heal(args: argparse.Namespace) -> int:
    from bringup.lab import faults

    healed = faults.heal(args.node)
    print("bringup lab: " + (("healed " + ", ".join(f.label() for f in healed)) if healed else "no fault to heal"))
    return 0


def register(subparsers) -> None:
    from bringup.lab import faults

    lab = subparsers.add_parser("lab", help="a virtual cluster on this machine (namespaces, real daemons)")
    sub = lab.add_subparsers(dest="lab_command", required=True)

    p = sub.add_parser("up", help="build the lab (root)")
    p.add_argument("--nodes", type=int, default=4, help="number of nodes (default 4)")
    p.add_argument("--rails", type=int, default=2, help="rails per node, one leaf switch each (default 2)")
    p.add_argument("--design", default="baremetal-slurm-roce", help="design slug or id (default baremetal-slurm-roce)")
    p.add_argument("--force", action="store_true", help="rebuild a lab that is already up")
    p.add_argument("--provision", action="store_true",
                   help="then run `bringup provision --inventory lab` (the playbooks configure the node software)")
    p.add_argument("--no-install", action="store_true", help="fail instead of installing missing Debian packages")
    p.set_defaults(func=_guard(_up))

    p = sub.add_parser("down", help="remove everything the lab made (idempotent)")
    p.set_defaults(func=_guard(_down))

    p = sub.add_parser("status", help="nodes, daemons and faults")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(_status))

    p = sub.add_parser("inject", help=f"inject a fault: {', '.join(faults.FAULTS)}")
    p.add_argument("fault", help=", ".join(f"{k} ({v.help})" for k, v in faults.FAULTS.items()))
    p.add_argument("node")
    p.add_argument("rail", nargs="?", default=None, help="for rail faults (default: the first rail)")
    p.add_argument("--percent", type=float, default=None,
                   help=f"throttle / leaf-throttle: this many percent below the line rate "
                        f"({faults.LINE_RATE_MBIT} Mbit/s) instead of {faults.THROTTLE_MBIT} Mbit/s")
    p.set_defaults(func=_guard(_inject))

    p = sub.add_parser("heal", help="undo injected faults (all, or one node's)")
    p.add_argument("node", nargs="?", default=None)
    p.set_defaults(func=_guard(_heal))


def _guard(fn):
    """LabError -> one clear line on stderr and exit status 1 (no traceback for an expected problem)."""

    def wrapped(args: argparse.Namespace) -> int:
        from bringup.lab import state

        try:
            if fn in (_status,):
                return fn(args)
            with state.locked():
                return fn(args)
        except (LabError, ValueError) as exc:
            print(f"bringup lab {args.lab_command}: {exc}", file=sys.stderr)
            return 1

    return wrapped

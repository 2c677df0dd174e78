"""L5 fabric lossless QoS, host-side evidence only (layers.md L5 "Counters under stress": PFC pause only on
the RoCE priority). The switch's own `show roce`, watchdog and DSCP-map parity rows need a switch
transport, which this suite does not have yet; they are not represented by placeholder tests.
"""

from bringup.checks import l05_switch_qos as judge
from bringup.checks import network
from bringup.probes import switch_qos


def test_pfc_pauses_only_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.pauses_only_on(node.name, rail.netdev, facts.get(switch_qos.pause_counters(rail)),
                               network.fabric(node, "pfc_priority")))

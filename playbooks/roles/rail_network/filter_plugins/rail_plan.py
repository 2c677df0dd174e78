"""``rail_plan``: the inventory's rails -> what rail_network applies, one dict per addressed rail.

ansible-core ships no IP-address filters (those live in the ansible.utils collection, which the project does
not require), and the arithmetic is a few lines of Python's ipaddress module.
"""

import ipaddress


def rail_plan(rails, mtu=None, table_base=100, rule_priority_base=1000):
    plan = []
    for index, rail in enumerate(rails or []):
        if not rail.get("address"):
            continue
        iface = ipaddress.IPv4Interface(rail["address"])
        peers = [h for h in iface.network.hosts() if h != iface.ip] or [iface.ip]
        table = int(rail.get("table") or table_base + index + 1)
        plan.append({
            "name": rail["name"],
            "netdev": rail["netdev"],
            "ip": str(iface.ip),
            "prefixlen": iface.network.prefixlen,
            "network": str(iface.network),
            "table": table,
            "priority": rule_priority_base + index,
            "mtu": int(rail.get("mtu") or mtu) if (rail.get("mtu") or mtu) else None,
            # any other address on the rail's subnet: `ip route get <it> from <rail ip>` must leave via netdev
            "probe": str(peers[0]),
        })
    return plan


class FilterModule:
    def filters(self):
        return {"rail_plan": rail_plan}

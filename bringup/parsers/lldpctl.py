"""``lldpctl -f json`` (and ``-f json0``): LLDP neighbours per local interface.

Example (lldpd 1.0.x, ``-f json``, one neighbour: the interface list collapses to an object)::

    {"lldp": {"interface": {"enp24s0np0": {
        "via": "LLDP", "rid": "1", "age": "0 day, 02:11:07",
        "chassis": {"leaf1": {"id": {"type": "mac", "value": "1c:34:da:5e:31:00"},
                              "descr": "Cumulus Linux version 5.9.1 running on Nvidia SN5600",
                              "mgmt-ip": "198.18.0.101", "capability": [...]}},
        "port": {"id": {"type": "ifname", "value": "swp1"}, "descr": "swp1", "ttl": "120"}}}}}

With several neighbours ``"interface"`` becomes an array of one-key objects
(``[{"enp24s0np0": {...}}, {"enp42s0np0": {...}}]``); a chassis without a system name is not keyed by
name (``"chassis": {"id": {...}}``); no neighbour at all prints ``{"lldp": {}}``. The ``json0`` format
wraps every value in an array and names things by ``"name"`` keys; both are read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "lldpctl-json"


@dataclass(frozen=True)
class Neighbour:
    interface: str
    system_name: str | None
    chassis_id: str | None
    port_id: str | None
    port_id_type: str | None
    port_descr: str | None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("value")
    return None if value is None else str(value)


def _chassis(chassis: Any) -> tuple[str | None, str | None]:
    chassis = _first(chassis) or {}
    if not isinstance(chassis, dict):
        raise ParseError(f"unexpected chassis {str(chassis)[:80]!r}")
    if "id" in chassis or "name" in chassis:  # json0, or json without a system name
        return _text(chassis.get("name")), _text(_first(chassis.get("id")))
    if len(chassis) == 1:  # json: keyed by system name
        name, body = next(iter(chassis.items()))
        return name, _text((body or {}).get("id"))
    raise ParseError(f"unexpected chassis keys {sorted(chassis)[:5]}")


def _neighbour(ifname: str, body: dict[str, Any]) -> Neighbour:
    if not isinstance(body, dict) or "port" not in body or "chassis" not in body:
        raise ParseError(f"interface {ifname}: neighbour without chassis/port (truncated?)")
    name, chassis_id = _chassis(body["chassis"])
    port = _first(body["port"]) or {}
    port_id = _first(port.get("id")) or {}
    return Neighbour(ifname, name, chassis_id, _text(port_id), _text(port_id.get("type")) if isinstance(port_id, dict)
                     else None, _text(port.get("descr")))


def _entries(interfaces: Any) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(interfaces, dict):
        return list(interfaces.items())
    entries = []
    for item in interfaces:
        if isinstance(item, dict) and "name" in item:  # json0
            entries.append((_text(item["name"]) or "", item))
        elif isinstance(item, dict) and len(item) == 1:  # json, array shape
            entries.extend(item.items())
        else:
            raise ParseError(f"unexpected interface entry {str(item)[:80]!r}")
    return entries


@jsonout.shape_checked("lldpctl -f json")
def parse(text: str) -> dict[str, list[Neighbour]]:
    data = jsonout.load(text, "lldpctl -f json")
    if not isinstance(data, dict) or "lldp" not in data:
        raise ParseError(f"no top-level 'lldp' object: {str(data)[:80]!r}")
    lldp = _first(data["lldp"]) or {}
    found: dict[str, list[Neighbour]] = {}
    for ifname, body in _entries(lldp.get("interface", [])):
        found.setdefault(ifname, []).append(_neighbour(ifname, body))
    return found

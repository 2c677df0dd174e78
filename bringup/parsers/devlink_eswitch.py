"""``devlink -j dev eswitch show pci/<bdf>``. Example (iproute2 6.1, ConnectX-7 in legacy SR-IOV mode)::

    {"dev":{"pci/0000:18:00.0":{"mode":"legacy","inline-mode":"none","encap-mode":"basic"}}}

``switchdev`` is the other mode (OVS offload). Older iproute2 prints ``"encap":"enable"``.
Returns ``{"pci/<bdf>": mode}``.
"""

from __future__ import annotations

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "devlink-eswitch"


@jsonout.shape_checked("devlink -j dev eswitch show")
def parse(text: str) -> dict[str, str]:
    data = jsonout.load(text, "devlink -j dev eswitch show")
    devs = data.get("dev") if isinstance(data, dict) else None
    if not isinstance(devs, dict) or not devs:
        raise ParseError(f"no 'dev' object in devlink output: {str(data)[:120]!r}")
    modes = {}
    for handle, attrs in devs.items():
        if not isinstance(attrs, dict) or "mode" not in attrs:
            raise ParseError(f"{handle}: no eswitch mode")
        modes[handle] = attrs["mode"]
    return modes

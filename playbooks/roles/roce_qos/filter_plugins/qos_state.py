"""``roce_qos_state``: parse what roce_qos reads from a rail into the values it compares with the contract.

Pure functions, tested on captured ConnectX output (tests/playbooks/test_playbooks.py). The inputs:

- ``mlnx_qos -i <if>`` (MLNX_OFED/DOCA "Quality of Service")::

      Priority trust state: dscp
      PFC configuration:
      	priority    0   1   2   3   4   5   6   7
      	enabled     0   0   0   1   0   0   0   0

- ``grep -H '' <files>``: ``/sys/class/net/<if>/ecn/roce_np/cnp_dscp:48`` per line;
- ``ethtool -a <if>; echo ===; ethtool -g <if>``: ``RX: off`` / ``TX: off``, then the ring maximums and the
  current settings (``Pre-set maximums:`` ... ``Current hardware settings:`` ...).
"""

import re


def _value(pattern, text, default=""):
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1) if match else default


def _rings(section):
    # Only the plain "RX:" and "TX:" lines: "RX Mini:", "RX Jumbo:" and "TX Push:" are other parameters.
    return [int(v) for v in re.findall(r"^(?:RX|TX):\s+(\d+)\s*$", section, re.MULTILINE)][:2]


def roce_qos_state(mlnx_qos, files, ethtool):
    pause, _, rings = (ethtool or "").partition("===")
    maximum, _, current = rings.partition("Current hardware settings:")
    return {
        "trust": _value(r"Priority trust state:\s*(\w+)", mlnx_qos or ""),
        "pfc": ",".join(_value(r"^\s*enabled((?:\s+[01]){8})", mlnx_qos or "").split()),
        "files": dict(line.rsplit(":", 1) for line in (files or "").splitlines() if ":" in line),
        "pause": [_value(r"^RX:\s+(\w+)", pause), _value(r"^TX:\s+(\w+)", pause)],
        "rings": {"max": _rings(maximum), "current": _rings(current)},
    }


class FilterModule:
    def filters(self):
        return {"roce_qos_state": roce_qos_state}

"""``mlxconfig -d <bdf> q``: a ConnectX adapter's non-volatile configuration. Example (MFT 4.26, CX-7)::

    Device #1:
    ----------

    Device type:        ConnectX7
    Name:               MCX75310AAS-NEA_Ax
    Description:        NVIDIA ConnectX-7 HHHL Adapter card; 400GbE / NDR IB (default mode); Single-port OSFP
    Device:             0000:18:00.0

    Configurations:                                          Next Boot
            NUM_OF_VFS                                  0
            SRIOV_EN                                    False(0)
            LINK_TYPE_P1                                ETH(2)
            ATS_ENABLED                                 False(0)
            ROCE_CC_PRIO_MASK_P1                        255
            CNP_DSCP_P1                                 48
            CNP_802P_PRIO_P1                            6

``mlxconfig -e q`` prints three columns (``Default Current Next Boot``) and marks changed rows with ``*``; then
``value`` is the Current column. Enumerations read ``LABEL(n)``; :func:`same` compares by the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "mlxconfig-q"

_ENUM = re.compile(r"^(?P<label>.*)\((?P<number>-?\d+)\)$")
_ROW = re.compile(r"^\*?\s+(?P<name>[A-Z][A-Za-z0-9_]*(?:\[\d+\])?)\s+(?P<values>\S.*)$")


@dataclass(frozen=True)
class MlxConfig:
    device: dict[str, str]  # "Device type", "Name", "Description", "Device"
    values: dict[str, str]  # parameter -> value as printed (the Current column where there are three)
    next_boot: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def normalise(value: object) -> str:
    """``ETH(2)`` -> ``2``; ``True(1)`` -> ``1``; ``255`` -> ``255``: the number the firmware stores."""
    text = str(value).strip()
    match = _ENUM.match(text)
    return match["number"] if match else text


def same(measured: object, expected: object) -> bool:
    return normalise(measured) == normalise(expected)


@whole_lines
def parse(text: str) -> MlxConfig:
    device: dict[str, str] = {}
    values: dict[str, str] = {}
    next_boot: dict[str, str] = {}
    columns = None
    for number, line in enumerate(lines(text), start=1):
        if not line.strip() or set(line.strip()) == {"-"}:
            continue
        if columns is None:
            if line.startswith("Configurations:"):
                columns = 3 if "Default" in line else 1  # `-e`: Default, Current, Next Boot
                continue
            if ":" in line and not line.startswith(("Device #", "-E-")):
                key, _, value = line.partition(":")
                device[key.strip()] = value.strip()
            elif line.startswith("-E-"):
                raise ParseError(f"line {number}: mlxconfig error: {line.strip()!r}")
            continue
        if line.startswith("The '*' shows") or line.lstrip().startswith("Apply new Configuration"):
            continue
        match = _ROW.match(line)
        fields = match["values"].split() if match else []
        if not match or len(fields) != columns:
            raise ParseError(f"line {number} is not a configuration row with {columns} value(s): {line.strip()!r}")
        values[match["name"]] = fields[1] if columns == 3 else fields[0]
        next_boot[match["name"]] = fields[-1]
    if columns is None:
        raise ParseError("no `Configurations:` section (truncated output, or not `mlxconfig q`)")
    if not values:
        raise ParseError("the `Configurations:` section is empty (truncated output?)")
    return MlxConfig(device, values, next_boot)

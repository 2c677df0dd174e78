"""perftest (``ib_write_bw``, ``ib_write_lat`` and the other ``ib_*_bw`` / ``ib_*_lat`` tools): the client's report.

Example (``ib_write_bw -d mlx5_0 --report_gbits -F -D 5 --tclass=106 10.0.0.2``, perftest 24.x; abridged)::

    ---------------------------------------------------------------------------------------
                        RDMA_Write BW Test
     Dual-port       : OFF          Device         : mlx5_0
     ...
     Link type       : Ethernet
     GID index       : 3
    ---------------------------------------------------------------------------------------
     #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]
     65536      3740862          0.00               392.18             0.748009
    ---------------------------------------------------------------------------------------

The latency tools print ``#bytes #iterations t_min[usec] t_max[usec] t_typical[usec] t_avg[usec] t_stdev[usec]
99% percentile[usec] 99.9% percentile[usec]`` (perftest >= 4.x; older builds stop after t_typical). Duration
mode (``-D``) prints a peak of 0.00 (perftest issue #273), so only the average is meaningful there. Lines the tools
interleave with the table ("Conflicting CPU frequency values detected ...") are skipped.

A report without its header, or a header without a result row (the client died mid-test, the output was cut),
is a :class:`ParseError`, never an empty result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "perftest"

_BW_HEADER = re.compile(r"^#bytes\s+#iterations\s+BW peak\[(?P<unit>[A-Za-z/]+)\]\s+BW average\[[A-Za-z/]+\]")
_LAT_HEADER = re.compile(r"^#bytes\s+#iterations\s+t_min\[usec\]")
_NUMBER = r"-?\d+(?:\.\d+)?"
_SETTING = re.compile(r"^([A-Za-z][A-Za-z0-9 .*_/-]*?)\s*:\s*(\S.*?)\s*$")
_LAT_FIELDS = ("t_min", "t_max", "t_typical", "t_avg", "t_stdev", "p99", "p999")


@dataclass(frozen=True)
class BandwidthRow:
    size: int
    iterations: int
    peak: float
    average: float
    msg_rate_mpps: float | None
    unit: str  # as printed: "Gb/sec" (--report_gbits) or "MB/sec"

    @property
    def average_gbps(self) -> float:
        return self.average if self.unit == "Gb/sec" else self.average * 8 / 1000  # perftest MB = 10^6 B


@dataclass(frozen=True)
class LatencyRow:
    size: int
    iterations: int
    t_min: float
    t_max: float
    t_typical: float
    t_avg: float | None = None
    t_stdev: float | None = None
    p99: float | None = None
    p999: float | None = None


@dataclass(frozen=True)
class Report:
    test: str  # "RDMA_Write BW Test"
    settings: dict[str, str]  # "Device": "mlx5_0", "GID index": "3", "Link type": "Ethernet", ...
    bandwidth: tuple[BandwidthRow, ...] = ()
    latency: tuple[LatencyRow, ...] = ()

    def setting(self, name: str) -> str | None:
        return self.settings.get(name)


def _settings(line: str) -> dict[str, str]:
    """' Dual-port : OFF\t\tDevice : mlx5_0' holds two settings; tabs (or wide gaps) separate them."""
    found = {}
    for part in re.split(r"\t+| {3,}(?=[A-Z])", line.strip()):
        match = _SETTING.match(part.strip())
        if match:
            found[match.group(1).strip()] = match.group(2)
    return found


@whole_lines
def parse(text: str) -> Report:
    test, settings = "", {}
    kind: str | None = None
    unit = ""
    bandwidth: list[BandwidthRow] = []
    latency: list[LatencyRow] = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line or set(line) == {"-"}:
            continue
        if line.endswith(" Test") and not test:
            test = line
            continue
        if kind is None:
            if match := _BW_HEADER.match(line):
                kind, unit = "bw", match.group("unit")
            elif _LAT_HEADER.match(line):
                kind = "lat"
            elif ":" in line:
                settings.update(_settings(line))
            continue
        fields = line.split()
        integers, numbers = fields[:2], fields[2:]  # #bytes #iterations, then the measured values
        if not all(re.fullmatch(r"\d+", f) for f in integers) or not all(re.fullmatch(_NUMBER, f) for f in numbers):
            continue  # a warning the tool printed inside its table
        if kind == "bw":
            if len(fields) not in (4, 5):
                raise ParseError(f"line {number}: a bandwidth row has 4 or 5 columns: {line[:120]!r}")
            rate = float(fields[4]) if len(fields) == 5 else None
            bandwidth.append(BandwidthRow(int(fields[0]), int(fields[1]), float(fields[2]), float(fields[3]), rate,
                                          unit))
        else:
            if not 5 <= len(fields) <= 9:
                raise ParseError(f"line {number}: a latency row has 5 to 9 columns: {line[:120]!r}")
            values = dict(zip(_LAT_FIELDS, map(float, fields[2:])))
            latency.append(LatencyRow(int(fields[0]), int(fields[1]), **values))
    if kind is None:
        raise ParseError("no perftest result header (#bytes #iterations ...): the test never ran to its report")
    if not (bandwidth or latency):
        raise ParseError("the result header has no row after it: the test did not finish (output cut short?)")
    return Report(test, settings, tuple(bandwidth), tuple(latency))

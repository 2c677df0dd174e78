"""NetPIPE's MPI module (``NPmpi``; Debian's netpipe-openmpi 3.7.2 installs it as ``NPopenmpi``), two ranks on two
nodes. It reports in two places, and this parser reads either.

Its progress lines (written to **stderr**, with the rank/host lines and "Now starting the main loop"), from
``mpirun -np 2 --host node01,node02 ... NPopenmpi -p 0 -u 1048576`` in the lab::

    0: node01
    1: node02
    Now starting the main loop
      0:       1 bytes    248 times -->      0.31 Mbps in      24.61 usec
     ...
     39: 1048576 bytes     21 times -->   4338.79 Mbps in    1843.83 usec

and its output file (``-o np.out``): message size in bytes, rate, and the one-way time in **seconds**::

           1 0.310007   0.00002461

NetPIPE's "Mbps" is 2^20 bits per second, not 10^6: the capture above checks out only that way
(1048576 B x 8 / 1843.83 us / 2^20 = 4338.8), as NetPIPE 3.7's ``netpipe.c`` computes ``bits / (t * 1024 * 1024)``.
The time is half the round trip (the ping-pong's one-way latency). Builds from MPI test suites print the time as
``Mbps in 0.000071183 sec``; both units are read.

A run that died is an error, not a shorter table: MPI's abort banner (``MPI_ERRORS_ARE_FATAL``, ``mpirun noticed
that process rank 1 ... exited``, an ``srun: error``) is quoted, and so is a progress line cut before its rate
(``  1:       1 bytes  24999 times -->``). Launcher prefixes (``srun -l``'s ``0: ``, ``mpirun --tag-output``'s
``[1,0]<stderr>:``, with ``--timestamp-output`` dates) may appear anywhere on a line and are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "netpipe"

MBPS_BITS = 1024 * 1024  # NetPIPE's "Mbps": 2^20 bit/s (see the module docstring)

# mpirun --tag-output (optionally after a --timestamp-output date) and srun -l prefixes, anywhere in a line.
_TAG = re.compile(r"(?:[A-Z][a-z]{2} [A-Z][a-z]{2} +\d+ [\d:]{8} \d{4})?\[\d+,\d+\]<std(?:out|err)>: ?")
_POINT = re.compile(r"(?P<index>\d+):\s+(?P<size>\d+)\s+(?:bytes|B)\s+(?P<repeats>\d+)\s+times\s+-->"
                    r"(?:\s+(?P<rate>\d+(?:\.\d*)?)\s+Mbps\s+in\s+(?P<time>\d+(?:\.\d*)?)\s+(?P<unit>usec|sec)s?)?")
_HOST = re.compile(r"^(?:\d+: )?(?P<rank>\d+): (?P<host>[A-Za-z0-9_.-]+)$")
_FILE_ROW = re.compile(r"^\s*(\d+)\s+(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s+(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*$")
_ABORT = re.compile(r"MPI_ERRORS_ARE_FATAL|MPI_ABORT|exited with non-zero status|noticed that process rank"
                    r"|ORTE has lost communication|was unable to launch|srun: error|Killed|Segmentation fault"
                    r"|mca_btl_tcp_\w+: .*failed")


@dataclass(frozen=True)
class Point:
    size: int  # bytes
    mbps: float  # as NetPIPE prints it: 2^20 bit/s
    usec: float  # one-way time (half the round trip)
    repeats: int | None = None  # ping-pongs timed (progress lines only)

    @property
    def gbps(self) -> float:
        """Decimal Gb/s (10^9 bit/s), the unit the results rows use."""
        return self.mbps * MBPS_BITS / 1e9


@dataclass(frozen=True)
class Report:
    points: tuple[Point, ...]
    hosts: dict[int, str]  # rank -> host, from the progress output ({} for np.out)

    @property
    def latency_usec(self) -> float:
        """One-way latency of the smallest message."""
        return min(self.points, key=lambda p: p.size).usec

    @property
    def peak_gbps(self) -> float:
        return max(p.gbps for p in self.points)


def _file_rows(body: list[str]) -> tuple[Point, ...] | None:
    """np.out: every non-blank line is ``bytes rate seconds``; None when the text is not that."""
    rows = [line for line in body if line.strip()]
    matches = [_FILE_ROW.match(line) for line in rows]
    if not rows or not all(matches):
        return None
    return tuple(Point(int(m[1]), float(m[2]), round(float(m[3]) * 1e6, 3)) for m in matches if m)


@whole_lines
def parse(text: str) -> Report:
    body = [_TAG.sub("", line) for line in lines(text, strip_prefixes=False)]
    from_file = _file_rows(body)
    if from_file is not None:
        return Report(from_file, {})
    points: list[Point] = []
    hosts: dict[int, str] = {}
    for number, line in enumerate(body, start=1):
        stripped = line.strip()
        if _ABORT.search(stripped):
            raise ParseError(f"line {number}: the NetPIPE run failed: {stripped[:160]!r}")
        match = _POINT.search(stripped)
        if match:
            if match["rate"] is None:
                raise ParseError(f"line {number}: the run stopped during {match['size']} bytes: {stripped[:160]!r}")
            seconds = float(match["time"])
            usec = round(seconds * 1e6, 3) if match["unit"] == "sec" else seconds
            points.append(Point(int(match["size"]), float(match["rate"]), usec, int(match["repeats"])))
        elif host := _HOST.match(stripped):
            hosts[int(host["rank"])] = host["host"]
    if not points:
        head = next((line.strip() for line in body if line.strip()), "")
        raise ParseError(f"no NetPIPE result line ('N: S bytes R times --> X Mbps in T usec'); first line: {head[:120]!r}")
    return Report(tuple(points), hosts)

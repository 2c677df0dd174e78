"""``timedatectl show`` (systemd >= 239): KEY=value lines. Example::

    Timezone=Etc/UTC
    LocalRTC=no
    CanNTP=yes
    NTP=yes
    NTPSynchronized=yes
    TimeUSec=Fri 2026-11-27 03:14:15 UTC
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "timedatectl-show"


@whole_lines
def parse(text: str) -> dict[str, str]:
    values = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ParseError(f"line {number} is not KEY=value: {line!r}")
        values[key.strip()] = value.strip()
    if "NTPSynchronized" not in values:
        raise ParseError("no NTPSynchronized=: truncated or not `timedatectl show` output")
    return values

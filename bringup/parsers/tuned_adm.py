"""``tuned-adm active``: the TuneD profile in force. The three answers of ``tuned/admin/admin.py``::

    Current active profile: throughput-performance
    Current post-loaded profile: nvidia-gpu            (only where a post-loaded profile is set)

    No current active profile.                          (exit status 1: `tuned-adm off`, or never set)

    It seems that tuned daemon is not running, preset profile is not activated.
    Preset profile: throughput-performance             (the daemon is stopped: nothing is applied)

A profile may merge several (``Current active profile: throughput-performance sap-hana``), hence
``profiles``. Where tuned-adm cannot reach the daemon over DBus it reads ``/etc/tuned/active_profile``
itself and appends the post-loaded profile to that name. Any other text raises, naming its first line.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "tuned-adm"

_ACTIVE = "Current active profile:"
_POST = ("Current post-loaded profile:", "Preset post-loaded profile:")
_NONE = "No current active profile."
_NOT_RUNNING = "It seems that tuned daemon is not running, preset profile is not activated."
_PRESET = "Preset profile:"


@dataclass(frozen=True)
class Tuned:
    profile: str | None  # None: no profile at all
    running: bool  # False: the daemon is stopped, so `profile` is only the preset, not in force
    post_loaded: str | None = None

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(self.profile.split()) if self.profile else ()


@whole_lines
def parse(text: str) -> Tuned:
    profile, post, running, seen = None, None, True, False
    for number, line in enumerate(lines(text), start=1):
        line = line.strip()
        if not line:
            continue
        if line == _NONE:
            seen = True
        elif line == _NOT_RUNNING:
            running = False
        elif line.startswith((_ACTIVE, _PRESET)) and line.split(":", 1)[1].strip():
            profile, seen = line.split(":", 1)[1].strip(), True
        elif line.startswith(_POST):
            post = line.split(":", 1)[1].strip() or None
        else:
            raise ParseError(f"line {number} is not `tuned-adm active` output: {line!r}")
    if not seen:
        raise ParseError("no 'Current active profile', 'Preset profile' or 'No current active profile.' line "
                         "(empty or truncated output)")
    return Tuned(profile, running, post)

"""``ompi_info`` (the component listing) or ``ompi_info --version``. Listing example (Open MPI 4.1.5)::

                     Package: Open MPI root@build Distribution
                    Open MPI: 4.1.5
      Open MPI repo revision: v4.1.5
                     MCA pml: ucx (MCA v2.1.0, API v2.0.0, Component v4.1.5)
                    MCA pmix: pmix3x (MCA v2.1.0, API v2.0.0, Component v4.1.5)

``--version`` prints ``Open MPI v4.1.5`` and the help URL. Open MPI 5 lists the same ``MCA <framework>:``
lines (PMIx is then external and shows as ``PMIx: OpenPMIx v4.2.x`` in the header fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ompi_info"

_MCA = re.compile(r"^MCA (?P<fw>[\w-]+): (?P<comp>[\w-]+) \(MCA v[\d.]+, API v[\d.]+, Component v(?P<ver>[\w.-]+)\)$")
_FIELD = re.compile(r"^(?P<key>[^:]+?):\s+(?P<value>.*)$")
_SHORT = re.compile(r"^Open MPI v(?P<ver>\d[\w.-]*)$")


@dataclass(frozen=True)
class OmpiInfo:
    version: str
    fields: dict[str, str] = field(default_factory=dict)
    components: list[tuple[str, str]] = field(default_factory=list)  # (framework, component)

    def has(self, framework: str, component: str) -> bool:
        return (framework, component) in self.components


@whole_lines
def parse(text: str) -> OmpiInfo:
    version = None
    fields: dict[str, str] = {}
    components = []
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("http"):
            continue
        if (match := _SHORT.match(stripped)):
            version = match["ver"]
        elif stripped.startswith("MCA "):
            match = _MCA.match(stripped)
            if not match:
                raise ParseError(f"line {number} is a garbled component line: {stripped!r}")
            components.append((match["fw"], match["comp"]))
        elif (match := _FIELD.match(stripped)):
            fields[match["key"]] = match["value"]
        else:
            raise ParseError(f"line {number} is not `ompi_info` output: {stripped!r}")
    version = version or fields.get("Open MPI")
    if not version:
        raise ParseError("no `Open MPI:` field or `Open MPI v...` line")
    return OmpiInfo(version, fields, components)

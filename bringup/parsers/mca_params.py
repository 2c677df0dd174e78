"""Open MPI MCA parameters: an ``openmpi-mca-params.conf`` file followed by the ``OMPI_MCA_*`` environment.

Example (the system file ``$sysconfdir/openmpi-mca-params.conf``, Debian: ``/etc/openmpi/``; Open MPI FAQ
"How do I set the value of MCA parameters?", https://www.open-mpi.org/faq/?category=tuning#setting-mca-params:
one ``name = value`` per line, ``#`` comments; an ``OMPI_MCA_<name>`` variable overrides the file)::

    # written by the mpi_stack role
    pml = ucx
    btl = ^openib,uct
    oob_tcp_if_include = enp75s0f0np0
    OMPI_MCA_btl_tcp_if_include=enp75s0f0np0

A later line overrides an earlier one, so "file, then ``env | grep '^OMPI_MCA_'``" yields the effective
values. A line that is neither a comment nor an assignment raises.
"""

from __future__ import annotations

import re

from bringup.parsers.common import assignments, whole_lines

TOOL = "mca-params"

_ASSIGN = re.compile(r"^(?:OMPI_MCA_)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*?)\s*$")


@whole_lines
def parse(text: str) -> dict[str, str]:
    return {m["name"]: m["value"] for m in assignments(text, _ASSIGN, "a `name = value` MCA parameter line")}

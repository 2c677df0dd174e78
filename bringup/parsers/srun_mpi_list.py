"""``srun --mpi=list``: the MPI plugin types Slurm offers. Example (Slurm 22.05)::

    MPI plugin types are...
        none
        cray_shasta
        pmi2
        pmix
    specific pmix plugin versions available: pmix_v4

Newer Slurm prints ``srun: MPI types are...`` and ``srun: pmix_v4`` lines; both shapes are read.
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "srun_mpi_list"


@whole_lines
def parse(text: str) -> list[str]:
    plugins: list[str] = []
    seen_header = False
    for raw in lines(text):
        line = raw.strip().removeprefix("srun:").strip()
        if not line:
            continue
        if line.lower().startswith("mpi") and "types are" in line.lower():
            seen_header = True
            continue
        if line.lower().startswith("specific pmix plugin versions available:"):
            plugins += [v.strip() for v in line.split(":", 1)[1].replace(",", " ").split() if v.strip()]
            continue
        if seen_header and " " not in line:
            plugins.append(line)
    if not seen_header:
        raise ParseError("no 'MPI plugin types are...' header in the output of srun --mpi=list")
    return plugins

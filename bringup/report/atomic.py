"""Replace a report file whole or not at all: a killed run or a full disk leaves the previous file, never half
of a new one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def replace(target: Path, write: Callable[[Path], None]) -> Path:
    """``write(tmp)`` fills ``.<name>.tmp`` beside ``target``, which then replaces it; on an OSError the temporary
    file is removed and the error raised (the old ``target`` stays)."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return target

"""Text from probes made safe to put in XML and to print on a terminal.

Probe output is arbitrary bytes: an ANSI-coloured stderr line, a NUL, undecodable bytes kept as surrogates.
XML 1.0 admits none of them (XML 1.0 section 2.2, production [2] "Char"), so one such byte makes a whole
junit.xml unreadable, and printed raw they drive the reader's terminal.
"""

from __future__ import annotations

import re

# ECMA-48 control sequences (colours, cursor moves): terminal formatting, not content, so dropped.
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# Not an XML 1.0 Char, plus DEL and the C1 controls (legal XML, but terminal escapes): shown as \xNN.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by errors="surrogateescape": show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    """``value`` as text every XML 1.0 parser accepts: ANSI sequences dropped, other controls as ``\\xNN``."""
    return _NOT_XML.sub(_escape, _CSI.sub("", str(value)))

"""Globally unique, time-ordered ids for journal entries (UUID version 7, RFC 9562).

Python's ``uuid`` gains ``uuid7`` only in 3.14; this is the same layout: 48 bits of Unix
milliseconds, then random bits, so ids sort by creation time and never need renumbering when
journals from two machines are merged.
"""

import os
import time


def uuid7(milliseconds: int | None = None) -> str:
    """A new UUIDv7 as text, e.g. ``019ad2f4-7c1e-7a3b-9f2d-5c8e1b0a4d6f``."""
    stamp = time.time_ns() // 1_000_000 if milliseconds is None else milliseconds
    value = (stamp & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10)) & (2**80 - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC 4122 variant
    text = f"{value:032x}"  # formatted by hand: the uuid module costs start-up time
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

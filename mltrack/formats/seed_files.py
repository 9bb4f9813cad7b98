"""Where the shipped seed files are, and their fingerprint.

Apart from the seed's format (``seed_format``) because every command compares the
fingerprint with the database's, and this needs nothing but ``zlib``: no ``re``, no
dataclasses, no TOML parser on the path of a daily command.
"""

import os
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # every command takes the digest: pathlib (urllib, ipaddress) costs ~3 ms
    from pathlib import Path


def seed_dir() -> "Path":
    """The folder of the shipped seed files (the top-level ``seed/`` of a checkout)."""
    from pathlib import Path

    return Path(_shipped_folder())


_SHIPPED_SEED_DIR = seed_dir


def seed_folder() -> str:
    """``seed_dir()`` as a string, without pathlib while ``seed_dir`` is the shipped one (a
    test may replace ``seed_dir`` to point mltrack at a copy of the seed)."""
    if seed_dir is not _SHIPPED_SEED_DIR:
        return os.fspath(seed_dir())
    return _shipped_folder()


def _shipped_folder() -> str:
    import mltrack.seed

    return os.path.dirname(mltrack.seed.__file__)


def seed_files(directory: "Path | None" = None) -> "list[Path]":
    return sorted((directory or seed_dir()).glob("*.toml"))


def _seed_file_names(directory: "str | Path") -> list[str]:
    """The ``*.toml`` files of ``directory``, sorted as ``seed_files`` sorts them (by name)."""
    with os.scandir(directory) as entries:
        return sorted(entry.name for entry in entries if entry.name.endswith(".toml"))


def seed_digest(directory: "Path | None" = None) -> str:
    """A fingerprint of the seed files; the database stores the one it was seeded from.

    Every command compares it with the stored one, so it must be cheap: a CRC-32 and the
    length (zlib imports in well under a millisecond, hashlib's OpenSSL in several). It only
    has to notice edits to files we ship, never to resist a forger.
    """
    folder = seed_folder() if directory is None else directory
    checksum, length = 0, 0
    for name in _seed_file_names(folder):
        with open(os.path.join(folder, name), "rb") as file:
            chunk = name.encode() + b"\0" + file.read() + b"\0"
        checksum, length = zlib.crc32(chunk, checksum), length + len(chunk)
    return f"crc32:{checksum:08x}:{length}"

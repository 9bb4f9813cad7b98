"""Where the shipped seed files are, and their fingerprint.

Apart from the seed's format (``seed_format``) because every command compares the
fingerprint with the database's, and this needs nothing but ``zlib``: no ``re``, no
dataclasses, no TOML parser on the path of a daily command.
"""

import zlib
from pathlib import Path


def seed_dir() -> Path:
    """The folder of the shipped seed files (the top-level ``seed/`` of a checkout)."""
    import mltrack.seed

    return Path(mltrack.seed.__file__).parent


def seed_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or seed_dir()).glob("*.toml"))


def seed_digest(directory: Path | None = None) -> str:
    """A fingerprint of the seed files; the database stores the one it was seeded from.

    Every command compares it with the stored one, so it must be cheap: a CRC-32 and the
    length (zlib imports in well under a millisecond, hashlib's OpenSSL in several). It only
    has to notice edits to files we ship, never to resist a forger.
    """
    checksum, length = 0, 0
    for path in seed_files(directory):
        chunk = path.name.encode() + b"\0" + path.read_bytes() + b"\0"
        checksum, length = zlib.crc32(chunk, checksum), length + len(chunk)
    return f"crc32:{checksum:08x}:{length}"

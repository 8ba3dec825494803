"""How much work one upload may cost us (OWASP API4: unrestricted resource consumption).

The configurable limits live in :class:`Limits`; the constants below bound the few files we
hold in memory while reading an archive, so no single member can make us buffer much.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one uploaded file; the web layer builds this from its settings."""

    max_upload_bytes: int = 100 * 1024 * 1024
    max_uncompressed_bytes: int = 500 * 1024 * 1024
    max_compression_ratio: float = 100.0
    max_members: int = 10_000


#: Below this many uncompressed bytes a compression ratio is not checked: small, very
#: repetitive files (blank data files, padding) compress far beyond 100:1 legitimately and
#: cannot hurt, because the total is bounded by ``max_uncompressed_bytes`` anyway.
RATIO_FLOOR_BYTES: Final = 1024 * 1024

#: Bytes read from an archive member at a time.
CHUNK_BYTES: Final = 64 * 1024

#: The largest core metadata file (METADATA, PKG-INFO) we read; long descriptions fit.
MAX_METADATA_BYTES: Final = 8 * 1024 * 1024
#: The largest RECORD (about 150 bytes a line, so far more than ``max_members`` lines).
MAX_RECORD_BYTES: Final = 16 * 1024 * 1024
#: WHEEL, entry_points.txt, pyproject.toml and setup.cfg are small text files.
MAX_SMALL_FILE_BYTES: Final = 1024 * 1024
#: All ``robeing-skill.toml`` files of one archive together (only one of them is used).
MAX_MANIFESTS_BYTES: Final = 4 * 1024 * 1024

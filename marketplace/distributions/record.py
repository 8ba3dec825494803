"""A wheel's RECORD: the list of its files with their hashes, checked against the bytes.

Installers do not check it for us (``installer`` installs a wheel whose hashes are wrong
unless asked to validate), yet the index serves these hashes to everyone who installs, so a
wheel is accepted only if RECORD lists every member and every hash matches what is there.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from typing import Final

from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_

#: Hash algorithms the wheel specification allows (hashlib's guaranteed, minus md5/sha1).
ALGORITHMS: Final = ("sha256", "sha384", "sha512")
#: Members that RECORD need not list (itself, and signatures over it).
UNLISTED: Final = ("RECORD", "RECORD.jws", "RECORD.p7s")


@dataclass(frozen=True)
class RecordEntry:
    path: str
    algorithm: str
    digest: str  # urlsafe base64 without padding, as written in RECORD
    size: int | None

    def matches(self, digest: bytes, size: int) -> bool:
        """True if ``digest`` (raw bytes of :attr:`algorithm`) and ``size`` are recorded."""
        encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return encoded == self.digest and (self.size is None or self.size == size)


def parse_record(raw: bytes, *, record_path: str) -> dict[str, RecordEntry]:
    """RECORD rows by path; ``record_path`` (RECORD itself) may have no hash."""
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        raise DistributionRejected(N_("The wheel's RECORD is not a UTF-8 CSV file.")) from None
    entries: dict[str, RecordEntry] = {}
    for row in rows:
        if not row or row == [""]:
            continue
        if len(row) != 3:
            raise DistributionRejected(N_("The wheel's RECORD has a line that is not "
                                          "'path,hash,size'."))
        path, hash_text, size_text = row
        if path in entries:
            raise DistributionRejected(N_("The wheel's RECORD lists {path} more than once."),
                                       path=repr(path))
        if path == record_path:
            continue
        entries[path] = _entry(path, hash_text, size_text)
    return entries


def _entry(path: str, hash_text: str, size_text: str) -> RecordEntry:
    algorithm, _, digest = hash_text.partition("=")
    if not digest:
        raise DistributionRejected(N_("The wheel's RECORD has no hash for {path}."),
                                   path=repr(path))
    if algorithm not in ALGORITHMS:
        raise DistributionRejected(N_("The wheel's RECORD hashes {path} with {algorithm}; use "
                                      "one of {algorithms}."),
                                   path=repr(path), algorithm=repr(algorithm),
                                   algorithms=', '.join(ALGORITHMS))
    size: int | None = None
    if size_text:
        if not (size_text.isascii() and size_text.isdigit()):
            raise DistributionRejected(N_("The wheel's RECORD size for {path} is not a number."),
                                       path=repr(path))
        size = int(size_text)
    return RecordEntry(path=path, algorithm=algorithm, digest=digest, size=size)

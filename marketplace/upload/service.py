"""Receiving an upload: copy the file part to disk under the size limit, then inspect it.

Nothing uploaded is executed: :func:`marketplace.distributions.inspect_distribution` reads
the archive as data. Its refusals become :class:`~marketplace.errors.UploadRejected` (400) or
:class:`~marketplace.errors.PayloadTooLarge` (413).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from starlette.datastructures import UploadFile

from marketplace.errors import PayloadTooLarge, UploadRejected
from marketplace.messages import N_, ngettext
from marketplace.settings import Settings

if TYPE_CHECKING:
    from marketplace.distributions import InspectedFile

_CHUNK: Final = 1024 * 1024
FILETYPES: Final = ("bdist_wheel", "sdist")


@contextmanager
def received_file(upload: UploadFile, tmp_dir: Path, max_bytes: int) -> Iterator[Path]:
    """Copy the file part into a temporary file (deleted afterwards), counting bytes."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            size = 0
            upload.file.seek(0)
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(ngettext(
                        "The file is larger than the limit of {n} byte.",
                        "The file is larger than the limit of {n} bytes.", max_bytes))
                out.write(chunk)
        yield path
    finally:
        path.unlink(missing_ok=True)


def inspect(path: Path, filename: str, settings: Settings, *, sha256: str | None,
            name: str | None, version: str | None) -> InspectedFile:
    """Validate the distribution; every refusal is one sentence naming the problem."""
    from marketplace.distributions import (
        DistributionRejected,
        Limits,
        TooLarge,
        inspect_distribution,
    )

    if not filename or "/" in filename or "\\" in filename or filename != filename.strip():
        raise UploadRejected(N_("Invalid file name {filename}."), filename=repr(filename))
    try:
        limits = Limits(max_upload_bytes=settings.max_upload_bytes,
                        max_uncompressed_bytes=settings.max_uncompressed_bytes,
                        max_compression_ratio=settings.max_compression_ratio)
        return inspect_distribution(path, filename, limits=limits, declared_sha256=sha256,
                                    declared_name=name, declared_version=version)
    except TooLarge as exc:
        raise PayloadTooLarge(exc.message) from None
    except DistributionRejected as exc:
        raise UploadRejected(exc.message) from None

"""Core metadata (a wheel's METADATA, an sdist's PKG-INFO): parsed as email headers only.

``packaging.metadata`` is the reference parser (it uses ``email.parser`` underneath) and
validates every field against the declared Metadata-Version, so what we store for the
index, and serve as the PEP 658 ``.metadata`` file, is what pip will accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.metadata import InvalidMetadata, Metadata, parse_email
from packaging.utils import canonicalize_name

from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_


@dataclass(frozen=True)
class CoreMetadata:
    """The fields the marketplace keeps, normalized."""

    name: str  # PEP 503 normalized
    version: str  # normalized PEP 440
    summary: str | None
    requires_python: str | None
    requires_dist: tuple[str, ...]


def parse_core_metadata(raw: bytes, *, source: str) -> CoreMetadata:
    """Parse and validate ``raw``; ``source`` names the file in the sentence of a refusal."""
    fields, _ = parse_email(raw)
    if "metadata_version" not in fields:
        raise DistributionRejected(N_("The {source} has no Metadata-Version field."), source=source)
    try:
        metadata = Metadata.from_email(raw, validate=True)
    except ExceptionGroup as group:
        first = next((exc for exc in group.exceptions if isinstance(exc, InvalidMetadata)),
                     group.exceptions[0])
        reason = str(first).strip().rstrip(".")
        raise DistributionRejected(N_("The {source} is invalid: {reason}."),
                                   source=source, reason=reason) from None
    except (InvalidMetadata, ValueError) as exc:
        raise DistributionRejected(N_("The {source} is invalid: {exc}."),
                                   source=source, exc=exc) from None
    return CoreMetadata(
        name=canonicalize_name(metadata.name),
        version=str(metadata.version),
        summary=metadata.summary,
        requires_python=str(metadata.requires_python) if metadata.requires_python else None,
        requires_dist=tuple(str(req) for req in metadata.requires_dist or ()),
    )

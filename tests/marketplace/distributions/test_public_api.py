"""The package's public face: what the web layer imports, and nothing else."""

from __future__ import annotations

import dataclasses

import marketplace.distributions as distributions
from marketplace.distributions import DistributionRejected, InspectedFile, Limits, TooLarge


def test_all_is_sorted_and_matches_the_public_names() -> None:
    public = {name for name in vars(distributions)
              if not name.startswith("_") and not isinstance(getattr(distributions, name),
                                                              type(distributions))}
    assert sorted(distributions.__all__) == distributions.__all__
    assert set(distributions.__all__) == public


def test_limits_defaults() -> None:
    assert Limits() == Limits(max_upload_bytes=100 * 1024 * 1024,
                              max_uncompressed_bytes=500 * 1024 * 1024,
                              max_compression_ratio=100.0, max_members=10_000)


def test_inspected_file_fields_are_the_contract() -> None:
    assert [field.name for field in dataclasses.fields(InspectedFile)] == [
        "filename", "filetype", "name", "version", "sha256", "blake2_256", "size", "metadata",
        "summary", "requires_python", "requires_dist", "manifest", "manifest_bytes"]


def test_too_large_is_a_rejection_with_its_reason() -> None:
    error = TooLarge("The file is larger than the limit of 1 bytes.")
    assert isinstance(error, DistributionRejected)
    assert error.reason == str(error) == "The file is larger than the limit of 1 bytes."

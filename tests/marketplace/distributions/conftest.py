"""Helpers to run the validator on bytes: ``accept`` returns the result, ``reject`` the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from marketplace.distributions import DistributionRejected, InspectedFile, inspect_distribution

Accept = Callable[..., InspectedFile]
Reject = Callable[..., str]


@pytest.fixture
def accept(tmp_path: Path) -> Accept:
    def run(data: bytes, filename: str, **options: Any) -> InspectedFile:
        path = tmp_path / "upload.bin"
        path.write_bytes(data)
        return inspect_distribution(path, filename, **options)

    return run


@pytest.fixture
def reject(accept: Accept) -> Reject:
    def run(data: bytes, filename: str, **options: Any) -> str:
        with pytest.raises(DistributionRejected) as caught:
            accept(data, filename, **options)
        reason = caught.value.reason
        assert str(caught.value) == reason
        assert reason.endswith(".") and "\n" not in reason, reason
        return reason

    return run

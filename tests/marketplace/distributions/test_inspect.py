"""Whole-file checks (uploads 9, 10) and a real wheel built by pip from the scaffold."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from marketplace.distributions import (
    DistributionRejected,
    Limits,
    TooLarge,
    inspect_distribution,
)
from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Accept, Reject

FILENAME = factory.wheel_filename()


def test_declared_sha256_must_match(reject: Reject) -> None:
    data = factory.build_wheel()
    assert reject(data, FILENAME, declared_sha256=hashlib.sha256(b"other").hexdigest()) == (
        "The declared sha256 digest does not match the uploaded bytes.")


def test_declared_sha256_in_upper_case_is_fine(accept: Accept) -> None:
    data = factory.build_wheel()
    digest = hashlib.sha256(data).hexdigest().upper()
    assert accept(data, FILENAME, declared_sha256=digest).sha256 == digest.lower()


@pytest.mark.parametrize("digest", ["", "abc", "z" * 64])
def test_declared_sha256_must_be_hex(reject: Reject, digest: str) -> None:
    assert reject(factory.build_wheel(), FILENAME, declared_sha256=digest) == (
        "The declared sha256 digest is not 64 hexadecimal characters.")


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(factory.build_wheel())
    with pytest.raises(TooLarge) as caught:
        inspect_distribution(path, FILENAME, limits=Limits(max_upload_bytes=100))
    assert caught.value.reason == "The file is larger than the limit of 100 bytes."


def test_empty_file(reject: Reject) -> None:
    assert reject(b"", FILENAME) == "The file is empty."


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A skill project made by ``robeing new skill demo-x``."""
    root = tmp_path_factory.mktemp("scaffold")
    robeing = shutil.which("robeing", path=str(Path(sys.executable).parent)) or "robeing"
    subprocess.run([robeing, "new", "skill", "demo-x", "-d", str(root)], check=True,
                   capture_output=True)
    return root / "demo-x"


def build(command: list[str], out: Path, pattern: str) -> Path:
    built = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True)
    if built.returncode and "No matching distribution" in built.stdout + built.stderr:
        pytest.skip("the build backend cannot be fetched (offline)")
    assert built.returncode == 0, built.stdout + built.stderr
    [artifact] = out.glob(pattern)
    return artifact


@pytest.fixture(scope="module")
def scaffolded_wheel(scaffold: Path) -> Path:
    """``pip wheel`` of the scaffold: what a skill author uploads."""
    out = scaffold.parent / "wheel"
    return build(["pip", "wheel", "--no-deps", "-q", "-w", str(out), str(scaffold)], out,
                 "*.whl")


def test_an_sdist_built_from_the_scaffold_passes(scaffold: Path) -> None:
    out = scaffold.parent / "sdist"
    sdist = build(["build", "--sdist", "-o", str(out), str(scaffold)], out, "*.tar.gz")
    result = inspect_distribution(sdist, sdist.name)
    assert (result.name, result.version, result.filetype) == ("demo-x", "0.1.0", "sdist")
    assert result.manifest.name == "demo-x"


def test_a_wheel_built_by_pip_from_the_scaffold_passes(scaffolded_wheel: Path) -> None:
    data = scaffolded_wheel.read_bytes()
    result = inspect_distribution(scaffolded_wheel, scaffolded_wheel.name,
                                  declared_sha256=hashlib.sha256(data).hexdigest(),
                                  declared_name="demo-x", declared_version="0.1.0")
    assert (result.name, result.version, result.filetype) == ("demo-x", "0.1.0", "bdist_wheel")
    assert result.manifest.name == "demo-x"
    assert b'name = "demo-x"' in result.manifest_bytes
    assert result.metadata.startswith(b"Metadata-Version:")
    assert "robeing>=0.1" in result.requires_dist


def test_a_tampered_scaffold_wheel_fails(scaffolded_wheel: Path, tmp_path: Path) -> None:
    """Rewrite one member of pip's wheel without updating RECORD."""
    tampered = tmp_path / scaffolded_wheel.name
    with zipfile.ZipFile(scaffolded_wheel) as source, zipfile.ZipFile(tampered, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "demo_x/skill.py":
                data += b"\nimport os\n"
            copy.writestr(info, data)
    with pytest.raises(DistributionRejected, match=r"RECORD hash for demo_x/skill\.py"):
        inspect_distribution(tampered, tampered.name)

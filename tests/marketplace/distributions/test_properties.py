"""Property tests: every valid name and version round-trips; no input crashes the validator.

"Crash" means any exception other than DistributionRejected: the web layer turns that one
into a 400 with its sentence, anything else would be a 500.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name
from packaging.version import Version

from marketplace.distributions import (
    DistributionRejected,
    InspectedFile,
    Limits,
    inspect_distribution,
)
from tests.marketplace.distributions import factory

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SMALL = Limits(max_upload_bytes=1024 * 1024, max_uncompressed_bytes=4 * 1024 * 1024,
               max_members=200)

names = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,30}[A-Za-z0-9])?\Z")


@st.composite
def versions(draw: st.DrawFn) -> str:
    """A valid, public PEP 440 version, often spelled in a non-normalized way."""
    parts = [draw(st.sampled_from(["", "v", "V"]))]
    if draw(st.booleans()):
        parts.append(f"{draw(st.integers(0, 3))}!")
    release = draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
    parts.append(".".join(str(number) for number in release))
    if draw(st.booleans()):
        label = draw(st.sampled_from(["a", "b", "rc", "alpha", "beta", "c", "pre", "preview"]))
        parts.append(f"{draw(st.sampled_from(['', '.', '_']))}{label}{draw(st.integers(0, 99))}")
    if draw(st.booleans()):
        parts.append(f"{draw(st.sampled_from(['.post', 'post', '.rev', '.r']))}"
                     f"{draw(st.integers(0, 99))}")
    if draw(st.booleans()):
        parts.append(f".dev{draw(st.integers(0, 99))}")
    return "".join(parts)


def inspect_bytes(data: bytes, filename: str, **options: Any) -> InspectedFile:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        return inspect_distribution(path, filename, **options)


def outcome(data: bytes, filename: str, **options: Any) -> InspectedFile | str:
    """The result or the refusal's sentence; any other exception fails the test."""
    try:
        return inspect_bytes(data, filename, limits=SMALL, **options)
    except DistributionRejected as exc:
        assert exc.reason and "\n" not in exc.reason and exc.reason.endswith(".")
        return exc.reason


@SETTINGS
@given(name=names, spelled=versions(), sdist=st.booleans())
@example(name="A.B_c--d", spelled="V1!2.0RC3.POST4.dev5", sdist=False)
def test_valid_names_and_versions_round_trip(name: str, spelled: str, sdist: bool) -> None:
    version = str(Version(spelled))
    metadata = factory.metadata_text(name, spelled)
    manifest = factory.manifest_text(name)
    entry_points = factory.entry_points_text(name)
    if sdist:
        files = factory.sdist_files(name, version, pkg_info=metadata, manifest=manifest,
                                    pyproject=factory.pyproject_text(name))
        data = factory.pack_sdist(files, name=name, version=version)
        filename = factory.sdist_filename(name, version)
    else:
        files = factory.wheel_files(name, version, metadata=metadata, manifest=manifest,
                                    entry_points=entry_points)
        data = factory.pack_wheel(files, name=name, version=version)
        filename = factory.wheel_filename(name, version)
    result = inspect_bytes(data, filename, declared_name=name, declared_version=spelled)
    assert result.name == canonicalize_name(name) == result.manifest.name
    assert result.version == version
    assert Version(result.version) == Version(spelled)
    assert str(Version(result.version)) == result.version  # already normalized


@SETTINGS
@given(data=st.binary(max_size=4096), sdist=st.booleans())
def test_random_bytes_are_refused_cleanly(data: bytes, sdist: bool) -> None:
    filename = factory.sdist_filename() if sdist else factory.wheel_filename()
    assert isinstance(outcome(data, filename), str)


@SETTINGS
@given(filename=st.text(max_size=80))
@example(filename="demo_skill-1.0.0-py3-none-any.whl")
@example(filename="demo_skill-1.0.0-1abc-py3-none-any.whl")
@example(filename="demo_skill-1.0.0-py3-none-any\u200b.whl")
def test_random_file_names_are_refused_cleanly(filename: str) -> None:
    outcome(WHEEL, filename)


WHEEL = factory.build_wheel()
SDIST = factory.build_sdist()


@SETTINGS
@given(sdist=st.booleans(), edits=st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from(["set", "cut",
                                                                          "insert"])),
    min_size=1, max_size=4))
def test_corrupted_archives_are_refused_cleanly(sdist: bool,
                                                edits: list[tuple[int, int, str]]) -> None:
    data = bytearray(SDIST if sdist else WHEEL)
    for position, value, action in edits:
        index = position % (len(data) or 1)
        if action == "set" and data:
            data[index] = value
        elif action == "cut":
            del data[index:]
        else:
            data.insert(index, value)
    filename = factory.sdist_filename() if sdist else factory.wheel_filename()
    outcome(bytes(data), filename)


@SETTINGS
@given(metadata=st.just(factory.metadata_text()) | st.binary(max_size=400)
       | st.text(max_size=400).map(str.encode),
       entry_points=st.text(max_size=200), manifest=st.text(max_size=300))
@example(metadata=b"Metadata-Version: 2.1\nName: demo-skill\nVersion: 1.0.0\n\xff\xfe",
         entry_points="[robeing.skills]\ndemo-skill = demo_skill.skill\n",
         manifest="name = 1")
def test_garbage_inside_a_valid_wheel_is_refused_cleanly(metadata: bytes, entry_points: str,
                                                         manifest: str) -> None:
    data = factory.build_wheel(metadata=metadata, entry_points=entry_points,
                               manifest=manifest)
    outcome(data, factory.wheel_filename())


@SETTINGS
@given(pkg_info=st.just(factory.metadata_text()) | st.binary(max_size=300),
       pyproject=st.text(max_size=300), setup_cfg=st.text(max_size=300))
def test_garbage_inside_a_valid_sdist_is_refused_cleanly(pkg_info: bytes, pyproject: str,
                                                         setup_cfg: str) -> None:
    data = factory.build_sdist(pkg_info=pkg_info, pyproject=pyproject, setup_cfg=setup_cfg)
    outcome(data, factory.sdist_filename())

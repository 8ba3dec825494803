"""Build skill wheels and sdists as bytes: valid by default, with a knob to break each part.

``wheel_files``/``sdist_files`` give the members of a valid distribution as an ordered
dict, so a test can drop, add or replace any of them; ``pack_wheel``/``pack_sdist`` turn
members into archive bytes (computing RECORD unless told otherwise); ``zip_bytes`` and
``tar_gz_bytes`` write raw archives for framing and member-type tests.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MANIFEST = """\
name = "{name}"
sdk = ">=0.1,<1"
{extra}
[display_name]
en = "Demo skill"

[description]
en = "A skill built by the test factory."
"""

DEFAULT = object()


def escape(name: str) -> str:
    """The file-name form of a project name (``demo-skill`` → ``demo_skill``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def package_name(name: str) -> str:
    """An importable package name for the project (``1st-skill`` → ``_1st_skill``)."""
    escaped = escape(name)
    return f"_{escaped}" if escaped[0].isdigit() else escaped


def wheel_filename(name: str = "demo-skill", version: str = "1.0.0") -> str:
    return f"{escape(name)}-{version}-py3-none-any.whl"


def sdist_filename(name: str = "demo-skill", version: str = "1.0.0") -> str:
    return f"{escape(name)}-{version}.tar.gz"


def dist_info(name: str = "demo-skill", version: str = "1.0.0") -> str:
    return f"{escape(name)}-{version}.dist-info"


def manifest_text(name: str = "demo-skill", *, extra: str = "") -> str:
    return MANIFEST.format(name=name, extra=extra)


def metadata_text(name: str = "demo-skill", version: str = "1.0.0", *,
                  extra: str = "") -> bytes:
    return (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: A demo skill.\nRequires-Python: >=3.11\n"
            f"Requires-Dist: robeing>=0.1\n{extra}\nA long description.\n").encode()


def entry_points_text(name: str = "demo-skill", value: str | None = None) -> str:
    value = value or f"{package_name(name)}.skill"
    return f"[robeing.skills]\n{name} = {value}\n"


def wheel_files(name: str = "demo-skill", version: str = "1.0.0", *,
                metadata: bytes | None = None, wheel: bytes | None = None,
                entry_points: Any = DEFAULT, manifest: Any = DEFAULT) -> dict[str, bytes]:
    """Members of a valid skill wheel except RECORD; pass None to leave a part out."""
    package, info = package_name(name), dist_info(name, version)
    files = {
        f"{package}/__init__.py": b"",
        f"{package}/skill.py": b"def robeing_handle_message(message, context):\n    pass\n",
    }
    if manifest is not None:
        text = manifest_text(name) if manifest is DEFAULT else str(manifest)
        files[f"{package}/robeing-skill.toml"] = text.encode()
    files[f"{info}/METADATA"] = metadata if metadata is not None else metadata_text(name,
                                                                                    version)
    files[f"{info}/WHEEL"] = wheel if wheel is not None else (
        b"Wheel-Version: 1.0\nGenerator: factory\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    if entry_points is not None:
        text = entry_points_text(name) if entry_points is DEFAULT else str(entry_points)
        files[f"{info}/entry_points.txt"] = text.encode()
    return files


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def record_text(files: Mapping[str, bytes], record_path: str) -> bytes:
    lines = [record_line(path, data) for path, data in files.items()]
    return ("".join(lines) + f"{record_path},,\n").encode()


def pack_wheel(files: Mapping[str, bytes], *, name: str = "demo-skill",
               version: str = "1.0.0", record: bytes | None = None,
               after_record: Mapping[str, bytes] | None = None,
               compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip ``files`` with a RECORD computed from them; ``after_record`` members are added
    (or replace earlier ones) without being recorded, to break RECORD on purpose."""
    record_path = f"{dist_info(name, version)}/RECORD"
    members = dict(files)
    members[record_path] = record if record is not None else record_text(files, record_path)
    members.update(after_record or {})
    return zip_bytes(members.items(), compression=compression)


def build_wheel(name: str = "demo-skill", version: str = "1.0.0", **parts: Any) -> bytes:
    """A valid skill wheel (``parts`` go to :func:`wheel_files`)."""
    return pack_wheel(wheel_files(name, version, **parts), name=name, version=version)


def zip_bytes(members: Iterable[tuple[str | zipfile.ZipInfo, bytes]], *,
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``members`` in order (ZipInfo entries keep their attributes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return buffer.getvalue()


def zip_info(name: str, *, mode: int = 0o100644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.create_system = 3
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def pyproject_text(name: str = "demo-skill", value: str | None = None) -> str:
    value = value or f"{package_name(name)}.skill"
    return (f'[project]\nname = "{name}"\nversion = "1.0.0"\n\n'
            f'[project.entry-points."robeing.skills"]\n"{name}" = "{value}"\n')


def sdist_files(name: str = "demo-skill", version: str = "1.0.0", *,
                pkg_info: Any = DEFAULT, pyproject: Any = DEFAULT,
                setup_cfg: str | None = None, manifest: Any = DEFAULT,
                src_layout: bool = False) -> dict[str, bytes]:
    """Members of a valid skill sdist, relative to its top folder."""
    package = ("src/" if src_layout else "") + package_name(name)
    files: dict[str, bytes] = {}
    if pkg_info is not None:
        files["PKG-INFO"] = metadata_text(name, version) if pkg_info is DEFAULT else pkg_info
    if pyproject is not None:
        files["pyproject.toml"] = (pyproject_text(name) if pyproject is DEFAULT
                                   else str(pyproject)).encode()
    if setup_cfg is not None:
        files["setup.cfg"] = setup_cfg.encode()
    files[f"{package}/__init__.py"] = b""
    files[f"{package}/skill.py"] = b"def robeing_handle_message(message, context):\n    pass\n"
    if manifest is not None:
        text = manifest_text(name) if manifest is DEFAULT else str(manifest)
        files[f"{package}/robeing-skill.toml"] = text.encode()
    return files


def pack_sdist(files: Mapping[str, bytes], *, name: str = "demo-skill",
               version: str = "1.0.0", top: str | None = None) -> bytes:
    """A ``.tar.gz`` with ``files`` under the top folder (default: the file name's stem)."""
    top = f"{escape(name)}-{version}" if top is None else top
    prefix = f"{top}/" if top else ""
    return tar_gz_bytes([(tar_file(prefix + path, data), data) for path, data in files.items()])


def build_sdist(name: str = "demo-skill", version: str = "1.0.0", **parts: Any) -> bytes:
    """A valid skill sdist (``parts`` go to :func:`sdist_files`)."""
    return pack_sdist(sdist_files(name, version, **parts), name=name, version=version)


def tar_file(name: str, data: bytes = b"", *,
             kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = 0o644
    return info


def tar_gz_bytes(members: Iterable[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data else None)
    return buffer.getvalue()


def write(tmp_path: Path, data: bytes, filename: str = "upload.bin") -> Path:
    path = tmp_path / filename
    path.write_bytes(data)
    return path

"""``robeing publish``: upload built distributions to the marketplace, as twine would.

Speaks the marketplace's twine-compatible ``/legacy/`` endpoint with httpx, so nothing beyond
the SDK is needed. The token comes from ``--token`` or ``ROBEING_TOKEN``; the marketplace
from ``--url``, ``ROBEING_MARKETPLACE_URL`` or the runtime config.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from robeing_sdk.cli.output import console, fail, print_json

_KINDS = {".whl": "bdist_wheel", ".tar.gz": "sdist", ".zip": "sdist"}


def _filetype(path: Path) -> str | None:
    return next((kind for suffix, kind in _KINDS.items() if path.name.endswith(suffix)), None)


def _problem(response: Any) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail or response.text.strip()[:200] or response.reason_phrase)


def _metadata(path: Path) -> tuple[str, str]:
    from packaging.utils import InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        if path.name.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(path.name)
        else:
            name, version = parse_sdist_filename(path.name)
    except (InvalidWheelFilename, ValueError) as exc:
        fail(f"{path.name} is not a valid distribution file name: {exc}.")
    return str(name), str(version)


def publish(
    dists: Annotated[list[Path] | None, typer.Argument(
        help="Wheels or sdists to upload [default: dist/*.whl and dist/*.tar.gz].",
        show_default=False)] = None,
    url: Annotated[str | None, typer.Option(
        "--url", envvar="ROBEING_MARKETPLACE_URL",
        help="The marketplace [default: the runtime config's marketplace_url].",
        show_default=False)] = None,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="ROBEING_TOKEN", help="An API token of the publishing partner.",
        show_default=False)] = None,
    skip_existing: Annotated[bool, typer.Option(
        "--skip-existing", help="Do not fail on files that already exist.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Upload distributions to the marketplace (identical re-uploads are harmless)."""
    import httpx

    from robeing_sdk.runtime.config import load_config

    if not token:
        fail("No API token: pass --token or set ROBEING_TOKEN.")
    paths = dists or sorted([*Path("dist").glob("*.whl"), *Path("dist").glob("*.tar.gz")])
    if not paths:
        fail("Nothing to publish: no files given and none in dist/.")
    for path in paths:
        if not path.is_file():
            fail(f"{path} does not exist.")
        if _filetype(path) is None:
            fail(f"{path.name} is not a wheel or an sdist.")
    base = (url or load_config().marketplace_url).rstrip("/")
    results: list[dict[str, Any]] = []
    with httpx.Client(timeout=httpx.Timeout(30.0, write=300.0)) as client:
        for path in paths:
            name, version = _metadata(path)
            data = path.read_bytes()
            form = {":action": "file_upload", "protocol_version": "1", "name": name,
                    "version": version, "filetype": _filetype(path) or "",
                    "sha256_digest": hashlib.sha256(data).hexdigest()}
            with console.status(f"Uploading {path.name} ({len(data):,} bytes)…"):
                try:
                    response = client.post(f"{base}/legacy/", data=form,
                                           files={"content": (path.name, data)},
                                           auth=("__token__", token))
                except httpx.HTTPError as exc:
                    fail(f"Cannot reach the marketplace at {base}: {exc}.")
            if response.status_code == 200 or response.status_code == 201:
                body = response.json()
                status = "uploaded" if body.get("created") else "already there"
            elif skip_existing and response.status_code == 400 and (
                    "already exist" in response.text.lower()):
                status = "skipped (exists)"
            else:
                fail(f"{path.name}: {response.status_code} {_problem(response)}")
            results.append({"file": path.name, "status": status})
            if not as_json:
                console.print(f"{path.name}: {status}", markup=False)
    if as_json:
        print_json({"url": base, "files": results})

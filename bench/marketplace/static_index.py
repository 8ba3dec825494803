"""The floor for ``pip install`` from an index: a bare Starlette app answering pip's three
requests (project page, ``.metadata``, wheel) with bytes held in memory, no database, no
disk, no middleware. pip against it shows what pip's own index work costs on this machine.

    python bench/marketplace/static_index.py --from http://127.0.0.1:8000 --project NAME \\
        --port 9000
        # copies NAME's page (as pip gets it), its newest file and that file's .metadata,
        # then serves them at http://127.0.0.1:9000/simple/NAME/ under the same paths
"""

from __future__ import annotations

import argparse
import re

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PIP_ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; "
              "q=0.1, text/html; q=0.01")  # what pip sends


def copy(source: str, project: str) -> dict[str, tuple[bytes, str]]:
    """path -> (body, content type) for the project page as pip gets it, its newest file and
    that file's ``.metadata``: the same bytes the source sends pip."""
    with httpx.Client(base_url=source, timeout=60) as client:
        page = client.get(f"/simple/{project}/", headers={"Accept": PIP_ACCEPT})
        page.raise_for_status()
        if page.headers["content-type"].startswith("application/vnd.pypi.simple.v1+json"):
            wheel = page.json()["files"][-1]["url"].split("#")[0]
        else:
            wheel = re.findall(r'href="([^"#]+)', page.text)[-1]
        bodies = {f"/simple/{project}/": (page.content, page.headers["content-type"])}
        for path in (wheel, wheel + ".metadata"):
            response = client.get(path)
            response.raise_for_status()
            bodies[path] = (response.content, response.headers["content-type"])
    return bodies


def app_for(bodies: dict[str, tuple[bytes, str]]) -> Starlette:
    async def send(request: Request) -> Response:
        found = bodies.get(request.url.path)
        if found is None:
            return Response(status_code=404)
        return Response(found[0], media_type=found[1])

    return Starlette(routes=[Route("/{path:path}", send)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app_for(copy(args.source, args.project)), host="127.0.0.1", port=args.port,
                log_level="warning")


if __name__ == "__main__":
    main()

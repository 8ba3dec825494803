"""ETag and Cache-Control for GET responses; ``If-None-Match`` answers 304."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel


def cached(request: Request, body: bytes, media_type: str, max_age: int,
           *, vary: str = "Accept", etag: str | None = None,
           gzipped: bytes | None = None) -> Response:
    """A response with a strong ETag and Cache-Control; 304 if the client has it already.

    ``gzipped`` is the same body compressed, sent to clients that accept gzip.
    """
    etag = etag or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"max-age={max_age}, public",
               "Vary": f"{vary}, Accept-Encoding" if gzipped is not None else vary}
    match = request.headers.get("if-none-match", "")
    if match.strip() == "*" or etag in {t.strip().removeprefix("W/") for t in match.split(",")}:
        return Response(status_code=304, headers=headers)
    if gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(gzipped, media_type=media_type, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def cached_json(request: Request, payload: BaseModel | list[Any] | dict[str, Any],
                max_age: int, *, vary: str = "Accept, Authorization") -> Response:
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else (
        jsonable_encoder(payload))
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return cached(request, body, "application/json", max_age, vary=vary)

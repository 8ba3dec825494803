"""A real S3-wire server for the tests: moto's ThreadedMotoServer on a free port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

S3_KEYS = {"s3_access_key_id": "testing", "s3_secret_access_key": "testing",
           "s3_region": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh bucket per test (a name S3 accepts), emptied and removed afterwards."""
    import uuid

    import boto3

    client: Any = boto3.client("s3", endpoint_url=s3_endpoint,
                               region_name=S3_KEYS["s3_region"],
                               aws_access_key_id="testing", aws_secret_access_key="testing")
    name = f"robeing-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)

"""Stripe's form encoding of request parameters, both ways.

Stripe's v1 API takes ``application/x-www-form-urlencoded`` bodies with brackets for
nesting: ``{"metadata": {"k": "v"}, "expand": ["a"]}`` is ``metadata[k]=v&expand[0]=a``.
Every leaf is a string on the wire (``true``/``false`` for booleans, decimal digits for
integers). The offline provider sends its parameters through this same round trip, so
both providers see exactly the values the real client would send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

MAX_PAIRS = 1000
MAX_DEPTH = 5
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class FormError(ValueError):
    """The body is not a well-formed Stripe parameter encoding; ``param`` names the key."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def _leaf(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _pairs(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _pairs(f"{prefix}[{key}]", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _pairs(f"{prefix}[{index}]", item)
    elif value is not None:
        yield prefix, _leaf(value)


def encode_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``{"metadata": {"k": 1}}`` → ``[("metadata[k]", "1")]``; ``None`` values are left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        pairs.extend(_pairs(key, value))
    return pairs


def encode_form(params: Mapping[str, Any]) -> str:
    """The body (or query string) Stripe's client sends, brackets left readable."""
    return urlencode(encode_pairs(params)).replace("%5B", "[").replace("%5D", "]")


HASHES = frozenset({"metadata"})
"""Parameters that are always hashes: their keys are never list indexes (``metadata[0]``)."""


def _listify(node: Any, name: str | None = None) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value, key) for key, value in node.items()}
    if name in HASHES:
        return converted
    if converted and all(key.isascii() and key.isdigit() for key in converted):
        indexes = sorted(int(key) for key in converted)
        if indexes == list(range(len(indexes))):
            return [converted[str(index)] for index in indexes]
    return converted


def decode_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nested parameters from form pairs; leaves stay strings. Raises ``FormError``."""
    if len(pairs) > MAX_PAIRS:
        raise FormError(f"Too many parameters (more than {MAX_PAIRS}).")
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise FormError(f"Invalid parameter name: {key}", key)
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        if len(path) > MAX_DEPTH:
            raise FormError(f"Parameter nested too deeply: {key}", key)
        node = root
        for depth, segment in enumerate(path[:-1]):
            child = node.setdefault(segment, {})
            if not isinstance(child, dict):
                raise FormError(f"Invalid array or hash: {'['.join(path[:depth + 1])}", key)
            node = child
        last = path[-1] if path[-1] != "" else str(len(node))
        if last in node:
            raise FormError(f"Parameter given twice: {key}", key)
        node[last] = value
    result = _listify(root)
    assert isinstance(result, dict)
    return result


def decode_form(body: str) -> dict[str, Any]:
    """``"amount=100&metadata[k]=v"`` → ``{"amount": "100", "metadata": {"k": "v"}}``."""
    try:
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=False,
                          max_num_fields=MAX_PAIRS)
    except ValueError as error:
        raise FormError(str(error)) from None
    return decode_pairs(pairs)


__all__ = ["FormError", "decode_form", "decode_pairs", "encode_form", "encode_pairs"]

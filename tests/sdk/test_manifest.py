from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from robeing_sdk import ManifestError, SkillManifest, parse_manifest
from robeing_sdk.manifest import manifest_paths

GOOD = """
name = "Invoice_Helper"
sdk = ">=0.1,<1"
permissions = ["llm"]
[display_name]
en = "Invoice helper"
ko = "송장 도우미"
[description]
en = "Drafts invoices."
[price]
kind = "one_time"
amount = 30000
currency = "KRW"
[[intents]]
name = "draft"
keywords = { en = ["invoice"], ko = ["송장"] }
"""


def test_a_valid_manifest_is_read_and_its_name_normalized() -> None:
    manifest = parse_manifest(GOOD)
    assert manifest.name == "invoice-helper"
    assert manifest.supports_sdk("0.5.0") and not manifest.supports_sdk("1.0")
    assert manifest.price.amount == 30000
    assert manifest.localized("display_name", ("ko", "en")) == "송장 도우미"
    assert manifest.localized("display_name", ("ja", "en")) == "Invoice helper"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('sdk = ">=0.1,<1"', 'sdk = ">=banana"'), "field 'sdk' '>=banana' is not a valid"),
        (('name = "Invoice_Helper"', 'name = "bad name!"'), "field 'name'"),
        (('en = "Invoice helper"\n', ""), "field 'display_name'"),
        (('permissions = ["llm"]', 'permissions = ["root"]'), "field 'permissions.0'"),
        (('permissions = ["llm"]', 'colour = "red"'), "field 'colour' is not a known field"),
        (('amount = 30000', 'amount = 0'), "a free skill has amount 0"),
        (('currency = "KRW"', 'currency = "XYZ"'), "not an ISO 4217 currency code"),
        (('sdk = ">=0.1,<1"', 'sdk = ">=0.1,<1"\nversion = "1.0+local"'), "local version"),
    ],
)
def test_bad_manifests_name_the_field(change: tuple[str, str], expected: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(GOOD.replace(*change), source="x.toml")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_not_toml_is_a_manifest_error() -> None:
    with pytest.raises(ManifestError, match="not valid TOML"):
        parse_manifest("name = ")
    with pytest.raises(ManifestError, match="not UTF-8"):
        parse_manifest(b"\xff\xfe")


def test_manifest_paths_look_in_the_module_package_then_its_parent() -> None:
    assert manifest_paths("pkg.skill") == ("pkg/skill/robeing-skill.toml", "pkg/robeing-skill.toml")
    assert manifest_paths("pkg") == ("pkg/robeing-skill.toml",)
    assert manifest_paths("a.b.c:attr")[1] == "a/b/robeing-skill.toml"


names = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,30}[A-Za-z0-9])?\Z")


@given(names)
def test_any_valid_project_name_is_stored_pep503_normalized(name: str) -> None:
    manifest = SkillManifest(name=name, sdk=">=0", display_name={"en": "x"},
                             description={"en": "x"})
    assert manifest.name == canonicalize_name(name)
    assert SkillManifest(name=manifest.name, sdk=">=0", display_name={"en": "x"},
                         description={"en": "x"}).name == manifest.name


@given(st.text(max_size=300))
def test_arbitrary_text_is_accepted_or_refused_with_a_manifest_error(text: str) -> None:
    try:
        parse_manifest(text)
    except ManifestError as exc:
        assert str(exc)

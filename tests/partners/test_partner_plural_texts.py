"""Plural refusals and the program file's errors in every language; the expected texts are
written by hand (the catalogs' plural rules pick the form: one form in ko/ja/zh)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import partners
from marketplace.errors import from_program_error
from marketplace.i18n import catalogs
from partners import Actor, Program, Tier
from partners.program import (
    InvalidTransitionError,
    ProgramDataError,
    give_demotion_notice,
    load_program,
    parse_program,
)
from partners.program.errors import Plural
from partners.program.state import PartnerState

from .conftest import CERTIFIED_IDS, T0, StateFactory
from .test_partner_transitions import promote

NOTICE = {  # (1 day, 3 days)
    "en": ("A demotion needs at least 1 day's notice.",
           "A demotion needs at least 3 days' notice."),
    "ko": ("강등에는 최소 1일 전 통지가 필요합니다.", "강등에는 최소 3일 전 통지가 필요합니다."),
    "ja": ("降格には少なくとも 1 日前の通知が必要です。",
           "降格には少なくとも 3 日前の通知が必要です。"),
    "zh": ("降级至少需要提前 1 天通知。", "降级至少需要提前 3 天通知。"),
    "es": ("Una degradación necesita un preaviso de al menos 1 día.",
           "Una degradación necesita un preaviso de al menos 3 días."),
}


def said(error: Exception, locale: str) -> str:
    """What the marketplace's one error handler says for ``error`` in ``locale``."""
    message = from_program_error(error).message
    return message.say(catalogs(locale)) or message.english()


def refusal(state: PartnerState, staff: Actor, program: Program,
            days: int) -> InvalidTransitionError:
    review = program.review.model_copy(update={"demotion_notice_days": days})
    with pytest.raises(InvalidTransitionError) as caught:
        give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=T0 + timedelta(days=1),
                             reason="r", notice=timedelta(hours=12),
                             program=program.model_copy(update={"review": review}))
    return caught.value


@pytest.mark.parametrize("locale", sorted(NOTICE))
def test_a_short_notice_says_its_days_in_the_plural_form(
        make_state: StateFactory, admin: Actor, staff: Actor, program: Program,
        locale: str) -> None:
    state = promote(make_state(*CERTIFIED_IDS), admin, staff, program)
    one, three = refusal(state, staff, program, 1), refusal(state, staff, program, 3)
    assert (said(one, locale), said(three, locale)) == NOTICE[locale]
    assert (str(one), str(three)) == NOTICE["en"]
    assert isinstance(three.template, Plural) and three.params == {"n": 3, "days": 3}


FILE = {  # a bad tier name; two problems; a missing file; broken TOML (start only)
    "en": ("program.toml is not a valid partner program: requirements[0].tier: must be one "
           "of 'registered', 'certified', 'gold', 'strategic'.",
           "program.toml is not a valid partner program: requirements[0].tier: must be one "
           "of 'registered', 'certified', 'gold', 'strategic' (and 1 more problem).",
           "cannot be read: No such file or directory.", "program.toml is not valid TOML: "),
    "ko": ("program.toml은(는) 올바른 파트너 프로그램이 아닙니다: requirements[0].tier: "
           "'registered', 'certified', 'gold', 'strategic' 중 하나여야 합니다.",
           "program.toml은(는) 올바른 파트너 프로그램이 아닙니다: requirements[0].tier: "
           "'registered', 'certified', 'gold', 'strategic' 중 하나여야 합니다 (그 밖에 문제 "
           "1개).",
           "을(를) 읽을 수 없습니다: No such file or directory.",
           "program.toml은(는) 올바른 TOML이 아닙니다: "),
    "ja": ("program.toml は有効なパートナープログラムではありません: requirements[0].tier: "
           "'registered', 'certified', 'gold', 'strategic' のいずれかである必要があります。",
           "program.toml は有効なパートナープログラムではありません: requirements[0].tier: "
           "'registered', 'certified', 'gold', 'strategic' のいずれかである必要があります"
           "（ほかに 1 件の問題）。",
           " を読み取れません: No such file or directory。",
           "program.toml は有効な TOML ではありません: "),
}


def _data_error(text: str) -> ProgramDataError:
    with pytest.raises(ProgramDataError) as caught:
        parse_program(text, "program.toml")
    return caught.value


@pytest.mark.parametrize("locale", sorted(FILE))
def test_the_program_files_errors_are_said_in_the_language(tmp_path: Path,
                                                           locale: str) -> None:
    shipped = (Path(partners.__file__).parent / "program" / "data" / "program.toml") \
        .read_text(encoding="utf-8")
    tier = shipped.replace('tier = "certified"', 'tier = "platinum"', 1)
    both = tier.replace('kind = "attested"', 'kind = "vibes"', 1)
    with pytest.raises(ProgramDataError) as missing:
        load_program(tmp_path / "absent.toml")
    bad_tier, two, toml = (_data_error(tier), _data_error(both),
                           _data_error("schema_version = = 1"))
    expected = FILE[locale]
    assert said(bad_tier, locale) == expected[0]
    assert said(two, locale) == expected[1]
    assert said(missing.value, locale).endswith(expected[2])
    assert said(toml, locale).startswith(expected[3])

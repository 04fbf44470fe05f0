"""Rules every template keeps (issue 9 htmx items, issue 10 "one money format"), read from the templates and
checked on the filter itself."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_rm, from_sen
from webapp.i18n import money

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "webapp" / "templates").rglob("*.html"))
HTMX_ACTION = re.compile(r"<[a-z]+\b[^>]*\shx-(?:get|post|put|patch|delete)=[^>]*>", re.S)


def test_every_htmx_action_shows_it_is_busy_and_cannot_be_sent_twice():
    """A request on a slow link shows progress (hx-indicator) and disables its button (hx-disabled-elt)."""
    actions = [(path.relative_to(path.parents[1]), tag) for path in TEMPLATES
               for tag in HTMX_ACTION.findall(path.read_text())]
    assert len(actions) >= 15, "the templates' htmx actions were not found"
    missing = [f"{path}: {tag[:90]}" for path, tag in actions
               if "hx-indicator=" not in tag or "hx-disabled-elt=" not in tag]
    assert not missing, "htmx actions without hx-indicator or hx-disabled-elt:\n" + "\n".join(missing)


def test_amounts_are_written_by_one_filter():
    """No template formats money itself: every amount goes through `|rm`."""
    assert len(TEMPLATES) > 30
    homemade = [f"{path.name}: {match}" for path in TEMPLATES
                for match in re.findall(r"'%\.2f'\|format|\|sen_rm\b|RM \{\{", path.read_text())]
    assert not homemade, "amounts formatted outside the rm filter:\n" + "\n".join(homemade)
    used = sum(path.read_text().count("|rm") for path in TEMPLATES)
    assert used >= 20


@pytest.mark.parametrize(("amount", "shown"), [
    (156010, "RM 1,560.10"),  # int: sen, as the store keeps them
    (Decimal("1560.1"), "RM 1,560.10"),  # Decimal: ringgit, as core computes them
    (0, "RM 0.00"),
    (5, "RM 0.05"),
    (Decimal("5"), "RM 5.00"),
    (123456789, "RM 1,234,567.89"),
])
def test_the_money_filter(amount, shown):
    assert money(amount) == shown


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_whole_sen_are_shown_as_core_formats_their_ringgit(amount):
    """The filter's own path for int sen (no Decimal) says exactly what core.money says, signs included."""
    assert money(amount) == format_rm(from_sen(amount))


@pytest.mark.parametrize("wrong", [1560.1, "1560.10", None, True])
def test_the_money_filter_refuses_what_is_not_an_amount(wrong):
    with pytest.raises(TypeError):
        money(wrong)

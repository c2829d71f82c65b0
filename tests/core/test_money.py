"""Money: integer minor units plus an ISO currency; amounts typed by people parse exactly or fail clearly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.core.money import (
    CURRENCIES,
    MAX_MINOR,
    Money,
    MoneyError,
    amount_text,
    exponent,
    format_money,
    parse_amount,
)


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("12,500.50", "EUR", 1250050),
    ("12500", "USD", 1250000),
    ("$1,000", "USD", 100000),
    ("1 000,00".replace(",", "."), "EUR", 100000),
    ("€ 99.9", "EUR", 9990),
    ("1000", "JPY", 1000),
    ("1.234", "KWD", 1234),
    (".5", "GBP", 50),
    ("250 CHF", "chf", 25000),
])
def test_it_parses_amounts_as_people_type_them(text, currency, minor):
    money = parse_amount(text, currency)
    assert money.minor == minor and money.currency == currency.upper()


@pytest.mark.parametrize(("text", "currency", "message"), [
    ("12.345", "USD", "USD amounts have 2 decimal places at most."),
    ("10.5", "JPY", "JPY amounts have 0 decimal places at most."),
    ("-5", "USD", "'-5' is not an amount"),
    ("", "USD", "Enter an amount."),
    ("1e6", "USD", "'1e6' is not an amount"),
    ("12", "ZZZ", "'ZZZ' is not an ISO 4217 currency code"),
    ("10000000000000000", "USD", "That amount is too large."),
])
def test_it_refuses_what_it_cannot_store_exactly_and_says_why(text, currency, message):
    with pytest.raises(MoneyError) as error:
        parse_amount(text, currency)
    assert str(error.value).startswith(message)


def test_it_formats_with_the_currencys_own_minor_unit():
    assert format_money(1250050, "EUR") == "€12,500.50"
    assert format_money(1000, "JPY") == "¥1,000"
    assert format_money(1234, "KWD") == "1.234 KWD"
    assert format_money(1250050, "USD", cents=False) == "$12,500"
    assert format_money(None, "USD") == ""
    assert amount_text(1250050, "CHF") == "12,500.50" and amount_text(1000, "JPY") == "1,000"


def test_money_rejects_negative_and_fractional_amounts():
    with pytest.raises(MoneyError):
        Money(-1, "USD")
    with pytest.raises(MoneyError):
        Money(1.5, "USD")


@given(st.integers(min_value=0, max_value=MAX_MINOR), st.sampled_from(sorted(CURRENCIES)))
def test_formatting_then_parsing_gives_the_same_amount(minor, currency):
    assert parse_amount(format_money(minor, currency), currency) == Money(minor, currency)


@given(st.text(max_size=30), st.sampled_from(["USD", "JPY", "KWD"]))
def test_any_text_parses_or_fails_with_a_money_error(text, currency):
    try:
        money = parse_amount(text, currency)
    except MoneyError as error:
        assert str(error)
    else:
        assert 0 <= money.minor <= MAX_MINOR and exponent(currency) >= 0

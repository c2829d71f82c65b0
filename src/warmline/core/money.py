"""Money as an integer amount of minor units plus an ISO 4217 currency code. Pure, no Django.

Amounts are never floats: "12,500.50 EUR" is stored as 1250050 and "EUR", and
"¥1,000" as 1000 and "JPY" (the yen has no minor unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Active ISO 4217 codes and their minor-unit exponents (2 unless listed in _EXPONENTS).
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
    """.split()
)
_EXPONENTS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$"}
# Large enough for any deal, small enough for a signed 64-bit column.
MAX_MINOR = 10**15

_GROUPING = re.compile(r"[\s,'_\u00a0\u202f]")


class MoneyError(ValueError):
    """An amount or currency that cannot be stored; the message says what is wrong."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def check_currency(code: str) -> str:
    """The code in upper case, or MoneyError naming it."""
    value = (code or "").strip().upper()
    if value not in CURRENCIES:
        raise MoneyError(f"'{code}' is not an ISO 4217 currency code (for example USD, EUR, GBP).")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        check_currency(self.currency)
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("An amount is a whole number of minor units.")
        if self.minor < 0:
            raise MoneyError("An amount cannot be negative.")
        if self.minor > MAX_MINOR:
            raise MoneyError("That amount is too large.")

    def __str__(self) -> str:
        return format_money(self.minor, self.currency)


def parse_amount(text: str, currency: str) -> Money:
    """'12,500.50' in EUR -> Money(1250050, 'EUR'). Thousands separators and spaces are allowed; more decimals
    than the currency has are an error, not a rounding."""
    currency = check_currency(currency)
    raw = (text or "").strip()
    for symbol in {*SYMBOLS.values(), currency}:
        symbol = symbol.strip()
        if raw.upper().startswith(symbol.upper()):
            raw = raw[len(symbol):].strip()
        elif raw.upper().endswith(symbol.upper()):
            raw = raw[: -len(symbol)].strip()
    cleaned = _GROUPING.sub("", raw)
    if not cleaned:
        raise MoneyError("Enter an amount.")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise MoneyError(f"'{text}' is not an amount: use digits with an optional decimal point, e.g. 12500.50.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(f"'{text}' is not an amount.") from None
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise MoneyError(f"{currency} amounts have {places} decimal place{'s' if places != 1 else ''} at most.")
    return Money(int(minor), currency)


def amount_text(minor: int, currency: str, *, cents: bool = True) -> str:
    """The amount alone, as a person would type it: 1250050, 'EUR' -> '12,500.50'."""
    places = exponent(currency)
    value = Decimal(minor).scaleb(-places)
    return f"{value:,.{places}f}" if cents else f"{value.quantize(Decimal(1)):,.0f}"


def format_money(minor: int | None, currency: str, *, cents: bool = True) -> str:
    """1250050, 'EUR' -> '€12,500.50'; cents=False rounds to whole units ('€12,501')."""
    if minor is None:
        return ""
    text = amount_text(minor, currency, cents=cents)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"

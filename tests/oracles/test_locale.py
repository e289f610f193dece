"""Oracles for local digits and calendars.

- Dates: daftar's Gregorian <-> Solar Hijri conversion (ICU4X) against
  jdatetime, both ways, for every day of 1380-1430 AP and a day a month over
  1300-1500 AP.
- Amounts: daftar's en-IN, hi-IN and fa-IR formats (ICU4X's CLDR data) against
  babel's CLDR patterns and symbols. Babel keeps Latin digits, so its output is
  mapped to the locale's digits (Devanagari, Extended Arabic-Indic) by Unicode
  digit name, independently of daftar.
- Parsing: every formatted amount reads back to the same value; ambiguous
  input is refused with a reason.
Runs the real `daftar` binary (DAFTAR_BIN, or the debug build).
"""

import datetime
import os
import random
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import jdatetime
import pytest
from babel import Locale
from babel.numbers import get_minus_sign_symbol, parse_pattern

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))


def daftar(*args, ok=True):
    out = subprocess.run([DAFTAR, *args], capture_output=True, text=True)
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def gregorian_days():
    # Every day of 1380-1430 AP (2001-2051), plus the 15th of every month 1300-1500 AP.
    start = jdatetime.date(1380, 1, 1).togregorian()
    end = jdatetime.date(1430, 12, 29).togregorian()
    days = [start + datetime.timedelta(n) for n in range((end - start).days + 1)]
    for y in range(1300, 1501):
        for m in range(1, 13):
            days.append(jdatetime.date(y, m, 15).togregorian())
    return days


def chunks(xs, n=4000):
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def test_gregorian_to_solar_hijri_matches_jdatetime():
    days = gregorian_days()
    got = []
    for part in chunks([d.isoformat() for d in days]):
        got += daftar("date", "--to", "persian", *part).stdout.split()
    assert len(got) == len(days)
    for d, g in zip(days, got):
        j = jdatetime.date.fromgregorian(date=d)
        assert g == f"{j.year:04d}-{j.month:02d}-{j.day:02d}", d


def test_solar_hijri_to_gregorian_matches_jdatetime():
    days = [jdatetime.date.fromgregorian(date=d) for d in gregorian_days()]
    typed = [f"{j.year}/{j.month}/{j.day}" for j in days]
    got = []
    for part in chunks(typed):
        got += daftar("date", "--from", "persian", *part).stdout.split()
    assert got == [j.togregorian().isoformat() for j in days]


def test_esfand_30_only_in_leap_years_as_jdatetime_says():
    for y in range(1390, 1420):
        out = daftar("date", "--from", "persian", f"{y}/12/30", ok=False)
        assert (out.returncode == 0) == jdatetime.date(y, 1, 1).isleap(), y


def test_persian_dates_show_in_persian_digits():
    out = daftar("date", "--locale", "fa-IR", "2026-11-25").stdout.strip()
    j = jdatetime.date.fromgregorian(date=datetime.date(2026, 11, 25))
    assert out == to_script(f"{j.year:04d}/{j.month:02d}/{j.day:02d}", "EXTENDED ARABIC-INDIC")


def to_script(text, script):
    """Latin digits to `script`'s digits, found by their Unicode names."""
    if script is None:
        return text
    digits = [unicodedata.lookup(f"{script} DIGIT {n}") for n in
              ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]]
    return "".join(digits[int(c)] if c.isdigit() and c.isascii() else c for c in text)


LOCALES = [
    # daftar locale, babel locale, CLDR numbering system, digit script
    ("en-IN", "en_IN", "latn", None),
    ("hi-IN", "hi_IN", "deva", "DEVANAGARI"),
    ("fa-IR", "fa_IR", "arabext", "EXTENDED ARABIC-INDIC"),
]


def amounts():
    rng = random.Random(7)
    vals = ["0", "0.01", "5", "999", "1000", "99999.99", "100000", "1234567.89",
            "-1234567.89", "10000000", "-0.5", "123456789012.34"]
    for _ in range(300):
        scale = rng.choice([0, 2])
        v = Decimal(rng.randrange(-10**13, 10**13)).scaleb(-scale)
        vals.append(str(v))
    return vals


def babel_expected(value, babel_locale, ns, script):
    loc = Locale.parse(babel_locale)
    v = Decimal(value)
    pattern = parse_pattern(loc.decimal_formats[None].pattern)
    scale = max(0, -v.as_tuple().exponent)
    pattern.frac_prec = (scale, scale)
    text = pattern.apply(abs(v), loc, numbering_system=ns)
    text = to_script(text, script)
    if v < 0:
        text = get_minus_sign_symbol(babel_locale, numbering_system=ns) + text
    return text


@pytest.mark.parametrize("locale,babel_locale,ns,script", LOCALES)
def test_amounts_format_as_babel_cldr(locale, babel_locale, ns, script):
    vals = amounts()
    got = daftar("amount", "--locale", locale, *vals).stdout.splitlines()
    assert len(got) == len(vals)
    for v, g in zip(vals, got):
        assert g == babel_expected(v, babel_locale, ns, script), v


@pytest.mark.parametrize("locale,babel_locale,ns,script", LOCALES)
def test_formatted_amounts_parse_back_exactly(locale, babel_locale, ns, script):
    vals = amounts()
    shown = [babel_expected(v, babel_locale, ns, script) for v in vals]
    got = daftar("amount", *shown).stdout.splitlines()
    assert [Decimal(g) for g in got] == [Decimal(v) for v in vals]
    assert all(Decimal(g).as_tuple().exponent == Decimal(v).as_tuple().exponent
               for g, v in zip(got, vals)), "the scale is kept"


@pytest.mark.parametrize("text,why", [
    ("12,5", "grouped ambiguously"),
    ("1.234.567", "two decimal points"),
    ("12,34,5678", "grouped ambiguously"),
    ("۱۲/۵", "ambiguous"),
    ("1۲3", "mixes digits"),
    ("۱۲۴٥", "mixes digits"),
])
def test_ambiguous_amounts_are_refused(text, why):
    out = daftar("amount", text, ok=False)
    assert out.returncode == 1
    assert why in out.stderr and "invalid_input" in out.stderr

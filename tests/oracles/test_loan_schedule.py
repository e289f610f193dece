"""Oracle: daftar's EMI schedules against numpy-financial's ipmt/ppmt.

The EMI is one number, rounded once: every instalment but the last is exactly
it. Each period's interest must be within half a minor unit of the exact
(unrounded) amortisation; its principal is the rest, so within one minor unit,
except the last instalment's, which absorbs the rounding of the others; the
principal column must sum to the loan exactly. Runs the real `daftar loan schedule` binary (DAFTAR_BIN, or the debug
build that `cargo test` leaves in target/).
"""

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import numpy_financial as npf
import pytest

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))

CASES = [
    # principal, rate, rate period, term, frequency, currency
    ("10000", "1", "month", 12, "monthly", "INR"),
    ("123456.78", "18", "year", 24, "monthly", "INR"),
    ("50000", "12.5", "year", 36, "monthly", "INR"),
    ("7500", "26", "year", 52, "weekly", "INR"),
    ("20000", "2", "month", 26, "fortnightly", "INR"),
    ("999.99", "0.5", "month", 1, "monthly", "INR"),
    ("100000000", "23", "year", 18, "monthly", "IRR"),
    ("35000000", "1.75", "month", 60, "monthly", "IRR"),
]


def schedule(principal, rate, period, term, frequency, currency, method="emi"):
    out = subprocess.run(
        [DAFTAR, "loan", "schedule", "--principal", principal, "--rate", rate,
         "--rate-period", period, "--term", str(term), "--frequency", frequency,
         "--method", method, "--start", "2025-04-01", "--currency", currency,
         "--format", "json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("principal,rate,period,term,frequency,currency", CASES)
def test_emi_matches_numpy_financial_within_half_a_minor_unit(principal, rate, period, term, frequency, currency):
    s = schedule(principal, rate, period, term, frequency, currency)
    minor = Decimal(1) if currency == "IRR" else Decimal("0.01")
    half = float(minor) / 2 + 1e-9
    r = float(Decimal(s["period_rate"]))
    pv = float(Decimal(principal))
    rows = s["rows"]
    assert len(rows) == term
    # Every instalment but the last is the EMI: one number, within half a unit of numpy's.
    level = {Decimal(row["principal"]) + Decimal(row["interest"]) for row in rows[:-1]}
    assert len(level) <= 1, level
    for emi in level:
        assert abs(float(emi) - -float(npf.pmt(r, term, pv))) <= half, (emi, npf.pmt(r, term, pv))
    for row in rows:
        per = row["no"]
        want_interest = -float(npf.ipmt(r, per, term, pv))
        want_principal = -float(npf.ppmt(r, per, term, pv))
        assert abs(float(Decimal(row["interest"])) - want_interest) <= half, (per, row, want_interest)
        if per < term:
            assert abs(float(Decimal(row["principal"])) - want_principal) <= 2 * half, (per, row, want_principal)
        else:
            # The last instalment absorbs the others' rounding: at most half a unit each.
            assert abs(float(Decimal(row["principal"])) - want_principal) <= half * term, (per, row, want_principal)
    assert sum(Decimal(r["principal"]) for r in rows) == Decimal(principal)
    assert Decimal(rows[-1]["balance"]) == 0


def test_flat_and_reducing_schedules_follow_their_closed_forms():
    flat = schedule("12000", "2", "month", 12, "monthly", "INR", method="flat")
    assert all(Decimal(r["interest"]) == Decimal("240") for r in flat["rows"])
    assert all(Decimal(r["principal"]) == Decimal("1000") for r in flat["rows"])
    red = schedule("10000", "24", "year", 4, "monthly", "INR", method="reducing")
    assert [Decimal(r["interest"]) for r in red["rows"]] == [Decimal(x) for x in ("200", "150", "100", "50")]


def test_a_bad_term_is_refused_with_the_field_named():
    out = subprocess.run(
        [DAFTAR, "loan", "schedule", "--principal", "100", "--rate", "1", "--term", "0",
         "--method", "emi", "--start", "2025-04-01"],
        capture_output=True, text=True,
    )
    assert out.returncode == 1
    assert "invalid term" in out.stderr


@pytest.mark.parametrize("start", ["1404/01/31", "1403/06/31", "1403/11/30", "1402/12/29", "1404/07/15"])
def test_a_solar_hijri_schedule_keeps_the_persian_day_or_the_months_last_by_jdatetime(start):
    import jdatetime

    out = subprocess.run(
        [DAFTAR, "loan", "schedule", "--principal", "2400000", "--rate", "0", "--term", "24",
         "--method", "flat", "--frequency", "monthly", "--currency", "IRR",
         "--calendar", "persian", "--start", start, "--format", "json"],
        check=True, capture_output=True, text=True,
    )
    rows = json.loads(out.stdout)["rows"]
    y, m, d = (int(x) for x in start.split("/"))
    for row in rows:
        k = row["no"]
        month = (m - 1 + k) % 12 + 1
        year = y + (m - 1 + k) // 12
        day = d
        while True:
            try:
                want = jdatetime.date(year, month, day)
                break
            except ValueError:
                day -= 1
        assert row["due_on"] == want.togregorian().isoformat(), (k, row, want)
        assert row["due_on_in_calendar"] == f"{want.year:04}-{want.month:02}-{want.day:02}", (k, row)

"""Oracle: daftar's exported journals pass hledger and beancount, and the
balances those tools compute equal daftar's trial balance, account by account."""

import csv
import io
import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("exports") / "demo.daftar"
    subprocess.run([DAFTAR, "demo", "--db", str(path), "--seed", "3"], check=True, capture_output=True)
    orgs = [line.split()[0] for line in run(DAFTAR, "orgs", "--db", str(path)).stdout.splitlines()]
    assert len(orgs) == 3
    return path, orgs


def daftar_balances(path, org):
    """code -> signed balance (debit positive) from daftar's trial balance."""
    tb = json.loads(run(DAFTAR, "report", "trial-balance", "--db", str(path), "--org", org, "--format", "json").stdout)
    return {r["code"]: Decimal(r["debit"]) - Decimal(r["credit"]) for r in tb["rows"]}


def export(path, org, fmt, out):
    r = run(DAFTAR, "export", "--db", str(path), "--org", org, "--format", fmt, "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def hledger_code(account):
    # assets:1300:0007 -> 1300-0007, assets:1100 -> 1100
    parts = account.split(":")[1:]
    return "-".join(parts)


def beancount_code(account):
    # Liabilities:L2100:M0007 -> 2100-0007
    parts = account.split(":")[1:]
    return "-".join([parts[0][1:]] + [p[1:] for p in parts[1:]])


def test_hledger_checks_the_journal_and_its_balances_equal_daftars(book, tmp_path):
    path, orgs = book
    for org in orgs:
        journal = export(path, org, "hledger", tmp_path / f"{org}.journal")
        check = run("hledger", "-f", str(journal), "check")
        assert check.returncode == 0, check.stderr
        bal = run("hledger", "-f", str(journal), "bal", "--flat", "-N", "-O", "csv")
        assert bal.returncode == 0, bal.stderr
        rows = list(csv.reader(io.StringIO(bal.stdout)))[1:]
        theirs = {hledger_code(a): Decimal(b.split()[0]) for a, b in rows if b.split()[0] != "0"}
        assert theirs == daftar_balances(path, org)


def test_bean_check_passes_and_beancounts_balances_equal_daftars(book, tmp_path):
    from beancount import loader
    from beancount.core import data

    path, orgs = book
    for org in orgs:
        ledger = export(path, org, "beancount", tmp_path / f"{org}.beancount")
        check = run("bean-check", str(ledger))
        assert check.returncode == 0, check.stdout + check.stderr
        entries, errors, _ = loader.load_file(str(ledger))
        assert not errors
        theirs = {}
        for e in entries:
            if isinstance(e, data.Transaction):
                for p in e.postings:
                    code = beancount_code(p.account)
                    theirs[code] = theirs.get(code, Decimal(0)) + p.units.number
        theirs = {k: v for k, v in theirs.items() if v != 0}
        assert theirs == daftar_balances(path, org)


def test_a_doctored_export_fails_its_balance_assertions(book, tmp_path):
    path, orgs = book
    journal = export(path, orgs[0], "hledger", tmp_path / "doctored.journal")
    text = journal.read_text(encoding="utf-8")
    # Move one posting between two savings sub-ledgers: every transaction still balances.
    lines = text.splitlines()
    first = next(i for i, l in enumerate(lines) if l.startswith("    liabilities:2100:0001  -"))
    lines[first] = lines[first].replace("liabilities:2100:0001", "liabilities:2100:0002")
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = run("hledger", "-f", str(journal), "check")
    assert check.returncode != 0
    assert "balance assertion" in (check.stderr + check.stdout).lower()


def test_csv_postings_sum_to_daftars_balances(book, tmp_path):
    path, orgs = book
    out = export(path, orgs[1], "csv", tmp_path / "postings.csv")
    sums = {}
    with open(out, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sums[row["account"]] = sums.get(row["account"], Decimal(0)) + Decimal(row["amount"])
    assert {k: v for k, v in sums.items() if v != 0} == daftar_balances(path, orgs[1])

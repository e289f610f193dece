"""The federation's pages in a real browser (headless Chromium): signing in,
what each person may see, the figures against the core's own reports on each
phone's book, the three languages (Persian right to left, in Solar Hijri
dates and Persian digits), and the screenshots in docs/screenshots/web/."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from conftest import AS_OF, DAFTAR, ROOT, run, sign_in, sign_out

SHOTS = os.path.join(ROOT, "docs", "screenshots", "web")


def in_calendar_of(book, org, args):
    """The CLI takes a Persian organisation's dates in Solar Hijri."""
    persian = any(l.startswith(org) and "fa-IR" in l for l in run(DAFTAR, "orgs", "--db", book).splitlines())
    if not persian:
        return list(args)
    return [run(DAFTAR, "date", "--to", "persian", a) if len(a) == 10 and a[4] == "-" else a for a in args]


def report(book, name, org, *args):
    args = in_calendar_of(book, org, args)
    return json.loads(run(DAFTAR, "report", name, "--db", book, "--org", org, "--format", "json", *args))


def cells(b, selector):
    """Each row's data-* figures under `selector`, as the browser holds them."""
    return b.js(f"""[...document.querySelectorAll({json.dumps(selector)})].map(tr => {{
        const row = {{org: tr.dataset.org, member: tr.dataset.member}};
        tr.querySelectorAll('[data-field]').forEach(td => row[td.dataset.field] = td.dataset.value);
        return row; }})""")


def test_a_page_asks_for_sign_in_and_a_wrong_token_is_told_so(world):
    b = world.browser
    where = b.open(f"{world.url}/web/nodes/BLK-1")
    assert "/web/signin" in where
    b.submit("main.signin form", {"token": "not-a-token"})
    assert b.js("document.querySelector('.wrong') !== null")
    assert "/web/signin" in b.js("location.href")


def test_forms_without_their_csrf_token_are_refused(world):
    body = urllib.parse.urlencode({"token": world.admin_token, "csrf": "x" * 64}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(f"{world.url}/web/signin", data=body))
        raise AssertionError("a sign-in without its form's cookie was let in")
    except urllib.error.HTTPError as e:
        assert e.code == 400


def test_the_block_page_shows_each_groups_figures_as_the_core_reports_them(world):
    b = world.browser
    sign_in(b, world.url, world.admin_token)
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&lang=en")
    rows = cells(b, "table.groups tbody tr")
    assert len(rows) == len(world.books)
    for row in rows:
        book = world.books[row["org"]]
        sheet = report(book, "balance-sheet", row["org"], "--as-of", AS_OF)
        savings = sum(Decimal(l["amount"]) for l in sheet["liabilities"] if l["code"] in ("2100", "2110"))
        loans = sum(Decimal(l["amount"]) for l in sheet["assets"] if l["code"] == "1300")
        assert Decimal(row["savings"]) == savings, row
        assert Decimal(row["loans"]) == loans, row
        portfolio = report(book, "portfolio", row["org"], "--as-of", AS_OF)
        assert Decimal(row["par30"]) == Decimal(portfolio["par30"]), row
    # Totals per currency are the sums of the rows.
    totals = b.js("""Object.fromEntries([...document.querySelectorAll('table.totals tbody tr')].map(tr =>
        [tr.dataset.currency, tr.querySelector('[data-field=savings]').dataset.value]))""")
    currency_of = {r["org"]: report(world.books[r["org"]], "trial-balance", r["org"])["currency"] for r in rows}
    assert set(totals) == set(currency_of.values())
    for currency, total in totals.items():
        mine = [r for r in rows if currency_of[r["org"]] == currency]
        assert Decimal(total) == sum(Decimal(r["savings"]) for r in mine), currency
    # Sorting by savings, highest first, is the order of the figures.
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&sort=savings&desc=1")
    shown = [Decimal(r["savings"]) for r in cells(b, "table.groups tbody tr")]
    assert shown == sorted(shown, reverse=True)
    # The filter for grade C or D keeps exactly those.
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&weak=1")
    weak = b.js("[...document.querySelectorAll('table.groups [data-field=grade]')].map(td => td.dataset.value)")
    assert all(g in ("C", "D") for g in weak)
    # The plots are drawn from the same figures: each line's last point is the day's total.
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&lang=en")
    plots = b.js("""Object.fromEntries([...document.querySelectorAll('figure.plot')].map(f =>
        [f.querySelector('figcaption').innerText,
         [...f.querySelectorAll('polyline')].map(p => p.dataset.values.split(' '))]))""")
    totals = b.js("""Object.fromEntries([...document.querySelectorAll('table.totals tbody tr')].map(tr =>
        [tr.dataset.currency, Object.fromEntries([...tr.querySelectorAll('[data-field]')].map(td =>
            [td.dataset.field, td.dataset.value]))]))""")
    for currency, t in totals.items():
        savings, loans = plots[f"Savings and loans outstanding by month ({currency})"]
        assert len(savings) == 12 and len(loans) == 12
        assert Decimal(savings[-1]) == Decimal(t["savings"]), currency
        assert Decimal(loans[-1]) == Decimal(t["loans"]), currency
        (par30,) = plots[f"PAR30 by month ({currency})"]
        assert Decimal(par30[-1]) == Decimal(t["par30"]), currency
    # An earlier point: PAR30 at the end of December 2024 (the tenth of the
    # twelve), weighted over the INR groups as each phone's portfolio has it.
    inr = [r["org"] for r in rows if currency_of[r["org"]] == "INR"]
    at_risk = outstanding = Decimal(0)
    for org in inr:
        p = report(world.books[org], "portfolio", org, "--as-of", "2024-12-31")
        at_risk += Decimal(p["par30_outstanding"])
        outstanding += Decimal(p["outstanding"])
    (par30,) = plots["PAR30 by month (INR)"]
    want = (at_risk / outstanding).quantize(Decimal("0.0001")) if outstanding else Decimal(0)
    assert Decimal(par30[9]) == want, (par30, want)
    # Savings and loans at two month ends, as each phone's balance sheet has them.
    savings, loans = plots["Savings and loans outstanding by month (INR)"]
    for i, day in [(0, "2024-03-31"), (9, "2024-12-31")]:
        want_s = want_l = Decimal(0)
        for org in inr:
            try:
                sheet = report(world.books[org], "balance-sheet", org, "--as-of", day)
            except Exception:
                continue  # a group that had not opened yet holds nothing
            want_s += sum(Decimal(l["amount"]) for l in sheet["liabilities"] if l["code"] in ("2100", "2110"))
            want_l += sum(Decimal(l["amount"]) for l in sheet["assets"] if l["code"] == "1300")
        assert Decimal(savings[i]) == want_s, (day, savings[i], want_s)
        assert Decimal(loans[i]) == want_l, (day, loans[i], want_l)


def test_a_groups_page_is_the_core_s_books_of_that_group(world):
    b = world.browser
    sign_in(b, world.url, world.admin_token)
    org = next(o for o, book in world.books.items() if book.endswith("scaled.daftar"))
    book = world.books[org]
    b.open(f"{world.url}/web/orgs/{org}?as_of={AS_OF}&lang=en")
    tb = report(book, "trial-balance", org, "--as-of", AS_OF)
    shown = b.js("document.querySelector('[data-field=total-debit]').dataset.value")
    assert Decimal(shown) == Decimal(tb["total_debit"])
    portfolio = report(book, "portfolio", org, "--as-of", AS_OF)
    assert Decimal(b.js("document.querySelector('#portfolio [data-field=outstanding]').dataset.value")) == \
        Decimal(portfolio["outstanding"])
    members = cells(b, "#passbooks tbody tr")
    assert members
    for m in members[:3]:
        p = report(book, "passbook", org, "--member", m["member"], "--from", "2000-01-01", "--to", AS_OF)
        for field, key in [("compulsory", "closing_compulsory"), ("voluntary", "closing_voluntary"),
                           ("loan", "closing_loan"), ("paid", "total_paid"), ("received", "total_received")]:
            assert Decimal(m[field]) == Decimal(p[key]), (m, field)
    grading = b.js("document.querySelector('#grading [data-field=grade]').dataset.value")
    assert grading in ("A", "B", "C")
    head = run(DAFTAR, "checkpoint", "--db", book, "--org", org)
    assert b.js("document.querySelector('p.head .ok') !== null"), head


def test_each_language_shows_its_own_words_digits_calendar_and_direction(world):
    b = world.browser
    sign_in(b, world.url, world.admin_token)
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&lang=hi")
    assert b.js("document.documentElement.lang") == "hi"
    text = b.js("document.querySelector('table.totals tbody').innerText")
    assert any("\u0966" <= c <= "\u096f" for c in text), text  # Devanagari digits
    assert "बचत" in b.js("document.querySelector('table.totals thead').innerText")
    b.open(f"{world.url}/web/nodes/BLK-1?as_of={AS_OF}&lang=fa")
    assert b.js("getComputedStyle(document.documentElement).direction") == "rtl"
    assert b.js("getComputedStyle(document.querySelector('table.groups td')).direction") == "rtl"
    text = b.js("document.querySelector('table.totals tbody').innerText")
    assert any("\u06f0" <= c <= "\u06f9" for c in text), text  # Persian digits
    # 2025-02-20 is 2 Esfand 1403 in the Solar Hijri calendar.
    assert b.js("document.querySelector('#as_of').value") == "۱۴۰۳/۱۲/۰۲"
    # A date typed back in the reader's own calendar is understood.
    b.submit("form.asof", {"as_of": "۱۴۰۳/۱۲/۰۲"})
    assert "as_of=" in b.js("location.href")
    assert b.js("document.querySelector('#as_of').value") == "۱۴۰۳/۱۲/۰۲"
    # The page is right to left: the first column sits at the right.
    first, last = b.js("""(() => { const c = document.querySelectorAll('table.groups thead th');
        return [c[0].getBoundingClientRect().left, c[c.length - 1].getBoundingClientRect().left]; })()""")
    assert first > last


def test_a_vo_user_sees_their_vo_and_nothing_beside_it(world):
    b = world.browser
    sign_in(b, world.url, world.vo1_token)
    b.open(f"{world.url}/web/")
    assert "VO One" in b.js("document.querySelector('h1').innerText")
    outside = next(o for o, book in world.books.items() if book.endswith("scaled.daftar"))
    for path in ["/web/nodes/VO-2", "/web/nodes/BLK-1", f"/web/orgs/{outside}"]:
        b.open(f"{world.url}{path}?lang=en")
        assert "may not see" in b.js("document.body.innerText"), path
    b.open(f"{world.url}/web/nodes/VO-1")
    sign_out(b)
    assert "/web/signin" in b.js("location.href")
    b.open(f"{world.url}/web/nodes/VO-1")
    assert "/web/signin" in b.js("location.href")


def test_screenshots_of_each_page_in_each_language(world):
    b = world.browser
    os.makedirs(SHOTS, exist_ok=True)
    sign_in(b, world.url, world.admin_token)
    shg = next(o for o, book in world.books.items() if book.endswith("demo.daftar") and
               report(book, "trial-balance", o)["currency"] == "INR")
    for lang in ("en", "hi", "fa"):
        for name, path in [("block", "/web/nodes/BLK-1"), ("shg", f"/web/orgs/{shg}")]:
            b.open(f"{world.url}{path}?as_of={AS_OF}&lang={lang}")
            assert b.js("document.querySelector('main h1') !== null")
            out = os.path.join(SHOTS, f"{name}-{lang}.png")
            b.screenshot(out)
            assert os.path.getsize(out) > 10_000

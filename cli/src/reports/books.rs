//! One function per report: it asks the core for the figures and lays them out
//! as a grid (or hands them to JSON as they are).

use daftar_core::books::Period;
use daftar_core::{Book, Error};
use uuid::Uuid;

use super::{emit, lines, need, trial_balance_grid, Args, Cell, Context, Grid};
use crate::Format;

pub(super) fn passbook(book: &Book, org: Uuid, a: &Args, c: &Context<'_>) -> Result<String, Error> {
    let view = c.view;
    let _o = &c.o;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let p = book.passbook(org, need(a.member, "member")?, period)?;
    emit(view, &p, || {
        let mut g = Grid::new(
            "Passbook",
            format!("{} {}, {span}", c.number(p.member_no), p.member_name),
            vec![
                "seq",
                "date",
                "narration",
                "paid",
                "received",
                "principal",
                "interest",
                "penalty",
                "fines, fees",
                "compulsory",
                "voluntary",
                "loan",
                "compulsory bal",
                "voluntary bal",
                "loan bal",
            ],
        );
        g.row(vec![
            Cell::Empty,
            Cell::Empty,
            "opening".into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            p.opening_compulsory.into(),
            p.opening_voluntary.into(),
            p.opening_loan.into(),
        ]);
        for l in &p.lines {
            g.row(vec![
                l.seq.into(),
                l.date.into(),
                l.narration.clone().into(),
                l.paid.into(),
                l.received.into(),
                l.principal.into(),
                l.interest.into(),
                l.penalty.into(),
                l.charges.into(),
                l.compulsory.into(),
                l.voluntary.into(),
                l.loan.into(),
                l.compulsory_balance.into(),
                l.voluntary_balance.into(),
                l.loan_balance.into(),
            ]);
        }
        let mut total = vec![Cell::Empty, Cell::Empty, "total and closing".into()];
        total.extend([p.total_paid.into(), p.total_received.into()]);
        total.extend(std::iter::repeat_n(Cell::Empty, 7));
        total.extend([
            p.closing_compulsory.into(),
            p.closing_voluntary.into(),
            p.closing_loan.into(),
        ]);
        g.row(total);
        g
    })
}

pub(super) fn loan_ledger(
    book: &Book,
    org: Uuid,
    a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let l = book.loan_ledger(org, need(a.loan, "loan")?)?;
    emit(view, &l, || {
        let mut g = Grid::new(
            "Loan ledger",
            c.number(l.loan_no),
            vec![
                "seq",
                "date",
                "kind",
                "disbursed",
                "principal",
                "interest",
                "penalty",
                "written off",
                "outstanding",
            ],
        );
        for x in &l.lines {
            g.row(vec![
                x.seq.into(),
                x.date.into(),
                Cell::Name(x.kind.clone()),
                x.disbursed.into(),
                x.principal.into(),
                x.interest.into(),
                x.penalty.into(),
                x.written_off.into(),
                x.outstanding.into(),
            ]);
        }
        g
    })
}

pub(super) fn portfolio(
    book: &Book,
    org: Uuid,
    _a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let as_of = c.as_of;
    let on = &c.on;
    let p = book.portfolio(org, as_of)?;
    emit(view, &p, || {
        let mut g = Grid::new(
            "Loan portfolio",
            format!("{on} · PAR30 {}", view.table_locale.amount(p.par30)),
            vec![
                "loan",
                "member",
                "name",
                "outstanding",
                "arrears",
                "dpd",
                "bucket",
            ],
        );
        for l in &p.loans {
            g.row(vec![
                l.loan_no.into(),
                l.member_no.into(),
                l.member_name.clone().into(),
                l.outstanding.into(),
                l.arrears.into(),
                l.days_past_due.into(),
                Cell::Name(l.bucket.clone()),
            ]);
        }
        for b in &p.buckets {
            g.row(vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Phrase(vec![
                    Cell::Name(b.label.clone()),
                    Cell::Number(b.loans.into()),
                    "loans".into(),
                ]),
                b.outstanding.into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        g.row(vec![
            Cell::Empty,
            Cell::Empty,
            "total".into(),
            p.outstanding.into(),
            p.arrears.into(),
            Cell::Empty,
            Cell::Empty,
        ]);
        g
    })
}

pub(super) fn trial_balance(
    book: &Book,
    org: Uuid,
    a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let as_of = c.as_of;
    let tb = if a.as_of.is_some() {
        book.trial_balance_as_of(org, as_of)?
    } else {
        book.trial_balance(org)?
    };
    let locale = view.table_locale.locale();
    let status = if tb.is_balanced() {
        format!("{}\n", daftar_core::catalogue::name("balanced", locale))
    } else {
        format!("{}\n", daftar_core::catalogue::name("NOT BALANCED", locale))
    };
    Ok(emit(view, &tb, || trial_balance_grid(&tb))?
        + if view.format == Format::Table {
            &status
        } else {
            ""
        })
}

pub(super) fn receipts_payments(
    book: &Book,
    org: Uuid,
    _a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let r = book.receipts_and_payments(org, period)?;
    emit(view, &r, || {
        let mut g = Grid::new(
            "Receipts and payments",
            format!("{}, {span}", o.name),
            vec!["", "account", "name", "amount"],
        );
        g.row(vec![
            "opening".into(),
            "1100".into(),
            "Cash in hand".into(),
            r.opening_cash.into(),
        ]);
        g.row(vec![
            "opening".into(),
            "1200".into(),
            "Bank account".into(),
            r.opening_bank.into(),
        ]);
        lines(&mut g, "receipt", &r.receipts);
        lines(&mut g, "payment", &r.payments);
        g.row(vec![
            "closing".into(),
            "1100".into(),
            "Cash in hand".into(),
            r.closing_cash.into(),
        ]);
        g.row(vec![
            "closing".into(),
            "1200".into(),
            "Bank account".into(),
            r.closing_bank.into(),
        ]);
        g
    })
}

pub(super) fn income_expenditure(
    book: &Book,
    org: Uuid,
    _a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let r = book.income_and_expenditure(org, period)?;
    emit(view, &r, || {
        let mut g = Grid::new(
            "Income and expenditure",
            format!("{}, {span}", o.name),
            vec!["", "account", "name", "amount"],
        );
        lines(&mut g, "income", &r.income);
        lines(&mut g, "expenditure", &r.expenditure);
        g.row(vec![
            "surplus".into(),
            Cell::Empty,
            Cell::Empty,
            r.surplus.into(),
        ]);
        g
    })
}

pub(super) fn balance_sheet(
    book: &Book,
    org: Uuid,
    _a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let as_of = c.as_of;
    let on = &c.on;
    let b = book.balance_sheet(org, as_of)?;
    emit(view, &b, || {
        let mut g = Grid::new(
            "Balance sheet",
            format!("{} · {on}", o.name),
            vec!["", "account", "name", "amount"],
        );
        lines(&mut g, "asset", &b.assets);
        g.row(vec![
            "total assets".into(),
            Cell::Empty,
            Cell::Empty,
            b.total_assets.into(),
        ]);
        lines(&mut g, "liability", &b.liabilities);
        lines(&mut g, "equity", &b.equity);
        g.row(vec![
            "equity".into(),
            Cell::Empty,
            "Accumulated surplus".into(),
            b.accumulated_surplus.into(),
        ]);
        g.row(vec![
            "total liabilities and equity".into(),
            Cell::Empty,
            Cell::Empty,
            b.total_liabilities_and_equity.into(),
        ]);
        g
    })
}

pub(super) fn monthly(book: &Book, org: Uuid, a: &Args, c: &Context<'_>) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let as_of = c.as_of;
    let (y, m) = match &a.month {
        Some(s) => {
            let bad = || Error::InvalidInput {
                field: "month".into(),
                reason: format!("{s:?} is not YYYY-MM"),
            };
            let (y, m) = s.split_once('-').ok_or_else(bad)?;
            (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)
        }
        None => {
            let c = daftar_core::locale::to_calendar(as_of, o.calendar)?;
            (c.year, c.month)
        }
    };
    let r = book.monthly_report(org, y, m)?;
    emit(view, &r, || {
        let mut g = Grid::new(
            "Monthly report",
            format!("{}, {y}-{m:02}", o.name),
            vec!["item", "value"],
        );
        let rows: Vec<(&str, Cell)> = vec![
            ("meetings", (r.meetings.len() as u64).into()),
            ("meeting dates", Cell::Dates(r.meetings.clone())),
            ("attendance", r.attendance.into()),
            ("compulsory savings", r.compulsory_savings.into()),
            ("voluntary savings", r.voluntary_savings.into()),
            ("withdrawals", r.withdrawals.into()),
            ("savings returned at exits", r.savings_returned.into()),
            ("loans disbursed", r.loans_disbursed.into()),
            ("amount disbursed", r.amount_disbursed.into()),
            ("principal repaid", r.principal_repaid.into()),
            ("interest collected", r.interest_collected.into()),
            ("penalties collected", r.penalties_collected.into()),
            ("fines and fees", r.fines_and_fees.into()),
            ("closing cash", r.closing_cash.into()),
            ("closing bank", r.closing_bank.into()),
            ("loans outstanding", r.portfolio.outstanding.into()),
            ("PAR30", r.portfolio.par30.into()),
        ];
        for (k, v) in rows {
            g.row(vec![k.into(), v]);
        }
        g
    })
}

pub(super) fn grading(book: &Book, org: Uuid, _a: &Args, c: &Context<'_>) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let g = book.grade(org, period)?;
    emit(view, &g, || {
        let mut grid = Grid::new(
            "Panchasutra grading",
            format!(
                "{}, {span}: {} / {} · {}",
                o.name,
                view.table_locale.amount(g.total),
                c.number(100),
                g.grade
            ),
            vec!["norm", "score", "how"],
        );
        for n in &g.norms {
            grid.row(vec![n.name.into(), n.score.into(), n.basis.clone().into()]);
        }
        grid
    })
}

pub(super) fn journal(book: &Book, org: Uuid, _a: &Args, c: &Context<'_>) -> Result<String, Error> {
    let view = c.view;
    let o = &c.o;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let entries = book.journal(org, period.from, period.to)?;
    emit(view, &entries, || {
        let mut g = Grid::new(
            "Journal",
            format!("{}, {span}", o.name),
            vec![
                "seq",
                "date",
                "kind",
                "narration",
                "account",
                "amount",
                "note",
            ],
        );
        for e in &entries {
            let note = match (e.reverses, e.reversed_by) {
                (Some(x), _) => Cell::Phrase(vec!["reverses".into(), x.into()]),
                (_, Some(x)) => Cell::Phrase(vec!["reversed by".into(), x.into()]),
                _ => Cell::Empty,
            };
            for (i, (acc, amt)) in e.lines.iter().enumerate() {
                let first = i == 0;
                g.row(vec![
                    if first { e.seq.into() } else { Cell::Empty },
                    if first { e.date.into() } else { Cell::Empty },
                    if first {
                        Cell::Name(e.kind.clone())
                    } else {
                        Cell::Empty
                    },
                    if first {
                        e.narration.clone().into()
                    } else {
                        Cell::Empty
                    },
                    acc.clone().into(),
                    (*amt).into(),
                    if first { note.clone() } else { Cell::Empty },
                ]);
            }
        }
        g
    })
}

pub(super) fn cash_book(
    book: &Book,
    org: Uuid,
    a: &Args,
    c: &Context<'_>,
) -> Result<String, Error> {
    let o = &c.o;
    let view = c.view;
    let period = || c.period();
    let span = |p: &Period| c.span(p);
    let period = period()?;
    let span = span(&period)?;
    let c = book.cash_book(org, a.name == "bank-book", period)?;
    emit(view, &c, || {
        let title = if a.name == "bank-book" {
            "Bank book"
        } else {
            "Cash book"
        };
        let mut g = Grid::new(
            title,
            format!("{}, {span}", o.name),
            vec!["date", "seq", "narration", "receipt", "payment", "balance"],
        );
        g.row(vec![
            period.from.into(),
            Cell::Empty,
            "opening".into(),
            Cell::Empty,
            Cell::Empty,
            c.opening.into(),
        ]);
        for d in &c.days {
            for l in &d.lines {
                g.row(vec![
                    d.date.into(),
                    l.seq.into(),
                    l.narration.clone().into(),
                    l.receipt.into(),
                    l.payment.into(),
                    Cell::Empty,
                ]);
            }
            g.row(vec![
                d.date.into(),
                Cell::Empty,
                "day total".into(),
                d.receipts.into(),
                d.payments.into(),
                d.closing.into(),
            ]);
        }
        g.row(vec![
            period.to.into(),
            Cell::Empty,
            "closing".into(),
            c.receipts.into(),
            c.payments.into(),
            c.closing.into(),
        ]);
        g
    })
}

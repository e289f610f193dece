//! Reports and exports in the group's language, or the one asked: labels,
//! narrations, entry kinds and digits, in columns that line up.

mod common;

use common::*;

/// Every report of the Persian fund, in its own locale, reads Persian: labels,
/// narrations, entry kinds and digits. The only Latin left is the currency's
/// code in the trial balance's title, PAR30 (an acronym) and the grade's letter.
#[test]
fn a_persian_groups_reports_have_no_english_left_and_its_narrations_follow_the_locale_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "fa.daftar", "1");
    let orgs = org_ids(&p);
    let fund = &orgs.iter().find(|(_, l)| l.contains("fa-IR")).unwrap().0;
    let shg = &orgs.iter().find(|(_, l)| l.contains("en-IN")).unwrap().0;
    let run = |org: &str, name: &str, extra: &[&str]| {
        let mut args = vec![
            "report", name, "--db", &p, "--org", org, "--member", "1", "--loan", "1",
        ];
        args.extend_from_slice(extra);
        let o = daftar(&args);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        stdout(&o)
    };
    for name in [
        "passbook",
        "cash-book",
        "bank-book",
        "loan-ledger",
        "receipts-payments",
        "income-expenditure",
        "balance-sheet",
        "journal",
        "trial-balance",
        "grading",
        "monthly",
    ] {
        let out = run(fund, name, &[]);
        let latin: String = out
            .replace("IRR", "")
            .replace("PAR30", "")
            .replace(" · A", "")
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        assert!(latin.is_empty(), "{name} has {latin:?}:\n{out}");
    }
    // The same fund's passbook in English, and the English SHG's in Persian.
    let en = run(fund, "passbook", &["--locale", "en-IN"]);
    assert!(en.contains("Savings deposit, member 1"), "{en}");
    let fa = run(shg, "passbook", &["--locale", "fa-IR"]);
    assert!(fa.contains("واریز پس‌انداز، عضو ۱"), "{fa}");
    assert!(!fa.contains("Savings deposit"), "{fa}");
    // An export reads the group's language too, or the one asked.
    let export = |org: &str, extra: &[&str]| {
        let mut args = vec!["export", "--db", &p, "--org", org, "--format", "hledger"];
        args.extend_from_slice(extra);
        let o = daftar(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(export(fund, &[]).contains("واریز پس‌انداز، عضو ۱"));
    assert!(export(fund, &["--locale", "en-IN"]).contains("Savings deposit, member 1"));
}

#[test]
fn reports_show_in_the_organisations_locale_unless_another_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = demo(dir.path(), "loc.daftar", "1");
    let orgs = org_ids(&p);
    let fund = orgs.iter().find(|(_, l)| l.contains("fa-IR")).unwrap();
    let shg = orgs.iter().find(|(_, l)| l.contains("hi-IN")).unwrap();
    let report = |org: &str, extra: &[&str]| {
        let mut args = vec!["report", "trial-balance", "--db", &p, "--org", org];
        args.extend_from_slice(extra);
        let o = daftar(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let persian_digit = |s: &str| s.chars().any(|c| ('\u{06F0}'..='\u{06F9}').contains(&c));
    let devanagari_digit = |s: &str| s.chars().any(|c| ('\u{0966}'..='\u{096F}').contains(&c));
    // The fund's own locale: Persian digits and separators.
    let fa = report(&fund.0, &[]);
    assert!(persian_digit(&fa) && fa.contains('٬'), "{fa}");
    // The same book in en-IN: Latin digits, Indian grouping, no Persian digits.
    let en = report(&fund.0, &["--locale", "en-IN"]);
    assert!(!persian_digit(&en) && en.contains(",00,000"), "{en}");
    // The Hindi SHG shows Devanagari digits; JSON stays plain for programs.
    assert!(devanagari_digit(&report(&shg.0, &[])));
    let json = report(&shg.0, &["--format", "json"]);
    assert!(
        !devanagari_digit(&json) && json.contains("\"total_debit\""),
        "{json}"
    );
    // CSV is plain unless a locale is asked for: digits and words alike.
    let csv = report(&shg.0, &["--format", "csv"]);
    assert!(!devanagari_digit(&csv));
    assert!(csv.starts_with("account,name,debit,credit"), "{csv}");
    // The words are the locale's too, from the core's catalogue.
    let hi = report(&shg.0, &[]);
    assert!(
        hi.starts_with("तलपट:") && hi.contains("नामे") && hi.contains("हाथ में नकद"),
        "{hi}"
    );
    assert!(report(&shg.0, &["--locale", "en-IN"]).starts_with("Trial balance:"));
    assert!(
        fa.starts_with("تراز آزمایشی:") && fa.contains("بدهکار"),
        "{fa}"
    );
    // Columns line up by display width: Devanagari's vowel signs and
    // conjuncts take no column of their own. Every row whose last column is
    // the credit (or the debit) ends at the same column.
    use unicode_width::UnicodeWidthStr;
    let ends: std::collections::BTreeSet<usize> = hi
        .lines()
        .skip(2)
        .filter(|l| l.contains('.'))
        .map(|l| l.width())
        .collect();
    assert!(ends.len() <= 2, "rows end at columns {ends:?}:\n{hi}");
    assert!(devanagari_digit(&report(
        &shg.0,
        &["--format", "csv", "--locale", "hi-IN"]
    )));
    // Dates typed for the fund are Solar Hijri; a Gregorian-looking one is refused.
    let o = daftar(&[
        "report",
        "passbook",
        "--db",
        &p,
        "--org",
        &fund.0,
        "--member",
        "1",
        "--from",
        "1403/01/01",
        "--to",
        "1403/12/30",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("۱۴۰۳/۰۱/۰۱ – ۱۴۰۳/۱۲/۳۰"),
        "{}",
        stdout(&o)
    );
    let o = daftar(&[
        "report",
        "passbook",
        "--db",
        &p,
        "--org",
        &fund.0,
        "--member",
        "1",
        "--from",
        "2024-03-20",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Solar Hijri"), "{}", stderr(&o));
}

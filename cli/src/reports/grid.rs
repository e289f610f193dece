//! The cells of a report and their rendering as a table or CSV, in a locale:
//! its digits and calendar, and its words from the core's catalogue. Columns
//! line up by display width, so Devanagari's combining signs and Persian's
//! zero-width joiners take no room.

use chrono::NaiveDate;
use daftar_core::catalogue::name;
use daftar_core::locale::LocalFormat;
use daftar_core::Error;
use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

/// One cell of a report, typed so that a locale can show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Text shown as it is: a member's name, a narration.
    Text(String),
    /// A word of the report, shown in the locale's language.
    Word(&'static str),
    /// A name the core gave in English (an account of the default chart, a
    /// bucket), shown in the locale's language when the catalogue has it.
    Name(String),
    /// Cells shown one after another, separated by spaces.
    Phrase(Vec<Cell>),
    Amount(Decimal),
    Date(NaiveDate),
    /// A count or a sequence number: local digits, no grouping.
    Number(u64),
    /// Several dates, shown separated by spaces.
    Dates(Vec<NaiveDate>),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&'static str> for Cell {
    fn from(s: &'static str) -> Cell {
        Cell::Word(s)
    }
}
impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Cell {
        Cell::Amount(d)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}
impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n)
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(u64::from(n))
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        // Counts are never negative; a negative one still shows, as an amount.
        u64::try_from(n).map_or(Cell::Amount(Decimal::from(n)), Cell::Number)
    }
}

impl Cell {
    /// The cell as text: plain (ISO dates, `1234.50`) without a locale, which is
    /// what CSV gives by default, or in the locale's digits, grouping and calendar.
    fn show(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
        Ok(match (self, local) {
            (Cell::Empty, _) => String::new(),
            (Cell::Text(s), _) => s.clone(),
            (Cell::Word(w), local) => word(w, local).to_string(),
            (Cell::Name(n), local) => word(n, local).to_string(),
            (Cell::Amount(d), None) => d.to_string(),
            (Cell::Amount(d), Some(f)) => f.amount(*d),
            (Cell::Date(d), None) => d.to_string(),
            (Cell::Date(d), Some(f)) => f.date(*d)?,
            (Cell::Number(n), None) => n.to_string(),
            (Cell::Number(n), Some(f)) => f.number(*n),
            (Cell::Phrase(parts), local) => parts
                .iter()
                .map(|c| c.show(local))
                .collect::<Result<Vec<_>, _>>()?
                .join(" "),
            (Cell::Dates(ds), local) => ds
                .iter()
                .map(|d| Cell::Date(*d).show(local))
                .collect::<Result<Vec<_>, _>>()?
                .join(" "),
        })
    }
    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Amount(_) | Cell::Number(_))
    }
}

/// `w` in the locale's language, or as it is without a locale.
fn word<'a>(w: &'a str, local: Option<&LocalFormat>) -> &'a str {
    match local {
        Some(f) => name(w, f.locale()),
        None => w,
    }
}

/// A report flattened for the terminal or a spreadsheet.
pub struct Grid {
    /// The report's name, a word of the catalogue ("Trial balance").
    pub report: &'static str,
    /// What it is of: the organisation, the member, the dates.
    pub subject: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Grid {
    pub fn new(report: &'static str, subject: String, headers: Vec<&'static str>) -> Grid {
        Grid {
            report,
            subject,
            headers,
            rows: Vec::new(),
        }
    }
    fn title(&self, local: Option<&LocalFormat>) -> String {
        format!("{}: {}", word(self.report, local), self.subject)
    }
    pub fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.headers.len(), "{}", self.report);
        self.rows.push(cells);
    }
    fn shown(&self, local: Option<&LocalFormat>) -> Result<Vec<Vec<String>>, Error> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.show(local)).collect())
            .collect()
    }
    /// Aligned columns, amounts and numbers to the right (to the left of a
    /// right-to-left reader in Persian, where the terminal mirrors the line).
    pub fn table(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
        let rows = self.shown(local)?;
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|h| word(h, local).to_string())
            .collect();
        let mut width: Vec<usize> = headers.iter().map(|h| h.width()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.width());
            }
        }
        let line = |cells: &[String], numeric: &dyn Fn(usize) -> bool| -> String {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(width[i].saturating_sub(c.width()));
                    if numeric(i) {
                        format!("{pad}{c}")
                    } else {
                        format!("{c}{pad}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = format!("{}\n", self.title(local));
        out += &line(&headers, &|_| false);
        out.push('\n');
        for (cells, shown) in self.rows.iter().zip(&rows) {
            out += &line(shown, &|i| cells[i].is_numeric());
            out.push('\n');
        }
        Ok(out)
    }
    pub fn csv(&self, local: Option<&LocalFormat>) -> Result<String, Error> {
        let field = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = self
            .headers
            .iter()
            .map(|h| field(word(h, local)))
            .collect::<Vec<_>>()
            .join(",")
            + "\n";
        for r in self.shown(local)? {
            out += &(r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n");
        }
        Ok(out)
    }
}

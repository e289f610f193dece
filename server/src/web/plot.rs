//! Plots as inline SVG drawn on the server: lines of figures by month, and
//! bars of counts. No charting service and no script; colours come from the
//! stylesheet (`.s0`, `.s1` …). Each line carries its figures in
//! `data-values`, so a test can read what was drawn.

use chrono::NaiveDate;
use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::Reader;

// The drawing's own units; the page scales it to its box, so the text is
// drawn large enough to stay readable at a third of this width.
const W: f64 = 480.0;
const H: f64 = 260.0;
const LEFT: f64 = 112.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 34.0;

pub struct Series<'a> {
    pub name: &'a str,
    pub points: Vec<Decimal>,
}

fn y_of(v: Decimal, max: Decimal) -> f64 {
    let share = if max > Decimal::ZERO {
        (v / max).to_f64().unwrap_or(0.0)
    } else {
        0.0
    };
    TOP + (H - TOP - BOTTOM) * (1.0 - share.clamp(0.0, 1.0))
}

fn x_of(i: usize, n: usize) -> f64 {
    if n <= 1 {
        LEFT
    } else {
        LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64
    }
}

/// Lines of figures at each month's end in `months`; `percent` shows the
/// axis as shares (PAR30).
pub fn lines(
    r: &Reader,
    title: &str,
    months: &[NaiveDate],
    series: &[Series],
    percent: bool,
) -> Markup {
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .fold(Decimal::ZERO, Decimal::max);
    let label = |v: Decimal| {
        if percent {
            r.percent(v)
        } else {
            r.amount(v.round_dp(0))
        }
    };
    let n = months.len();
    let ticks: Vec<usize> = match n {
        0 => vec![],
        1 => vec![0],
        _ => vec![0, (n - 1) / 2, n - 1],
    };
    html! {
        figure.plot {
            figcaption { (title) }
            svg viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(title) {
                title { (title) }
                line.axis x1=(LEFT) y1=(H - BOTTOM) x2=(W - RIGHT) y2=(H - BOTTOM) {}
                line.axis x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(H - BOTTOM) {}
                @for v in [Decimal::ZERO, max / Decimal::from(2), max] {
                    text.tick x=(LEFT - 6.0) y=(y_of(v, max) + 4.0) text-anchor="end" { (label(v)) }
                }
                @for &i in &ticks {
                    @let anchor = if i == 0 { "start" } else if i + 1 == n { "end" } else { "middle" };
                    text.tick x=(x_of(i, n)) y=(H - 8.0) text-anchor=(anchor) { (r.date(months[i])) }
                }
                @for (k, s) in series.iter().enumerate() {
                    polyline class={ "line s" (k) } fill="none"
                        data-series=(s.name)
                        data-values=(s.points.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" "))
                        points=(s.points.iter().enumerate()
                            .map(|(i, p)| format!("{:.1},{:.1}", x_of(i, n), y_of(*p, max)))
                            .collect::<Vec<_>>().join(" ")) {}
                }
            }
            ul.legend {
                @for (k, s) in series.iter().enumerate() {
                    li { span class={ "key s" (k) } {} (s.name) }
                }
            }
        }
    }
}

/// Bars of counts, one per label.
pub fn bars(r: &Reader, title: &str, bars: &[(String, i64)]) -> Markup {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let slot = (W - LEFT - RIGHT) / bars.len().max(1) as f64;
    html! {
        figure.plot {
            figcaption { (title) }
            svg viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(title) {
                title { (title) }
                line.axis x1=(LEFT) y1=(H - BOTTOM) x2=(W - RIGHT) y2=(H - BOTTOM) {}
                @for (i, (name, count)) in bars.iter().enumerate() {
                    @let h = (H - TOP - BOTTOM) * *count as f64 / max as f64;
                    @let x = LEFT + slot * i as f64 + slot * 0.2;
                    rect class={ "bar s" (i) } x=(format!("{x:.1}")) y=(format!("{:.1}", H - BOTTOM - h))
                        width=(format!("{:.1}", slot * 0.6)) height=(format!("{h:.1}"))
                        data-label=(name) data-value=(count) {}
                    text.tick x=(format!("{:.1}", x + slot * 0.3)) y=(H - 8.0) text-anchor="middle" { (name) }
                    text.tick x=(format!("{:.1}", x + slot * 0.3)) y=(format!("{:.1}", H - BOTTOM - h - 4.0))
                        text-anchor="middle" { (r.count(*count)) }
                }
            }
        }
    }
}

//! The report as one self-contained HTML page: inline CSS (light and dark schemes, print on
//! A4 or Letter), inline SVG charts (`svg.rs`) each with the table of its numbers, no
//! script, nothing fetched (a Content-Security-Policy of `default-src 'none'` says so to the
//! browser). The page is an askama template (`templates/report.html`), checked when the crate
//! is compiled; askama escapes every value for HTML.

use askama::Template;

use crate::model::{Count, Metric, RATING_NAMES, Report};
use crate::svg::{self, Chart, Kind, Series};

/// The page: the report and its charts (SVG markup, made from the report's own numbers).
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    r: &'a Report,
    metrics: [(&'static str, &'static str, &'a Metric); 5],
    top_lists: [(&'static str, &'a [Count]); 3],
    open_chart: String,
    aging_chart: String,
    timeliness_chart: String,
    trend_open_chart: String,
    trend_flow_chart: String,
    trend_overdue_chart: String,
}

/// The CSS classes of the rating series, in [`RATING_NAMES`] order.
const RATING_CLASSES: [&str; 4] = ["s-high", "s-moderate", "s-low", "s-unrated"];

fn rating_series(per_rating: impl Fn(usize) -> Vec<f64>) -> Vec<Series> {
    RATING_NAMES
        .iter()
        .zip(RATING_CLASSES)
        .enumerate()
        .map(|(i, (name, class))| Series {
            name: (*name).to_owned(),
            class,
            values: per_rating(i),
        })
        .collect()
}

fn counts(v: impl IntoIterator<Item = usize>) -> Vec<f64> {
    v.into_iter().map(|n| n as f64).collect()
}

fn open_chart(r: &Report) -> Chart {
    let m = &r.headline.open;
    Chart {
        title: "Open items by risk rating, as counted and as originally rated".into(),
        categories: RATING_NAMES.iter().map(|s| (*s).to_owned()).collect(),
        series: vec![
            Series {
                name: "counted".into(),
                class: "s-counted",
                values: counts(m.by_rating.counts()),
            },
            Series {
                name: "original".into(),
                class: "s-original",
                values: counts(m.by_original_rating.counts()),
            },
        ],
        kind: Kind::Grouped,
        unit: "",
    }
}

fn aging_chart(r: &Report) -> Chart {
    Chart {
        title: "Open items by days since detection and rating".into(),
        categories: r.aging.classes.iter().map(|s| (*s).to_owned()).collect(),
        series: rating_series(|i| counts(r.aging.rows[i].counts.iter().copied())),
        kind: Kind::Stacked,
        unit: "",
    }
}

fn timeliness_chart(r: &Report) -> Chart {
    let by = &r.remediation.by_rating;
    Chart {
        title: "Closed items remediated within FedRAMP's deadline, percent by rating".into(),
        categories: by.iter().map(|t| t.rating.to_owned()).collect(),
        series: vec![Series {
            name: "on time".into(),
            class: "s-closed",
            values: by
                .iter()
                .map(|t| t.percent_on_time.unwrap_or(0.0))
                .collect(),
        }],
        kind: Kind::Grouped,
        unit: "%",
    }
}

fn cycle_names(r: &Report) -> Vec<String> {
    r.trend.iter().map(|t| t.date.to_string()).collect()
}

fn trend_charts(r: &Report) -> [Chart; 3] {
    let open = Chart {
        title: "Open items per cycle, by rating".into(),
        categories: cycle_names(r),
        series: rating_series(|i| counts(r.trend.iter().map(|t| t.open.counts()[i]))),
        kind: Kind::Stacked,
        unit: "",
    };
    let flow = Chart {
        title: "New and closed items since the previous file, per cycle".into(),
        categories: cycle_names(r),
        series: vec![
            Series {
                name: "new".into(),
                class: "s-new",
                values: counts(r.trend.iter().map(|t| t.new.unwrap_or(0))),
            },
            Series {
                name: "closed".into(),
                class: "s-closed",
                values: counts(r.trend.iter().map(|t| t.closed.unwrap_or(0))),
            },
        ],
        kind: Kind::Grouped,
        unit: "",
    };
    let overdue = Chart {
        title: "Overdue items per cycle".into(),
        categories: cycle_names(r),
        series: vec![Series {
            name: "overdue".into(),
            class: "s-high",
            values: counts(r.trend.iter().map(|t| t.overdue)),
        }],
        kind: Kind::Line,
        unit: "",
    };
    [open, flow, overdue]
}

// The template calls these as `self.x(..)` on the report's fields as they are (`&Option`).
#[allow(clippy::unused_self, clippy::ref_option)]
impl Page<'_> {
    /// `–` for a value not known.
    fn or_dash<T: std::fmt::Display>(&self, v: &Option<T>) -> String {
        v.as_ref()
            .map_or_else(|| "–".to_owned(), ToString::to_string)
    }

    fn percent(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "–".to_owned(), |p| format!("{p:.1}%"))
    }

    fn days(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "–".to_owned(), |d| format!("{d:.1}"))
    }

    /// Whether a headline card is drawn as an alarm: items are overdue.
    fn alert(&self, key: &str, m: &Metric) -> bool {
        key == "overdue" && m.total > 0
    }

    fn stale_vendors(&self) -> usize {
        self.r
            .vendor_dependencies
            .iter()
            .filter(|v| v.stale)
            .count()
    }

    fn aging_total(&self) -> usize {
        self.r.aging.totals.iter().sum()
    }
}

/// The whole page.
pub(crate) fn render(r: &Report) -> String {
    let [trend_open, trend_flow, trend_overdue] = trend_charts(r);
    let page = Page {
        r,
        metrics: r.headline.metrics(),
        top_lists: [
            ("Controls", &r.top.controls),
            ("Assets", &r.top.assets),
            ("Weaknesses", &r.top.weaknesses),
        ],
        open_chart: svg::render(&open_chart(r)),
        aging_chart: svg::render(&aging_chart(r)),
        timeliness_chart: svg::render(&timeliness_chart(r)),
        trend_open_chart: svg::render(&trend_open),
        trend_flow_chart: svg::render(&trend_flow),
        trend_overdue_chart: svg::render(&trend_overdue),
    };
    // Rendering writes into a String and every value displays without error, so a failure
    // here is a bug in a template filter; it is shown rather than hidden.
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><title>report</title><p>error: {e}</p>\n"))
}

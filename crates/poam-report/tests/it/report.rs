//! The report of the bundled fixtures (`fixtures/report/`: three monthly cycles built from
//! `fixtures/cycles/` by `poam merge`, see `fixtures/README.md`), its numbers checked by hand,
//! and the renderings held to the same numbers.

use std::path::PathBuf;

use chrono::NaiveDate;
use poam_model::Document;
use poam_report::{Input, Options, Report, ReportError, compute};
use serde_json::Value;

const CYCLES: [&str; 3] = ["2024-06.json", "2024-07.json", "2024-08.json"];

fn fixture(name: &str) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/report")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    poam_io::read(&bytes, &poam_io::SourceName::path(&path), None).expect("a POA&M")
}

fn report_of(names: &[&str], options: &Options) -> Report {
    let docs: Vec<Document> = names.iter().map(|n| fixture(n)).collect();
    let inputs: Vec<Input<'_>> = names
        .iter()
        .zip(&docs)
        .map(|(n, d)| Input { source: n, doc: d })
        .collect();
    compute(&inputs, options).expect("a report")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn json(r: &Report) -> Value {
    serde_json::from_str(&poam_report::json(r)).expect("JSON")
}

#[test]
fn three_cycles_hand_checked() {
    let r = report_of(&CYCLES, &Options::default());
    let v = json(&r);
    assert_eq!(v["schema"], "poam-report/1");
    // The as-of date defaults to the last cycle's; the cycle began at the previous one.
    assert_eq!(v["as-of"], "2024-08-01");
    assert_eq!(v["cycle-start"], "2024-07-01");
    let h = &v["headline"];
    // 12 items, 3 closed (V-0001, V-0007, V-0011): 9 open, one of them unrated (V-0012).
    assert_eq!(h["open"]["total"], 9);
    assert_eq!(h["open"]["by-rating"]["unrated"], 1);
    // V-0009's approved risk adjustment counts it moderate; its original rating is high.
    assert_eq!(h["open"]["by-rating"]["high"], 3);
    assert_eq!(h["open"]["by-original-rating"]["high"], 4);
    // V-0005 (due 2024-07-05) and V-0006 (due 2024-07-27); V-0010 has no deadline.
    assert_eq!(h["overdue"]["total"], 2);
    assert_eq!(h["overdue"]["uncertain"], 1);
    let overdue: Vec<(&str, i64)> = r
        .overdue
        .iter()
        .map(|o| (o.item.as_str(), o.days_overdue))
        .collect();
    assert_eq!(overdue, [("V-0005", 27), ("V-0006", 5)]);
    // V-0007 closed 2024-08-01 and V-0011 closed 2024-07-25 (new this cycle, already closed).
    assert_eq!(h["closed-this-cycle"]["total"], 2);
    assert_eq!(h["due-30-days"]["total"], 1);
    assert_eq!(h["deviations-pending"]["total"], 2);
    // The KEV item is past its KEV due date by one day.
    assert_eq!(v["kev"][0]["item"], "V-0008");
    assert_eq!(v["kev"][0]["days-left"], -1);
    // Aging: every open item is in one class, the undated one in `unknown`.
    assert_eq!(v["aging"]["totals"], serde_json::json!([3, 4, 1, 0, 0, 1]));
    // Days to close: V-0001 (2024-06-01 -> 07-01, 30), V-0007 (35), V-0011 (27).
    assert_eq!(v["remediation"]["mean-days"], 30.7);
    assert_eq!(v["remediation"]["median-days"], 30.0);
    // Trend from `poam diff`: 2 new and 1 closed in July, 5 new and 1 closed in August.
    let trend: Vec<(u64, u64)> = v["trend"].as_array().expect("trend")[1..]
        .iter()
        .map(|t| {
            (
                t["new"].as_u64().unwrap_or(99),
                t["closed"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(trend, [(2, 1), (5, 1)]);
    // Data problems are listed, not dropped.
    let problems: Vec<&str> = r
        .data_problems
        .items
        .iter()
        .map(|p| p.item.as_str())
        .collect();
    assert_eq!(problems, ["V-0010", "V-0012"]);
}

#[test]
fn input_order_does_not_matter() {
    let sorted = report_of(&CYCLES, &Options::default());
    let shuffled = report_of(&[CYCLES[2], CYCLES[0], CYCLES[1]], &Options::default());
    assert_eq!(poam_report::json(&sorted), poam_report::json(&shuffled));
}

#[test]
fn one_cycle_and_a_later_as_of() {
    let r = report_of(
        &["2024-08.json"],
        &Options {
            as_of: Some(day("2024-09-15")),
            title: Some("September | review".into()),
        },
    );
    assert_eq!(r.as_of.to_string(), "2024-09-15");
    assert_eq!(r.cycle_start.to_string(), "2024-08-15");
    assert!(r.last_cycle.is_none());
    assert_eq!(r.trend.len(), 1);
    // Six weeks later, V-0008 (due 2024-08-09) is overdue too; the vendor check-in of
    // 2024-07-22 is 55 days old.
    assert!(r.overdue.iter().any(|o| o.item == "V-0008"));
    assert!(r.vendor_dependencies.iter().all(|v| v.stale));
    // Nothing closed between 2024-08-15 and 2024-09-15.
    assert_eq!(r.headline.closed_this_cycle.total, 0);
    let md = poam_report::markdown(&r);
    assert!(md.starts_with("# September \\| review\n"), "{md}");
}

#[test]
fn no_documents_is_an_error() {
    assert_eq!(
        compute(&[], &Options::default()).err(),
        Some(ReportError::NoDocuments)
    );
}

/// Every headline number of the JSON is in the Markdown's headline table, in its row.
#[test]
fn markdown_says_the_json_numbers() {
    let r = report_of(&CYCLES, &Options::default());
    let v = json(&r);
    let md = poam_report::markdown(&r);
    for (key, label, _) in r.headline.metrics() {
        let m = &v["headline"][key];
        let (rated, original) = (&m["by-rating"], &m["by-original-rating"]);
        let row = format!(
            "| {label} | {} | {} | {} | {} | {} | {} / {} / {} / {} | {} |",
            m["total"],
            rated["high"],
            rated["moderate"],
            rated["low"],
            rated["unrated"],
            original["high"],
            original["moderate"],
            original["low"],
            original["unrated"],
            m["uncertain"]
        );
        assert!(md.contains(&row), "{row} not in\n{md}");
    }
}

#[test]
fn snapshots() {
    let r = report_of(&CYCLES, &Options::default());
    insta::assert_snapshot!("fixtures_json", poam_report::json(&r));
    insta::assert_snapshot!("fixtures_markdown", poam_report::markdown(&r));
}

/// The text of the element with `id="{id}"` in `html` (the element holds text only).
fn text_of<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

/// Every headline number of the JSON is in the HTML page, in the cell of its metric and rating.
#[test]
fn html_says_the_json_numbers() {
    let r = report_of(&CYCLES, &Options::default());
    let v = json(&r);
    let html = poam_report::html(&r);
    for (key, _, _) in r.headline.metrics() {
        let m = &v["headline"][key];
        let mut cells = vec![
            (format!("{key}-total"), m["total"].to_string()),
            (format!("{key}-uncertain"), m["uncertain"].to_string()),
        ];
        for rating in ["high", "moderate", "low", "unrated"] {
            cells.push((
                format!("{key}-{rating}"),
                m["by-rating"][rating].to_string(),
            ));
            cells.push((
                format!("{key}-original-{rating}"),
                m["by-original-rating"][rating].to_string(),
            ));
        }
        for (id, want) in cells {
            assert_eq!(text_of(&html, &id), Some(want.as_str()), "{id}");
        }
    }
    assert_eq!(text_of(&html, "mean-days"), Some("30.7"));
    assert_eq!(text_of(&html, "as-of"), Some("2024-08-01"));
}

/// The page loads nothing: a CSP of `default-src 'none'`, no script, and no `src` or `href`
/// but fragments.
#[test]
fn html_is_self_contained() {
    let r = report_of(&CYCLES, &Options::default());
    let html = poam_report::html(&r);
    assert!(html.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">"#
    ));
    assert!(!html.contains("<script"));
    for attr in ["src=", "href="] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with("\"#"),
                "{attr} loads something: {}",
                &value[..40.min(value.len())]
            );
        }
    }
    assert!(!html.contains("url("), "no CSS url() either");
    assert!(!html.contains("@import"));
}

#[test]
fn html_escapes_what_the_documents_say() {
    let r = report_of(
        &["2024-08.json"],
        &Options {
            as_of: None,
            title: Some("<script>alert(1)</script> & co".into()),
        },
    );
    let html = poam_report::html(&r);
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; co")
            || html.contains("&lt;script&gt;"),
        "{}",
        &html[..2000]
    );
}

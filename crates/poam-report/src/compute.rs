//! The one computation: documents and an as-of date in, [`Report`] out.

use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use poam_model::Document;

use crate::facts::{self, DeviationKind, Facts};
use crate::model::{
    AGE_CLASSES, Aging, AgingRow, ByRating, ChangedItem, ClosedItem, Count, CycleInfo,
    DataProblems, Day, DeviationCounts, DeviationItem, Deviations, DueItem, Headline, KevItem,
    LastCycle, Metric, MilestoneDue, OverdueItem, Problem, ProblemCount, ProblemItem, RATING_NAMES,
    Remediation, Report, SCHEMA, System, Timeliness, Top, TrendPoint, VendorItem, rating_name,
};
use crate::rules::{RiskRating, VENDOR_CHECK_IN_DAYS};

/// One input document: a monthly cycle of the POA&M, and the name the report gives it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The name the report gives the document (its file name, say).
    pub source: &'a str,
    /// The document.
    pub doc: &'a Document,
}

/// What the caller decides.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The day numbers are judged at; default the last document's date.
    pub as_of: Option<NaiveDate>,
    /// Default "Continuous monitoring report".
    pub title: Option<String>,
}

/// Why no report can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// No document was given.
    #[error("no POA&M to report on")]
    NoDocuments,
    #[error(
        "{document}: metadata last-modified {value:?} is not a date-time, so the cycle cannot be placed in time"
    )]
    /// A document's `last-modified` is not a date-time.
    NoDate {
        /// The document's name ([`Input::source`]).
        document: String,
        /// The `last-modified` value as written.
        value: String,
    },
}

/// How far ahead "due soon" looks.
const SOON_DAYS: i64 = 30;
/// How many controls, assets and weaknesses the report names.
const TOP: usize = 10;

/// The report of `inputs` (in any order: they are sorted by their `last-modified` date, ties
/// kept in the order given).
pub fn compute(inputs: &[Input<'_>], options: &Options) -> Result<Report, ReportError> {
    let mut dated = Vec::with_capacity(inputs.len());
    for i in inputs {
        let lm = &i.doc.plan_of_action_and_milestones.metadata.last_modified;
        let date = lm.date().ok_or_else(|| ReportError::NoDate {
            document: i.source.to_owned(),
            value: lm.to_string(),
        })?;
        dated.push((date, *i));
    }
    dated.sort_by_key(|(d, _)| *d);
    let Some(&(last_date, last)) = dated.last() else {
        return Err(ReportError::NoDocuments);
    };
    let as_of = options.as_of.unwrap_or(last_date);
    let previous = dated.len().checked_sub(2).map(|i| dated[i].0);
    let cycle_start = previous.unwrap_or_else(|| {
        as_of
            .checked_sub_months(Months::new(1))
            .unwrap_or(NaiveDate::MIN)
    });
    let poam = &last.doc.plan_of_action_and_milestones;
    let items = facts::of_document(poam);
    let window = Window { as_of, cycle_start };
    let diffs: Vec<poam_cycle::Diff> = dated
        .windows(2)
        .map(|w| poam_cycle::diff(w[0].1.doc, w[0].1.source, w[1].1.doc, w[1].1.source))
        .collect();
    Ok(Report {
        schema: SCHEMA,
        title: options
            .title
            .clone()
            .unwrap_or_else(|| "Continuous monitoring report".to_owned()),
        as_of: Day(as_of),
        cycle_start: Day(cycle_start),
        system: System {
            document_title: poam.metadata.title.to_markdown(),
            system_id: poam.system_id.as_ref().map(|s| s.value.clone()),
        },
        cycles: dated
            .iter()
            .map(|(d, i)| CycleInfo {
                source: i.source.to_owned(),
                date: Day(*d),
                version: i.doc.plan_of_action_and_milestones.metadata.version.clone(),
                items: i.doc.plan_of_action_and_milestones.poam_items.len(),
            })
            .collect(),
        headline: headline(&items, window),
        overdue: overdue(&items, as_of),
        due_30_days: due_soon(&items, as_of),
        aging: aging(&items, as_of),
        deviations: deviations(&items),
        vendor_dependencies: vendors(&items, as_of),
        kev: kev(&items, as_of),
        milestones_due: milestones_due(&items, as_of),
        closed_this_cycle: closed_this_cycle(&items, window),
        remediation: remediation(&items),
        top: top(&items),
        trend: trend(&dated, &diffs, &items, as_of),
        last_cycle: diffs.last().map(last_cycle),
        data_problems: data_problems(&items),
    })
}

#[derive(Debug, Clone, Copy)]
struct Window {
    as_of: NaiveDate,
    cycle_start: NaiveDate,
}

impl Window {
    fn closed_within(self, f: &Facts) -> Option<bool> {
        if f.open {
            return Some(false);
        }
        f.closed_on.map(|d| d > self.cycle_start && d <= self.as_of)
    }
}

fn headline(items: &[Facts], w: Window) -> Headline {
    let mut h = Headline::default();
    for f in items {
        let add = |m: &mut Metric, yes: Option<bool>| match yes {
            Some(true) => m.add(f.rating, f.original),
            Some(false) => {}
            None => m.uncertain += 1,
        };
        add(&mut h.closed_this_cycle, w.closed_within(f));
        if !f.open {
            continue;
        }
        add(&mut h.open, Some(true));
        add(&mut h.overdue, f.overdue(w.as_of));
        add(&mut h.due_30_days, f.deadline.map(|d| is_soon(d, w.as_of)));
        add(&mut h.deviations_pending, Some(f.deviation_pending()));
    }
    h
}

/// Within the next 30 days, the as-of date included.
fn is_soon(d: NaiveDate, as_of: NaiveDate) -> bool {
    let days = (d - as_of).num_days();
    (0..=SOON_DAYS).contains(&days)
}

fn overdue(items: &[Facts], as_of: NaiveDate) -> Vec<OverdueItem> {
    let mut out: Vec<OverdueItem> = items
        .iter()
        .filter(|f| f.overdue(as_of) == Some(true))
        .filter_map(|f| {
            let deadline = f.deadline?;
            Some(OverdueItem {
                item: f.label.clone(),
                weakness: f.weakness.clone(),
                rating: rating_name(f.rating),
                original_rating: rating_name(f.original),
                deadline: Day(deadline),
                days_overdue: (as_of - deadline).num_days(),
                vendor_dependency: f.vendor.clone(),
            })
        })
        .collect();
    out.sort_by_key(|o| std::cmp::Reverse(o.days_overdue));
    out
}

fn due_soon(items: &[Facts], as_of: NaiveDate) -> Vec<DueItem> {
    let mut out: Vec<DueItem> = items
        .iter()
        .filter(|f| f.open)
        .filter_map(|f| {
            let d = f.deadline.filter(|d| is_soon(*d, as_of))?;
            Some(DueItem {
                item: f.label.clone(),
                weakness: f.weakness.clone(),
                rating: rating_name(f.rating),
                deadline: Day(d),
                days_left: (d - as_of).num_days(),
            })
        })
        .collect();
    out.sort_by_key(|d| d.days_left);
    out
}

/// The [`AGE_CLASSES`] index of an age in days (the last: unknown).
fn age_class(days: Option<i64>) -> usize {
    match days {
        None => 5,
        Some(d) if d <= 30 => 0,
        Some(d) if d <= 90 => 1,
        Some(d) if d <= 180 => 2,
        Some(d) if d <= 365 => 3,
        Some(_) => 4,
    }
}

fn rating_row(r: Option<RiskRating>) -> usize {
    match r {
        Some(RiskRating::High) => 0,
        Some(RiskRating::Moderate) => 1,
        Some(RiskRating::Low) => 2,
        None => 3,
    }
}

fn aging(items: &[Facts], as_of: NaiveDate) -> Aging {
    let mut grid = [[0usize; AGE_CLASSES.len()]; RATING_NAMES.len()];
    for f in items.iter().filter(|f| f.open) {
        let class = age_class(f.detected.map(|d| (as_of - d).num_days()));
        grid[rating_row(f.rating)][class] += 1;
    }
    let totals = (0..AGE_CLASSES.len())
        .map(|c| grid.iter().map(|row| row[c]).sum())
        .collect();
    Aging {
        classes: AGE_CLASSES.to_vec(),
        rows: RATING_NAMES
            .iter()
            .zip(grid)
            .map(|(name, row)| AgingRow {
                rating: name,
                counts: row.to_vec(),
                total: row.iter().sum(),
            })
            .collect(),
        totals,
    }
}

fn kind_name(k: DeviationKind) -> &'static str {
    k.prop()
}

fn deviations(items: &[Facts]) -> Deviations {
    let counts = DeviationKind::ALL
        .iter()
        .map(|&k| {
            let mut c = DeviationCounts {
                kind: kind_name(k),
                ..DeviationCounts::default()
            };
            for v in items.iter().filter_map(|f| f.deviation(k)) {
                match v {
                    "investigating" => c.investigating += 1,
                    "pending" => c.pending += 1,
                    "approved" => c.approved += 1,
                    "withdrawn" => c.withdrawn += 1,
                    _ => c.other += 1,
                }
            }
            c
        })
        .collect();
    let requests = items
        .iter()
        .filter(|f| f.open)
        .flat_map(|f| {
            f.deviations
                .iter()
                .filter(|(_, v)| v == "pending" || v == "investigating")
                .map(move |(k, v)| DeviationItem {
                    item: f.label.clone(),
                    weakness: f.weakness.clone(),
                    kind: kind_name(*k),
                    status: v.clone(),
                    rating: rating_name(f.rating),
                    original_rating: rating_name(f.original),
                    adjusted_rating: f.adjusted.map(RiskRating::as_str),
                })
        })
        .collect();
    Deviations { counts, requests }
}

fn vendors(items: &[Facts], as_of: NaiveDate) -> Vec<VendorItem> {
    let mut out: Vec<VendorItem> = items
        .iter()
        .filter(|f| f.open && f.vendor_active())
        .map(|f| {
            let days = f.last_check_in.map(|d| (as_of - d).num_days());
            VendorItem {
                item: f.label.clone(),
                weakness: f.weakness.clone(),
                vendor_dependency: f.vendor.clone().unwrap_or_default(),
                last_check_in: f.last_check_in.map(Day),
                days_since_check_in: days,
                stale: days.is_none_or(|d| d > VENDOR_CHECK_IN_DAYS),
            }
        })
        .collect();
    // Stale first, the longest silence first; never checked in counts as longest.
    out.sort_by_key(|v| std::cmp::Reverse(v.days_since_check_in.unwrap_or(i64::MAX)));
    out
}

fn kev(items: &[Facts], as_of: NaiveDate) -> Vec<KevItem> {
    let mut out: Vec<KevItem> = items
        .iter()
        .filter(|f| f.open && (f.kev || f.kev_due.is_some()))
        .map(|f| KevItem {
            item: f.label.clone(),
            weakness: f.weakness.clone(),
            rating: rating_name(f.rating),
            kev_due_date: f.kev_due.map(Day),
            days_left: f.kev_due.map(|d| (d - as_of).num_days()),
        })
        .collect();
    out.sort_by_key(|k| k.days_left.unwrap_or(i64::MAX));
    out
}

fn milestones_due(items: &[Facts], as_of: NaiveDate) -> Vec<MilestoneDue> {
    let mut out: Vec<MilestoneDue> = items
        .iter()
        .filter(|f| f.open)
        .flat_map(|f| {
            f.milestones.iter().filter_map(move |m| {
                let due = m.due.filter(|d| is_soon(*d, as_of))?;
                Some(MilestoneDue {
                    item: f.label.clone(),
                    milestone: m.title.clone(),
                    due: Day(due),
                    days_left: (due - as_of).num_days(),
                })
            })
        })
        .collect();
    out.sort_by_key(|m| m.days_left);
    out
}

/// Closed by FedRAMP's deadline; `None` without the dates to judge.
fn on_time(f: &Facts) -> Option<bool> {
    Some(f.closed_on? <= f.fedramp_deadline()?)
}

fn days_to_close(f: &Facts) -> Option<i64> {
    Some((f.closed_on? - f.detected?).num_days())
}

fn closed_this_cycle(items: &[Facts], w: Window) -> Vec<ClosedItem> {
    items
        .iter()
        .filter(|f| w.closed_within(f) == Some(true))
        .filter_map(|f| {
            Some(ClosedItem {
                item: f.label.clone(),
                weakness: f.weakness.clone(),
                rating: rating_name(f.rating),
                closed_on: Day(f.closed_on?),
                detected: f.detected.map(Day),
                days_to_close: days_to_close(f),
                on_time: on_time(f),
            })
        })
        .collect()
}

/// `x` rounded to one decimal.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn remediation(items: &[Facts]) -> Remediation {
    let closed: Vec<&Facts> = items.iter().filter(|f| !f.open).collect();
    let by_rating = RATING_NAMES
        .iter()
        .enumerate()
        .map(|(row, name)| {
            let mut t = Timeliness {
                rating: name,
                closed: 0,
                on_time: 0,
                late: 0,
                unknown: 0,
                percent_on_time: None,
            };
            for f in closed.iter().filter(|f| rating_row(f.rating) == row) {
                t.closed += 1;
                match on_time(f) {
                    Some(true) => t.on_time += 1,
                    Some(false) => t.late += 1,
                    None => t.unknown += 1,
                }
            }
            let judged = t.on_time + t.late;
            t.percent_on_time =
                (judged > 0).then(|| one_decimal(100.0 * t.on_time as f64 / judged as f64));
            t
        })
        .collect();
    let mut days: Vec<i64> = closed.iter().filter_map(|f| days_to_close(f)).collect();
    days.sort_unstable();
    let mean = (!days.is_empty())
        .then(|| one_decimal(days.iter().sum::<i64>() as f64 / days.len() as f64));
    let median = (!days.is_empty()).then(|| {
        let n = days.len();
        let m = if n % 2 == 1 {
            days[n / 2] as f64
        } else {
            (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
        };
        one_decimal(m)
    });
    Remediation {
        closed: closed.len(),
        by_rating,
        measured: days.len(),
        mean_days: mean,
        median_days: median,
    }
}

/// The names with most open items, most first, ties by name.
fn ranked<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Count> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let mut v: Vec<Count> = counts
        .into_iter()
        .map(|(name, open)| Count {
            name: name.to_owned(),
            open,
        })
        .collect();
    v.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.name.cmp(&b.name)));
    v.truncate(TOP);
    v
}

fn top(items: &[Facts]) -> Top {
    let open = || items.iter().filter(|f| f.open);
    Top {
        controls: ranked(open().flat_map(|f| f.controls.iter().map(String::as_str))),
        assets: ranked(open().flat_map(|f| f.assets.iter().map(String::as_str))),
        weaknesses: ranked(open().map(|f| f.weakness.as_str())),
    }
}

/// One point per cycle. `diffs[i]` compares cycle `i` with cycle `i + 1`.
fn trend(
    dated: &[(NaiveDate, Input<'_>)],
    diffs: &[poam_cycle::Diff],
    last: &[Facts],
    as_of: NaiveDate,
) -> Vec<TrendPoint> {
    let n = dated.len();
    dated
        .iter()
        .enumerate()
        .map(|(i, (date, input))| {
            let own;
            let items = if i + 1 == n {
                last
            } else {
                own = facts::of_document(&input.doc.plan_of_action_and_milestones);
                &own[..]
            };
            let at = if i + 1 == n { as_of } else { *date };
            let mut open = ByRating::default();
            for f in items.iter().filter(|f| f.open) {
                open.add(f.rating);
            }
            let since = i.checked_sub(1).map(|p| diffs[p].summary);
            TrendPoint {
                source: input.source.to_owned(),
                date: Day(*date),
                open,
                overdue: items.iter().filter(|f| f.overdue(at) == Some(true)).count(),
                new: since.map(|s| s.new),
                closed: since.map(|s| s.closed),
            }
        })
        .collect()
}

fn last_cycle(d: &poam_cycle::Diff) -> LastCycle {
    let items = d
        .items
        .iter()
        .filter(|i| i.class != poam_cycle::Class::Unchanged)
        .filter_map(|i| {
            let r = i.item()?;
            Some(ChangedItem {
                class: i.class,
                item: r.label(),
                weakness: r.title.clone(),
                changes: i.changes.iter().map(poam_cycle::Change::sentence).collect(),
            })
        })
        .collect();
    LastCycle {
        old: d.old.source.clone(),
        new: d.new.source.clone(),
        summary: d.summary,
        items,
    }
}

fn problems_of(f: &Facts) -> Vec<Problem> {
    let mut p = Vec::new();
    if !f.has_risk {
        p.push(Problem::NoRisk);
    }
    if f.rating.is_none() {
        p.push(Problem::NoRating);
    }
    if f.open && f.deadline.is_none() {
        p.push(Problem::NoDeadline);
    }
    if f.detected.is_none() {
        p.push(Problem::NoDetectionDate);
    }
    if !f.open && f.closed_on.is_none() {
        p.push(Problem::NoClosingDate);
    }
    p
}

fn data_problems(items: &[Facts]) -> DataProblems {
    let mut counts: HashMap<Problem, usize> = HashMap::new();
    let mut listed = Vec::new();
    for f in items {
        let problems = problems_of(f);
        if problems.is_empty() {
            continue;
        }
        for p in &problems {
            *counts.entry(*p).or_default() += 1;
        }
        listed.push(ProblemItem {
            item: f.label.clone(),
            weakness: f.weakness.clone(),
            open: f.open,
            problems,
        });
    }
    DataProblems {
        counts: Problem::ALL
            .iter()
            .map(|p| ProblemCount {
                problem: *p,
                items: counts.get(p).copied().unwrap_or(0),
            })
            .collect(),
        items: listed,
    }
}

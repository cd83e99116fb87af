//! The report in Markdown (GitHub-flavoured tables), for the agency email or a wiki: the same
//! sections and numbers as the HTML page, without the charts.

use std::fmt::Write;

use crate::model::{Metric, Report};

/// Text for a table cell: Markdown specials escaped, `|` escaped, on one line.
fn cell(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    poam_cycle::escape_markdown(&one_line).replace('|', "\\|")
}

fn opt<T: std::fmt::Display>(v: Option<&T>) -> String {
    v.map_or_else(|| "–".to_owned(), ToString::to_string)
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |p| format!("{p:.1}%"))
}

/// A table: header row, then rows, then a blank line.
fn table(o: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let _ = writeln!(o, "| {} |", header.join(" | "));
    let _ = writeln!(o, "|{}", " --- |".repeat(header.len()));
    for r in rows {
        let _ = writeln!(o, "| {} |", r.join(" | "));
    }
    o.push('\n');
}

/// A section that may be empty: the table, or `none` in words.
fn list_section(o: &mut String, title: &str, header: &[&str], rows: Vec<Vec<String>>, empty: &str) {
    let _ = writeln!(o, "## {title}\n");
    if rows.is_empty() {
        let _ = writeln!(o, "{empty}\n");
    } else {
        table(o, header, rows);
    }
}

/// The whole report.
pub(crate) fn render(r: &Report) -> String {
    let mut o = String::new();
    intro(&mut o, r);
    headline(&mut o, r);
    overdue(&mut o, r);
    due_soon(&mut o, r);
    aging(&mut o, r);
    deviations(&mut o, r);
    vendors(&mut o, r);
    kev_and_milestones(&mut o, r);
    closed(&mut o, r);
    remediation(&mut o, r);
    top(&mut o, r);
    trend(&mut o, r);
    last_cycle(&mut o, r);
    problems(&mut o, r);
    o
}

fn intro(o: &mut String, r: &Report) {
    let _ = writeln!(o, "# {}\n", cell(&r.title));
    let system = match &r.system.system_id {
        Some(id) => format!("{} (system {})", cell(&r.system.document_title), cell(id)),
        None => cell(&r.system.document_title),
    };
    let _ = writeln!(o, "{system}  ");
    let _ = writeln!(
        o,
        "As of **{}**; this cycle: after {} up to {}.\n",
        r.as_of, r.cycle_start, r.as_of
    );
    let _ = writeln!(o, "Cycles:\n");
    for c in &r.cycles {
        let _ = writeln!(
            o,
            "- `{}`: {} (version {}), {} items",
            c.source.replace('`', "'"),
            c.date,
            cell(&c.version),
            c.items
        );
    }
    o.push('\n');
}

/// The headline table; its rows are what the tests compare with the JSON.
pub(crate) fn headline_row(label: &str, m: &Metric) -> Vec<String> {
    let b = &m.by_rating;
    let a = &m.by_original_rating;
    vec![
        label.to_owned(),
        m.total.to_string(),
        b.high.to_string(),
        b.moderate.to_string(),
        b.low.to_string(),
        b.unrated.to_string(),
        format!("{} / {} / {} / {}", a.high, a.moderate, a.low, a.unrated),
        m.uncertain.to_string(),
    ]
}

fn headline(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Headline\n");
    table(
        o,
        &[
            "",
            "Total",
            "High",
            "Moderate",
            "Low",
            "Unrated",
            "Original rating (H / M / L / unrated)",
            "Undecided",
        ],
        r.headline
            .metrics()
            .iter()
            .map(|(_, label, m)| headline_row(label, m)),
    );
    let _ = writeln!(
        o,
        "Ratings are the adjusted ones where a risk adjustment was approved. *Undecided*: items \
         the number could not be decided for (see Data problems).\n"
    );
}

fn overdue(o: &mut String, r: &Report) {
    let rows = r
        .overdue
        .iter()
        .map(|i| {
            vec![
                cell(&i.item),
                cell(&i.weakness),
                i.rating.to_owned(),
                i.deadline.to_string(),
                i.days_overdue.to_string(),
                opt(i.vendor_dependency.as_ref()),
            ]
        })
        .collect();
    list_section(
        o,
        "Overdue items",
        &[
            "Item",
            "Weakness",
            "Rating",
            "Deadline",
            "Days overdue",
            "Vendor dependency",
        ],
        rows,
        "No open item is past its deadline.",
    );
}

fn due_soon(o: &mut String, r: &Report) {
    let rows = r
        .due_30_days
        .iter()
        .map(|i| {
            vec![
                cell(&i.item),
                cell(&i.weakness),
                i.rating.to_owned(),
                i.deadline.to_string(),
                i.days_left.to_string(),
            ]
        })
        .collect();
    list_section(
        o,
        "Due in the next 30 days",
        &["Item", "Weakness", "Rating", "Deadline", "Days left"],
        rows,
        "No open item is due in the next 30 days.",
    );
}

fn aging(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Aging of open items\n");
    let _ = writeln!(o, "Days since detection.\n");
    let mut header = vec!["Rating"];
    header.extend(r.aging.classes.iter().copied());
    header.push("Total");
    let mut rows: Vec<Vec<String>> = r
        .aging
        .rows
        .iter()
        .map(|row| {
            let mut v = vec![row.rating.to_owned()];
            v.extend(row.counts.iter().map(ToString::to_string));
            v.push(row.total.to_string());
            v
        })
        .collect();
    let mut total = vec!["all".to_owned()];
    total.extend(r.aging.totals.iter().map(ToString::to_string));
    total.push(r.aging.totals.iter().sum::<usize>().to_string());
    rows.push(total);
    table(o, &header, rows);
}

fn deviations(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Deviations\n");
    table(
        o,
        &[
            "Deviation",
            "Investigating",
            "Pending",
            "Approved",
            "Withdrawn",
            "Other",
        ],
        r.deviations.counts.iter().map(|c| {
            vec![
                c.kind.to_owned(),
                c.investigating.to_string(),
                c.pending.to_string(),
                c.approved.to_string(),
                c.withdrawn.to_string(),
                c.other.to_string(),
            ]
        }),
    );
    if !r.deviations.requests.is_empty() {
        let _ = writeln!(o, "Requests not yet decided:\n");
        table(
            o,
            &[
                "Item",
                "Weakness",
                "Deviation",
                "Status",
                "Original rating",
                "Adjusted rating",
            ],
            r.deviations.requests.iter().map(|d| {
                vec![
                    cell(&d.item),
                    cell(&d.weakness),
                    d.kind.to_owned(),
                    cell(&d.status),
                    d.original_rating.to_owned(),
                    opt(d.adjusted_rating.as_ref()),
                ]
            }),
        );
    }
}

fn vendors(o: &mut String, r: &Report) {
    let stale = r.vendor_dependencies.iter().filter(|v| v.stale).count();
    let rows = r
        .vendor_dependencies
        .iter()
        .map(|v| {
            vec![
                cell(&v.item),
                cell(&v.weakness),
                cell(&v.vendor_dependency),
                opt(v.last_check_in.as_ref()),
                opt(v.days_since_check_in.as_ref()),
                if v.stale { "**yes**" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    let days = poam_fedramp::VENDOR_CHECK_IN_DAYS;
    list_section(
        o,
        &format!("Vendor dependencies ({stale} without a check-in in {days} days)"),
        &[
            "Item",
            "Weakness",
            "Status",
            "Last check-in",
            "Days since",
            &format!("Over {days} days"),
        ],
        rows,
        "No open vendor dependency.",
    );
}

fn kev_and_milestones(o: &mut String, r: &Report) {
    let rows = r
        .kev
        .iter()
        .map(|k| {
            vec![
                cell(&k.item),
                cell(&k.weakness),
                k.rating.to_owned(),
                opt(k.kev_due_date.as_ref()),
                opt(k.days_left.as_ref()),
            ]
        })
        .collect();
    list_section(
        o,
        "Known exploited vulnerabilities (KEV)",
        &["Item", "Weakness", "Rating", "KEV due date", "Days left"],
        rows,
        "No open item is in the KEV catalog.",
    );
    let rows = r
        .milestones_due
        .iter()
        .map(|m| {
            vec![
                cell(&m.item),
                cell(&m.milestone),
                m.due.to_string(),
                m.days_left.to_string(),
            ]
        })
        .collect();
    list_section(
        o,
        "Milestones due in the next 30 days",
        &["Item", "Milestone", "Due", "Days left"],
        rows,
        "No milestone is due in the next 30 days.",
    );
}

fn closed(o: &mut String, r: &Report) {
    let on_time = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "**no**",
        None => "–",
    };
    let rows = r
        .closed_this_cycle
        .iter()
        .map(|c| {
            vec![
                cell(&c.item),
                cell(&c.weakness),
                c.rating.to_owned(),
                opt(c.detected.as_ref()),
                c.closed_on.to_string(),
                opt(c.days_to_close.as_ref()),
                on_time(c.on_time).to_owned(),
            ]
        })
        .collect();
    list_section(
        o,
        "Closed this cycle",
        &[
            "Item",
            "Weakness",
            "Rating",
            "Detected",
            "Closed",
            "Days to close",
            "On time",
        ],
        rows,
        "No item was closed this cycle.",
    );
}

fn remediation(o: &mut String, r: &Report) {
    let m = &r.remediation;
    let _ = writeln!(o, "## Remediation within the deadline\n");
    let days = |r: poam_fedramp::RiskRating| r.remediation_days();
    let _ = writeln!(
        o,
        "All {} closed items; on time = closed by FedRAMP's deadline (detection + {}/{}/{} \
         days by rating, or the KEV due date).\n",
        m.closed,
        days(poam_fedramp::RiskRating::High),
        days(poam_fedramp::RiskRating::Moderate),
        days(poam_fedramp::RiskRating::Low)
    );
    table(
        o,
        &[
            "Rating",
            "Closed",
            "On time",
            "Late",
            "Unknown",
            "On time %",
        ],
        m.by_rating.iter().map(|t| {
            vec![
                t.rating.to_owned(),
                t.closed.to_string(),
                t.on_time.to_string(),
                t.late.to_string(),
                t.unknown.to_string(),
                percent(t.percent_on_time),
            ]
        }),
    );
    let days = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |d| format!("{d:.1}"));
    let _ = writeln!(
        o,
        "Days to remediate ({} items with both dates): mean {}, median {}.\n",
        m.measured,
        days(m.mean_days),
        days(m.median_days)
    );
}

fn top(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Where the weaknesses are\n");
    for (title, list) in [
        ("Controls", &r.top.controls),
        ("Assets", &r.top.assets),
        ("Weaknesses", &r.top.weaknesses),
    ] {
        if list.is_empty() {
            let _ = writeln!(o, "{title}: none.\n");
            continue;
        }
        table(
            o,
            &[title, "Open items"],
            list.iter().map(|c| vec![cell(&c.name), c.open.to_string()]),
        );
    }
}

fn trend(o: &mut String, r: &Report) {
    if r.trend.len() < 2 {
        return;
    }
    let _ = writeln!(o, "## Trend\n");
    table(
        o,
        &[
            "Cycle",
            "Date",
            "Open",
            "High",
            "Moderate",
            "Low",
            "Unrated",
            "New since previous",
            "Closed since previous",
            "Overdue",
        ],
        r.trend.iter().map(|t| {
            vec![
                format!("`{}`", t.source.replace('`', "'")),
                t.date.to_string(),
                t.open.total.to_string(),
                t.open.high.to_string(),
                t.open.moderate.to_string(),
                t.open.low.to_string(),
                t.open.unrated.to_string(),
                opt(t.new.as_ref()),
                opt(t.closed.as_ref()),
                t.overdue.to_string(),
            ]
        }),
    );
    let _ = writeln!(
        o,
        "New and closed since previous: each file compared with the one before it, as `poam diff` \
         does (an item whose status became closed). The headline's Closed this cycle counts the \
         items whose closing date falls after {} and by {}; the two differ when a closure is \
         dated in another cycle than the file that records it.\n",
        r.cycle_start, r.as_of
    );
}

fn last_cycle(o: &mut String, r: &Report) {
    let Some(c) = &r.last_cycle else {
        return;
    };
    let s = &c.summary;
    let _ = writeln!(o, "## Changes since the previous cycle\n");
    let _ = writeln!(
        o,
        "`{}` -> `{}`: {} new, {} closed, {} reopened, {} changed, {} removed, {} unchanged, {} ambiguous.\n",
        c.old.replace('`', "'"),
        c.new.replace('`', "'"),
        s.new,
        s.closed,
        s.reopened,
        s.changed,
        s.removed,
        s.unchanged,
        s.ambiguous
    );
    for i in &c.items {
        let _ = writeln!(
            o,
            "- **{}** {} ({})",
            cell(&i.item),
            cell(&i.weakness),
            i.class.name()
        );
        for ch in &i.changes {
            let _ = writeln!(o, "  - {}", cell(ch));
        }
    }
    if !c.items.is_empty() {
        o.push('\n');
    }
}

fn problems(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Data problems\n");
    let p = &r.data_problems;
    if p.items.is_empty() {
        let _ = writeln!(o, "None: every number above is decided for every item.");
        return;
    }
    table(
        o,
        &["Problem", "Items"],
        p.counts
            .iter()
            .map(|c| vec![c.problem.describe().to_owned(), c.items.to_string()]),
    );
    table(
        o,
        &["Item", "Weakness", "Open", "Problems"],
        p.items.iter().map(|i| {
            vec![
                cell(&i.item),
                cell(&i.weakness),
                if i.open { "yes" } else { "no" }.to_owned(),
                i.problems
                    .iter()
                    .map(|x| x.describe())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        }),
    );
}

//! Reading the values people type into POA&M cells: dates in many forms, control lists,
//! milestones, milestone changes, ratings, Yes/No/Pending answers and CVE lists; and writing
//! each back in one canonical form.
//!
//! Every parser here is total: text it does not understand is reported by the caller (as a
//! warning at the cell) and kept verbatim, never dropped.

// The date parsers read at most four digits per part (a year, a month, a day), so their
// conversions between integer widths cannot truncate or wrap; they name the parts by the
// letters the formats use (`y`, `m`, `d`, and `a`, `b`, `c` before the order is known).
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::many_single_char_names
)]

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

// ---------------------------------------------------------------------------------------
// Dates

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month named by `word` (full name or its first three letters, any case; `Sept` too).
fn month_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() <= m.len() && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

/// Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999 (Excel's own rule).
fn full_year(y: u32, digits: usize) -> i32 {
    match digits {
        2 if y < 70 => 2000 + y as i32,
        2 => 1900 + y as i32,
        _ => y as i32,
    }
}

/// Reads digits at the start of `b`: (value, count). At most `max` digits.
fn digits(b: &[u8], max: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut n = 0;
    while n < b.len() && n < max && b[n].is_ascii_digit() {
        v = v * 10 + u32::from(b[n] - b'0');
        n += 1;
    }
    (v, n)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date starting at byte `i` of `s` (which must not follow a letter or digit), with the
/// byte length it covers. Forms: `2024-06-12`, `2024/06/12`, `2024.06.12`, `06/12/2024`,
/// `6-12-24`, `12 Jun 2024`, `12-Jun-2024`, `June 12, 2024`, `Jun 12 2024`. Numeric dates
/// with the year last are read month first (US style) unless the first number cannot be a
/// month (`25/12/2024`).
fn date_at(s: &str, i: usize) -> Option<(NaiveDate, usize)> {
    let b = &s.as_bytes()[i..];
    if i > 0 && s.as_bytes()[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let end_ok = |n: usize| n == b.len() || !b[n].is_ascii_alphanumeric();
    if b.first()?.is_ascii_digit() {
        let (a, na) = digits(b, 4);
        let sep = *b.get(na)?;
        // `.` separates only year-first dates, so that versions and IP addresses are not dates.
        if matches!(sep, b'-' | b'/') || (sep == b'.' && na == 4) {
            let (m, nm) = digits(&b[na + 1..], 2);
            let p2 = na + 1 + nm;
            if nm > 0 && b.get(p2) == Some(&sep) {
                let (c, nc) = digits(&b[p2 + 1..], 4);
                let end = p2 + 1 + nc;
                let more = b.get(end).is_some_and(|&c| c.is_ascii_digit() || c == sep);
                if nc > 0 && !more {
                    let date = if na == 4 && nc <= 2 {
                        ymd(a as i32, m, c)
                    } else if na <= 2 && (nc == 4 || nc == 2) {
                        let y = full_year(c, nc);
                        ymd(y, a, m).or_else(|| ymd(y, m, a))
                    } else {
                        None
                    };
                    // A time may follow (`2024-06-12T10:00:00Z`); the date is what counts.
                    return date.map(|d| (d, end));
                }
            }
            // `12-Jun-2024`
            let rest = &s[i + na + 1..];
            let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
            if let Some(m) = month_number(&word) {
                let p = na + 1 + word.len();
                if b.get(p) == Some(&sep) || b.get(p) == Some(&b' ') {
                    let (y, ny) = digits(&b[p + 1..], 4);
                    if (ny == 4 || ny == 2) && end_ok(p + 1 + ny) {
                        return ymd(full_year(y, ny), m, a).map(|d| (d, p + 1 + ny));
                    }
                }
            }
            return None;
        }
        if sep == b' ' && na <= 2 {
            // `12 June 2024`
            let rest = &s[i + na + 1..];
            let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
            let m = month_number(&word)?;
            let mut p = na + 1 + word.len();
            if b.get(p) == Some(&b'.') {
                p += 1;
            }
            if b.get(p) != Some(&b' ') {
                return None;
            }
            let (y, ny) = digits(&b[p + 1..], 4);
            if ny == 4 && end_ok(p + 1 + ny) {
                return ymd(y as i32, m, a).map(|d| (d, p + 1 + ny));
            }
        }
        return None;
    }
    // `June 12, 2024` / `Jun. 12 2024`
    let word: String = s[i..]
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    let m = month_number(&word)?;
    let mut p = word.len();
    if b.get(p) == Some(&b'.') {
        p += 1;
    }
    if !matches!(b.get(p), Some(b' ' | b'-')) {
        return None;
    }
    p += 1;
    let (d, nd) = digits(&b[p..], 2);
    if nd == 0 {
        return None;
    }
    p += nd;
    if b.get(p) == Some(&b',') {
        p += 1;
    }
    if !matches!(b.get(p), Some(b' ' | b'-')) {
        return None;
    }
    p += 1;
    let (y, ny) = digits(&b[p..], 4);
    if ny == 4 && end_ok(p + ny) {
        return ymd(y as i32, m, d).map(|date| (date, p + ny));
    }
    None
}

/// Every date written anywhere in `s`, in order, with its byte range.
pub(crate) fn find_dates(s: &str) -> Vec<(std::ops::Range<usize>, NaiveDate)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s.is_char_boundary(i)
            && let Some((d, n)) = date_at(s, i)
        {
            out.push((i..i + n, d));
            i += n;
            continue;
        }
        i += 1;
    }
    out
}

/// The date when `s` is exactly one date (a time of day after it is allowed), else `None`.
pub(crate) fn parse_date_exact(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let (d, n) = date_at(t, 0)?;
    let rest = &t[n..];
    let time_ok = rest.is_empty()
        || ((rest.starts_with('T') || rest.starts_with(' '))
            && rest[1..].bytes().all(|c| {
                c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z' | b' ')
            }));
    time_ok.then_some(d)
}

/// A date in the canonical form of the workbook's text and of OSCAL: `2024-06-12`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// An Excel serial day number (1900 date system) as a date, when it is a plausible date.
pub(crate) fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts 1900-02-29, which did not exist; serials from 61 on are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    let offset = if days >= 61 { days - 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(offset))
}

/// The first and last of several dates.
pub(crate) fn earliest(dates: &[NaiveDate]) -> Option<NaiveDate> {
    dates.iter().min().copied()
}

/// The last of several dates.
pub(crate) fn latest(dates: &[NaiveDate]) -> Option<NaiveDate> {
    dates.iter().max().copied()
}

// ---------------------------------------------------------------------------------------
// Lists

/// The non-empty lines of a cell, trimmed.
pub(crate) fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Controls

/// The control ids in a `Controls` cell (`AC-2, AC-2 (1), SI-2(2)` -> `ac-2`, `ac-2.1`,
/// `si-2.2`), and whether anything else was written there (text that is not a control id
/// or a separator).
pub(crate) fn parse_controls(s: &str) -> (Vec<String>, bool) {
    let b = s.as_bytes();
    let mut ids = Vec::new();
    let mut leftover = false;
    let mut i = 0;
    while i < b.len() {
        if let Some((id, n)) = control_at(b, i) {
            ids.push(id);
            i += n;
            continue;
        }
        let c = b[i];
        let separator = c.is_ascii_whitespace() || matches!(c, b',' | b';' | b'/' | b'&');
        let and = b[i..].len() >= 3
            && b[i..i + 3].eq_ignore_ascii_case(b"and")
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric());
        if and {
            i += 3;
            continue;
        }
        if !separator {
            leftover = true;
        }
        i += 1;
    }
    (ids, leftover)
}

/// A control id starting at `i`: two letters, `-`, a number, then optionally an enhancement
/// as `(n)`, ` (n)` or `.n`.
fn control_at(b: &[u8], i: usize) -> Option<(String, usize)> {
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let (l1, l2) = (*b.get(i)?, *b.get(i + 1)?);
    if !l1.is_ascii_alphabetic() || !l2.is_ascii_alphabetic() {
        return None;
    }
    let mut p = i + 2;
    while b.get(p) == Some(&b' ') {
        p += 1;
    }
    if b.get(p) != Some(&b'-') {
        return None;
    }
    p += 1;
    while b.get(p) == Some(&b' ') {
        p += 1;
    }
    let (num, n) = digits(&b[p..], 3);
    if n == 0 {
        return None;
    }
    p += n;
    if b.get(p).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut id = format!(
        "{}{}-{}",
        l1.to_ascii_lowercase() as char,
        l2.to_ascii_lowercase() as char,
        num
    );
    // Enhancement: `(1)`, ` (1)` or `.1`
    let mut q = p;
    while b.get(q) == Some(&b' ') {
        q += 1;
    }
    if b.get(q) == Some(&b'(') {
        let mut r = q + 1;
        while b.get(r) == Some(&b' ') {
            r += 1;
        }
        let (e, ne) = digits(&b[r..], 3);
        let mut close = r + ne;
        while b.get(close) == Some(&b' ') {
            close += 1;
        }
        if ne > 0 && b.get(close) == Some(&b')') {
            let _ = write!(id, ".{e}");
            p = close + 1;
        }
    } else if b.get(p) == Some(&b'.') {
        let (e, ne) = digits(&b[p + 1..], 3);
        if ne > 0 && b.get(p + 1 + ne).is_none_or(|c| !c.is_ascii_alphanumeric()) {
            let _ = write!(id, ".{e}");
            p += 1 + ne;
        }
    }
    Some((id, p - i))
}

/// A control id as people write it: `ac-2.1` -> `AC-2(1)`. Ids of other shapes are
/// upper-cased as they are.
pub(crate) fn format_control(id: &str) -> String {
    let upper = id.to_ascii_uppercase();
    match upper.split_once('.') {
        Some((base, enh)) if !enh.is_empty() && enh.bytes().all(|c| c.is_ascii_digit()) => {
            format!("{base}({enh})")
        }
        _ => upper,
    }
}

// ---------------------------------------------------------------------------------------
// Milestones and milestone changes

/// One planned milestone: `(1) 2024-06-12: Apply the patch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    /// The number written in front (`(1)`, `1.`, `Milestone 1:`), if any.
    pub number: Option<u32>,
    /// The milestone's date, when one is written.
    pub date: Option<NaiveDate>,
    /// What is to be done, as written.
    pub text: String,
}

/// One milestone change: `(2) Update 2024-06-18 : Delayed by the vendor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneChange {
    /// The number of the milestone changed, if written.
    pub number: Option<u32>,
    /// The kind of change as written: `New`, `Update`, `Complete`, …
    pub kind: Option<String>,
    /// The date of the change, when one is written.
    pub date: Option<NaiveDate>,
    /// What changed and why, as written.
    pub text: String,
}

/// The kinds of milestone change the template names, plus their common variants.
const CHANGE_KINDS: &[&str] = &[
    "new",
    "update",
    "updated",
    "complete",
    "completed",
    "closed",
    "change",
    "changed",
    "modified",
    "delayed",
    "extended",
    "added",
    "removed",
    "cancelled",
    "canceled",
];

/// A numbered-entry marker at the start of a line: `(12)`, `12.`, `12)`, `Milestone 12:`.
/// Returns the number and the rest of the line.
fn marker(line: &str) -> Option<(u32, &str)> {
    let t = line.trim_start();
    let b = t.as_bytes();
    if b.first() == Some(&b'(') {
        let mut p = 1;
        while b.get(p) == Some(&b' ') {
            p += 1;
        }
        let (n, nd) = digits(&b[p..], 4);
        let mut q = p + nd;
        while b.get(q) == Some(&b' ') {
            q += 1;
        }
        if nd > 0 && b.get(q) == Some(&b')') {
            return Some((n, t[q + 1..].trim_start()));
        }
        return None;
    }
    if b.first().is_some_and(u8::is_ascii_digit) {
        let (n, nd) = digits(b, 4);
        if matches!(b.get(nd), Some(b'.' | b')')) && b.get(nd + 1) == Some(&b' ') {
            return Some((n, t[nd + 1..].trim_start()));
        }
        return None;
    }
    if b.len() > 9 && b[..9].eq_ignore_ascii_case(b"milestone") {
        let mut p = 9;
        while matches!(b.get(p), Some(b' ' | b'#')) {
            p += 1;
        }
        let (n, nd) = digits(&b[p..], 4);
        if nd == 0 {
            return None;
        }
        let mut q = p + nd;
        while b.get(q) == Some(&b' ') {
            q += 1;
        }
        if matches!(b.get(q), Some(b':' | b'.' | b')' | b'-')) {
            q += 1;
        } else if q < b.len() && q == p + nd {
            return None;
        }
        return Some((n, t[q..].trim_start()));
    }
    None
}

/// Splits a milestone-like cell into numbered entries. An entry starts at a numbered line;
/// when no line is numbered, each paragraph is an entry. Unnumbered paragraphs after a
/// numbered entry belong to it.
fn entries(s: &str) -> Vec<(Option<u32>, String)> {
    let numbered = s.lines().any(|l| marker(l).is_some());
    let mut out: Vec<(Option<u32>, String)> = Vec::new();
    let mut blank_before = true;
    for line in s.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        match marker(line).filter(|_| numbered) {
            Some((n, rest)) => out.push((Some(n), rest.to_owned())),
            None => match out.last_mut() {
                Some((_, body)) if numbered || !blank_before => {
                    body.push_str(if blank_before { "\n\n" } else { "\n" });
                    body.push_str(line);
                }
                _ => out.push((None, line.to_owned())),
            },
        }
        blank_before = false;
    }
    out
}

/// A date at the very start of `body` followed by `:` or ` - `: (date, rest).
fn leading_date(body: &str) -> Option<(NaiveDate, &str)> {
    let (d, n) = date_at(body, 0)?;
    let rest = body[n..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix("- "))
        .or_else(|| rest.strip_prefix('-'))
        .or_else(|| rest.strip_prefix('\u{2013}'))
        .or_else(|| rest.is_empty().then_some(""))?;
    Some((d, rest.trim_start()))
}

/// The milestones of a `Planned Milestones` cell.
pub(crate) fn parse_milestones(s: &str) -> Vec<Milestone> {
    entries(s)
        .into_iter()
        .map(|(number, body)| match leading_date(&body) {
            Some((date, rest)) => Milestone {
                number,
                date: Some(date),
                text: rest.to_owned(),
            },
            None => Milestone {
                number,
                date: find_dates(&body).first().map(|(_, d)| *d),
                text: body,
            },
        })
        .collect()
}

/// Whether the first date written in `text` is `d`: then the text carries the date and the
/// canonical form does not repeat it in front (reading it back finds the same date).
fn mentions_first(text: &str, d: NaiveDate) -> bool {
    find_dates(text).first().is_some_and(|(_, x)| *x == d)
}

/// The 1-based number of the milestone at `position` in its list (saturating: a list of
/// four billion milestones is not a POA&M).
pub(crate) fn milestone_number(position: usize) -> u32 {
    u32::try_from(position).map_or(u32::MAX, |p| p.saturating_add(1))
}

/// Milestones in the template's form, one paragraph each: `(1) 2024-06-12: text`.
pub(crate) fn format_milestones(ms: &[Milestone]) -> String {
    let mut out = String::new();
    for (i, m) in ms.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let _ = write!(out, "({})", m.number.unwrap_or_else(|| milestone_number(i)));
        if let Some(d) = m.date.filter(|d| !mentions_first(&m.text, *d)) {
            out.push(' ');
            out.push_str(&format_date(d));
            out.push(':');
        }
        if !m.text.is_empty() {
            out.push(' ');
            out.push_str(&m.text);
        }
    }
    out
}

/// The changes of a `Milestone Changes` cell.
pub(crate) fn parse_changes(s: &str) -> Vec<MilestoneChange> {
    entries(s)
        .into_iter()
        .map(|(number, body)| {
            let word: String = body.chars().take_while(char::is_ascii_alphabetic).collect();
            let kind = (!word.is_empty()
                && CHANGE_KINDS.contains(&word.to_ascii_lowercase().as_str())
                && body[word.len()..].starts_with([' ', ':']))
            .then_some(word);
            let after_kind = kind
                .as_ref()
                .map_or(body.as_str(), |k| body[k.len()..].trim_start());
            let (date, after_date) = match date_at(after_kind, 0) {
                Some((d, n)) => (Some(d), after_kind[n..].trim_start()),
                None => (None, after_kind),
            };
            if (kind.is_some() || date.is_some())
                && let Some(text) = after_date.strip_prefix(':')
            {
                return MilestoneChange {
                    number,
                    kind,
                    date,
                    text: text.trim_start().to_owned(),
                };
            }
            if kind.is_some() && date.is_some() && after_date.is_empty() {
                return MilestoneChange {
                    number,
                    kind,
                    date,
                    text: String::new(),
                };
            }
            MilestoneChange {
                number,
                kind: None,
                date: find_dates(&body).first().map(|(_, d)| *d),
                text: body,
            }
        })
        .collect()
}

/// Changes in the template's form: `(2) Update 2024-06-18 : text`, a blank line between.
pub(crate) fn format_changes(cs: &[MilestoneChange]) -> String {
    let mut out = String::new();
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let mut head = Vec::new();
        if let Some(n) = c.number {
            head.push(format!("({n})"));
        }
        let date = c
            .date
            .filter(|d| c.kind.is_some() || !mentions_first(&c.text, *d));
        let described = c.kind.is_some() || date.is_some();
        if let Some(k) = &c.kind {
            head.push(k.clone());
        }
        if let Some(d) = date {
            head.push(format_date(d));
        }
        out.push_str(&head.join(" "));
        if described {
            out.push_str(" :");
        }
        if !c.text.is_empty() {
            if !head.is_empty() {
                out.push(' ');
            }
            out.push_str(&c.text);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Choices

/// A FedRAMP risk level (also the system's impact level): FedRAMP's own type.
pub use poam_fedramp::RiskRating;

/// A risk rating cell: a level, `N/A`, or text that is neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rating {
    Level(RiskRating),
    NotApplicable,
}

/// Reads a rating in any case (`HIGH`, `moderate`, `Medium`, `N/A`).
pub(crate) fn parse_rating(s: &str) -> Option<Rating> {
    if let Some(l) = RiskRating::parse(s) {
        return Some(Rating::Level(l));
    }
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "n/a" | "na" | "n.a." | "none" | "-" | "not applicable"
    )
    .then_some(Rating::NotApplicable)
}

/// A Yes/No/Pending answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Requested, not decided yet.
    Pending,
}

impl Answer {
    /// The answer as the template's dropdown writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "Yes",
            Self::No => "No",
            Self::Pending => "Pending",
        }
    }
}

/// Reads Yes/No/Pending in any case, with the usual variants (`Y`, `TRUE`, `In progress`).
pub(crate) fn parse_answer(s: &str) -> Option<Answer> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "x" | "approved" => Some(Answer::Yes),
        "no" | "n" | "false" | "none" | "n/a" | "na" => Some(Answer::No),
        "pending" | "in progress" | "submitted" | "requested" | "investigating" => {
            Some(Answer::Pending)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// CVEs

/// The CVE ids in a cell (upper-cased), and whether anything else was written there.
pub(crate) fn parse_cves(s: &str) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut leftover = false;
    for token in s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';')) {
        if token.is_empty() {
            continue;
        }
        if is_cve(token) {
            out.push(token.to_ascii_uppercase());
        } else if !token.eq_ignore_ascii_case("and") {
            leftover = true;
        }
    }
    (out, leftover)
}

/// `CVE-2024-1234` (any case; four or more digits after the year).
pub(crate) fn is_cve(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 13
        && b[..4].eq_ignore_ascii_case(b"cve-")
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn exact_dates_in_every_form_people_use() {
        for (s, want) in [
            ("2024-06-12", d(2024, 6, 12)),
            ("2014/05/23", d(2014, 5, 23)),
            ("2024.06.12", d(2024, 6, 12)),
            ("06/12/2024", d(2024, 6, 12)),
            ("6/12/2024", d(2024, 6, 12)),
            ("6-12-24", d(2024, 6, 12)),
            ("25/12/2024", d(2024, 12, 25)),
            ("12 Jun 2024", d(2024, 6, 12)),
            ("12-Jun-2024", d(2024, 6, 12)),
            ("June 12, 2024", d(2024, 6, 12)),
            ("Sept 3, 2024", d(2024, 9, 3)),
            ("Jun. 12 2024", d(2024, 6, 12)),
            (" 2024-06-12T10:00:00Z ", d(2024, 6, 12)),
            ("2024-06-12 10:00", d(2024, 6, 12)),
        ] {
            assert_eq!(parse_date_exact(s), Some(want), "{s}");
        }
        for s in [
            "TBD",
            "2024-13-01",
            "2024-02-30",
            "06/12/2024 (est)",
            "12345",
            "Q3 2024",
            "",
            "June",
            "0000-01-01",
        ] {
            assert_eq!(parse_date_exact(s), None, "{s}");
        }
    }

    #[test]
    fn several_dates_in_one_cell() {
        let found = find_dates("(1) 2014/05/23: a\n\n(2) 2014-06-12: b, by June 30, 2014");
        let dates: Vec<_> = found.iter().map(|(_, d)| *d).collect();
        assert_eq!(dates, [d(2014, 5, 23), d(2014, 6, 12), d(2014, 6, 30)]);
        assert!(find_dates("version 1.2.3 and KB5012345 on 10.10.10.10").is_empty());
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date_from_serial(41764.0), Some(d(2014, 5, 5)));
        assert_eq!(date_from_serial(45306.0), Some(d(2024, 1, 15)));
        assert_eq!(date_from_serial(36526.0), Some(d(2000, 1, 1)));
        assert_eq!(date_from_serial(1.0), Some(d(1900, 1, 1)));
        assert_eq!(date_from_serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(date_from_serial(45306.75), Some(d(2024, 1, 15)));
        assert_eq!(date_from_serial(0.0), None);
        assert_eq!(date_from_serial(-5.0), None);
    }

    #[test]
    fn control_lists() {
        let (ids, leftover) = parse_controls("AC-2, AC-2 (1), SI-2(2)");
        assert_eq!(ids, ["ac-2", "ac-2.1", "si-2.2"]);
        assert!(!leftover);
        let (ids, leftover) = parse_controls("ac-02(03); CM-6 and\nRA-5.2 / SC-7 ( 5 )");
        assert_eq!(ids, ["ac-2.3", "cm-6", "ra-5.2", "sc-7.5"]);
        assert!(!leftover);
        let (ids, leftover) = parse_controls("CM-6 CIS benchmark");
        assert_eq!(ids, ["cm-6"]);
        assert!(leftover);
        let (ids, leftover) = parse_controls("N/A");
        assert!(ids.is_empty());
        assert!(leftover);
        assert_eq!(format_control("ac-2.1"), "AC-2(1)");
        assert_eq!(format_control("si-2"), "SI-2");
        assert_eq!(format_control("odd.thing"), "ODD.THING");
    }

    #[test]
    fn template_milestones() {
        let ms = parse_milestones(
            "(1) 2014/05/23: Milestone Description\n\n(2) 2014-06-12: Milestone\nDescription",
        );
        assert_eq!(
            ms,
            [
                Milestone {
                    number: Some(1),
                    date: Some(d(2014, 5, 23)),
                    text: "Milestone Description".into()
                },
                Milestone {
                    number: Some(2),
                    date: Some(d(2014, 6, 12)),
                    text: "Milestone\nDescription".into()
                },
            ]
        );
        assert_eq!(
            format_milestones(&ms),
            "(1) 2014-05-23: Milestone Description\n\n(2) 2014-06-12: Milestone\nDescription"
        );
    }

    #[test]
    fn free_text_milestones() {
        let ms = parse_milestones(
            "Milestone 1: Draft policy by 2024-03-01\nMilestone 2: Implement by 2024-06-30",
        );
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].number, Some(1));
        assert_eq!(ms[0].date, Some(d(2024, 3, 1)));
        assert_eq!(ms[0].text, "Draft policy by 2024-03-01");
        assert_eq!(ms[1].date, Some(d(2024, 6, 30)));
        let one = parse_milestones("Patch everything soon");
        assert_eq!(
            one,
            [Milestone {
                number: None,
                date: None,
                text: "Patch everything soon".into()
            }]
        );
        let paras = parse_milestones("first\n\nsecond on 1/2/2025");
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[1].date, Some(d(2025, 1, 2)));
        assert_eq!(
            format_milestones(&paras),
            "(1) first\n\n(2) second on 1/2/2025"
        );
    }

    #[test]
    fn template_milestone_changes_round_trip_exactly() {
        let text = "(2) Update 2014-06-18 : That milestone was delayed due to a Vendor Dependency\n\n(3) New 2014-06-13 : This is the details of this new milestone";
        let cs = parse_changes(text);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].number, Some(2));
        assert_eq!(cs[0].kind.as_deref(), Some("Update"));
        assert_eq!(cs[0].date, Some(d(2014, 6, 18)));
        assert_eq!(
            cs[0].text,
            "That milestone was delayed due to a Vendor Dependency"
        );
        assert_eq!(format_changes(&cs), text);
        let free = parse_changes("moved out a month on 2024-07-01 per vendor");
        assert_eq!(free[0].kind, None);
        assert_eq!(free[0].date, Some(d(2024, 7, 1)));
        assert_eq!(free[0].text, "moved out a month on 2024-07-01 per vendor");
        assert_eq!(
            format_changes(&free),
            "moved out a month on 2024-07-01 per vendor"
        );
    }

    #[test]
    fn choices_in_any_case() {
        assert_eq!(parse_rating("HIGH"), Some(Rating::Level(RiskRating::High)));
        assert_eq!(
            parse_rating(" moderate "),
            Some(Rating::Level(RiskRating::Moderate))
        );
        assert_eq!(
            parse_rating("Medium"),
            Some(Rating::Level(RiskRating::Moderate))
        );
        assert_eq!(
            parse_rating("Critical"),
            Some(Rating::Level(RiskRating::High))
        );
        assert_eq!(parse_rating("N/A"), Some(Rating::NotApplicable));
        assert_eq!(parse_rating("4"), None);
        assert_eq!(parse_answer("YES"), Some(Answer::Yes));
        assert_eq!(parse_answer("pending"), Some(Answer::Pending));
        assert_eq!(parse_answer("No"), Some(Answer::No));
        assert_eq!(parse_answer("maybe"), None);
    }

    #[test]
    fn cve_lists() {
        let (ids, leftover) = parse_cves("cve-2024-1234, CVE-2023-45678\nCVE-2021-44228");
        assert_eq!(ids, ["CVE-2024-1234", "CVE-2023-45678", "CVE-2021-44228"]);
        assert!(!leftover);
        let (ids, leftover) = parse_cves("CVE-2024-1234 (critical)");
        assert_eq!(ids, ["CVE-2024-1234"]);
        assert!(leftover);
        assert!(!is_cve("CVE-24-1"));
    }
}

//! Property tests over generated rows:
//!
//! - typed rows -> OSCAL -> typed rows is the identity (what the workbook can express comes
//!   back equal in the model);
//! - canonical cells are fixed points: writing a row's cells, reading them and writing again
//!   gives the same cells;
//! - the whole pipeline: cells -> workbook -> OSCAL -> workbook -> OSCAL.
#![allow(clippy::unwrap_used)]

use crate::support;

use chrono::NaiveDate;
use poam_xlsx::internals::{COLUMNS, CellValue, read_cell, write_cell};
use poam_xlsx::{Answer, Header, Item, Milestone, MilestoneChange, RiskRating, SheetKind};
use proptest::prelude::*;
use proptest::sample::select;

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}"
}

/// A line of words; may start with characters that look like a formula.
fn line() -> impl Strategy<Value = String> {
    (
        select(vec!["", "=", "+", "-", "@", "*"]),
        prop::collection::vec(word(), 1..5),
    )
        .prop_map(|(lead, words)| format!("{lead}{}", words.join(" ")))
}

/// Normalised multi-line text: lines, with single or blank-line breaks.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((line(), any::<bool>()), 1..4).prop_map(|parts| {
        let mut s = String::new();
        for (i, (l, para)) in parts.iter().enumerate() {
            if i > 0 {
                s.push_str(if *para { "\n\n" } else { "\n" });
            }
            s.push_str(l);
        }
        s
    })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..2030, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
}

fn level() -> impl Strategy<Value = RiskRating> {
    select(vec![
        RiskRating::Low,
        RiskRating::Moderate,
        RiskRating::High,
    ])
}

fn deviation() -> impl Strategy<Value = Option<Answer>> {
    select(vec![None, Some(Answer::Yes), Some(Answer::Pending)])
}

fn lines(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        line().prop_map(|l| l.trim_start_matches(['=', '+', '-', '@', '*']).to_owned()),
        0..max,
    )
}

fn milestone() -> impl Strategy<Value = Milestone> {
    (1u32..50, prop::option::of(date()), prop::option::of(text())).prop_map(|(n, date, text)| {
        Milestone {
            number: Some(n),
            date,
            text: text.unwrap_or_default(),
        }
    })
}

fn change() -> impl Strategy<Value = MilestoneChange> {
    (
        prop::option::of(1u32..50),
        prop::option::of(select(vec!["New", "Update", "Complete", "Delayed"])),
        date(),
        text(),
    )
        .prop_map(|(number, kind, date, text)| MilestoneChange {
            number,
            kind: kind.map(str::to_owned),
            date: Some(date),
            text,
        })
}

prop_compose! {
    fn item()(
        sheet in select(SheetKind::ALL.to_vec()),
        id in "[A-Z]{1,3}-[0-9]{1,4}",
        controls in prop::collection::vec(("[a-z]{2}", 1u32..25, prop::option::of(1u32..12)), 0..4),
        name in line(),
        description in prop::option::of(text()),
        sources in lines(3),
        source_ids in prop::collection::vec(select(vec!["19506", "104743", "CVE-2021-44228"]), 0..3),
        assets in lines(4),
        contacts in lines(2),
        resources in prop::option::of(text()),
        plan in prop::option::of(text()),
        detection in date(),
        completion in prop::option::of(date()),
        milestones in prop::collection::vec(milestone(), 0..4),
        changes in prop::collection::vec(change(), 0..3),
        status in prop::option::of(date()),
        closed_status in date(),
        vendor in deviation(),
        checkin in prop::option::of(date()),
        products in lines(2),
        original in prop::option::of(level()),
        adjusted in prop::option::of(level()),
        deviations in (deviation(), deviation(), deviation()),
        rationale in prop::option::of(text()),
        documents in lines(3),
        comments in prop::option::of(text()),
        auto_approve in prop::option::of(select(vec!["yes", "no", "Manually approved"])),
        kev in prop::option::of(any::<bool>()),
        kev_due in prop::option::of(date()),
        cves in prop::collection::vec((2000u32..2030, 1000u32..99999), 0..3),
        services in lines(3),
        extras in prop::collection::vec(("Extra [A-Z]{3}", text()), 0..2),
    ) -> Item {
        let mut extras = extras;
        extras.sort();
        extras.dedup_by(|a, b| a.0 == b.0);
        Item {
            sheet,
            poam_id: Some(id),
            controls: controls
                .into_iter()
                .map(|(f, n, e)| e.map_or(format!("{f}-{n}"), |e| format!("{f}-{n}.{e}")))
                .collect(),
            weakness_name: Some(name),
            weakness_description: description,
            detector_sources: sources,
            source_ids: source_ids.into_iter().map(str::to_owned).collect(),
            assets,
            points_of_contact: contacts,
            resources_required: resources,
            remediation_plan: plan,
            detection_date: Some(detection),
            completion_date: completion,
            milestones,
            changes,
            // A closed item always has a closure date in OSCAL.
            status_date: if sheet == SheetKind::Closed { Some(closed_status) } else { status },
            vendor_dependency: vendor,
            vendor_checkin: checkin,
            vendor_products: products,
            original_rating: original,
            adjusted_rating: adjusted,
            risk_adjustment: deviations.0,
            false_positive: deviations.1,
            operational_requirement: deviations.2,
            deviation_rationale: rationale,
            supporting_documents: documents,
            comments,
            auto_approve: auto_approve.map(str::to_owned),
            kev,
            kev_due_date: kev_due,
            cves: cves.into_iter().map(|(y, n)| format!("CVE-{y}-{n:04}")).collect(),
            services,
            extras,
        }
    }
}

fn header() -> impl Strategy<Value = Header> {
    (
        prop::option::of(line()),
        prop::option::of(line()),
        prop::option::of(level()),
        date(),
    )
        .prop_map(|(csp, system, impact, date)| Header {
            csp: csp.map(|c| c.trim_start_matches(['=', '+', '-', '@', '*']).to_owned()),
            system_name: system.map(|c| c.trim_start_matches(['=', '+', '-', '@', '*']).to_owned()),
            impact_level: impact,
            poam_date: Some(date),
        })
}

fn cells(item: &Item) -> Vec<Option<CellValue>> {
    COLUMNS.iter().map(|c| write_cell(item, c.field)).collect()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn rows_to_oscal_and_back_is_the_identity(header in header(), items in prop::collection::vec(item(), 1..5)) {
        let mut items = items;
        for (i, it) in items.iter_mut().enumerate() {
            it.poam_id = Some(format!("ID-{i}"));
        }
        let places: Vec<String> = (0..items.len()).map(|i| i.to_string()).collect();
        let keys = poam_xlsx::item_keys(&items, &places);
        let doc = poam_xlsx::build(&header, &items, &keys);
        prop_assert!(poam_model::datatype_errors(&doc).is_empty());
        let (h, rows) = poam_xlsx::rows(&doc);
        prop_assert_eq!(h, header);
        prop_assert_eq!(rows, items);
    }

    #[test]
    fn canonical_cells_are_fixed_points(item in item()) {
        let first = cells(&item);
        let mut again = Item { sheet: item.sheet, ..Item::default() };
        for (c, v) in COLUMNS.iter().zip(&first) {
            if let Some(v) = v {
                let complaints = read_cell(&mut again, c.field, v);
                prop_assert!(complaints.is_empty(), "{}: {:?}", c.header, complaints);
            }
        }
        prop_assert_eq!(cells(&again), first);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() / 4 + 1))]

    #[test]
    fn workbook_to_oscal_to_workbook(items in prop::collection::vec(item(), 1..4)) {
        use support::{Cell, Sheet, t, workbook};
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.header.to_owned()).collect();
        let mut sheets = Vec::new();
        for kind in SheetKind::ALL {
            let mut rows = vec![
                vec![t("title")],
                vec![t("CSP"), t("System Name"), t("Impact Level"), t("POAM Date")],
                vec![t("Acme"), t("Acme Cloud"), t("High"), Cell::Date(2024, 6, 30)],
                vec![],
                headers.iter().map(|h| t(h)).collect(),
            ];
            for it in items.iter().filter(|i| i.sheet == kind) {
                rows.push(cells(it).into_iter().map(|c| match c {
                    Some(CellValue::Text(s)) => Cell::Text(s),
                    Some(CellValue::Date(d)) => {
                        use chrono::Datelike;
                        Cell::Date(
                            u16::try_from(d.year()).unwrap(),
                            u8::try_from(d.month()).unwrap(),
                            u8::try_from(d.day()).unwrap(),
                        )
                    }
                    None => Cell::Blank,
                }).collect());
            }
            sheets.push(Sheet { name: kind.name().to_owned(), rows });
        }
        let book = workbook(&sheets);
        let options = poam_xlsx::ReadOptions::default();
        let imported = poam_xlsx::import(&book, "p.xlsx", &options).unwrap();
        let doc = imported.document;
        let exported = poam_xlsx::export(&doc).unwrap();
        for s in poam_xlsx::internals::compare(&book, &exported.bytes, &options).unwrap() {
            prop_assert!(s.differences.is_empty(), "{}: {:?}", s, s.differences);
        }
        let again = poam_xlsx::import(&exported.bytes, "q.xlsx", &options).unwrap().document;
        prop_assert!(again == doc);
    }
}

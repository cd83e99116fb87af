//! Builds test workbooks with rust_xlsxwriter: every FedRAMP template version's layout, messy
//! real-world cells, and every bad-input class. Nothing here copies the reference templates;
//! the layouts follow what POAM-FACTS.md documents about them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use poam_xlsx::internals::{COLUMNS, Since};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

/// One cell of a test workbook.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    /// A real Excel date (a serial with a date format).
    Date(u16, u8, u8),
    Bool(bool),
    /// A formula and the value Excel last computed for it (empty: none).
    Formula(String, String),
    Blank,
}

pub(crate) fn t(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// One sheet: rows of cells from A1 down.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook's bytes, reproducible (fixed creation date).
pub(crate) fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 1).unwrap()),
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).unwrap();
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                match cell {
                    Cell::Text(text) => {
                        ws.write_string(r, c, text).unwrap();
                    }
                    Cell::Number(number) => {
                        ws.write_number(r, c, *number).unwrap();
                    }
                    Cell::Date(year, month, day) => {
                        let dt = ExcelDateTime::from_ymd(*year, *month, *day).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    Cell::Bool(value) => {
                        ws.write_boolean(r, c, *value).unwrap();
                    }
                    Cell::Formula(f, result) => {
                        let formula = rust_xlsxwriter::Formula::new(f);
                        let formula = if result.is_empty() {
                            formula
                        } else {
                            formula.set_result(result)
                        };
                        ws.write_formula(r, c, formula).unwrap();
                    }
                    Cell::Blank => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The template versions whose layouts the tests build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// 2021-11-23: columns A–AB, sheets Open and Closed.
    V2021,
    /// 2022-06-23: columns A–AD, C3 reads "Low, Moderate, High".
    V2022,
    /// 2023-08-30: columns A–AD, the CSP label (A2) is blank spaces.
    V2023,
    /// 2024-03-29: columns A–AE, sheets Open, Closed, Configuration Findings.
    V2024,
    /// The layout the Rev5 playbook's column letters imply: one column further right.
    Playbook,
}

impl Layout {
    pub(crate) const ALL: [Layout; 5] = [
        Layout::V2021,
        Layout::V2022,
        Layout::V2023,
        Layout::V2024,
        Layout::Playbook,
    ];

    pub(crate) fn since(self) -> Since {
        match self {
            Layout::V2021 => Since::V2021,
            Layout::V2022 | Layout::V2023 => Since::V2022,
            Layout::V2024 | Layout::Playbook => Since::V2024,
        }
    }

    /// The headers of row 5, in order.
    pub(crate) fn headers(self) -> Vec<String> {
        let mut h: Vec<String> = COLUMNS
            .iter()
            .filter(|c| c.since <= self.since())
            .map(|c| c.header.to_owned())
            .collect();
        if self == Layout::Playbook {
            h.insert(0, "Item Number".to_owned());
        }
        h
    }
}

/// A data row: values by 2024 header; missing headers are blank.
pub(crate) type Item = Vec<(&'static str, Cell)>;

/// The header block (rows 1–3) in `layout`'s form.
fn header_block(
    layout: Layout,
    csp: &str,
    system: &str,
    impact: &str,
    date: Cell,
) -> Vec<Vec<Cell>> {
    let csp_label = if layout == Layout::V2023 {
        "     "
    } else {
        "CSP"
    };
    vec![
        vec![t("FedRAMP Plan of Action and Milestones (POA&M) Template")],
        vec![
            t(csp_label),
            t("System Name"),
            t("Impact Level"),
            t("POAM Date"),
        ],
        vec![t(csp), t(system), t(impact), date],
        vec![],
    ]
}

/// A description row and a format-hint row under the headers, in the template's manner
/// (poam's own words).
fn preamble(headers: &[String]) -> Vec<Vec<Cell>> {
    let describe = |h: &str| match h {
        "POAM ID" => "An identifier unique to each item in this workbook".to_owned(),
        "Original Detection Date" => "The date on which the weakness was first seen".to_owned(),
        _ => format!("What goes in the column named {h}"),
    };
    let hint = |h: &str| {
        if h.contains("Date") {
            "Date"
        } else if h == "Original Risk Rating" {
            "Low, Moderate, High"
        } else {
            "Text"
        }
    };
    vec![
        headers.iter().map(|h| t(&describe(h))).collect(),
        headers.iter().map(|h| t(hint(h))).collect(),
    ]
}

fn row(headers: &[String], item: &Item) -> Vec<Cell> {
    headers
        .iter()
        .map(|h| {
            item.iter()
                .find(|(k, _)| *k == h)
                .map_or(Cell::Blank, |(_, v)| v.clone())
        })
        .collect()
}

/// A whole workbook in `layout` with `open` and `closed` items (and configuration findings
/// on the 2024 layouts), with the template's description, hint and example rows on Open.
pub(crate) fn template_workbook(
    layout: Layout,
    open: &[Item],
    closed: &[Item],
    config: &[Item],
) -> Vec<u8> {
    template_workbook_dated(layout, (2024, 6, 30), open, closed, config)
}

/// [`template_workbook`] with another POAM Date.
pub(crate) fn template_workbook_dated(
    layout: Layout,
    (y, m, d): (u16, u8, u8),
    open: &[Item],
    closed: &[Item],
    config: &[Item],
) -> Vec<u8> {
    let headers = layout.headers();
    let block = || {
        header_block(
            layout,
            "Acme Cloud Inc.",
            "Acme Cloud Platform",
            "Moderate",
            Cell::Date(y, m, d),
        )
    };
    let mut open_rows = block();
    open_rows.push(headers.iter().map(|h| t(h)).collect());
    open_rows.extend(preamble(&headers));
    let mut example: Item = vec![("POAM ID", t("V-1Example")), ("Controls", t("AC-1"))];
    example.push(("Weakness Name", t("Example weakness")));
    open_rows.push(row(&headers, &example));
    open_rows.extend(open.iter().map(|i| row(&headers, i)));
    let mut sheets = vec![Sheet {
        name: "Open POA&M Items".into(),
        rows: open_rows,
    }];
    let mut closed_rows = block();
    closed_rows.push(headers.iter().map(|h| t(h)).collect());
    closed_rows.extend(closed.iter().map(|i| row(&headers, i)));
    sheets.push(Sheet {
        name: "Closed POA&M Items".into(),
        rows: closed_rows,
    });
    if layout.since() >= Since::V2024 {
        let mut rows = block();
        rows.push(headers.iter().map(|h| t(h)).collect());
        rows.extend(config.iter().map(|i| row(&headers, i)));
        sheets.push(Sheet {
            name: "Configuration Findings".into(),
            rows,
        });
    }
    if layout == Layout::Playbook {
        sheets.insert(
            0,
            Sheet {
                name: "Instructions".into(),
                rows: vec![vec![t("Fill in one row per weakness.")]],
            },
        );
    }
    workbook(&sheets)
}

/// A fully filled, tidy open item.
pub(crate) fn tidy_item(id: &str) -> Item {
    vec![
        ("POAM ID", t(id)),
        ("Controls", t("AC-2, AC-2(1)")),
        ("Weakness Name", t(&format!("Weakness {id}"))),
        ("Weakness Description", t("A description\nover two lines")),
        ("Weakness Detector Source", t("Nessus")),
        ("Weakness Source Identifier", Cell::Number(19506.0)),
        (
            "Asset Identifier",
            t("10.0.0.1 (443/tcp)\nweb01.example.com"),
        ),
        ("Point of Contact", t("Jane Roe")),
        ("Resources Required", t("Two days of engineering time")),
        ("Overall Remediation Plan", t("Patch the servers.")),
        ("Original Detection Date", Cell::Date(2024, 5, 1)),
        ("Scheduled Completion Date", Cell::Date(2024, 7, 30)),
        (
            "Planned Milestones",
            t("(1) 2024-06-01: Test the patch\n\n(2) 2024-07-15: Roll out"),
        ),
        (
            "Milestone Changes",
            t("(2) Update 2024-06-20 : Moved for a change freeze"),
        ),
        ("Status Date", Cell::Date(2024, 6, 20)),
        ("Vendor Dependency", t("No")),
        ("Original Risk Rating", t("Moderate")),
        ("Adjusted Risk Rating", t("N/A")),
        ("Risk Adjustment", t("No")),
        ("False Positive", t("No")),
        ("Operational Requirement", t("No")),
        ("Comments", t("Tracked in ticket 42")),
        ("Auto-Approve", t("No")),
        ("Binding Operational Directive 22-01 tracking", t("No")),
        ("CVE", t("CVE-2024-0001")),
        ("Service Name", t("All")),
    ]
}

/// Cells as people really fill them in.
pub(crate) fn messy_items() -> Vec<Item> {
    vec![
        vec![
            ("POAM ID", t("  M-1  ")),
            ("Controls", t("AC-2, AC-2 (1), SI-2(2)")),
            ("Weakness Name", t("=HYPERLINK(\"http://evil.example\")")),
            (
                "Weakness Description",
                t("+1 starts like a formula\n\n-and so does this\n@SUM(A1)"),
            ),
            ("Weakness Detector Source", t("Nessus\nQualys")),
            ("Weakness Source Identifier", t("CVE-2021-44228\n19506")),
            (
                "Asset Identifier",
                t("172.16.0.5 (80/TCP)\nhttp://app.example/queries\n\nfe80::1"),
            ),
            ("Point of Contact", t("John Doe - Example CSP")),
            ("Original Detection Date", t("06/12/2024")),
            ("Scheduled Completion Date", Cell::Number(45500.0)),
            (
                "Planned Milestones",
                t(
                    "(1) 2014/05/23: Milestone Description\n\n(2) 2014-06-12: Milestone \nDescription",
                ),
            ),
            (
                "Milestone Changes",
                t(
                    "(2) Update 2014-06-18 : That milestone was delayed due to a Vendor Dependency\n\n(3) New 2014-06-13 : This is the details of this new milestone",
                ),
            ),
            ("Status Date", t("TBD")),
            ("Vendor Dependency", t("yes")),
            ("Last Vendor Check-in Date", t("2024/06/15")),
            ("Vendor Dependent Product Name", t("Example Firewall")),
            ("Original Risk Rating", t("HIGH")),
            ("Adjusted Risk Rating", t("moderate")),
            ("Risk Adjustment", t("Yes")),
            ("False Positive", t("pending")),
            ("Operational Requirement", t("Pending")),
            (
                "Deviation Rationale",
                t(
                    "Risk Adjustment : Only reachable internally\n\nOperational Requirement: The port is needed",
                ),
            ),
            (
                "Supporting Documents",
                t("Deviation Request : DR-1.docx\nEvidence : scan.pdf"),
            ),
            ("Comments", t("\ttab-led comment")),
            ("Auto-Approve", t("no")),
            ("Binding Operational Directive 22-01 tracking", t("Yes")),
            (
                "Binding Operational Directive 22-01 Due Date",
                t("2024-07-01"),
            ),
            ("CVE", t("cve-2024-1234, CVE-2023-45678\nCVE-2021-44228")),
            ("Service Name", t("Flux Capacitor\nFire Bolt")),
        ],
        vec![
            ("POAM ID", t("M-2")),
            ("Controls", t("CM-6 CIS benchmark")),
            ("Weakness Name", t("Free-text everything")),
            (
                "Planned Milestones",
                t("Milestone 1: Draft policy by 2024-03-01\nMilestone 2: Implement by 2024-06-30"),
            ),
            (
                "Milestone Changes",
                t("moved out a month on 2024-07-01 per vendor"),
            ),
            (
                "Original Detection Date",
                t("2024-01-02 and again 2024-02-03"),
            ),
            ("Original Risk Rating", t("Severe")),
            ("Adjusted Risk Rating", t("4")),
            ("False Positive", t("maybe")),
            ("Binding Operational Directive 22-01 tracking", t("unknown")),
            ("Binding Operational Directive 22-01 Due Date", t("TBD")),
            ("CVE", t("CVE-2024-1234 (critical)")),
            ("Auto-Approve", t("Manually approved")),
            ("Vendor Dependency", Cell::Bool(true)),
        ],
        vec![
            ("POAM ID", t("M-3")),
            ("Weakness Name", t("Dates of every kind")),
            ("Original Detection Date", t("June 12, 2024")),
            ("Scheduled Completion Date", t("12-Jun-2024")),
            ("Status Date", t("2024-06-12T10:00:00Z")),
            ("Last Vendor Check-in Date", Cell::Date(2024, 6, 1)),
            ("Original Risk Rating", t("low")),
        ],
    ]
}

/// A messy workbook: header row not at row 5, synonyms, reordered and missing columns, an
/// unknown column, a column without a header, blank rows between items.
pub(crate) fn messy_workbook() -> Vec<u8> {
    let mut headers: Vec<String> = COLUMNS.iter().map(|c| c.header.to_owned()).collect();
    headers.reverse();
    headers.retain(|h| h != "Resources Required");
    let synonyms = [
        ("POAM ID", "POA&M ID"),
        ("Controls", "Control(s)"),
        ("CVE", "CVEs"),
    ];
    let mut shown: Vec<String> = headers
        .iter()
        .map(|h| {
            synonyms
                .iter()
                .find(|(a, _)| a == h)
                .map_or(h.clone(), |(_, b)| (*b).to_owned())
        })
        .collect();
    shown.push("Internal Ticket".into());
    let mut rows = vec![
        vec![t("Acme POA&M, June")],
        vec![
            t("CSP"),
            t("System Name"),
            t("Impact Level"),
            t("POAM Date"),
        ],
        vec![
            t("Acme Cloud Inc."),
            t("Acme Cloud Platform (F1234567890)"),
            t("moderate"),
            t("2024-06-30"),
        ],
        vec![],
        vec![],
        vec![],
        vec![],
    ];
    rows.push(shown.iter().map(|h| t(h)).collect());
    for (i, item) in messy_items().iter().enumerate() {
        let mut r = row(&headers, item);
        r.push(t(&format!("TKT-{i}")));
        r.push(if i == 0 {
            t("no header above me")
        } else {
            Cell::Blank
        });
        rows.push(r);
        rows.push(vec![]);
    }
    workbook(&[Sheet {
        name: "open poam items".into(),
        rows,
    }])
}

// ---------------------------------------------------------------------------------------
// Bad input

/// A zip archive holding `files`.
pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// Every bad-input class: (name, bytes, words the error message must contain).
pub(crate) fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    // A part that expands 20 MiB from a few KiB: real compression, not a lying header.
    let zeros = vec![0u8; 20 << 20];
    let bomb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    // A part whose header declares 4 GiB: the size is checked before anything is read.
    let mut liar = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    declare_size(&mut liar, "xl/workbook.xml", u32::MAX);
    // A password-protected zip: the parts' encryption flag set (Excel's own encryption is
    // the OLE file above).
    let mut locked = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    set_encrypted(&mut locked, "xl/workbook.xml");
    vec![
        (
            "not-a-zip",
            b"POAM ID,Controls\nV-1,AC-2\n".to_vec(),
            "not a zip archive",
        ),
        (
            "not-an-xlsx",
            zip_of(&[("readme.txt", b"hello")]),
            "not an Excel workbook",
        ),
        ("encrypted", ole, "encrypted"),
        (
            "password-protected-zip",
            locked,
            "part xl/workbook.xml: a password-protected zip archive (this part is encrypted)",
        ),
        ("zip-bomb", bomb, "safe limits"),
        ("zip-bomb-declared", liar, "safe limits"),
        (
            "no-poam-sheet",
            workbook(&[Sheet {
                name: "Sheet1".into(),
                rows: vec![vec![t("Inventory")], vec![t("host-1"), t("10.0.0.1")]],
            }]),
            "no POA&M sheet",
        ),
        (
            "no-header-row",
            workbook(&[Sheet {
                name: "Open POA&M Items".into(),
                rows: vec![vec![t("just some notes")], vec![t("V-1"), t("AC-2")]],
            }]),
            "sheet \"Open POA&M Items\": no header row",
        ),
    ]
}

/// Sets the "encrypted" flag of `name` in the zip's central directory.
fn set_encrypted(zip: &mut [u8], name: &str) {
    let at = central_entry(zip, name);
    zip[at + 8] |= 1;
}

/// The offset of `name`'s entry in the zip's central directory.
fn central_entry(zip: &[u8], name: &str) -> usize {
    let sig = [0x50, 0x4b, 0x01, 0x02];
    (0..zip.len().saturating_sub(46))
        .find(|&i| {
            zip[i..i + 4] == sig && {
                let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
                zip.get(i + 46..i + 46 + n) == Some(name.as_bytes())
            }
        })
        .unwrap_or_else(|| panic!("no central directory entry for {name}"))
}

/// Rewrites the uncompressed size `name` declares in the zip's central directory.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let sig = [0x50, 0x4b, 0x01, 0x02];
    let mut i = 0;
    while i + 46 <= zip.len() {
        if zip[i..i + 4] == sig {
            let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + n] == name.as_bytes() {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                return;
            }
        }
        i += 1;
    }
    panic!("no central directory entry for {name}");
}

//! Places for diagnostics on a FedRAMP workbook: from a JSON pointer into the imported OSCAL
//! back to the cell a person edits, `'Open POA&M Items'!K17`.
//!
//! The import says which row each `poam-item` came from ([`poam::workbook::ItemSource`]); a risk
//! or observation belongs to the row of the item that references it. The member under the
//! pointer picks the column by the column table's homes (`poam::workbook::field_at`): a
//! risk's `deadline` is the Scheduled Completion Date, an observation's `collected` the
//! Original Detection Date, and so on. A member no column shows is placed at the row's first
//! cell; what no row holds (metadata, back-matter) gets no cell, only its pointer.

use std::collections::HashMap;

use poam::Document;
use poam::validate::{Locator, Place};
use poam::workbook::CellRef;
use poam::workbook::ItemSource;
use poam::workbook::{Field, Part, field_at};

/// A [`Locator`] over an imported workbook.
pub struct WorkbookLocator {
    sources: Vec<ItemSource>,
    /// Index of a risk / observation in the document -> the item (row) that references it.
    risk_item: HashMap<usize, usize>,
    observation_item: HashMap<usize, usize>,
    /// Per item, per index of its `props`, the prop's name (the column depends on it); the
    /// same for risks.
    item_props: Vec<Vec<String>>,
    risk_props: Vec<Vec<String>>,
}

impl WorkbookLocator {
    pub fn new(doc: &Document, sources: Vec<ItemSource>) -> Self {
        let p = &doc.plan_of_action_and_milestones;
        let risk_index: HashMap<&str, usize> = p
            .risks
            .iter()
            .enumerate()
            .map(|(i, r)| (r.uuid.as_str(), i))
            .collect();
        let observation_index: HashMap<&str, usize> = p
            .observations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.uuid.as_str(), i))
            .collect();
        let mut risk_item = HashMap::new();
        let mut observation_item = HashMap::new();
        for (i, item) in p.poam_items.iter().enumerate() {
            for r in &item.related_risks {
                if let Some(&j) = risk_index.get(r.risk_uuid.as_str()) {
                    risk_item.entry(j).or_insert(i);
                }
            }
            for o in &item.related_observations {
                if let Some(&j) = observation_index.get(o.observation_uuid.as_str()) {
                    observation_item.entry(j).or_insert(i);
                }
            }
        }
        Self {
            sources,
            risk_item,
            observation_item,
            item_props: p
                .poam_items
                .iter()
                .map(|x| x.props.iter().map(|p| p.name.as_str().to_owned()).collect())
                .collect(),
            risk_props: p
                .risks
                .iter()
                .map(|x| x.props.iter().map(|p| p.name.as_str().to_owned()).collect())
                .collect(),
        }
    }

    fn cell(&self, item: usize, field: Option<Field>) -> Option<&CellRef> {
        let source = self.sources.get(item)?;
        Some(field.and_then(|f| source.cell(f)).unwrap_or(&source.row))
    }
}

impl Locator for WorkbookLocator {
    fn locate(&self, pointer: &str) -> Option<Place> {
        let rest = pointer.strip_prefix("/plan-of-action-and-milestones/")?;
        let mut segs = rest.split('/');
        let list = segs.next()?;
        let index: usize = segs.next()?.parse().ok()?;
        let below: Vec<&str> = segs.collect();
        // The member path without array indices, as the column table names homes.
        let path: Vec<&str> = below
            .iter()
            .copied()
            .filter(|s| s.parse::<usize>().is_err())
            .collect();
        let prop_index = match below.as_slice() {
            ["props", k, ..] => k.parse::<usize>().ok(),
            _ => None,
        };
        let prop_name =
            |props: &[Vec<String>]| prop_index.and_then(|k| props.get(index)?.get(k).cloned());
        let (part, item, prop) = match list {
            "poam-items" => (Part::Item, index, prop_name(&self.item_props)),
            "risks" => (
                Part::Risk,
                *self.risk_item.get(&index)?,
                prop_name(&self.risk_props),
            ),
            "observations" => (Part::Observation, *self.observation_item.get(&index)?, None),
            _ => return None,
        };
        let field = field_at(part, &path, prop.as_deref());
        Some(cell_place(self.cell(item, field)?))
    }
}

/// A workbook cell as a [`Place`].
pub fn cell_place(c: &CellRef) -> Place {
    Place::Cell {
        sheet: c.sheet.clone(),
        cell: format!("{}{}", poam::workbook::column_letters(c.col), c.row + 1),
    }
}

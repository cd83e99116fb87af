//! Places for diagnostics on a FedRAMP workbook: from a JSON pointer into the imported OSCAL
//! back to the cell a person edits, `'Open POA&M Items'!K17`.
//!
//! The import says which row each `poam-item` came from ([`poam_xlsx::ItemSource`]); a risk
//! or observation belongs to the row of the item that references it. The member under the
//! pointer picks the column, following the workbook mapping (`docs/workbook-mapping.md`): a
//! risk's `deadline` is the Scheduled Completion Date, an observation's `collected` the
//! Original Detection Date, and so on. A member no column shows is placed at the row's first
//! cell; what no row holds (metadata, back-matter) gets no cell, only its pointer.

use std::collections::HashMap;

use poam_model::Document;
use poam_validate::{Locator, Place};
use poam_xlsx::ItemSource;
use poam_xlsx::cell::CellRef;
use poam_xlsx::columns::Field;

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

/// The column of an item's prop, by its name.
fn item_prop_field(name: &str) -> Option<Field> {
    Some(match name {
        "POAM-ID" => Field::PoamId,
        "auto-approve" => Field::AutoApprove,
        "service-name" => Field::ServiceName,
        _ => return None,
    })
}

/// The column of a risk's prop, by its name.
fn risk_prop_field(name: &str) -> Option<Field> {
    Some(match name {
        "impacted-control-id" => Field::Controls,
        "vendor-dependency" => Field::VendorDependency,
        "risk-adjustment" => Field::RiskAdjustment,
        "false-positive" => Field::FalsePositive,
        "operational-requirement" => Field::OperationalRequirement,
        "kev-catalog" => Field::KevTracking,
        "kev-due-date" => Field::KevDueDate,
        _ => return None,
    })
}

impl Locator for WorkbookLocator {
    fn locate(&self, pointer: &str) -> Option<Place> {
        let rest = pointer.strip_prefix("/plan-of-action-and-milestones/")?;
        let mut segs = rest.split('/');
        let list = segs.next()?;
        let index: usize = segs.next()?.parse().ok()?;
        let member = segs.next();
        let sub: Option<usize> = segs.next().and_then(|s| s.parse().ok());
        let cell = match list {
            "poam-items" => {
                let field = match member {
                    Some("title") => Some(Field::WeaknessName),
                    Some("description") => Some(Field::WeaknessDescription),
                    Some("remarks") => Some(Field::Comments),
                    Some("props") => sub
                        .and_then(|k| self.item_props.get(index)?.get(k))
                        .and_then(|n| item_prop_field(n)),
                    _ => None,
                };
                self.cell(index, field)
            }
            "risks" => {
                let field = match member {
                    Some("title") => Some(Field::WeaknessName),
                    Some("description") => Some(Field::WeaknessDescription),
                    Some("deadline") => Some(Field::CompletionDate),
                    Some("characterizations") => Some(Field::OriginalRiskRating),
                    Some("mitigating-factors") => Some(Field::DeviationRationale),
                    Some("risk-log") => Some(Field::MilestoneChanges),
                    Some("remediations") => {
                        if pointer.contains("/tasks/") {
                            Some(Field::PlannedMilestones)
                        } else {
                            Some(Field::RemediationPlan)
                        }
                    }
                    Some("props") => sub
                        .and_then(|k| self.risk_props.get(index)?.get(k))
                        .and_then(|n| risk_prop_field(n)),
                    _ => None,
                };
                self.cell(*self.risk_item.get(&index)?, field)
            }
            "observations" => {
                let field = match member {
                    Some("collected") => Some(Field::DetectionDate),
                    Some("subjects") => Some(Field::AssetIdentifier),
                    Some("origins") => Some(Field::DetectorSource),
                    Some("relevant-evidence") => Some(Field::SupportingDocuments),
                    Some("description") => Some(Field::WeaknessDescription),
                    _ => None,
                };
                self.cell(*self.observation_item.get(&index)?, field)
            }
            _ => None,
        }?;
        Some(cell_place(cell))
    }
}

/// A workbook cell as a [`Place`].
pub fn cell_place(c: &CellRef) -> Place {
    Place::Cell {
        sheet: c.sheet.clone(),
        cell: format!("{}{}", poam_xlsx::columns::column_letters(c.col), c.row + 1),
    }
}

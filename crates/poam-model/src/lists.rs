//! Lists OSCAL requires to hold at least one item (`min-occurs` 1 or more on a member that
//! can repeat: an observation's `methods`, a POA&M's `poam-items`, a risk log's `entries`).
//!
//! OSCAL JSON and YAML can spell such a list empty (`"methods": []`); OSCAL XML cannot (the
//! list is its repeated elements, and none is the member missing), and the official schemas
//! refuse both. The generated model reads these members through [`at_least_one`], so `[]` is
//! refused at its place, as the XML reader refuses a missing element; [`empty_required_lists`]
//! finds them in a document built in code, for the writers.

use serde::de::{Deserialize, Deserializer, Error as _};

use crate::walk::{Path, Visitor, Walk};

/// Why an empty list is refused where OSCAL requires at least one item.
pub const EMPTY_REQUIRED_LIST: &str =
    "an empty list where OSCAL requires at least one item (the XML form cannot hold none)";

/// Reads a list that must hold at least one item: `[]` is an error (the reader's `custom`
/// error, which carries its place as every other structural error does). A missing member is
/// serde's own `missing field` error, as before.
///
/// # Errors
///
/// The list's own reading error, or [`EMPTY_REQUIRED_LIST`] when it is empty.
pub(crate) fn at_least_one<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let items = fitted(de)?;
    if items.is_empty() {
        return Err(D::Error::custom(EMPTY_REQUIRED_LIST));
    }
    Ok(items)
}

/// Reads a list and gives back the memory it was not filled to. A list read from JSON or
/// YAML grows by doubling from 4 items (the readers do not tell its length in advance), and
/// most lists of a document hold one or two (an item's `props`, an origin's `actors`): the
/// slack was 40% of a read document's memory (10,000 items: 287 MB -> 170 MB). Shrinking
/// is a `realloc` in place.
///
/// # Errors
///
/// The list's own reading error.
pub(crate) fn fitted<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut items = Vec::<T>::deserialize(de)?;
    items.shrink_to_fit();
    Ok(items)
}

/// The place of every list in `doc` that OSCAL requires to hold at least one item and that is
/// empty, in document order. A document read from JSON, YAML or XML has none; one built or
/// edited in code may.
pub fn empty_required_lists(doc: &crate::Document) -> Vec<Path> {
    struct Collect(Vec<Path>);
    impl Visitor for Collect {
        fn empty_required_list(&mut self, path: &Path) {
            self.0.push(path.clone());
        }
    }
    let mut found = Collect(Vec::new());
    doc.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut found);
    found.0
}

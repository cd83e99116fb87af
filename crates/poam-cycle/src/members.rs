//! The members of the objects an item is made of, as tables: how to compare one member, copy
//! it from an update, and show it. A review cycle compares and merges member by member, so
//! two updates touching different members of one risk combine instead of conflicting.
//!
//! Members with finer handling (props by name, lists of objects with uuids, the uuid itself)
//! are listed as `special` and handled in [`crate::edits`]. Each table is checked against the
//! struct's fields at compile time: adding a field to the model without deciding how a review
//! cycle treats it does not compile.

use poam_model::{Finding, Observation, PoamItem, Response, Risk};

/// One member of `T`: its OSCAL JSON name and how to compare, copy and show it.
pub(crate) struct Member<T: 'static> {
    pub name: &'static str,
    pub eq: fn(&T, &T) -> bool,
    /// Makes `dst`'s member what `src`'s is. Reference lists (`related-*`) are united
    /// instead: a merge never unlinks a part from an item.
    pub copy: fn(&mut T, &T),
    pub json: fn(&T) -> serde_json::Value,
}

impl<T> Member<T> {
    pub(crate) fn find(table: &'static [Member<T>], name: &str) -> Option<&'static Member<T>> {
        table.iter().find(|m| m.name == name)
    }
}

/// Appends to `dst` the references of `src` it does not have, keeping `dst`'s order.
fn unite<T: Clone>(dst: &mut Vec<T>, src: &[T], key: fn(&T) -> &str) {
    for s in src {
        if !dst.iter().any(|d| key(d).eq_ignore_ascii_case(key(s))) {
            dst.push(s.clone());
        }
    }
}

macro_rules! members {
    (
        $table:ident: $ty:ident {
            $($name:literal => $field:ident,)*
        }
        united { $($uname:literal => $ufield:ident by $ukey:ident,)* }
        special { $($special:ident),* }
    ) => {
        #[doc = concat!("The plainly compared members of `", stringify!($ty), "`.")]
        pub(crate) static $table: &[Member<$ty>] = &[
            $(Member {
                name: $name,
                eq: |a, b| a.$field == b.$field,
                copy: |d, s| d.$field.clone_from(&s.$field),
                json: |x| serde_json::to_value(&x.$field).unwrap_or(serde_json::Value::Null),
            },)*
            $(Member {
                name: $uname,
                eq: |a, b| a.$ufield == b.$ufield,
                copy: |d, s| unite(&mut d.$ufield, &s.$ufield, |r| r.$ukey.as_str()),
                json: |x| serde_json::to_value(&x.$ufield).unwrap_or(serde_json::Value::Null),
            },)*
        ];
        const _: () = {
            // Compile-time check that every field is either in the table or special.
            #[allow(dead_code)]
            fn every_field_is_handled(x: &$ty) {
                let $ty { $($field: _,)* $($ufield: _,)* $($special: _,)* } = x;
            }
        };
    };
}

members! {
    ITEM_MEMBERS: PoamItem {
        "title" => title,
        "description" => description,
        "links" => links,
        "origins" => origins,
        "remarks" => remarks,
    }
    united {
        "related-findings" => related_findings by finding_uuid,
        "related-observations" => related_observations by observation_uuid,
        "related-risks" => related_risks by risk_uuid,
    }
    special { uuid, props }
}

members! {
    RISK_MEMBERS: Risk {
        "title" => title,
        "description" => description,
        "statement" => statement,
        "links" => links,
        "status" => status,
        "origins" => origins,
        "threat-ids" => threat_ids,
        "deadline" => deadline,
    }
    united {
        "related-observations" => related_observations by observation_uuid,
    }
    special { uuid, props, characterizations, mitigating_factors, remediations, risk_log }
}

members! {
    OBSERVATION_MEMBERS: Observation {
        "title" => title,
        "description" => description,
        "links" => links,
        "methods" => methods,
        "types" => types,
        "origins" => origins,
        "subjects" => subjects,
        "relevant-evidence" => relevant_evidence,
        "collected" => collected,
        "expires" => expires,
        "remarks" => remarks,
    }
    united {}
    special { uuid, props }
}

members! {
    FINDING_MEMBERS: Finding {
        "title" => title,
        "description" => description,
        "links" => links,
        "origins" => origins,
        "target" => target,
        "implementation-statement-uuid" => implementation_statement_uuid,
        "remarks" => remarks,
    }
    united {
        "related-observations" => related_observations by observation_uuid,
        "related-risks" => related_risks by risk_uuid,
    }
    special { uuid, props }
}

members! {
    RESPONSE_MEMBERS: Response {
        "lifecycle" => lifecycle,
        "title" => title,
        "description" => description,
        "props" => props,
        "links" => links,
        "origins" => origins,
        "remarks" => remarks,
    }
    united {}
    special { uuid, required_assets, tasks }
}

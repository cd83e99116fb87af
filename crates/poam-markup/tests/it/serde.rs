//! Serde: markup (de)serializes as its Markdown string.

use poam_markup::{Block, Inline, MarkupLine, MarkupMultiline};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    title: MarkupLine,
    description: MarkupMultiline,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remarks: Option<MarkupMultiline>,
}

#[test]
fn json_round_trip() {
    let json = r#"{"title":"Patch *OpenSSL*","description":"One.\n\n- a\n- b","remarks":"The \\\"fedramp-pmo\\\" role"}"#;
    let item: Item = serde_json::from_str(json).expect("valid");
    assert_eq!(
        item.title.inlines(),
        vec![
            Inline::Text("Patch ".into()),
            Inline::Em(vec![Inline::Text("OpenSSL".into())])
        ]
    );
    assert_eq!(item.description.blocks().len(), 2);
    assert_eq!(
        item.remarks.as_ref().map(|r| r.blocks().to_vec()),
        Some(vec![Block::Paragraph(vec![Inline::Text(
            "The \"fedramp-pmo\" role".into()
        )])])
    );
    assert_eq!(serde_json::to_string(&item).expect("serializable"), json);
}

#[test]
fn borrowed_owned_and_value_inputs_agree() {
    let borrowed: MarkupLine = serde_json::from_str(r#""plain title""#).expect("valid");
    // An escape forces serde_json to hand over a temporary (non-borrowed) string.
    let escaped: MarkupLine = serde_json::from_str(r#""plain\u0020title""#).expect("valid");
    let owned: MarkupLine =
        serde_json::from_value(serde_json::Value::String("plain title".into())).expect("valid");
    assert_eq!(borrowed, escaped);
    assert_eq!(borrowed, owned);
    assert_eq!(borrowed.inlines(), vec![Inline::Text("plain title".into())]);
}

#[test]
fn non_strings_are_rejected() {
    let e = serde_json::from_str::<MarkupLine>("42").expect_err("not a string");
    assert!(e.to_string().contains("markup-line"), "{e}");
    assert!(serde_json::from_str::<MarkupMultiline>("[]").is_err());
}

#[test]
fn empty_markup_is_an_empty_string() {
    let item = Item {
        title: MarkupLine::default(),
        description: MarkupMultiline::default(),
        remarks: None,
    };
    assert_eq!(
        serde_json::to_string(&item).expect("serializable"),
        r#"{"title":"","description":""}"#
    );
    let back: Item = serde_json::from_str(r#"{"title":"","description":""}"#).expect("valid");
    assert_eq!(back, item);
}

//! Snapshots of the Markdown and XML written for a rich sample, so that changes to the
//! canonical output are reviewed.

use poam_markup::{MarkupLine, MarkupMultiline, xml};

const SAMPLE: &str = r#"# Finding: *weak* TLS

The scanner reported **TLS 1.0** on `host-01` (see [CVE list](https://example.com/cve "CVE database")).
Values: {{ insert: param, ac-17_prm_1 }}, H~2~O, x^2^, 5 \* 3 and a\_b.

1. Disable TLS 1.0
2. Re-scan
   - check `openssl s_client`
   - attach evidence

3. Close the item

> Quoted remark with a\
> hard break.

| Control | Status | Days |
|:--|:-:|--:|
| AC-2 | open | 30 |
| SC-8 \| SC-13 | closed | 0 |

```
$ nmap --script ssl-enum-ciphers host-01
```

---

![diagram](https://example.com/d.png "Network")
"#;

#[test]
fn rich_sample_markdown() {
    let m = MarkupMultiline::from_markdown(SAMPLE);
    let out = m.to_markdown();
    insta::assert_snapshot!("rich_sample_markdown", out);
    assert_eq!(MarkupMultiline::from_markdown(&out), m);
}

#[test]
fn rich_sample_xml() {
    let m = MarkupMultiline::from_markdown(SAMPLE);
    let out = xml::multiline_to_string("description", &m).expect("writable");
    insta::assert_snapshot!("rich_sample_xml", out);
    assert_eq!(xml::multiline_from_str(&out).expect("readable"), m);
}

#[test]
fn rich_sample_tree() {
    insta::assert_debug_snapshot!("rich_sample_tree", MarkupMultiline::from_markdown(SAMPLE));
}

#[test]
fn title_markdown_and_xml() {
    let l = MarkupLine::from_markdown(r#"1. Patch *CVE-2024-1234* on "web" tier"#);
    insta::assert_snapshot!(
        "title",
        format!(
            "{}\n{}",
            l.to_markdown(),
            xml::line_to_string("title", &l).expect("writable")
        )
    );
}

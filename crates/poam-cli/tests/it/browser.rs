//! The HTML report of the bundled fixtures in a real browser (headless Chromium): the page
//! renders (the screenshot is not blank), its headline numbers in the DOM equal the JSON
//! report's, and it loads nothing from the network.
//!
//! Chromium is not part of `cargo test`'s needs: when `/usr/bin/chromium` is absent the test
//! says so and passes, unless `POAM_REQUIRE_CHROMIUM=1` (CI sets it), then it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/report")
        .join(name)
        .display()
        .to_string()
}

/// Chromium's path, or `None` (with a message) when the test is to be skipped.
#[allow(clippy::print_stderr)] // the skip must be visible in the test output
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("POAM_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
        "POAM_REQUIRE_CHROMIUM=1 but {CHROMIUM} is not installed"
    );
    eprintln!(
        "skipped: {CHROMIUM} is not installed (apt-get install chromium); set POAM_REQUIRE_CHROMIUM=1 to fail instead"
    );
    None
}

/// Runs headless Chromium on `page` with a fresh profile and `extra` flags, killing it after
/// two minutes.
fn headless(chromium: &Path, profile: &Path, page: &Path, extra: &[String]) -> Output {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().expect("chromium runs").is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("chromium's output")
}

fn poam(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .output()
        .expect("poam runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The text of the element with `id="{id}"` (an element holding text only).
fn text_of<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

/// Share of the pixels that differ from the most common colour, and the number of colours.
fn ink(png_path: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).expect("the screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let mut counts = std::collections::HashMap::new();
    for p in &pixels {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    (1.0 - most as f64 / pixels.len() as f64, counts.len())
}

#[test]
fn html_report_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let cycles = ["2024-06.json", "2024-07.json", "2024-08.json"].map(fixture);
    let mut args = vec!["report", "-o", page.to_str().unwrap()];
    args.extend(cycles.iter().map(String::as_str));
    poam(&args);
    let mut args = vec!["report", "--format", "json"];
    args.extend(cycles.iter().map(String::as_str));
    let json: Value = serde_json::from_slice(&poam(&args).stdout).unwrap();

    // 1. The screenshot is not blank: ink on a good share of the page, in many colours.
    assert_screenshot_inked(&chromium, dir.path(), &page);
    // 2. The DOM's headline numbers are the JSON's; 3. nothing was fetched.
    let net_log = dir.path().join("net-log.json");
    let o = headless(
        &chromium,
        &dir.path().join("profile-2"),
        &page,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", net_log.display()),
        ],
    );
    let dom = String::from_utf8(o.stdout).unwrap();
    assert!(
        dom.contains("id=\"kpi-open\""),
        "no report in the DOM:\n{dom}"
    );
    assert_headline_is(&dom, &json);
    assert_nothing_fetched(&dom, &net_log, &page);
}

fn assert_screenshot_inked(chromium: &Path, dir: &Path, page: &Path) {
    let shot = dir.join("shot.png");
    let o = headless(
        chromium,
        &dir.join("profile-1"),
        page,
        &[
            "--window-size=1280,2000".into(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (share, colours) = ink(&shot);
    assert!(
        share > 0.05,
        "the screenshot is nearly blank ({share:.3} of pixels inked)"
    );
    assert!(colours > 50, "the screenshot has {colours} colours");
}

/// The DOM's headline numbers are the JSON report's.
fn assert_headline_is(dom: &str, json: &Value) {
    for key in [
        "open",
        "overdue",
        "due-30-days",
        "closed-this-cycle",
        "deviations-pending",
    ] {
        let m = &json["headline"][key];
        assert_eq!(
            text_of(dom, &format!("{key}-total")),
            Some(m["total"].to_string().as_str()),
            "{key}"
        );
        for rating in ["high", "moderate", "low", "unrated"] {
            let id = format!("{key}-{rating}");
            assert_eq!(
                text_of(dom, &id),
                Some(m["by-rating"][rating].to_string().as_str()),
                "{id}"
            );
        }
    }
}

/// The page as parsed names nothing to load, and the network log shows no load.
fn assert_nothing_fetched(dom: &str, net_log: &Path, page: &Path) {
    // The page as parsed names nothing to load: no script, no src, only fragment links.
    assert!(!dom.contains("<script"));
    assert!(!dom.contains(" src="));
    for (i, _) in dom.match_indices("href=") {
        assert!(
            dom[i + 5..].starts_with("\"#"),
            "a link that loads: {}",
            &dom[i..i + 60]
        );
    }
    // The network log: the only requests are Chromium's own background services (Google's
    // update, time and account endpoints), which no page content can cause; none is to a
    // host the page could name, and none is a file or data load besides the page.
    let log = std::fs::read_to_string(net_log).unwrap_or_default();
    let urls: Vec<&str> = log
        .split("\"url\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    for url in urls {
        let host = url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', '?', ':']).next())
            .unwrap_or("");
        let browser_service = host.ends_with(".google.com")
            || host.ends_with(".googleapis.com")
            || host == "google.com";
        let the_page = url == format!("file://{}", page.display());
        assert!(
            browser_service || the_page,
            "the page made a request: {url}"
        );
    }
}

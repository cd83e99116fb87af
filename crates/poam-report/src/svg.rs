//! Small SVG charts for the HTML report: bars (grouped or stacked) and lines over a few
//! categories, with a zero-based axis, round ticks and a legend.
//!
//! Colours are not in the SVG: every mark has a CSS class (`s-high`, `s-closed`, ...) that the
//! page's stylesheet colours, so that the charts follow the light and dark schemes and print.
//! Every chart is meant to sit beside the table of its numbers; its `<title>` says what it
//! shows for screen readers.

// Geometry reads by its usual letters: `x`, `y`, `w`, `h`, `i` for the category, `n` for
// their number, `c` for the chart.
#![allow(clippy::many_single_char_names)]

use std::fmt::Write;

/// One series: a name for the legend, the CSS class of its marks, a value per category.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    pub class: &'static str,
    pub values: Vec<f64>,
}

/// How the series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Side by side within each category.
    Grouped,
    /// On top of each other within each category.
    Stacked,
    /// A line through the categories, one per series.
    Line,
}

/// A chart over `categories` (the x axis).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub kind: Kind,
    /// The axis's unit after each tick (`%` for percentages), empty for counts.
    pub unit: &'static str,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 40.0;

/// `s` safe inside SVG text and attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round axis maximum at or above `max` and its tick step: 1, 2 or 5 times a power of ten,
/// about four ticks. An all-zero chart still gets an axis up to 1.
pub(crate) fn axis(max: f64) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    // Counts never get fractional ticks.
    let step = if max >= 1.0 { step.max(1.0) } else { step };
    ((max / step).ceil() * step, step)
}

/// A number as a tick label: no decimals when whole.
// A tick is a whole number of items or days, which `i64` holds exactly.
#[allow(clippy::cast_possible_truncation)]
fn label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The largest value the axis must reach.
fn top_value(c: &Chart) -> f64 {
    let n = c.categories.len();
    let per_category = |i: usize| {
        c.series
            .iter()
            .map(move |s| s.values.get(i).copied().unwrap_or(0.0))
    };
    (0..n)
        .map(|i| match c.kind {
            Kind::Stacked => per_category(i).sum(),
            Kind::Grouped | Kind::Line => per_category(i).fold(0.0, f64::max),
        })
        .fold(0.0, f64::max)
}

/// The chart as an `<svg>` element.
pub(crate) fn render(c: &Chart) -> String {
    let (max, step) = axis(top_value(c));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - (v / max) * plot_h;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"><title>{}</title>"#,
        escape(&c.title)
    );
    legend(&mut o, c);
    // Grid lines and tick labels.
    let mut t = 0.0;
    while t <= max + step / 2.0 {
        let _ = write!(
            o,
            r#"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}{}</text>"#,
            WIDTH - RIGHT,
            y(t),
            y(t),
            LEFT - 6.0,
            y(t) + 4.0,
            label(t),
            c.unit
        );
        t += step;
    }
    let n = c.categories.len().max(1) as f64;
    let band = plot_w / n;
    for (i, cat) in c.categories.iter().enumerate() {
        let _ = write!(
            o,
            r#"<text class="cat" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + band * (i as f64 + 0.5),
            HEIGHT - BOTTOM + 18.0,
            escape(cat)
        );
    }
    match c.kind {
        Kind::Grouped | Kind::Stacked => bars(&mut o, c, band, &y),
        Kind::Line => lines(&mut o, c, band, &y),
    }
    let _ = write!(
        o,
        r#"<line class="axis" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/></svg>"#,
        WIDTH - RIGHT,
        y(0.0),
        y(0.0)
    );
    o
}

fn legend(o: &mut String, c: &Chart) {
    let mut x = LEFT;
    for s in &c.series {
        let _ = write!(
            o,
            r#"<rect class="key {}" x="{x:.1}" y="8" width="12" height="12" rx="2"/><text class="legend" x="{:.1}" y="18">{}</text>"#,
            s.class,
            x + 16.0,
            escape(&s.name)
        );
        // About 7 units per character at the legend's size.
        x += 16.0 + 7.0 * s.name.chars().count() as f64 + 18.0;
    }
}

fn bars(o: &mut String, c: &Chart, band: f64, y: &dyn Fn(f64) -> f64) {
    let inner = band * 0.7;
    let groups = if c.kind == Kind::Stacked {
        1.0
    } else {
        c.series.len().max(1) as f64
    };
    let bar_w = inner / groups;
    for i in 0..c.categories.len() {
        let x0 = LEFT + band * i as f64 + (band - inner) / 2.0;
        let mut base = 0.0;
        for (k, s) in c.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let (x, from) = match c.kind {
                Kind::Stacked => (x0, base),
                _ => (x0 + bar_w * k as f64, 0.0),
            };
            let (top, bottom) = (y(from + v), y(from));
            let _ = write!(
                o,
                r#"<rect class="{}" x="{x:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"><title>{}: {}{}</title></rect>"#,
                s.class,
                (bar_w - 2.0).max(1.0),
                bottom - top,
                escape(&format!("{}, {}", c.categories[i], s.name)),
                label(v),
                c.unit
            );
            base += v;
        }
    }
}

fn lines(o: &mut String, c: &Chart, band: f64, y: &dyn Fn(f64) -> f64) {
    for s in &c.series {
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (LEFT + band * (i as f64 + 0.5), y(*v)))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            o,
            r#"<polyline class="line {}" points="{}"/>"#,
            s.class,
            path.join(" ")
        );
        for (i, (x, py)) in points.iter().enumerate() {
            let _ = write!(
                o,
                r#"<circle class="{}" cx="{x:.1}" cy="{py:.1}" r="4"><title>{}: {}{}</title></circle>"#,
                s.class,
                escape(&format!("{}, {}", c.categories[i], s.name)),
                label(s.values[i]),
                c.unit
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: Kind, a: Vec<f64>, b: Vec<f64>) -> Chart {
        Chart {
            title: "Open <items> & more".into(),
            categories: vec!["June".into(), "July".into()],
            series: vec![
                Series {
                    name: "high".into(),
                    class: "s-high",
                    values: a,
                },
                Series {
                    name: "low".into(),
                    class: "s-low",
                    values: b,
                },
            ],
            kind,
            unit: "",
        }
    }

    #[test]
    fn axis_is_round_and_covers_the_maximum() {
        assert_eq!(axis(0.0), (1.0, 1.0));
        assert_eq!(axis(3.0), (3.0, 1.0));
        assert_eq!(axis(9.0), (10.0, 5.0));
        assert_eq!(axis(100.0), (100.0, 50.0));
        assert_eq!(axis(1234.0), (1500.0, 500.0));
        assert_eq!(axis(f64::NAN), (1.0, 1.0));
    }

    /// The heights of the `<rect>` marks of class `class`, in order.
    fn heights(svg: &str, class: &str) -> Vec<f64> {
        svg.split(&format!(r#"<rect class="{class}" x="#))
            .skip(1)
            .filter_map(|rest| {
                let h = rest.split("height=\"").nth(1)?;
                h.split('"').next()?.parse().ok()
            })
            .collect()
    }

    #[test]
    fn bars_are_proportional_and_stack() {
        // Axis 0..10 over a 186-unit plot: 1 = 18.6 units.
        let grouped = render(&chart(Kind::Grouped, vec![5.0, 10.0], vec![2.0, 0.0]));
        assert_eq!(heights(&grouped, "s-high"), [93.0, 186.0]);
        assert_eq!(
            heights(&grouped, "s-low"),
            [37.2],
            "a zero value draws no bar"
        );
        let stacked = render(&chart(Kind::Stacked, vec![4.0, 6.0], vec![4.0, 2.0]));
        // Stacked totals 8 and 8: axis 0..8 in steps of 2, 1 = 23.25 units.
        assert_eq!(heights(&stacked, "s-high"), [93.0, 139.5]);
        assert_eq!(heights(&stacked, "s-low"), [93.0, 46.5]);
        // The second series of a stack starts where the first ends, at the axis's top.
        assert!(
            stacked.contains(r#"<rect class="s-low" x="81.8" y="34.0""#),
            "{stacked}"
        );
    }

    #[test]
    fn text_is_escaped_and_every_mark_says_its_value() {
        let svg = render(&chart(Kind::Line, vec![1.0, 3.0], vec![0.0, 2.0]));
        assert!(svg.contains("<title>Open &lt;items&gt; &amp; more</title>"));
        assert!(svg.contains("<title>July, high: 3</title>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}

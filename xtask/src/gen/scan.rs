//! `cargo xtask gen-scan`: large scanner outputs for `poam import`'s benchmarks, written as a
//! stream (a 500 MB file never sits in memory), deterministic by seed.
//!
//! ```text
//! cargo xtask gen-scan --findings N [--format nessus|trivy] [--seed S] -o FILE
//! ```
//!
//! A monthly scan of a big system repeats the same few hundred weaknesses over thousands of
//! hosts, so the files grow with the findings while the POA&M items stay bounded:
//!
//! - `nessus`: a `.nessus` v2 file of `N` report items, [`FINDINGS_PER_HOST`] per host (so
//!   `N / 20` hosts with their host properties), drawn from a pool of [`PLUGINS`] plugins
//!   (a fifth informational, as discovery plugins are); each item carries the plugin's
//!   synopsis, description, solution, CVEs, CVSS and a host-specific plugin output, with
//!   escaped characters as real files have. About 1.7 KB per finding.
//! - `trivy`: a Trivy schema-2 JSON report of `N` vulnerabilities over `N / 20` targets (the
//!   jar files or layers of a large image), drawn from a pool of [`PLUGINS`] vulnerabilities in
//!   packages. About 1 KB per finding.

use std::io::{self, Write};
use std::path::PathBuf;

use super::rng::Rng;
use super::text::{self, PRODUCTS, WEAKNESSES};

/// Findings per host (Nessus) or per target (Trivy).
pub const FINDINGS_PER_HOST: u64 = 20;
/// The distinct weaknesses a scan draws from: the bound on the items an import makes.
pub const PLUGINS: u64 = 250;

/// The scan formats the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanKind {
    Nessus,
    Trivy,
}

/// One weakness of the pool, the same wherever it is found.
struct Plugin {
    id: u64,
    name: String,
    /// 0 informational .. 4 critical (Nessus's scale).
    severity: u64,
    cves: Vec<String>,
    score: String,
    vector: &'static str,
    synopsis: String,
    description: String,
    solution: String,
    package: &'static str,
    installed: String,
    fixed: String,
}

const SEVERITY_WORDS: [&str; 5] = ["None", "Low", "Medium", "High", "Critical"];
const VECTORS: [&str; 3] = [
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
];

fn plugin(seed: u64, i: u64) -> Plugin {
    let mut r = Rng::stream(seed, 77, i);
    let product = r.pick(PRODUCTS);
    let weakness = r.pick(WEAKNESSES);
    let installed = text::version(&mut r);
    let fixed = text::version(&mut r);
    // A fifth informational, then low to critical.
    let severity = if i.is_multiple_of(5) {
        0
    } else {
        r.range(1, 4)
    };
    let cves: Vec<String> = if severity == 0 {
        Vec::new()
    } else {
        (0..r.range(1, 4)).map(|_| text::cve(&mut r)).collect()
    };
    let score = match severity {
        0 => "0.0".to_owned(),
        1 => format!("{}.{}", r.range(1, 3), r.below(10)),
        2 => format!("{}.{}", r.range(4, 6), r.below(10)),
        3 => format!("{}.{}", r.range(7, 8), r.below(10)),
        _ => format!("9.{}", r.below(9)),
    };
    let first_cve = cves.first().cloned().unwrap_or_default();
    Plugin {
        id: 10_000 + i * 37,
        name: format!("{} < {fixed} {weakness}", product.name),
        severity,
        cves,
        score,
        vector: VECTORS[usize::try_from(r.below(3)).unwrap_or(0)],
        synopsis: format!(
            "The remote host is affected by a {} vulnerability in {} & its modules.",
            weakness.to_lowercase(),
            product.name
        ),
        description: text::scan_description(&mut r, product, &installed, &fixed, &first_cve),
        solution: text::recommendation(Some(product), &fixed),
        package: product.package,
        installed,
        fixed,
    }
}

/// The pool of weaknesses of a seed.
fn plugins(seed: u64) -> Vec<Plugin> {
    (0..PLUGINS).map(|i| plugin(seed, i)).collect()
}

/// `text` escaped for XML character data and attribute values.
fn xml_escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// Writes a `.nessus` v2 file of `findings` report items.
pub fn write_nessus(w: &mut impl Write, findings: u64, seed: u64) -> io::Result<()> {
    let pool = plugins(seed);
    writeln!(w, "<?xml version=\"1.0\" ?>\n<NessusClientData_v2>")?;
    writeln!(
        w,
        "<Policy><policyName>Monthly authenticated scan</policyName><Preferences><ServerPreferences><preference><name>plugin_set</name><value>{}</value></preference></ServerPreferences></Preferences></Policy>",
        pool.iter()
            .map(|p| p.id.to_string())
            .collect::<Vec<_>>()
            .join(";")
    )?;
    writeln!(
        w,
        "<Report name=\"Monthly scan\" xmlns:cm=\"http://www.nessus.org/cm\">"
    )?;
    let hosts = findings.div_ceil(FINDINGS_PER_HOST);
    let start: i64 = 1_717_405_200; // 2024-06-03
    for h in 0..hosts {
        let mut r = Rng::stream(seed, 78, h);
        let ip = format!("10.{}.{}.{}", (h >> 16) & 255, (h >> 8) & 255, h & 255);
        let name = format!("host{h:06}.example.com");
        let when = start + i64::try_from(h).unwrap_or(0) * 7;
        writeln!(
            w,
            "<ReportHost name=\"{name}\"><HostProperties>\n<tag name=\"HOST_END\">Mon Jun  3 10:00:00 2024</tag>\n<tag name=\"operating-system\">Linux Kernel 5.15 on Ubuntu 22.04</tag>\n<tag name=\"host-ip\">{ip}</tag>\n<tag name=\"host-fqdn\">{name}</tag>\n<tag name=\"HOST_START_TIMESTAMP\">{when}</tag>\n</HostProperties>"
        )?;
        let here = FINDINGS_PER_HOST.min(findings - h * FINDINGS_PER_HOST);
        for k in 0..here {
            let p = &pool[usize::try_from(r.below(PLUGINS)).unwrap_or(0)];
            let port = [443, 22, 80, 8443, 3306][usize::try_from(k % 5).unwrap_or(0)];
            report_item(w, p, port, &ip)?;
        }
        writeln!(w, "</ReportHost>")?;
    }
    writeln!(w, "</Report>\n</NessusClientData_v2>")
}

fn report_item(w: &mut impl Write, p: &Plugin, port: u32, ip: &str) -> io::Result<()> {
    writeln!(
        w,
        "<ReportItem port=\"{port}\" svc_name=\"www\" protocol=\"tcp\" severity=\"{}\" pluginID=\"{}\" pluginName=\"{}\" pluginFamily=\"General\">",
        p.severity,
        p.id,
        xml_escape(&p.name)
    )?;
    writeln!(
        w,
        "<agent>unix</agent>\n<description>{}</description>\n<fname>plugin_{}.nasl</fname>\n<plugin_modification_date>2024/05/20</plugin_modification_date>\n<plugin_name>{}</plugin_name>\n<plugin_publication_date>2023/11/02</plugin_publication_date>\n<plugin_type>local</plugin_type>\n<risk_factor>{}</risk_factor>\n<script_version>1.4</script_version>\n<solution>{}</solution>\n<synopsis>{}</synopsis>",
        xml_escape(&p.description),
        p.id,
        xml_escape(&p.name),
        SEVERITY_WORDS[usize::try_from(p.severity).unwrap_or(0)],
        xml_escape(&p.solution),
        xml_escape(&p.synopsis),
    )?;
    if p.severity > 0 {
        writeln!(
            w,
            "<cvss3_base_score>{}</cvss3_base_score>\n<cvss3_vector>{}</cvss3_vector>",
            p.score, p.vector
        )?;
        for c in &p.cves {
            writeln!(w, "<cve>{c}</cve>")?;
        }
    }
    writeln!(
        w,
        "<plugin_output>\n  Remote package installed : {}-{}\n  Should be                : {}-{}\n  Listening on             : {ip}:{port}\n</plugin_output>\n</ReportItem>",
        p.package, p.installed, p.package, p.fixed
    )
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Writes a Trivy schema-2 report of `findings` vulnerabilities.
pub fn write_trivy(w: &mut impl Write, findings: u64, seed: u64) -> io::Result<()> {
    let pool = plugins(seed);
    writeln!(
        w,
        "{{\n  \"SchemaVersion\": 2,\n  \"CreatedAt\": \"2024-06-03T10:00:00Z\",\n  \"ArtifactName\": \"registry.example.com/big/app:1.0\",\n  \"ArtifactType\": \"container_image\",\n  \"Results\": ["
    )?;
    let targets = findings.div_ceil(FINDINGS_PER_HOST);
    for t in 0..targets {
        let mut r = Rng::stream(seed, 79, t);
        writeln!(
            w,
            "    {{\n      \"Target\": \"opt/app/lib/module-{t:06}.jar\",\n      \"Class\": \"lang-pkgs\",\n      \"Type\": \"jar\",\n      \"Vulnerabilities\": ["
        )?;
        let here = FINDINGS_PER_HOST.min(findings - t * FINDINGS_PER_HOST);
        for k in 0..here {
            let p = &pool[usize::try_from(r.below(PLUGINS)).unwrap_or(0)];
            let id = p
                .cves
                .first()
                .cloned()
                .unwrap_or_else(|| format!("GHSA-{}", p.id));
            let severity = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
                [usize::try_from(p.severity).unwrap_or(0)];
            write!(
                w,
                "        {{\n          \"VulnerabilityID\": \"{id}\",\n          \"PkgName\": \"{}\",\n          \"PkgPath\": \"opt/app/lib/module-{t:06}.jar\",\n          \"InstalledVersion\": \"{}\",\n          \"FixedVersion\": \"{}\",\n          \"Status\": \"fixed\",\n          \"SeveritySource\": \"nvd\",\n          \"PrimaryURL\": \"https://avd.aquasec.com/nvd/{}\",\n          \"Title\": {},\n          \"Description\": {},\n          \"Severity\": \"{severity}\",\n          \"CVSS\": {{ \"nvd\": {{ \"V3Vector\": \"{}\", \"V3Score\": {} }} }},\n          \"PublishedDate\": \"2023-11-02T15:15:00Z\"\n        }}{}\n",
                p.package,
                p.installed,
                p.fixed,
                id.to_lowercase(),
                json_string(&p.name),
                json_string(&p.description),
                p.vector,
                p.score,
                if k + 1 < here { "," } else { "" }
            )?;
        }
        writeln!(
            w,
            "      ]\n    }}{}",
            if t + 1 < targets { "," } else { "" }
        )?;
    }
    writeln!(w, "  ]\n}}")
}

/// Writes a scan of `kind` to `path` atomically-enough for a cache (a temporary name, then
/// renamed), streaming.
pub fn write_file(
    kind: ScanKind,
    findings: u64,
    seed: u64,
    path: &std::path::Path,
) -> Result<(), String> {
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut w = io::BufWriter::with_capacity(1 << 20, file);
    match kind {
        ScanKind::Nessus => write_nessus(&mut w, findings, seed),
        ScanKind::Trivy => write_trivy(&mut w, findings, seed),
    }
    .and_then(|()| w.flush())
    .map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Options of `cargo xtask gen-scan`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Number of findings (over N/20 hosts).
    #[arg(long, short = 'n', value_name = "N", value_parser = crate::args::positive)]
    pub findings: u64,
    /// The scanner whose output to write.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "nessus")]
    pub format: ScanKind,
    /// Seed of the generator: the same seed writes the same scan.
    #[arg(long, value_name = "S", default_value_t = 1, value_parser = crate::args::count)]
    pub seed: u64,
    /// The file to write.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

/// `cargo xtask gen-scan ...`.
pub fn run(opts: &Options) -> Result<(), String> {
    write_file(opts.format, opts.findings, opts.seed, &opts.out)
}

#[cfg(test)]
// The bounds are small constants.
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_reject() -> Result<(), String> {
        let parse = |s: &str| {
            crate::args::parse::<Options>(&s.split(' ').collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        let o = parse("--findings 300_000 -o big.nessus")?;
        assert_eq!(
            (o.findings, o.format, o.seed),
            (300_000, ScanKind::Nessus, 1)
        );
        let o = parse("-n 5 --format trivy --seed 3 --output t.json")?;
        assert_eq!((o.findings, o.format, o.seed), (5, ScanKind::Trivy, 3));
        assert!(parse("--findings 0 -o x").is_err());
        assert!(parse("--findings 5 --format csv -o x").is_err());
        assert!(parse("--findings 5").is_err());
        Ok(())
    }

    #[test]
    fn a_generated_nessus_file_imports_with_bounded_items() -> Result<(), String> {
        let mut bytes = Vec::new();
        write_nessus(&mut bytes, 1000, 1).map_err(|e| e.to_string())?;
        let scan = poam_import::read(&bytes).map_err(|e| e.to_string())?;
        assert_eq!(scan.format, Some(poam_import::ScanFormat::NessusXml));
        assert_eq!(scan.findings.len(), 1000);
        assert_eq!(scan.asset_count(), 50, "20 findings per host");
        let weaknesses = poam_import::group(scan.findings.iter(), poam_import::Grouping::Weakness);
        assert!(
            weaknesses.len() <= PLUGINS as usize && weaknesses.len() > 150,
            "{}",
            weaknesses.len()
        );
        let per_finding = bytes.len() / 1000;
        assert!((1000..3000).contains(&per_finding), "{per_finding} bytes");
        Ok(())
    }

    #[test]
    fn a_generated_trivy_file_imports_with_bounded_items() -> Result<(), String> {
        let mut bytes = Vec::new();
        write_trivy(&mut bytes, 999, 1).map_err(|e| e.to_string())?;
        let scan = poam_import::read(&bytes).map_err(|e| e.to_string())?;
        assert_eq!(scan.format, Some(poam_import::ScanFormat::Trivy));
        assert_eq!(scan.findings.len(), 999);
        let weaknesses = poam_import::group(scan.findings.iter(), poam_import::Grouping::Weakness);
        assert!(weaknesses.len() <= PLUGINS as usize, "{}", weaknesses.len());
        Ok(())
    }
}

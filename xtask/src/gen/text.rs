//! Word tables and prose builders: weakness names, Markdown descriptions, statements.
//!
//! The prose is shaped like scanner and assessor output in real FedRAMP POA&Ms (product and
//! version, CVE, plugin id, remediation advice) and uses the Markdown that OSCAL markup allows
//! (emphasis, strong, inline code, bullet and numbered lists, links), so that markup parsing
//! and the XML markup writer see realistic work.

use super::rng::Rng;
use std::fmt::Write as _;

/// A scanned product: its name, its vendor and its package name.
#[derive(Debug)]
pub struct Product {
    pub name: &'static str,
    pub vendor: &'static str,
    pub package: &'static str,
}

pub const PRODUCTS: &[Product] = &[
    Product {
        name: "OpenSSL",
        vendor: "OpenSSL Project",
        package: "openssl",
    },
    Product {
        name: "Apache Tomcat",
        vendor: "Apache Software Foundation",
        package: "tomcat",
    },
    Product {
        name: "Apache HTTP Server",
        vendor: "Apache Software Foundation",
        package: "httpd",
    },
    Product {
        name: "nginx",
        vendor: "F5",
        package: "nginx",
    },
    Product {
        name: "OpenSSH",
        vendor: "OpenBSD",
        package: "openssh-server",
    },
    Product {
        name: "Linux Kernel",
        vendor: "Red Hat",
        package: "kernel",
    },
    Product {
        name: "glibc",
        vendor: "GNU Project",
        package: "glibc",
    },
    Product {
        name: "PostgreSQL",
        vendor: "PostgreSQL Global Development Group",
        package: "postgresql",
    },
    Product {
        name: "MySQL Server",
        vendor: "Oracle",
        package: "mysql-server",
    },
    Product {
        name: "Oracle Java SE",
        vendor: "Oracle",
        package: "java-17-openjdk",
    },
    Product {
        name: "Node.js",
        vendor: "OpenJS Foundation",
        package: "nodejs",
    },
    Product {
        name: "Python",
        vendor: "Python Software Foundation",
        package: "python3",
    },
    Product {
        name: "curl",
        vendor: "curl project",
        package: "libcurl",
    },
    Product {
        name: "sudo",
        vendor: "sudo project",
        package: "sudo",
    },
    Product {
        name: "Kubernetes kubelet",
        vendor: "CNCF",
        package: "kubelet",
    },
    Product {
        name: "containerd",
        vendor: "CNCF",
        package: "containerd",
    },
    Product {
        name: "Microsoft Windows Server 2022",
        vendor: "Microsoft",
        package: "windows-server",
    },
    Product {
        name: "Microsoft .NET Runtime",
        vendor: "Microsoft",
        package: "dotnet-runtime",
    },
    Product {
        name: "Log4j",
        vendor: "Apache Software Foundation",
        package: "log4j-core",
    },
    Product {
        name: "Spring Framework",
        vendor: "VMware",
        package: "spring-core",
    },
    Product {
        name: "Redis",
        vendor: "Redis Ltd.",
        package: "redis",
    },
    Product {
        name: "Elasticsearch",
        vendor: "Elastic",
        package: "elasticsearch",
    },
    Product {
        name: "HAProxy",
        vendor: "HAProxy Technologies",
        package: "haproxy",
    },
    Product {
        name: "BIND",
        vendor: "ISC",
        package: "bind9",
    },
];

pub const WEAKNESSES: &[&str] = &[
    "Multiple Vulnerabilities",
    "Remote Code Execution",
    "Denial of Service",
    "Information Disclosure",
    "Privilege Escalation",
    "Security Bypass",
    "Heap Buffer Overflow",
    "Use-After-Free",
    "Improper Certificate Validation",
    "Path Traversal",
    "Request Smuggling",
    "Integer Overflow",
];

/// Configuration (baseline) findings, as a benchmark or an assessor reports them.
pub const CONFIG_FINDINGS: &[(&str, &str)] = &[
    ("Password minimum length is less than 14 characters", "ia-5"),
    ("Account lockout threshold is not configured", "ac-7"),
    (
        "Audit logging of privileged commands is not enabled",
        "au-2",
    ),
    ("TLS 1.0 and TLS 1.1 protocols are enabled", "sc-8"),
    ("SSH permits weak key exchange algorithms", "sc-13"),
    ("Session inactivity timeout exceeds 15 minutes", "ac-12"),
    ("FIPS mode is not enabled on the host", "sc-13"),
    ("Unused network services are running", "cm-7"),
    ("Log retention is shorter than 90 days", "au-11"),
    (
        "Multi-factor authentication not enforced for console access",
        "ia-2",
    ),
    ("World-writable files found in system directories", "ac-6"),
    ("File integrity monitoring agent is not installed", "si-7"),
    (
        "Security patches older than 30 days are not applied",
        "si-2",
    ),
    ("Default administrative account is enabled", "ac-2"),
    ("Backups are not encrypted at rest", "cp-9"),
];

/// NIST SP 800-53 rev 5 control ids that scanner findings commonly map to.
pub const CONTROLS: &[&str] = &[
    "ra-5", "si-2", "cm-6", "cm-7", "sc-8", "sc-13", "ac-2", "ac-6", "ac-17", "ia-2", "ia-5",
    "au-2", "au-12", "si-4", "sc-7", "cm-2", "cm-8", "sa-22", "si-3", "sc-28",
];

pub const TOOLS: &[(&str, &str, &str)] = &[
    ("Tenable", "Nessus Professional", "10.7.3"),
    ("Qualys", "Qualys VMDR", "2024.6"),
    ("OpenText", "WebInspect", "24.2"),
    ("Aqua Security", "Trivy", "0.52.2"),
    (
        "Center for Internet Security",
        "CIS-CAT Pro Assessor",
        "4.41.0",
    ),
];

pub const HOST_ROLES: &[&str] = &[
    "web", "app", "api", "db", "cache", "queue", "bastion", "ldap", "k8s-node", "log", "mon",
    "proxy", "dns", "mail", "build",
];

pub const FIRST_NAMES: &[&str] = &[
    "Avery", "Jordan", "Morgan", "Riley", "Casey", "Taylor", "Quinn", "Rowan", "Emerson", "Hayden",
    "Parker", "Sasha",
];

pub const LAST_NAMES: &[&str] = &[
    "Nguyen",
    "Okafor",
    "Lindqvist",
    "Ramirez",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "O'Brien",
    "Schmidt",
    "Patel",
    "Moreau",
    "Silva",
];

const ADVERBS: &[&str] = &[
    "remotely",
    "locally",
    "without authentication",
    "with low privileges",
];

const IMPACTS: &[&str] = &[
    "execute arbitrary code",
    "cause a denial of service",
    "read sensitive memory",
    "bypass access restrictions",
    "escalate privileges to root",
    "inject arbitrary HTTP headers",
    "read arbitrary files",
    "downgrade the negotiated cipher suite",
];

const CONDITIONS: &[&str] = &[
    "by sending a specially crafted request",
    "via a malformed certificate chain",
    "through a race condition in the session cache",
    "when processing oversized headers",
    "by supplying a crafted archive",
    "through an unchecked length field",
];

const MITIGATIONS: &[&str] = &[
    "The affected service is reachable only from the management VPC.",
    "A web application firewall rule blocks the known exploit pattern.",
    "The vulnerable module is not loaded in the production configuration.",
    "Host-based intrusion detection alerts on exploitation attempts.",
    "Access requires a FIPS-validated mutual TLS client certificate.",
];

/// A version string like `3.0.13`.
pub fn version(r: &mut Rng) -> String {
    format!("{}.{}.{}", r.range(1, 17), r.below(12), r.below(40))
}

/// A CVE id from the last few years (`CVE-2023-12345`).
pub fn cve(r: &mut Rng) -> String {
    format!("CVE-{}-{}", r.range(2019, 2025), r.range(1000, 52_999))
}

/// A person's name.
pub fn person(r: &mut Rng) -> String {
    format!("{} {}", r.pick(FIRST_NAMES), r.pick(LAST_NAMES))
}

/// The Markdown description of a scanner finding: a paragraph with emphasis and code, a
/// bullet list of affected packages, and sometimes a numbered list and a reference link.
pub fn scan_description(r: &mut Rng, p: &Product, found: &str, fixed: &str, cve: &str) -> String {
    let mut s = format!(
        "The version of **{}** installed on the remote host is `{}`, prior to `{}`. It is \
         therefore affected by {} vulnerabilities as referenced in the vendor advisory:\n\n",
        p.name,
        found,
        fixed,
        r.range(1, 6),
    );
    let n = r.range(1, 3);
    for k in 0..n {
        let id = if k == 0 { cve.to_owned() } else { self::cve(r) };
        let _ = writeln!(
            s,
            "- {id}: an attacker may *{}* {} {}.",
            r.pick(IMPACTS),
            r.pick(ADVERBS),
            r.pick(CONDITIONS)
        );
    }
    let _ = write!(
        s,
        "\nNote that the scanner has not tested for these issues but has instead relied only on \
         the application's self-reported version number (package `{}`).",
        p.package
    );
    if r.percent(40) {
        let _ = write!(
            s,
            "\n\nSee the [vendor advisory](https://nvd.nist.gov/vuln/detail/{cve}) for details."
        );
    }
    s
}

/// The Markdown description of a configuration finding.
pub fn config_description(r: &mut Rng, finding: &str, control: &str) -> String {
    format!(
        "The assessed baseline setting does not meet the organization-defined value for \
         control `{}`: *{}*.\n\nObserved on {} of {} sampled hosts. The setting is checked by \
         benchmark rule `{}`.",
        control.to_uppercase(),
        finding.to_lowercase(),
        r.range(1, 12),
        r.range(12, 40),
        format_args!(
            "xccdf_org.cisecurity.benchmarks_rule_{}.{}",
            r.range(1, 6),
            r.range(1, 30)
        ),
    )
}

/// A risk statement: impact on the system in one or two paragraphs.
pub fn statement(r: &mut Rng, what: &str) -> String {
    if r.percent(10) {
        return poam_fedramp::placeholders::STATEMENT.to_owned();
    }
    format!(
        "Exploitation of this weakness in {what} could allow an attacker to {} {}. Successful \
         exploitation affects the **confidentiality** and *integrity* of federal data processed \
         by the system.\n\nThe likelihood is rated from the exposure of the affected hosts and \
         the availability of public exploit code.",
        r.pick(IMPACTS),
        r.pick(ADVERBS),
    )
}

/// The tool's recommended remediation.
pub fn recommendation(p: Option<&Product>, fixed: &str) -> String {
    match p {
        Some(p) => format!(
            "Upgrade **{}** to version `{fixed}` or later. Where an upgrade is not possible, \
             apply the vendor's workaround:\n\n1. Disable the affected feature.\n2. Restart the \
             service.\n3. Re-scan the host to confirm the fix.",
            p.name
        ),
        None => "Apply the hardened baseline setting with the configuration management tool, \
                 then re-run the benchmark to confirm compliance."
            .to_owned(),
    }
}

/// The CSP's remediation plan.
pub fn plan(r: &mut Rng, what: &str) -> String {
    format!(
        "The CSP will remediate {what} through the standard *monthly patch cycle*. The change \
         is tested in the staging environment first, approved by the Change Control Board \
         (ticket `CHG-{}`), and deployed with the automated pipeline.",
        r.range(10_000, 99_999)
    )
}

/// A mitigating factor.
pub fn mitigation(r: &mut Rng) -> String {
    (*r.pick(MITIGATIONS)).to_owned()
}

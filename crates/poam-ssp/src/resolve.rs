//! An asset identifier, as a workbook or a scanner writes it, to the one SSP asset it names.
//!
//! An SSP asset is known by its OSCAL props: `asset-id` (exactly as written), `fqdn` (case
//! and a trailing dot aside), `ipv4-address` and `ipv6-address` (as addresses, so `::1` and
//! `0:0::1` are one), and its host name: a `netbios-name` or `hostname` prop, or the first
//! label of its `fqdn`. A name given to [`Resolver::resolve`] is looked up by what it is:
//! an address only as an address, a name with dots as an asset id or FQDN, a bare name as an
//! asset id or host name. The text before ` (` (a port, a package) is tried too, so
//! `web01.example.com (443/tcp)` finds `web01.example.com`.
//!
//! Nothing is guessed: the names of one POA&M asset must together point at exactly one SSP
//! asset; none is [`Resolution::None`], more than one is [`Resolution::Several`].

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

use crate::read::{Asset, Ssp};

/// A lookup key: what kind of name, and its normalized text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    AssetId(String),
    Fqdn(String),
    Address(IpAddr),
    HostName(String),
}

/// What a POA&M asset resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<'s> {
    /// The one SSP asset its names point at.
    Found(&'s Asset),
    /// No SSP asset has any of its names.
    None,
    /// Its names point at several SSP assets.
    Several(Vec<&'s Asset>),
}

/// The SSP's assets indexed by every name they are known by.
#[derive(Debug)]
pub struct Resolver<'s> {
    ssp: &'s Ssp,
    index: HashMap<Key, BTreeSet<usize>>,
}

fn fqdn_key(s: &str) -> String {
    s.trim().trim_end_matches('.').to_lowercase()
}

/// The keys an SSP asset is known by.
fn asset_keys(a: &Asset) -> Vec<Key> {
    let mut keys = Vec::new();
    for (name, value) in &a.props {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "asset-id" => keys.push(Key::AssetId(value.to_owned())),
            "fqdn" => {
                let fqdn = fqdn_key(value);
                if let Some((host, _)) = fqdn.split_once('.') {
                    keys.push(Key::HostName(host.to_owned()));
                }
                keys.push(Key::Fqdn(fqdn));
            }
            "ipv4-address" | "ipv6-address" => {
                if let Ok(ip) = value.parse::<IpAddr>() {
                    keys.push(Key::Address(ip));
                }
            }
            "netbios-name" | "hostname" | "host-name" => {
                keys.push(Key::HostName(value.to_lowercase()));
            }
            _ => {}
        }
    }
    keys
}

/// The keys one written name is looked up by.
fn name_keys(name: &str) -> Vec<Key> {
    let name = name.trim();
    let mut keys = Vec::new();
    if name.is_empty() {
        return keys;
    }
    keys.push(Key::AssetId(name.to_owned()));
    let head = name
        .split_once(" (")
        .map_or(name, |(h, _)| h)
        .trim()
        .trim_end_matches([',', ';']);
    if head != name && !head.is_empty() {
        keys.push(Key::AssetId(head.to_owned()));
    }
    if let Ok(ip) = head.parse::<IpAddr>() {
        keys.push(Key::Address(ip));
    } else if head.contains('.') {
        keys.push(Key::Fqdn(fqdn_key(head)));
    } else if !head.is_empty() && !head.contains(char::is_whitespace) {
        keys.push(Key::HostName(head.to_lowercase()));
    }
    keys
}

impl<'s> Resolver<'s> {
    /// Indexes the assets of `ssp` by asset id, FQDN, IP address and host name.
    pub fn new(ssp: &'s Ssp) -> Self {
        let mut index: HashMap<Key, BTreeSet<usize>> = HashMap::new();
        for (i, a) in ssp.assets.iter().enumerate() {
            for k in asset_keys(a) {
                index.entry(k).or_default().insert(i);
            }
        }
        Self { ssp, index }
    }

    /// The SSP asset that all of `names` (one POA&M asset's identifier and its other names)
    /// point at.
    pub fn resolve<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> Resolution<'s> {
        let found: BTreeSet<usize> = names
            .into_iter()
            .flat_map(name_keys)
            .filter_map(|k| self.index.get(&k))
            .flatten()
            .copied()
            .collect();
        let assets = &self.ssp.assets;
        match found.len() {
            0 => Resolution::None,
            1 => found
                .first()
                .map_or(Resolution::None, |&i| Resolution::Found(&assets[i])),
            _ => Resolution::Several(found.iter().map(|&i| &assets[i]).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::AssetKind;

    fn asset(uuid: &str, kind: AssetKind, props: &[(&str, &str)]) -> Asset {
        Asset {
            kind,
            uuid: uuid.to_owned(),
            label: uuid.to_owned(),
            props: props
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn ssp() -> Ssp {
        Ssp {
            assets: vec![
                asset(
                    "web",
                    AssetKind::InventoryItem,
                    &[
                        ("asset-id", "AST-001"),
                        ("fqdn", "Web01.Example.com."),
                        ("ipv4-address", "10.0.0.5"),
                        ("ipv6-address", "2001:db8::5"),
                    ],
                ),
                asset(
                    "db",
                    AssetKind::InventoryItem,
                    &[("netbios-name", "DB01"), ("ipv4-address", "10.0.0.6")],
                ),
                asset(
                    "image",
                    AssetKind::Component,
                    &[("asset-id", "registry.example.com/app:1.4")],
                ),
                asset(
                    "twin-a",
                    AssetKind::InventoryItem,
                    &[("fqdn", "app.a.example.com")],
                ),
                asset(
                    "twin-b",
                    AssetKind::InventoryItem,
                    &[("fqdn", "app.b.example.com")],
                ),
            ],
            ..Ssp::default()
        }
    }

    fn found(r: &Resolution<'_>) -> Option<String> {
        match r {
            Resolution::Found(a) => Some(a.uuid.clone()),
            _ => None,
        }
    }

    #[test]
    fn every_kind_of_name_resolves() {
        let s = ssp();
        let r = Resolver::new(&s);
        for (name, want) in [
            ("AST-001", "web"),
            ("web01.example.com", "web"),
            ("WEB01.EXAMPLE.COM. (443/tcp)", "web"),
            ("10.0.0.5 (22/tcp)", "web"),
            ("2001:db8:0:0::5", "web"),
            ("web01", "web"),
            ("db01", "db"),
            ("10.0.0.6", "db"),
            ("registry.example.com/app:1.4 (openssl@3.0.1)", "image"),
        ] {
            assert_eq!(found(&r.resolve([name])).as_deref(), Some(want), "{name}");
        }
    }

    #[test]
    fn nothing_is_guessed() {
        let s = ssp();
        let r = Resolver::new(&s);
        assert_eq!(r.resolve(["10.0.0.7"]), Resolution::None);
        assert_eq!(r.resolve(["web02.example.com"]), Resolution::None);
        // An FQDN is not matched by its host label, nor an asset id by case.
        assert_eq!(r.resolve(["db01.example.com"]), Resolution::None);
        assert_eq!(r.resolve(["ast-001"]), Resolution::None);
        // Two assets share the host name `app`.
        assert!(matches!(r.resolve(["app"]), Resolution::Several(v) if v.len() == 2));
        // Names of one asset that point at two SSP assets.
        assert!(matches!(
            r.resolve(["web01.example.com", "10.0.0.6"]),
            Resolution::Several(v) if v.len() == 2
        ));
        // Several names of the same asset are one asset.
        assert_eq!(
            found(&r.resolve(["web01.example.com (443/tcp)", "10.0.0.5"])).as_deref(),
            Some("web")
        );
    }
}

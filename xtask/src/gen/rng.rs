//! A small deterministic PRNG (SplitMix64), so that a seed names one document forever.
//!
//! No `rand` crate: the generator needs reproducibility across versions and platforms, not
//! statistical quality, and SplitMix64 is ten lines with a fixed, documented output.

// Random numbers are drawn below small bounds (list lengths, days, byte offsets) and xtask
// runs on 64-bit hosts: the conversions between `u64`, `i64` and `usize` keep every value.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit state advanced by a Weyl sequence and
/// mixed by a finaliser. Every stream is independent of every other given distinct seeds.
#[derive(Debug, Clone)]
pub struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijective mix of all 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// An independent stream for one part of the document (`kind`, `index`) under `seed`:
    /// each item draws from its own stream, so item 7 is the same whatever the item count.
    pub fn stream(seed: u64, kind: u64, index: u64) -> Self {
        Self(mix(mix(seed ^ kind.wrapping_mul(GOLDEN)) ^ index))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`; `0` gives `0`). The modulo bias is below 2^-40 for the
    /// small `n` used here.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// `true` with probability `percent`/100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // The callers pass constant tables, all non-empty.
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random version-4 UUID (RFC 9562 layout: version nibble 4, variant bits 10).
    pub fn uuid(&mut self) -> String {
        uuid_from(self.next_u64(), self.next_u64())
    }
}

/// Formats two 64-bit words as a version-4 UUID.
pub fn uuid_from(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// The UUID of shared part `index` of kind `kind` (an inventory item, a tool, a party...), a
/// pure function so that any item can refer to it without a lookup table.
pub fn uuid_of(seed: u64, kind: u64, index: u64) -> String {
    let mut r = Rng::stream(seed, kind, index);
    r.uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs of SplitMix64 seeded with 0 (reference implementation by Vigna).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn uuids_are_version_4_and_valid() {
        let mut r = Rng::new(42);
        for _ in 0..1000 {
            let u = r.uuid();
            assert_eq!(u.len(), 36);
            assert_eq!(&u[14..15], "4", "{u}");
            assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
            assert!(poam_model_uuid_ok(&u), "{u}");
        }
    }

    fn poam_model_uuid_ok(u: &str) -> bool {
        use poam_model::datatypes::{Datatype, Uuid};
        Uuid::new(u).check().is_ok()
    }

    #[test]
    fn streams_are_independent_of_each_other() {
        let a = Rng::stream(1, 2, 3).next_u64();
        let b = Rng::stream(1, 2, 4).next_u64();
        let c = Rng::stream(1, 3, 3).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, Rng::stream(1, 2, 3).next_u64());
    }

    #[test]
    fn below_and_range_stay_in_bounds() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            let x = r.range(3, 5);
            assert!((3..=5).contains(&x));
        }
        assert_eq!(r.below(0), 0);
    }
}

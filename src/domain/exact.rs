//! Exact decimal arithmetic for threshold decisions (HTMA.md, "Exactness": every comparison is
//! decided on the decimal numbers as the lab printed them, as if computed exactly).
//!
//! Levels and thresholds are stored as `f64`, each parsed from a short decimal (a lab value with
//! at most a few decimals, a threshold typed into a reference set; ppm are converted by moving
//! the decimal point in the text). Any decimal of at most 15 significant digits survives the
//! trip through `f64`: the shortest representation that reads back as the same double is that
//! decimal again. So [`Decimal::from_f64`] recovers the printed number exactly, and ratios are
//! never divided: `a / b ≥ t` is decided as `a ≥ t · b` on integers scaled by powers of ten.
//! (Binary floating point gets 66 / 2.2 = 29.999999999999996, which moved OX-6's bound.)
//!
//! The integers are small unsigned big numbers (base 10⁹ limbs): products of up to four
//! decimals of 17 digits each, and exponents across the whole `f64` range, stay exact.

use std::cmp::Ordering;

const LIMB_BASE: u64 = 1_000_000_000;

/// An unsigned integer in base 10⁹, least significant limb first, no trailing zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Natural(Vec<u32>);

impl Natural {
    fn from_u64(mut value: u64) -> Natural {
        let mut limbs = Vec::new();
        while value > 0 {
            limbs.push((value % LIMB_BASE) as u32);
            value /= LIMB_BASE;
        }
        Natural(limbs)
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(mut self) -> Natural {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn mul(&self, other: &Natural) -> Natural {
        if self.is_zero() || other.is_zero() {
            return Natural(Vec::new());
        }
        let mut out = vec![0u64; self.0.len() + other.0.len() + 1];
        for (i, &left) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &right) in other.0.iter().enumerate() {
                let cell = out[i + j] + u64::from(left) * u64::from(right) + carry;
                out[i + j] = cell % LIMB_BASE;
                carry = cell / LIMB_BASE;
            }
            let mut k = i + other.0.len();
            while carry > 0 {
                let cell = out[k] + carry;
                out[k] = cell % LIMB_BASE;
                carry = cell / LIMB_BASE;
                k += 1;
            }
        }
        Natural(out.into_iter().map(|limb| limb as u32).collect()).trim()
    }

    /// `self × 10^power`.
    fn shift(&self, power: u32) -> Natural {
        if self.is_zero() {
            return self.clone();
        }
        let whole_limbs = (power / 9) as usize;
        let rest = 10u64.pow(power % 9);
        let mut limbs = vec![0u32; whole_limbs];
        let mut carry = 0u64;
        for &limb in &self.0 {
            let cell = u64::from(limb) * rest + carry;
            limbs.push((cell % LIMB_BASE) as u32);
            carry = cell / LIMB_BASE;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
        Natural(limbs).trim()
    }

    fn add(&self, other: &Natural) -> Natural {
        let mut limbs = Vec::with_capacity(self.0.len().max(other.0.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.0.len().max(other.0.len()) {
            let cell = u64::from(self.0.get(i).copied().unwrap_or(0))
                + u64::from(other.0.get(i).copied().unwrap_or(0))
                + carry;
            limbs.push((cell % LIMB_BASE) as u32);
            carry = cell / LIMB_BASE;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
        Natural(limbs).trim()
    }

    /// `self − other` for `self ≥ other`.
    fn sub(&self, other: &Natural) -> Natural {
        let mut limbs = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut cell =
                i64::from(self.0[i]) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = 0;
            if cell < 0 {
                cell += LIMB_BASE as i64;
                borrow = 1;
            }
            limbs.push(cell as u32);
        }
        Natural(limbs).trim()
    }

    fn cmp(&self, other: &Natural) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

/// A non-negative decimal `mantissa × 10^exponent`, exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    mantissa: Natural,
    exponent: i32,
}

impl Decimal {
    pub fn zero() -> Decimal {
        Decimal {
            mantissa: Natural(Vec::new()),
            exponent: 0,
        }
    }

    /// The decimal the double was read from: its shortest round-trip representation. Negative
    /// and non-finite inputs never reach the rules (levels and thresholds are validated ≥ 0 and
    /// finite); they are read as 0 so no input can make this panic.
    pub fn from_f64(value: f64) -> Decimal {
        if !value.is_finite() || value <= 0.0 {
            return Decimal::zero();
        }
        // `{:e}` prints the shortest representation that reads back as the same double,
        // e.g. `6.6e1`, `4.17e0`, `1e-3`.
        let text = format!("{value:e}");
        let Some((digits, exponent)) = text.split_once('e') else {
            return Decimal::zero();
        };
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let mantissa: u64 = format!("{whole}{fraction}").parse().unwrap_or(0);
        let fraction_len = i32::try_from(fraction.len()).unwrap_or(0);
        Decimal {
            mantissa: Natural::from_u64(mantissa),
            exponent: exponent - fraction_len,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    pub fn mul(&self, other: &Decimal) -> Decimal {
        Decimal {
            mantissa: self.mantissa.mul(&other.mantissa),
            exponent: self.exponent + other.exponent,
        }
    }

    /// Both mantissas scaled to the smaller exponent.
    fn aligned(&self, other: &Decimal) -> (Natural, Natural, i32) {
        let exponent = self.exponent.min(other.exponent);
        let scale = |decimal: &Decimal| {
            decimal
                .mantissa
                .shift(u32::try_from(decimal.exponent - exponent).unwrap_or(0))
        };
        (scale(self), scale(other), exponent)
    }

    pub fn add(&self, other: &Decimal) -> Decimal {
        let (left, right, exponent) = self.aligned(other);
        Decimal {
            mantissa: left.add(&right),
            exponent,
        }
    }

    /// |self − other|.
    pub fn abs_diff(&self, other: &Decimal) -> Decimal {
        let (left, right, exponent) = self.aligned(other);
        let mantissa = match left.cmp(&right) {
            Ordering::Less => right.sub(&left),
            _ => left.sub(&right),
        };
        Decimal { mantissa, exponent }
    }

    pub fn compare(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        // Compare orders of magnitude first so that exponents far apart never build a huge
        // number: `digits + exponent` is one more than the position of the leading digit.
        let magnitude = |decimal: &Decimal| i64::from(decimal.exponent) + decimal.digit_count();
        match magnitude(self).cmp(&magnitude(other)) {
            Ordering::Equal => {
                let (left, right, _) = self.aligned(other);
                left.cmp(&right)
            }
            unequal => unequal,
        }
    }

    fn digit_count(&self) -> i64 {
        let Some(top) = self.mantissa.0.last() else {
            return 0;
        };
        let top_digits = top.checked_ilog10().map_or(1, |log| log + 1);
        (self.mantissa.0.len() as i64 - 1) * 9 + i64::from(top_digits)
    }
}

/// `value` against `threshold`, exactly on the printed decimals.
pub fn compare_values(value: f64, threshold: f64) -> Ordering {
    Decimal::from_f64(value).compare(&Decimal::from_f64(threshold))
}

/// `numerator / denominator` against `threshold` without dividing: `n` against `t · d`.
/// `denominator` must be > 0 (a ratio with a zero denominator is not computable).
pub fn compare_ratio(numerator: f64, denominator: f64, threshold: f64) -> Ordering {
    Decimal::from_f64(numerator)
        .compare(&Decimal::from_f64(threshold).mul(&Decimal::from_f64(denominator)))
}

/// OX-7: whether `numerator / denominator` lies within `margin` (a fraction, 0.05 for 5 %) of
/// `threshold`, relative to the threshold: `|n − t·d| ≤ m·t·d`, inclusive.
pub fn ratio_within_margin(numerator: f64, denominator: f64, threshold: f64, margin: f64) -> bool {
    let scaled_threshold = Decimal::from_f64(threshold).mul(&Decimal::from_f64(denominator));
    let distance = Decimal::from_f64(numerator).abs_diff(&scaled_threshold);
    distance.compare(&Decimal::from_f64(margin).mul(&scaled_threshold)) != Ordering::Greater
}

/// A ratio's distance from its threshold on a log scale, as the fraction `p / q ≥ 1` whose
/// logarithm it is (`max(x/t, t/x)` for `x = n/d`), kept exact. `None` is infinitely far (a
/// ratio of 0).
pub struct LogDistance {
    above: Decimal,
    below: Decimal,
}

impl LogDistance {
    pub fn of(numerator: f64, denominator: f64, threshold: f64) -> Option<LogDistance> {
        let numerator = Decimal::from_f64(numerator);
        let scaled = Decimal::from_f64(threshold).mul(&Decimal::from_f64(denominator));
        if numerator.is_zero() || scaled.is_zero() {
            return None;
        }
        Some(if numerator.compare(&scaled) == Ordering::Less {
            LogDistance {
                above: scaled,
                below: numerator,
            }
        } else {
            LogDistance {
                above: numerator,
                below: scaled,
            }
        })
    }

    /// `p₁/q₁` against `p₂/q₂` as `p₁·q₂` against `p₂·q₁`.
    pub fn compare(&self, other: &LogDistance) -> Ordering {
        self.above
            .mul(&other.below)
            .compare(&other.above.mul(&self.below))
    }
}

/// OX-8 on two optional log distances (`None` = infinitely far).
pub fn compare_log_distances(left: Option<&LogDistance>, right: Option<&LogDistance>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(left), Some(right)) => left.compare(right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn binary_floating_point_would_get_these_wrong() {
        // The examples: each ratio is exactly on its threshold.
        assert!(std::hint::black_box(66.0f64) / 2.2 < 30.0);
        assert_eq!(compare_ratio(66.0, 2.2, 30.0), Ordering::Equal);
        assert_eq!(compare_ratio(5.6, 14.0, 0.4), Ordering::Equal);
        assert_eq!(compare_ratio(5.6, 2.24, 2.5), Ordering::Equal);
        assert_eq!(compare_ratio(13.8, 2.3, 6.0), Ordering::Equal);
        assert_eq!(compare_ratio(8.1, 1.35, 6.0), Ordering::Equal);
        assert_eq!(compare_ratio(66.0001, 2.2, 30.0), Ordering::Greater);
        assert_eq!(compare_ratio(65.9999, 2.2, 30.0), Ordering::Less);
        assert_eq!(compare_values(0.1 + 0.2, 0.3), Ordering::Greater);
        assert_eq!(compare_values(0.3, 0.3), Ordering::Equal);
        assert_eq!(compare_values(0.0, 0.0), Ordering::Equal);
        assert_eq!(compare_values(0.0, 1e-300), Ordering::Less);
        assert_eq!(compare_values(1e300, 1e-300), Ordering::Greater);
        assert_eq!(compare_values(f64::MAX, f64::MAX), Ordering::Equal);
        assert_eq!(
            compare_ratio(f64::MAX, f64::MIN_POSITIVE, 1e300),
            Ordering::Greater
        );
    }

    #[test]
    fn decimals_read_back_as_printed() {
        assert_eq!(Decimal::from_f64(66.0), Decimal::from_f64(66.0));
        let d = Decimal::from_f64(4.17);
        assert_eq!((d.mantissa.0.clone(), d.exponent), (vec![417], -2));
        let d = Decimal::from_f64(0.0003);
        assert_eq!((d.mantissa.0.clone(), d.exponent), (vec![3], -4));
        assert!(Decimal::from_f64(f64::NAN).is_zero());
        assert!(Decimal::from_f64(-1.0).is_zero());
    }

    #[test]
    fn margin_is_inclusive_and_exact() {
        // 3.8 and 4.2 are exactly 5 % from 4.
        assert!(ratio_within_margin(3.8, 1.0, 4.0, 0.05));
        assert!(ratio_within_margin(42.0, 10.0, 4.0, 0.05));
        assert!(!ratio_within_margin(3.7999, 1.0, 4.0, 0.05));
        assert!(!ratio_within_margin(4.2001, 1.0, 4.0, 0.05));
        assert!(ratio_within_margin(4.0, 1.0, 4.0, 0.0));
        assert!(!ratio_within_margin(0.0, 1.0, 4.0, 0.05));
    }

    #[test]
    fn log_distances() {
        let ca_k = LogDistance::of(5.0, 1.0, 4.0);
        let na_mg = LogDistance::of(5.0, 1.0, 4.17);
        assert_eq!(
            compare_log_distances(ca_k.as_ref(), na_mg.as_ref()),
            Ordering::Greater
        );
        // 8 is as far above 4 as 2 is below it.
        let above = LogDistance::of(8.0, 1.0, 4.0);
        let below = LogDistance::of(2.0, 1.0, 4.0);
        assert_eq!(
            compare_log_distances(above.as_ref(), below.as_ref()),
            Ordering::Equal
        );
        assert!(LogDistance::of(0.0, 1.0, 4.0).is_none());
        assert_eq!(
            compare_log_distances(None, above.as_ref()),
            Ordering::Greater
        );
    }

    /// `digits × 10^-scale` as text and as the double it reads as.
    fn decimal(digits: u64, scale: u32) -> f64 {
        let text = format!("{}e-{scale}", digits);
        text.parse().unwrap()
    }

    proptest! {
        #[test]
        fn comparison_matches_integer_arithmetic(
            a in 0u64..10_000_000, b in 1u64..10_000_000, t in 0u64..10_000_000,
            sa in 0u32..5, sb in 0u32..5, st in 0u32..5,
        ) {
            // a·10^-sa / (b·10^-sb) against t·10^-st, all scaled to 10^-12 in u128.
            let left = u128::from(a) * 10u128.pow(12 - sa);
            let right = u128::from(t) * u128::from(b) * 10u128.pow(12 - st - sb);
            let expected = left.cmp(&right);
            prop_assert_eq!(
                compare_ratio(decimal(a, sa), decimal(b, sb), decimal(t, st)),
                expected
            );
        }

        #[test]
        fn ordering_is_consistent_with_f64_on_distinct_values(x in 0.0f64..1e12, y in 0.0f64..1e12) {
            prop_assert_eq!(compare_values(x, y), x.partial_cmp(&y).unwrap());
        }
    }
}

//! Counted words for people: "1 test", "2 tests", "1 tablet" (never "All 1 rows" or "1 tablets").
//! One helper for every page, export and message that writes a number next to a noun, so the
//! agreement is decided once. Pure: used by every layer, like `text.rs`.

/// A number a noun can be counted with: any integer, by value or by reference (templates pass
/// either).
pub trait Number {
    fn as_i64(&self) -> i64;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn as_i64(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
number!(i32, i64, u32, u64, usize);

impl<T: Number + ?Sized> Number for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}

/// `count(1, "test", "tests")` is "1 test"; any other number takes the plural.
pub fn count(n: impl Number, one: &str, many: &str) -> String {
    let n = n.as_i64();
    format!("{n} {}", noun(n, one, many))
}

/// The noun alone, agreeing with `n`.
pub fn noun<'a>(n: impl Number, one: &'a str, many: &'a str) -> &'a str {
    if n.as_i64() == 1 {
        one
    } else {
        many
    }
}

/// The first letter upper case: "sodium" → "Sodium" (titles, headlines).
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Count nouns of supplement doses, singular and plural. Units of measure (mg, IU, ml, tsp, …)
/// do not agree with the dose and are left as typed.
const COUNT_UNITS: &[(&str, &str)] = &[
    ("tablet", "tablets"),
    ("capsule", "capsules"),
    ("softgel", "softgels"),
    ("caplet", "caplets"),
    ("pill", "pills"),
    ("drop", "drops"),
    ("scoop", "scoops"),
    ("sachet", "sachets"),
    ("lozenge", "lozenges"),
    ("teaspoon", "teaspoons"),
    ("tablespoon", "tablespoons"),
    ("spoon", "spoons"),
    ("packet", "packets"),
    ("cup", "cups"),
    ("glass", "glasses"),
    ("serving", "servings"),
];

/// A supplement's dose and unit as people read them: the unit agrees with the dose when it is a
/// count noun ("1 tablet", "2 tablets", "½ tablet"), whatever number the practitioner typed it
/// in. A dose that is not a plain number ("1-2", "as needed") keeps the unit as typed.
pub fn amount(dose: &str, unit: &str) -> String {
    let (dose, unit) = (dose.trim(), unit.trim());
    let quantity = dose.replace(',', ".").parse::<f64>().ok();
    let fraction = matches!(
        dose,
        "½" | "¼" | "¾" | "1/2" | "1/4" | "3/4" | "1/3" | "2/3"
    );
    let singular = quantity == Some(1.0) || fraction;
    let plural = quantity.is_some_and(|q| q != 1.0 && q > 0.0 && !fraction);
    let lower = unit.to_lowercase();
    let agreed = COUNT_UNITS
        .iter()
        .find(|(one, many)| lower == *one || lower == *many)
        .map(|(one, many)| {
            let word = if singular {
                *one
            } else if plural {
                *many
            } else {
                return unit.to_string();
            };
            // Keep the practitioner's capitalisation of the first letter.
            match unit.chars().next() {
                Some(first) if first.is_uppercase() => {
                    let mut out: String = first.to_uppercase().collect();
                    out.push_str(&word[1..]);
                    out
                }
                _ => word.to_string(),
            }
        })
        .unwrap_or_else(|| unit.to_string());
    [dose, agreed.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree() {
        assert_eq!(count(1, "test", "tests"), "1 test");
        assert_eq!(count(0, "test", "tests"), "0 tests");
        assert_eq!(count(2_i32, "row", "rows"), "2 rows");
        assert_eq!(count(1_usize, "row", "rows"), "1 row");
        assert_eq!(noun(1_i64, "is", "are"), "is");
    }

    #[test]
    fn doses_agree_with_their_count_units() {
        for (dose, unit, read) in [
            ("1", "tablets", "1 tablet"),
            ("2", "tablet", "2 tablets"),
            ("1", "Capsules", "1 Capsule"),
            ("1.0", "drops", "1.0 drop"),
            ("10", "drops", "10 drops"),
            ("1/2", "tablets", "1/2 tablet"),
            ("1", "mg", "1 mg"),
            ("200", "mg", "200 mg"),
            ("1-2", "tablets", "1-2 tablets"),
            ("", "tablets", "tablets"),
            ("1", "", "1"),
            (" 1 ", " glasses ", "1 glass"),
        ] {
            assert_eq!(amount(dose, unit), read, "{dose:?} {unit:?}");
        }
    }
}

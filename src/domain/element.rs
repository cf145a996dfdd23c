//! The elements a hair tissue mineral analysis panel reports (HTMA.md, "Reference sets").

use serde::{Deserialize, Serialize};

/// What an element is for the rules: the macro minerals decide oxidation type, trace minerals
/// have ideals, the rest of the panel is recorded without an ideal, toxic metals have a "high"
/// threshold instead of an ideal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    MacroMineral,
    TraceMineral,
    /// Accepted on the panel without a default ideal (S, Ge, V, …).
    PanelWithoutIdeal,
    ToxicMetal,
}

/// Variants are named by chemical symbol because that is how labs and practitioners write them.
/// The declaration order is the report order, so `Ord` (and every `BTreeMap<Element, _>`)
/// follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Element {
    // Macro minerals
    Ca,
    Mg,
    Na,
    K,
    P,
    // Trace minerals
    Zn,
    Cu,
    Fe,
    Mn,
    Cr,
    Se,
    B,
    Co,
    Mo,
    Li,
    // Panel elements without ideals
    S,
    Ge,
    V,
    Sr,
    Ba,
    Ti,
    Bi,
    Sb,
    U,
    Be,
    Sn,
    W,
    Zr,
    // Toxic metals
    Pb,
    Hg,
    Cd,
    As,
    Al,
    Ni,
}

impl Element {
    /// Every element, in report order.
    pub const ALL: [Element; 34] = [
        Element::Ca,
        Element::Mg,
        Element::Na,
        Element::K,
        Element::P,
        Element::Zn,
        Element::Cu,
        Element::Fe,
        Element::Mn,
        Element::Cr,
        Element::Se,
        Element::B,
        Element::Co,
        Element::Mo,
        Element::Li,
        Element::S,
        Element::Ge,
        Element::V,
        Element::Sr,
        Element::Ba,
        Element::Ti,
        Element::Bi,
        Element::Sb,
        Element::U,
        Element::Be,
        Element::Sn,
        Element::W,
        Element::Zr,
        Element::Pb,
        Element::Hg,
        Element::Cd,
        Element::As,
        Element::Al,
        Element::Ni,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Element::Ca => "Ca",
            Element::Mg => "Mg",
            Element::Na => "Na",
            Element::K => "K",
            Element::P => "P",
            Element::Zn => "Zn",
            Element::Cu => "Cu",
            Element::Fe => "Fe",
            Element::Mn => "Mn",
            Element::Cr => "Cr",
            Element::Se => "Se",
            Element::B => "B",
            Element::Co => "Co",
            Element::Mo => "Mo",
            Element::Li => "Li",
            Element::S => "S",
            Element::Ge => "Ge",
            Element::V => "V",
            Element::Sr => "Sr",
            Element::Ba => "Ba",
            Element::Ti => "Ti",
            Element::Bi => "Bi",
            Element::Sb => "Sb",
            Element::U => "U",
            Element::Be => "Be",
            Element::Sn => "Sn",
            Element::W => "W",
            Element::Zr => "Zr",
            Element::Pb => "Pb",
            Element::Hg => "Hg",
            Element::Cd => "Cd",
            Element::As => "As",
            Element::Al => "Al",
            Element::Ni => "Ni",
        }
    }

    /// The name as a heading or label shows it: "Calcium".
    pub fn title(self) -> String {
        let mut chars = self.name().chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// English name in lower case, as HTMA.md writes it (US spelling: "aluminum", "sulfur").
    pub fn name(self) -> &'static str {
        match self {
            Element::Ca => "calcium",
            Element::Mg => "magnesium",
            Element::Na => "sodium",
            Element::K => "potassium",
            Element::P => "phosphorus",
            Element::Zn => "zinc",
            Element::Cu => "copper",
            Element::Fe => "iron",
            Element::Mn => "manganese",
            Element::Cr => "chromium",
            Element::Se => "selenium",
            Element::B => "boron",
            Element::Co => "cobalt",
            Element::Mo => "molybdenum",
            Element::Li => "lithium",
            Element::S => "sulfur",
            Element::Ge => "germanium",
            Element::V => "vanadium",
            Element::Sr => "strontium",
            Element::Ba => "barium",
            Element::Ti => "titanium",
            Element::Bi => "bismuth",
            Element::Sb => "antimony",
            Element::U => "uranium",
            Element::Be => "beryllium",
            Element::Sn => "tin",
            Element::W => "tungsten",
            Element::Zr => "zirconium",
            Element::Pb => "lead",
            Element::Hg => "mercury",
            Element::Cd => "cadmium",
            Element::As => "arsenic",
            Element::Al => "aluminum",
            Element::Ni => "nickel",
        }
    }

    pub fn kind(self) -> ElementKind {
        match self {
            Element::Ca | Element::Mg | Element::Na | Element::K | Element::P => {
                ElementKind::MacroMineral
            }
            Element::Zn
            | Element::Cu
            | Element::Fe
            | Element::Mn
            | Element::Cr
            | Element::Se
            | Element::B
            | Element::Co
            | Element::Mo
            | Element::Li => ElementKind::TraceMineral,
            Element::S
            | Element::Ge
            | Element::V
            | Element::Sr
            | Element::Ba
            | Element::Ti
            | Element::Bi
            | Element::Sb
            | Element::U
            | Element::Be
            | Element::Sn
            | Element::W
            | Element::Zr => ElementKind::PanelWithoutIdeal,
            Element::Pb | Element::Hg | Element::Cd | Element::As | Element::Al | Element::Ni => {
                ElementKind::ToxicMetal
            }
        }
    }

    /// Accepts the symbol or the English name, ignoring case and surrounding spaces. British
    /// spellings ("aluminium", "sulphur") are accepted too because lab exports use them.
    pub fn parse(text: &str) -> Option<Element> {
        let wanted = text.trim();
        if let Some(element) = Element::ALL.iter().copied().find(|element| {
            element.symbol().eq_ignore_ascii_case(wanted)
                || element.name().eq_ignore_ascii_case(wanted)
        }) {
            return Some(element);
        }
        if wanted.eq_ignore_ascii_case("aluminium") {
            Some(Element::Al)
        } else if wanted.eq_ignore_ascii_case("sulphur") {
            Some(Element::S)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Element {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_declaration_order_and_complete() {
        let mut sorted = Element::ALL;
        sorted.sort();
        assert_eq!(sorted, Element::ALL);
        let kinds = |kind| Element::ALL.iter().filter(|e| e.kind() == kind).count();
        assert_eq!(kinds(ElementKind::MacroMineral), 5);
        assert_eq!(kinds(ElementKind::TraceMineral), 10);
        assert_eq!(kinds(ElementKind::PanelWithoutIdeal), 13);
        assert_eq!(kinds(ElementKind::ToxicMetal), 6);
    }

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<Element>)] = &[
            ("Ca", Some(Element::Ca)),
            ("ca", Some(Element::Ca)),
            (" CALCIUM ", Some(Element::Ca)),
            ("Potassium", Some(Element::K)),
            ("k", Some(Element::K)),
            ("as", Some(Element::As)),
            ("Arsenic", Some(Element::As)),
            ("aluminum", Some(Element::Al)),
            ("Aluminium", Some(Element::Al)),
            ("sulphur", Some(Element::S)),
            ("W", Some(Element::W)),
            ("tungsten", Some(Element::W)),
            ("tin", Some(Element::Sn)),
            ("", None),
            ("Xx", None),
            ("sex", None),
            ("sample_date", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Element::parse(text), *expected, "parsing {text:?}");
        }
    }

    #[test]
    fn symbols_and_names_are_unique_ignoring_case() {
        let mut seen = std::collections::HashSet::new();
        for element in Element::ALL {
            assert!(seen.insert(element.symbol().to_ascii_lowercase()));
            assert!(seen.insert(element.name().to_ascii_lowercase()));
            assert_eq!(Element::parse(element.symbol()), Some(element));
            assert_eq!(Element::parse(element.name()), Some(element));
        }
    }
}

//! What the recogniser knows, as data: element names per language, the labs' abbreviations,
//! unit headings, the words around dates, ids, sex, age and washing, month names and lab names.
//! Adding a language or a lab's spelling is a row here, never a new code path.
//!
//! Names are compared lower-case with accents kept and also folded (`fósforo` and `fosforo`
//! both match); symbols are compared exactly (`As` is arsenic, `as` is a word).

use crate::domain::element::Element;
use crate::domain::units::Unit;

/// Element names and abbreviations (lower-case), English first, then Spanish and German.
/// The symbol (`Ca`) is always recognised as well, case-sensitively.
pub const ELEMENT_NAMES: &[(Element, &[&str])] = &[
    (Element::Ca, &["calcium", "calc", "calcio", "kalzium"]),
    (Element::Mg, &["magnesium", "magnes", "magnesio"]),
    (Element::Na, &["sodium", "sodio", "natrium"]),
    (Element::K, &["potassium", "potas", "potasio", "kalium"]),
    (
        Element::P,
        &["phosphorus", "phosphorous", "phos", "fósforo", "phosphor"],
    ),
    (Element::Zn, &["zinc", "cinc", "zink"]),
    (Element::Cu, &["copper", "cobre", "kupfer"]),
    (Element::Fe, &["iron", "hierro", "eisen"]),
    (Element::Mn, &["manganese", "manganeso", "mangan"]),
    (Element::Cr, &["chromium", "cromo", "chrom"]),
    (Element::Se, &["selenium", "selenio", "selen"]),
    (Element::B, &["boron", "boro", "bor"]),
    (Element::Co, &["cobalt", "cobalto", "kobalt"]),
    (Element::Mo, &["molybdenum", "molibdeno", "molybdän"]),
    (Element::Li, &["lithium", "litio"]),
    (Element::S, &["sulfur", "sulphur", "azufre", "schwefel"]),
    (Element::Ge, &["germanium", "germanio"]),
    (Element::V, &["vanadium", "vanadio"]),
    (Element::Sr, &["strontium", "estroncio"]),
    (Element::Ba, &["barium", "bario"]),
    (Element::Ti, &["titanium", "titanio", "titan"]),
    (Element::Bi, &["bismuth", "bismuto", "bismut", "wismut"]),
    (Element::Sb, &["antimony", "antimonio", "antimon"]),
    (Element::U, &["uranium", "uranio", "uran"]),
    (Element::Be, &["beryllium", "berilio"]),
    (Element::Sn, &["tin", "estaño", "zinn"]),
    (
        Element::W,
        &["tungsten", "tungsteno", "wolframio", "wolfram"],
    ),
    (
        Element::Zr,
        &["zirconium", "circonio", "zirconio", "zirkonium"],
    ),
    (Element::Pb, &["lead", "plomo", "blei"]),
    (Element::Hg, &["mercury", "mercurio", "quecksilber"]),
    (Element::Cd, &["cadmium", "cadmio"]),
    (Element::As, &["arsenic", "arsénico", "arsen"]),
    (Element::Al, &["aluminum", "aluminium", "aluminio"]),
    (Element::Ni, &["nickel", "níquel"]),
];

/// Unit headings and row units as printed (compared lower-case with spaces removed). The form
/// takes mg% or ppm; µg/g and mg/kg are ppm (HTMA.md, "Units"), mg/100 g is mg%.
pub const UNITS: &[(&str, Unit)] = &[
    ("mg%", Unit::MgPercent),
    ("mg/100g", Unit::MgPercent),
    ("mg/dg", Unit::MgPercent),
    ("milligramspercent", Unit::MgPercent),
    ("milligrampercent", Unit::MgPercent),
    ("ppm", Unit::Ppm),
    ("µg/g", Unit::Ppm),
    ("μg/g", Unit::Ppm),
    ("ug/g", Unit::Ppm),
    ("mcg/g", Unit::Ppm),
    ("mg/kg", Unit::Ppm),
    ("partspermillion", Unit::Ppm),
];

/// Words of Spanish and German reports: they decide how `3/4/2026` and `0,52` are read
/// (day first and decimal comma) when the text does not settle it.
pub const SPANISH_OR_GERMAN_WORDS: &[&str] = &[
    "calcio",
    "magnesio",
    "sodio",
    "potasio",
    "cobre",
    "hierro",
    "plomo",
    "fecha",
    "muestra",
    "resultado",
    "resultados",
    "natrium",
    "kalium",
    "kupfer",
    "eisen",
    "blei",
    "datum",
    "probe",
    "ergebnis",
    "ergebnisse",
    "geschlecht",
    "alter",
];

/// What the words before a date say it is. The sample date is the one that counts; report,
/// receipt and birth dates are read only so that they are not taken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateKind {
    /// Labelled as the date the hair was cut or the sample collected.
    Sample,
    /// A date labelled only "date".
    Plain,
    /// Report, receipt, print or birth date: never the sample date.
    Other,
}

/// Phrases before a date (lower-case), most specific first: the first phrase found in the
/// words before a date decides its kind.
pub const DATE_LABELS: &[(&str, DateKind)] = &[
    ("birth", DateKind::Other),
    ("dob", DateKind::Other),
    ("geburt", DateKind::Other),
    ("nacimiento", DateKind::Other),
    ("report", DateKind::Other),
    ("received", DateKind::Other),
    ("receipt", DateKind::Other),
    ("printed", DateKind::Other),
    ("completed", DateKind::Other),
    ("eingang", DateKind::Other),
    ("befund", DateKind::Other),
    ("druck", DateKind::Other),
    ("informe", DateKind::Other),
    ("recepción", DateKind::Other),
    ("recibido", DateKind::Other),
    ("sample", DateKind::Sample),
    ("sampled", DateKind::Sample),
    ("sampling", DateKind::Sample),
    ("collect", DateKind::Sample),
    ("specimen", DateKind::Sample),
    ("cut", DateKind::Sample),
    ("probe", DateKind::Sample),
    ("entnahme", DateKind::Sample),
    ("muestra", DateKind::Sample),
    ("toma", DateKind::Sample),
    ("recolección", DateKind::Sample),
    ("date", DateKind::Plain),
    ("datum", DateKind::Plain),
    ("fecha", DateKind::Plain),
];

/// Labels of the lab's sample id (lower-case, compared with spaces and `.:#` removed).
pub const SAMPLE_ID_LABELS: &[&str] = &[
    "labno",
    "lab",
    "labnumber",
    "labid",
    "laboratorynumber",
    "labreference",
    "sampleid",
    "sample",
    "sampleno",
    "samplenumber",
    "specimenid",
    "specimen",
    "accession",
    "accessionno",
    "probennummer",
    "probennr",
    "proben-nr",
    "labornummer",
    "labornr",
    "labor-nr",
    "nºdemuestra",
    "nodemuestra",
    "númerodemuestra",
    "numerodemuestra",
    "iddemuestra",
    "muestra",
];

/// Labels of the client's sex and age.
pub const SEX_LABELS: &[&str] = &["sex", "gender", "geschlecht", "sexo"];
pub const AGE_LABELS: &[&str] = &["age", "alter", "edad"];

/// Values after a sex label (lower-case): `true` is female.
pub const SEX_VALUES: &[(&str, bool)] = &[
    ("f", true),
    ("female", true),
    ("woman", true),
    ("w", true),
    ("weiblich", true),
    ("frau", true),
    ("mujer", true),
    ("femenino", true),
    ("m", false),
    ("male", false),
    ("man", false),
    ("männlich", false),
    ("mann", false),
    ("hombre", false),
    ("masculino", false),
    ("varón", false),
];

/// Phrases saying how the lab treated the hair (lower-case). Negations come first: "unwashed"
/// contains "washed".
pub const WASHING: &[(&str, bool)] = &[
    ("unwashed", false),
    ("not washed", false),
    ("no washing", false),
    ("without washing", false),
    ("ungewaschen", false),
    ("nicht gewaschen", false),
    ("sin lavar", false),
    ("no lavado", false),
    ("washed", true),
    ("gewaschen", true),
    ("lavado", true),
];

/// Labs by a phrase of their printed name (lower-case). The form's choice (`ARL`, `TEI`) or,
/// for another lab, the name to put in "Other lab's name". Only the labs' own names: "trace
/// elements" alone is also a section heading.
pub const LABS: &[(&str, &str)] = &[
    ("analytical research lab", "ARL"),
    ("trace elements, inc", "TEI"),
    ("trace elements inc", "TEI"),
    ("doctor's data", "Doctor's Data"),
    ("doctors data", "Doctor's Data"),
    ("interclinical laboratories", "Interclinical Laboratories"),
    ("mineral check", "Mineral Check"),
];

/// Month names and abbreviations in English, German and Spanish (lower-case, accents kept and
/// without: the lookup folds accents).
pub const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("enero", 1),
    ("ene", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("mrz", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("diciembre", 12),
    ("dic", 12),
];

/// Marks after a value that are not part of it (high/low flags, footnote stars).
pub const VALUE_FLAGS: &[&str] = &["h", "l", "*", "**", "↑", "↓", "hi", "lo", "high", "low"];

/// Lower-case with accents folded, so `Fósforo`, `FOSFORO` and `fosforo` compare equal.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' => 'a',
            'é' | 'è' | 'ê' => 'e',
            'í' | 'ì' | 'î' => 'i',
            'ó' | 'ò' | 'ô' => 'o',
            'ú' | 'ù' | 'û' => 'u',
            'ñ' => 'n',
            'ä' => 'a',
            'ö' => 'o',
            'ü' => 'u',
            other => other,
        })
        .collect()
}

/// The element a word names: a symbol (exact case) or a name or abbreviation of any language.
pub fn element_of(word: &str) -> Option<Element> {
    if let Some(element) = Element::ALL.into_iter().find(|e| e.symbol() == word) {
        return Some(element);
    }
    if word.chars().count() < 3 {
        return None;
    }
    let folded = fold(word);
    ELEMENT_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|name| fold(name) == folded))
        .map(|(element, _)| *element)
}

/// The unit a word names, if any.
pub fn unit_of(word: &str) -> Option<Unit> {
    let compact: String = fold(word).chars().filter(|c| !c.is_whitespace()).collect();
    UNITS
        .iter()
        .find(|(text, _)| fold(text) == compact)
        .map(|(_, unit)| *unit)
}

pub fn month_of(word: &str) -> Option<u32> {
    let folded = fold(word.trim_end_matches('.'));
    MONTHS
        .iter()
        .find(|(name, _)| fold(name) == folded)
        .map(|(_, month)| *month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_has_names_and_names_are_unique() {
        for element in Element::ALL {
            assert!(
                ELEMENT_NAMES.iter().any(|(e, _)| *e == element),
                "{element} has no names"
            );
        }
        let mut seen = std::collections::BTreeMap::new();
        for (element, names) in ELEMENT_NAMES {
            for name in *names {
                if let Some(other) = seen.insert(fold(name), *element) {
                    panic!("{name} names both {other} and {element}");
                }
            }
        }
    }

    #[test]
    fn names_symbols_and_units() {
        assert_eq!(element_of("Fosforo"), Some(Element::P));
        assert_eq!(element_of("FÓSFORO"), Some(Element::P));
        assert_eq!(element_of("Quecksilber"), Some(Element::Hg));
        assert_eq!(element_of("As"), Some(Element::As));
        assert_eq!(element_of("as"), None);
        assert_eq!(element_of("K"), Some(Element::K));
        assert_eq!(element_of("k"), None);
        assert_eq!(unit_of("µg/g"), Some(Unit::Ppm));
        assert_eq!(unit_of("MG%"), Some(Unit::MgPercent));
        assert_eq!(unit_of("mg/kg"), Some(Unit::Ppm));
        assert_eq!(month_of("März"), Some(3));
        assert_eq!(month_of("sept."), Some(9));
    }
}

//! One line of a report as tokens, and what a token (or two) can be: a label (element or
//! ratio), a result cell, a reference range, a unit.

use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::domain::units::Unit;

use super::vocabulary::{element_of, fold, unit_of, VALUE_FLAGS};

/// A line's tokens: words, numbers and the punctuation that separates labels from values.
pub fn tokenize(line: &str) -> Vec<String> {
    // `«` is how some fonts print TEI's `<<`.
    let normal: String = line
        .replace('«', "<<")
        .chars()
        .map(|c| match c {
            '\t' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2007}' | '|' => ' ',
            '–' | '—' | '−' | '‐' => '-',
            '＜' | '≤' | '‹' => '<',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut tokens = Vec::new();
    for chunk in normal.split_whitespace() {
        split_chunk(chunk, &mut tokens);
    }
    join_units(tokens)
}

/// Peels brackets and trailing separators off a chunk, and a label glued to its value (`Ca58`).
fn split_chunk(chunk: &str, out: &mut Vec<String>) {
    let mut rest = chunk;
    while let Some(c) = rest.chars().next().filter(|c| matches!(c, '(' | '[')) {
        out.push(c.to_string());
        rest = &rest[c.len_utf8()..];
    }
    let mut trailing = Vec::new();
    while let Some(c) = rest
        .chars()
        .last()
        .filter(|c| matches!(c, ')' | ']' | ',' | ';' | ':' | '='))
    {
        trailing.push(c.to_string());
        rest = &rest[..rest.len() - c.len_utf8()];
    }
    if !rest.is_empty() {
        // `Calcium:58` and `Ca58`: a known label directly followed by a value.
        if let Some((label, value)) = rest
            .split_once(':')
            .filter(|(l, v)| !l.is_empty() && !v.is_empty())
        {
            out.push(label.to_string());
            out.push(":".into());
            out.push(value.to_string());
        } else {
            let cut = rest
                .char_indices()
                .find(|(_, c)| c.is_ascii_digit() || *c == '<')
                .map(|(i, _)| i)
                .filter(|i| *i > 0 && element_of(&rest[..*i]).is_some());
            match cut {
                Some(i) => {
                    out.push(rest[..i].to_string());
                    out.push(rest[i..].to_string());
                }
                None => out.push(rest.to_string()),
            }
        }
    }
    out.extend(trailing.into_iter().rev());
}

/// `mg %`, `µg / g`, `mg/100 g`, `parts per million`: units printed with spaces become one token.
fn join_units(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut joined = false;
        for width in (2..=3).rev() {
            if i + width <= tokens.len() {
                let text: String = tokens[i..i + width].concat();
                if unit_of(&text).is_some() && unit_of(&tokens[i]).is_none() {
                    out.push(text);
                    i += width;
                    joined = true;
                    break;
                }
            }
        }
        if !joined {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Element(Element),
    Ratio(RatioId),
}

/// A label starting at `i`, and how many tokens it takes: `Calcium`, `Ca`, `Ca/Mg`,
/// `Ca / Mg`, `Calcium/Magnesium`.
pub fn label_at(tokens: &[String], i: usize) -> Option<(Label, usize)> {
    let token = tokens.get(i)?;
    if let Some((a, b)) = token.split_once('/') {
        return ratio_of(a, b).map(|r| (Label::Ratio(r), 1));
    }
    let element = element_of(token)?;
    if tokens.get(i + 1).map(String::as_str) == Some("/") {
        if let Some(ratio) = tokens.get(i + 2).and_then(|b| ratio_of(token, b)) {
            return Some((Label::Ratio(ratio), 3));
        }
    }
    Some((Label::Element(element), 1))
}

fn ratio_of(a: &str, b: &str) -> Option<RatioId> {
    let (a, b) = (element_of(a.trim())?, element_of(b.trim())?);
    RatioId::ALL
        .into_iter()
        .find(|r| r.numerator() == a && r.denominator() == b)
}

/// How numbers are written in this report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumberStyle {
    /// `0,52` is 0.52 (Spanish and German reports); otherwise a comma before three digits
    /// separates thousands (`1,600`).
    pub decimal_comma: bool,
}

/// A plain number as the form takes it (`.` as decimal point, no thousands separators), or
/// None. At most 12 digits: nothing on a hair report is longer, and it bounds the work.
pub fn number(text: &str, style: NumberStyle) -> Option<String> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text.is_empty() || text.len() > 16 || !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (commas, dots) = (text.matches(',').count(), text.matches('.').count());
    let plain = match (commas, dots) {
        (0, 0) | (0, 1) => text.to_string(),
        (1, 0) => {
            let (int, frac) = text.split_once(',')?;
            if !style.decimal_comma && frac.len() == 3 && !int.is_empty() && int != "0" {
                format!("{int}{frac}")
            } else {
                format!("{int}.{frac}")
            }
        }
        // `1.2.3`, `1,2,3`: not a number.
        (0, _) | (_, 0) => return None,
        // `1,234.5` or `1.234,5`: the last separator is the decimal point.
        (_, _) => {
            let last = text.rfind([',', '.'])?;
            let (int, frac) = (&text[..last], &text[last + 1..]);
            let int: String = int.chars().filter(char::is_ascii_digit).collect();
            format!("{int}.{frac}")
        }
    };
    if plain.matches('.').count() > 1 || plain.ends_with('.') {
        return None;
    }
    let plain = if plain.starts_with('.') {
        format!("0{plain}")
    } else {
        plain
    };
    (plain.chars().filter(char::is_ascii_digit).count() <= 12).then_some(plain)
}

/// A result cell starting at `i` as the form's level field takes it (`58.2`, `<0.002`, `<<`,
/// `QNS`), and how many tokens it takes.
pub fn value_at(tokens: &[String], i: usize, style: NumberStyle) -> Option<(String, usize)> {
    let token = tokens.get(i)?;
    if token.eq_ignore_ascii_case("qns") {
        return Some(("QNS".into(), 1));
    }
    if let Some(rest) = token.strip_prefix("<<") {
        if rest.is_empty() {
            return Some(("<<".into(), 1));
        }
        return number(rest, style).map(|n| (format!("<<{n}"), 1));
    }
    if let Some(rest) = token.strip_prefix('<') {
        if rest.is_empty() {
            let n = number(tokens.get(i + 1)?, style)?;
            return Some((format!("<{n}"), 2));
        }
        return number(rest, style).map(|n| (format!("<{n}"), 1));
    }
    if range_at(tokens, i, style).is_some() {
        return None;
    }
    number(token, style).map(|n| (n, 1))
}

/// A reference range at `i` (`35-80`, `35 - 80`, `0.1–0.5`): how many tokens it takes.
pub fn range_at(tokens: &[String], i: usize, style: NumberStyle) -> Option<usize> {
    let token = tokens.get(i)?;
    if let Some((a, b)) = token.split_once('-') {
        if number(a, style).is_some() && number(b, style).is_some() {
            return Some(1);
        }
        if number(a, style).is_some() && b.is_empty() {
            return tokens.get(i + 1).and_then(|n| number(n, style)).map(|_| 2);
        }
    }
    if number(token, style).is_some() && tokens.get(i + 1).map(String::as_str) == Some("-") {
        return tokens.get(i + 2).and_then(|n| number(n, style)).map(|_| 3);
    }
    None
}

pub fn unit_at(tokens: &[String], i: usize) -> Option<Unit> {
    tokens.get(i).and_then(|t| unit_of(t))
}

pub fn is_punctuation(token: &str) -> bool {
    matches!(
        token,
        "(" | ")" | "[" | "]" | ":" | "-" | "=" | "," | ";" | "#" | "."
    )
}

pub fn is_flag(token: &str) -> bool {
    VALUE_FLAGS.contains(&fold(token).as_str())
}

/// A word: something with at least two letters that is not a unit or a flag.
pub fn is_word(token: &str) -> bool {
    token.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && unit_of(token).is_none()
        && !is_flag(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(line: &str) -> Vec<String> {
        tokenize(line)
    }

    #[test]
    fn tokens_of_odd_lines() {
        assert_eq!(
            toks("Calcium (Ca):  58.0"),
            ["Calcium", "(", "Ca", ")", ":", "58.0"]
        );
        assert_eq!(toks("Ca58\tmg %"), ["Ca", "58", "mg%"]);
        assert_eq!(
            toks("Lead Pb < 0.001 µg / g"),
            ["Lead", "Pb", "<", "0.001", "µg/g"]
        );
        assert_eq!(toks("Na/K 2,5 – 3"), ["Na/K", "2,5", "-", "3"]);
    }

    #[test]
    fn numbers_and_cells() {
        let en = NumberStyle::default();
        let de = NumberStyle {
            decimal_comma: true,
        };
        assert_eq!(number("1,600", en).as_deref(), Some("1600"));
        assert_eq!(number("0,52", en).as_deref(), Some("0.52"));
        assert_eq!(number("1,600", de).as_deref(), Some("1.600"));
        assert_eq!(number("1.234,5", de).as_deref(), Some("1234.5"));
        assert_eq!(number(".5", en).as_deref(), Some("0.5"));
        assert_eq!(number("1.2.3", en), None);
        assert_eq!(number("12a", en), None);
        let t = toks("<< <0.002 < 0.5 QNS 35-80 35 - 80 7");
        assert_eq!(value_at(&t, 0, en), Some(("<<".into(), 1)));
        assert_eq!(value_at(&t, 1, en), Some(("<0.002".into(), 1)));
        assert_eq!(value_at(&t, 2, en), Some(("<0.5".into(), 2)));
        assert_eq!(value_at(&t, 4, en), Some(("QNS".into(), 1)));
        assert_eq!(value_at(&t, 5, en), None);
        assert_eq!(range_at(&t, 5, en), Some(1));
        assert_eq!(range_at(&t, 6, en), Some(3));
        assert_eq!(value_at(&t, 9, en), Some(("7".into(), 1)));
    }

    #[test]
    fn labels() {
        let t = toks("Ca/Mg Ca / Mg Calcium/Phosphorus Sodium mg/kg");
        assert_eq!(label_at(&t, 0), Some((Label::Ratio(RatioId::CaMg), 1)));
        assert_eq!(label_at(&t, 1), Some((Label::Ratio(RatioId::CaMg), 3)));
        assert_eq!(label_at(&t, 4), Some((Label::Ratio(RatioId::CaP), 1)));
        assert_eq!(label_at(&t, 5), Some((Label::Element(Element::Na), 1)));
        assert_eq!(label_at(&t, 6), None);
    }
}

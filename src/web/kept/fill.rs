//! Puts kept values back into a form of a page we rendered: pure text in, text out. The pages
//! are our own templates' output (attributes quoted, values escaped), so a small tag scanner is
//! enough; anything it does not recognise is left as it is, and a page without the form is
//! reported (None) rather than guessed at.

use std::collections::HashMap;
use std::ops::Range;

/// One tag of the page: where it is, its name (lower case) and whether it closes.
#[derive(Debug, Clone)]
struct Tag {
    span: Range<usize>,
    name: String,
    closing: bool,
    attrs: Vec<(String, Option<String>)>,
}

impl Tag {
    /// The decoded value of an attribute.
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().map(decode).unwrap_or_default())
    }

    fn set(&mut self, name: &str, value: Option<&str>) {
        let raw = value.map(escape);
        match self.attrs.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = raw,
            None => self.attrs.push((name.to_string(), raw)),
        }
    }

    fn remove(&mut self, name: &str) {
        self.attrs.retain(|(n, _)| n != name);
    }

    fn render(&self) -> String {
        let mut out = format!("<{}", self.name);
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            if let Some(v) = value {
                out.push_str("=\"");
                out.push_str(v);
                out.push('"');
            }
        }
        out.push('>');
        out
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every tag of the page in order (comments skipped; the text of `textarea` is not scanned).
fn scan(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let mut j = start + 1;
        let closing = bytes.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == name_start {
            i = start + 1;
            continue;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() {
                return tags;
            }
            if bytes[j] == b'>' {
                j += 1;
                break;
            }
            let a = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let attr_name = html[a..j].to_ascii_lowercase();
            let mut value = None;
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                match bytes.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| j + 1 + e);
                        value = Some(html[j + 1..end.min(html.len())].to_string());
                        j = (end + 1).min(html.len());
                    }
                    _ => {
                        let v = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>'
                        {
                            j += 1;
                        }
                        value = Some(html[v..j].to_string());
                    }
                }
            }
            if attr_name.is_empty() {
                j += 1;
            } else {
                attrs.push((attr_name, value));
            }
        }
        let is_textarea = name == "textarea" && !closing;
        tags.push(Tag {
            span: start..j,
            name,
            closing,
            attrs,
        });
        i = j;
        if is_textarea {
            // Its text is not markup: continue at its end tag.
            if let Some(e) = html[i..].to_ascii_lowercase().find("</textarea") {
                i += e;
            }
        }
    }
    tags
}

/// How far (in bytes of markup) below the start of the page's content a form is "far down".
const FAR_DOWN: usize = 1500;

/// What to put back: the fields as posted, and messages for some of them.
pub struct Kept<'a> {
    pub action: &'a str,
    pub fields: &'a [(String, String)],
    pub problems: &'a [(String, String)],
    /// A sentence shown at the top of the form.
    pub notice: &'a str,
}

/// Fields whose page value always wins: the session's token, and what the page derived.
fn is_kept(name: &str) -> bool {
    name != crate::auth::csrf::FIELD
}

/// The page with the form posting to `kept.action` filled with the kept values, a notice at its
/// top and each problem beside its field; None when the page has no such form.
pub fn fill(html: &str, kept: &Kept) -> Option<String> {
    let tags = scan(html);
    // The forms posting to the action, with the range of tags inside each.
    let mut forms: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    for (index, tag) in tags.iter().enumerate() {
        if tag.name != "form" {
            continue;
        }
        if !tag.closing {
            open = Some(index);
        } else if let Some(start) = open.take() {
            let posts = tags[start]
                .attr("method")
                .is_some_and(|m| m.eq_ignore_ascii_case("post"));
            if posts && tags[start].attr("action").as_deref() == Some(kept.action) {
                forms.push((start, index));
            }
        }
    }
    let value_of = |name: &str| -> Vec<&str> {
        kept.fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    // Several forms may post to one action (one per diary entry): the one whose hidden fields
    // (other than the token) all match what was posted.
    let hidden_match = |&(start, end): &(usize, usize)| {
        tags[start..end].iter().all(|t| {
            if t.name != "input" || t.attr("type").as_deref() != Some("hidden") {
                return true;
            }
            let name = t.attr("name").unwrap_or_default();
            !is_kept(&name)
                || value_of(&name).contains(&t.attr("value").unwrap_or_default().as_str())
        })
    };
    // Several forms may post to one action for other reasons (a lab report's PDF, or its
    // pasted text): the one with a field of its own (not hidden) that was posted.
    let has_posted_field = |&(start, end): &(usize, usize)| {
        tags[start..end].iter().any(|t| {
            matches!(t.name.as_str(), "input" | "textarea" | "select")
                && !t.closing
                && t.attr("type").as_deref() != Some("hidden")
                && t.attr("name").is_some_and(|n| !value_of(&n).is_empty())
        })
    };
    let matching: Vec<&(usize, usize)> = forms.iter().filter(|f| hidden_match(f)).collect();
    let &(start, end) = matching
        .iter()
        .copied()
        .find(|f| has_posted_field(f))
        .or_else(|| matching.first().copied())
        .or_else(|| forms.first())?;

    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let problem = |name: &str| {
        kept.problems
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.clone())
    };
    let mut problems_shown: Vec<String> = Vec::new();
    let mut mark =
        |tag: &mut Tag, name: &str, after: usize, edits: &mut Vec<(Range<usize>, String)>| {
            if problems_shown.iter().any(|n| n == name) {
                return;
            }
            if let Some(message) = problem(name) {
                let id = format!("kept-{}-error", escape(name));
                tag.set("aria-invalid", Some("true"));
                let described = match tag.attr("aria-describedby") {
                    Some(existing) if !existing.is_empty() => format!("{existing} {id}"),
                    _ => id.clone(),
                };
                tag.set("aria-describedby", Some(&described));
                edits.push((
                    after..after,
                    format!(
                        "<p class=\"field-error\" id=\"{id}\">{}</p>",
                        escape(&message)
                    ),
                ));
                problems_shown.push(name.to_string());
            }
        };

    let mut form_tag = tags[start].clone();
    let form_id = match form_tag.attr("id") {
        Some(id) if !id.is_empty() => id,
        _ => {
            form_tag.set("id", Some("kept-form"));
            "kept-form".to_string()
        }
    };
    edits.push((
        form_tag.span.clone(),
        format!(
            "{}<p class=\"alert info kept-notice\" role=\"status\">{}</p>",
            form_tag.render(),
            escape(kept.notice)
        ),
    ));

    let mut k = start + 1;
    while k < end {
        let tag = &tags[k];
        if tag.closing {
            k += 1;
            continue;
        }
        let name = tag.attr("name").unwrap_or_default();
        if name.is_empty() || !is_kept(&name) {
            k += 1;
            continue;
        }
        let values = value_of(&name);
        match tag.name.as_str() {
            "input" => {
                let kind = tag
                    .attr("type")
                    .unwrap_or_else(|| "text".into())
                    .to_ascii_lowercase();
                let mut new = tag.clone();
                match kind.as_str() {
                    "hidden" | "submit" | "button" | "reset" | "image" | "file" | "password" => {
                        k += 1;
                        continue;
                    }
                    "checkbox" | "radio" => {
                        let own = tag.attr("value").unwrap_or_else(|| "on".into());
                        if values.contains(&own.as_str()) {
                            new.set("checked", None);
                        } else {
                            new.remove("checked");
                        }
                    }
                    _ => {
                        let n = seen.entry(name.clone()).or_insert(0);
                        if let Some(v) = values.get(*n) {
                            new.set("value", Some(v));
                        }
                        *n += 1;
                    }
                }
                let after = tag.span.end;
                mark(&mut new, &name, after, &mut edits);
                edits.push((tag.span.clone(), new.render()));
            }
            "textarea" => {
                let n = seen.entry(name.clone()).or_insert(0);
                let value = values.get(*n).copied();
                *n += 1;
                let close = tags[k + 1..end]
                    .iter()
                    .position(|t| t.closing && t.name == "textarea")
                    .map(|p| k + 1 + p)?;
                let mut new = tag.clone();
                let after = tags[close].span.end;
                mark(&mut new, &name, after, &mut edits);
                match value {
                    Some(v) => edits.push((
                        tag.span.start..tags[close].span.start,
                        format!("{}{}", new.render(), escape(v)),
                    )),
                    None => edits.push((tag.span.clone(), new.render())),
                }
            }
            "select" => {
                let close = tags[k + 1..end]
                    .iter()
                    .position(|t| t.closing && t.name == "select")
                    .map(|p| k + 1 + p)?;
                let mut new = tag.clone();
                mark(&mut new, &name, tags[close].span.end, &mut edits);
                edits.push((tag.span.clone(), new.render()));
                if !values.is_empty() {
                    for option in tags[k + 1..close]
                        .iter()
                        .filter(|t| t.name == "option" && !t.closing)
                    {
                        let mut opt = option.clone();
                        let own = match option.attr("value") {
                            Some(v) => v,
                            None => {
                                let text_end = html[option.span.end..]
                                    .find('<')
                                    .map_or(html.len(), |e| option.span.end + e);
                                decode(html[option.span.end..text_end].trim())
                            }
                        };
                        if values.contains(&own.as_str()) {
                            opt.set("selected", None);
                        } else {
                            opt.remove("selected");
                        }
                        edits.push((option.span.clone(), opt.render()));
                    }
                }
                k = close;
            }
            _ => {}
        }
        k += 1;
    }

    // A notice at the top of the page too when the form is far down (the client page's forms).
    if let Some(main) = tags.iter().find(|t| t.name == "main" && !t.closing) {
        if main.span.end + FAR_DOWN <= tags[start].span.start {
            edits.push((
                main.span.end..main.span.end,
                format!(
                    "<p class=\"alert info kept-notice\" role=\"status\"><a href=\"#{}\">{}</a></p>",
                    escape(&form_id),
                    escape(kept.notice)
                ),
            ));
        }
    }

    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(html.len() + 1024);
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&html[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&html[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    const PAGE: &str = r#"<html><body><main id="main"><h1>T</h1><!-- a long page: --><p>{}</p>
<form method="post" action="/other"><input name="notes" value="x"></form>
<form method="get" action="/clients/1/diary/annotations"><input name="annotation" value="search"></form>
<form method="post" action="/clients/1/diary/annotations"><input type="hidden" name="csrf_token" value="NEW"><input type="hidden" name="entry_date" value="2026-01-01"><textarea name="annotation"></textarea></form>
<form method="post" action="/clients/1/diary/annotations"><input type="hidden" name="csrf_token" value="NEW"><input type="hidden" name="entry_date" value="2026-01-02"><textarea id="a2" name="annotation" rows="2">old &amp; text</textarea>
<input name="months" type="number" value="4"><input type="checkbox" name="agree" checked><select name="unit"><option value="ppm" selected>ppm</option><option value="mg%">mg%</option></select></form>
</main></body></html>"#;

    /// The page with a long stretch of content above its forms.
    fn page() -> String {
        PAGE.replace("<p>{}</p>", &format!("<p>{}</p>", "x".repeat(FAR_DOWN)))
    }

    #[test]
    fn a_form_near_the_top_gets_one_notice() {
        let fields = pairs(&[("notes", "typed")]);
        let kept = Kept {
            action: "/other",
            fields: &fields,
            problems: &[],
            notice: "Back.",
        };
        let out = fill(&PAGE.replace("<p>{}</p>", ""), &kept).expect("form found");
        assert_eq!(out.matches("kept-notice").count(), 1, "{out}");
        assert!(out.contains(r#"value="typed""#));
    }

    #[test]
    fn fills_the_form_whose_hidden_fields_match_and_keeps_the_new_token() {
        let fields = pairs(&[
            ("csrf_token", "OLD"),
            ("entry_date", "2026-01-02"),
            ("annotation", "<b>typed</b> \"quoted\""),
            ("months", "30"),
            ("unit", "mg%"),
        ]);
        let problems = pairs(&[("months", "Use 1 to 24 months.")]);
        let out = fill(
            &page(),
            &Kept {
                action: "/clients/1/diary/annotations",
                fields: &fields,
                problems: &problems,
                notice: "Back: check and save.",
            },
        )
        .expect("form found");
        assert!(
            out.contains(r#"rows="2">&lt;b&gt;typed&lt;/b&gt; &quot;quoted&quot;</textarea>"#),
            "{out}"
        );
        assert!(!out.contains("old &amp; text"));
        assert!(out.contains(r#"value="NEW""#) && !out.contains("OLD"));
        // The first annotation form (another day) is untouched.
        assert!(out.contains(r#"value="2026-01-01"><textarea name="annotation"></textarea>"#));
        assert!(out.contains(r#"name="months" type="number" value="30" aria-invalid="true" aria-describedby="kept-months-error">"#), "{out}");
        assert!(out
            .contains(r#"<p class="field-error" id="kept-months-error">Use 1 to 24 months.</p>"#));
        // An unchecked box was not posted.
        assert!(
            out.contains(r#"<input type="checkbox" name="agree">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<option value="ppm">ppm</option><option value="mg%" selected>"#),
            "{out}"
        );
        assert!(out.contains(r##"<main id="main"><p class="alert info kept-notice" role="status"><a href="#kept-form">Back: check and save.</a></p>"##), "{out}");
        assert_eq!(out.matches("kept-notice").count(), 2);
        // A GET form to the same address is not the form.
        assert!(out.contains(r#"<input name="annotation" value="search">"#));
        // The other action's form is untouched.
        assert!(out.contains(r#"action="/other"><input name="notes" value="x">"#));
    }

    #[test]
    fn of_two_forms_to_one_action_the_one_with_the_posted_field_is_filled() {
        let page = r#"<main><form method="post" action="/r" enctype="multipart/form-data"><input type="hidden" name="csrf_token" value="T"><input id="f" name="file" type="file"></form>
<form method="post" action="/r" enctype="multipart/form-data"><input type="hidden" name="csrf_token" value="T"><textarea id="t" name="text"></textarea></form></main>"#;
        let fields = pairs(&[("csrf_token", "OLD"), ("text", "Calcium 58.2")]);
        let out = fill(
            page,
            &Kept {
                action: "/r",
                fields: &fields,
                problems: &[],
                notice: "kept",
            },
        )
        .expect("filled");
        assert!(
            out.contains(r#"name="text">Calcium 58.2</textarea>"#),
            "{out}"
        );
    }

    #[test]
    fn no_form_no_fill() {
        let fields = pairs(&[("notes", "typed")]);
        let kept = Kept {
            action: "/nowhere",
            fields: &fields,
            problems: &[],
            notice: "n",
        };
        assert!(fill(&page(), &kept).is_none());
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode("a&amp;b&#39;c&#x2F;&lt;&unknown;"),
            "a&b'c/<&unknown;"
        );
    }
}

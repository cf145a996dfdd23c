//! A strict reading of a written PDF's file structure, for the tests (issue #15). poppler's
//! tools and most viewers forgive a wrong cross-reference offset or stream length (they rebuild
//! the table by scanning the file), so a test that only extracts text cannot notice one. This
//! check forgives nothing:
//!
//! - the file starts with the header and ends with `startxref`, the table's offset and `%%EOF`;
//! - the table at that offset lists objects 0 to Size − 1, object 0 free, every other entry's
//!   offset pointing exactly at `N 0 obj` of its own number, in increasing order, each object
//!   running to `endobj` just before the next one (or the table);
//! - the trailer's `/Size` is the table's, its `/Root` and `/Info` are objects of the file;
//! - every stream's `/Length` is its byte count, and a `/FlateDecode` stream inflates;
//! - the catalog names the page tree, whose `/Kids` are pages with it as `/Parent`, each with
//!   resources and a content stream that exist, and whose `/Count` is their number;
//!
//! then lopdf loads the file and walks the page tree, decoding every page's content.

use std::io::Read;

/// Checks `pdf` as described above; the error says what is wrong and where.
pub(super) fn check(pdf: &[u8]) -> Result<(), String> {
    if !pdf.starts_with(b"%PDF-1.") {
        return Err("no %PDF-1.x header".into());
    }
    let xref = start_of_xref(pdf)?;
    let (offsets, trailer) = table(pdf, xref)?;
    let size = offsets.len() + 1;
    let objects = objects(pdf, &offsets, xref)?;
    for (number, object) in objects.iter().enumerate().skip(1) {
        stream_length(number, object)?;
    }
    let entry = |key: &str| -> Result<usize, String> {
        let value = reference(trailer, key).ok_or(format!("the trailer has no {key}"))?;
        (1..size).contains(&value).then_some(value).ok_or(format!(
            "the trailer's {key} {value} is not an object of the file"
        ))
    };
    let declared = number_after(trailer, b"/Size ").ok_or("the trailer has no /Size")?;
    if declared != size {
        return Err(format!(
            "the trailer's /Size is {declared}, the table has {size} entries"
        ));
    }
    entry("/Info")?;
    page_tree(&objects, entry("/Root")?)?;
    walk_with_lopdf(pdf)
}

/// The offset `startxref` gives, which must be where the table starts.
fn start_of_xref(pdf: &[u8]) -> Result<usize, String> {
    let tail = pdf
        .strip_suffix(b"\n%%EOF\n")
        .ok_or("the file does not end with %%EOF")?;
    let at = rfind(tail, b"\nstartxref\n").ok_or("no startxref")?;
    let digits = &tail[at + b"\nstartxref\n".len()..];
    let offset = parse(digits).ok_or("startxref is not followed by a number alone")?;
    if !pdf[offset.min(pdf.len())..].starts_with(b"xref\n") {
        return Err(format!(
            "startxref {offset} does not point at the xref table"
        ));
    }
    Ok(offset)
}

/// The in-use offsets of objects 1… (index 0 is object 1), and the trailer's dictionary.
fn table(pdf: &[u8], xref: usize) -> Result<(Vec<usize>, &[u8]), String> {
    let rest = &pdf[xref + b"xref\n".len()..];
    let line_end = find(rest, b"\n").ok_or("the xref table has no subsection line")?;
    let subsection = std::str::from_utf8(&rest[..line_end]).map_err(|e| e.to_string())?;
    let count = match subsection.split(' ').collect::<Vec<_>>()[..] {
        ["0", count] => count.parse::<usize>().map_err(|e| e.to_string())?,
        _ => {
            return Err(format!(
                "xref subsection `{subsection}`: one from object 0 expected"
            ))
        }
    };
    let entries = &rest[line_end + 1..];
    if entries.len() < 20 * count {
        return Err("the xref table is cut short".into());
    }
    if &entries[..20] != b"0000000000 65535 f \n" {
        return Err("object 0 is not the head of the free list".into());
    }
    let mut offsets = Vec::with_capacity(count.saturating_sub(1));
    for number in 1..count {
        let entry = &entries[20 * number..20 * (number + 1)];
        if &entry[10..] != b" 00000 n \n" {
            return Err(format!("xref entry {number} is not `offset 00000 n`"));
        }
        offsets.push(parse(&entry[..10]).ok_or(format!("xref entry {number}: bad offset"))?);
    }
    let after = &entries[20 * count..];
    let trailer = after
        .strip_prefix(b"trailer\n")
        .ok_or("no trailer right after the xref table")?;
    let end = find(trailer, b"\nstartxref\n").ok_or("no startxref after the trailer")?;
    Ok((offsets, &trailer[..end]))
}

/// Each object's bytes from `N 0 obj\n` to its `endobj\n` (index 0 empty: the free object).
fn objects<'a>(pdf: &'a [u8], offsets: &[usize], xref: usize) -> Result<Vec<&'a [u8]>, String> {
    let mut objects = vec![&pdf[..0]];
    for (i, &start) in offsets.iter().enumerate() {
        let number = i + 1;
        let end = offsets.get(i + 1).copied().unwrap_or(xref);
        if start >= end || end > pdf.len() {
            return Err(format!(
                "object {number}'s offset {start} is not before the next ({end})"
            ));
        }
        let object = &pdf[start..end];
        let head = format!("{number} 0 obj\n");
        if !object.starts_with(head.as_bytes()) {
            let found = String::from_utf8_lossy(&object[..object.len().min(16)]).into_owned();
            return Err(format!(
                "xref offset {start} of object {number} points at `{found}`, not `{}`",
                head.trim_end()
            ));
        }
        objects.push(object);
    }
    // Only once every entry points at its own object: a wrong offset is named as such.
    for (number, object) in objects.iter().enumerate().skip(1) {
        if !object.ends_with(b"endobj\n") {
            return Err(format!(
                "object {number} does not end with endobj before the next"
            ));
        }
    }
    Ok(objects)
}

/// A stream object's `/Length` is the number of bytes between `stream\n` and `\nendstream`.
fn stream_length(number: usize, object: &[u8]) -> Result<(), String> {
    let Some(at) = find(object, b">>\nstream\n") else {
        return Ok(());
    };
    let dictionary = &object[..at];
    let length = number_after(dictionary, b"/Length ")
        .ok_or(format!("stream object {number} has no /Length"))?;
    let body_start = at + b">>\nstream\n".len();
    let body = object.get(body_start..body_start + length).ok_or(format!(
        "stream object {number}: /Length {length} runs past the object"
    ))?;
    if &object[body_start + length..] != b"\nendstream\nendobj\n" {
        return Err(format!(
            "stream object {number}: /Length {length} does not end where endstream begins"
        ));
    }
    if find(dictionary, b"/Filter /FlateDecode").is_some() {
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(body)
            .read_to_end(&mut inflated)
            .map_err(|e| format!("stream object {number} does not inflate: {e}"))?;
    }
    Ok(())
}

/// The catalog's page tree: its kids are pages that name it as parent, with resources and
/// contents that exist, and its count is their number.
fn page_tree(objects: &[&[u8]], root: usize) -> Result<(), String> {
    let exists = |n: usize| (1..objects.len()).contains(&n);
    let catalog = objects[root];
    if find(catalog, b"/Type /Catalog").is_none() {
        return Err(format!("the root, object {root}, is not a catalog"));
    }
    let tree = reference(catalog, "/Pages")
        .filter(|&n| exists(n))
        .ok_or("the catalog names no page tree of the file")?;
    let pages = objects[tree];
    if find(pages, b"/Type /Pages").is_none() {
        return Err(format!("object {tree} is not a page tree"));
    }
    let kids_at = find(pages, b"/Kids [").ok_or("the page tree has no /Kids")? + b"/Kids [".len();
    let kids_end = kids_at + find(&pages[kids_at..], b"]").ok_or("unclosed /Kids")?;
    let kids = references(&pages[kids_at..kids_end]);
    let count = number_after(pages, b"/Count ").ok_or("the page tree has no /Count")?;
    if kids.is_empty() || kids.len() != count {
        return Err(format!("/Count {count} for {} kids", kids.len()));
    }
    for kid in kids {
        if !exists(kid) {
            return Err(format!("page {kid} is not an object of the file"));
        }
        let page = objects[kid];
        if find(page, b"/Type /Page ").is_none() {
            return Err(format!("kid {kid} is not a page"));
        }
        if reference(page, "/Parent") != Some(tree) {
            return Err(format!("page {kid}'s parent is not the page tree {tree}"));
        }
        for key in ["/Resources", "/Contents"] {
            if !reference(page, key).is_some_and(exists) {
                return Err(format!("page {kid}'s {key} is not an object of the file"));
            }
        }
        let contents = objects[reference(page, "/Contents").unwrap_or(0)];
        if find(contents, b"stream\n").is_none() {
            return Err(format!("page {kid}'s contents are not a stream"));
        }
    }
    Ok(())
}

/// lopdf reads the file and walks the page tree, decoding every page's content operators.
fn walk_with_lopdf(pdf: &[u8]) -> Result<(), String> {
    let document = lopdf::Document::load_mem(pdf).map_err(|e| format!("lopdf: {e}"))?;
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err("lopdf finds no page".into());
    }
    for (number, id) in pages {
        let content = document
            .get_and_decode_page_content(id)
            .map_err(|e| format!("lopdf: page {number}'s content: {e}"))?;
        if content.operations.is_empty() {
            return Err(format!("lopdf: page {number} draws nothing"));
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A whole slice of ASCII digits as a number.
fn parse(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The number right after `key` (digits up to the next space, newline or delimiter).
fn number_after(dictionary: &[u8], key: &[u8]) -> Option<usize> {
    let at = find(dictionary, key)? + key.len();
    let digits = &dictionary[at..];
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    parse(&digits[..end])
}

/// The object number of `key N 0 R` in a dictionary.
fn reference(dictionary: &[u8], key: &str) -> Option<usize> {
    let key = format!("{key} ");
    let at = find(dictionary, key.as_bytes())? + key.len();
    references(&dictionary[at..]).first().copied()
}

/// The object numbers of the `N 0 R` references at the start of `text` (one after another).
fn references(text: &[u8]) -> Vec<usize> {
    let words: Vec<&[u8]> = text
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .chunks(3)
        .map_while(|w| match w {
            [n, b"0", b"R"] => parse(n),
            _ => None,
        })
        .collect()
}

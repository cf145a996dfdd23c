//! The second factor's arithmetic, pure (no database, no HTTP, the time passed in): time-based
//! one-time codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step either side for a
//! clock a little off) through `totp-rs`, the enrolment's `otpauth://` URI and its QR code as
//! SVG through `qrcode`, and the recovery codes.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::tokens::{fill_random, sha256_hex};

/// The issuer an authenticator app shows next to the account's email.
pub const ISSUER: &str = "htma-tracker";
/// 160 bits, RFC 4226's recommended secret length.
pub const SECRET_BYTES: usize = 20;
pub const DIGITS: u8 = 6;
pub const STEP_SECONDS: u64 = 30;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters of a recovery code: 16 base32 characters are 80 random bits.
const RECOVERY_CODE_CHARS: usize = 16;
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A fresh random secret, base32 as authenticator apps take it (32 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    fill_random(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

/// The secret's bytes, when `text` is a secret this app could have made (spaces and case of
/// the grouped display form are forgiven).
fn secret_bytes(text: &str) -> Option<Vec<u8>> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() != 32
        || !compact
            .bytes()
            .all(|b| BASE32.contains(&b.to_ascii_lowercase()))
    {
        return None;
    }
    let bytes = Secret::try_from_base32(&compact).ok()?.as_ref().to_vec();
    (bytes.len() == SECRET_BYTES).then_some(bytes)
}

/// The canonical form of a secret (upper-case base32, no spaces), when it is well formed.
pub fn parse_secret(text: &str) -> Option<String> {
    secret_bytes(text).map(|bytes| Secret::from(bytes).to_base32())
}

fn totp(secret: &str, account_name: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret_bytes(secret)?)
        .with_issuer(Some(ISSUER))
        .with_account_name(account_name.replace(':', ""))
        .build()
        .ok()
}

/// The time step a Unix time falls in.
pub fn step_of(unix_seconds: u64) -> i64 {
    (unix_seconds / STEP_SECONDS) as i64
}

/// The code an authenticator shows at that time (for tests and the enrolment's own check).
pub fn code_at(secret: &str, unix_seconds: u64) -> Option<String> {
    Some(totp(secret, "")?.generate(unix_seconds).to_string())
}

/// The time step of `code` when it is right for the step of `unix_seconds` or the one before or
/// after. The caller accepts it only for a step later than the last one accepted (RFC 6238 §5.2:
/// a code is used once).
pub fn check_code(secret: &str, code: &str, unix_seconds: u64) -> Option<i64> {
    let step = totp(secret, "")?.check(code, unix_seconds)?;
    i64::try_from(step).ok()
}

/// What was typed at a code prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Six digits from the authenticator app.
    Code(String),
    /// A recovery code, as its hash.
    Recovery(String),
    /// Neither: refused without looking anything up.
    Malformed,
}

/// Reads a code prompt: spaces and dashes are ignored, `0`/`1` in a recovery code are read as
/// the letters `o`/`l` they look like.
pub fn parse_answer(typed: &str) -> Answer {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.len() == DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Answer::Code(compact);
    }
    let normal: String = compact
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            '0' => 'o',
            '1' => 'l',
            other => other,
        })
        .collect();
    if normal.len() == RECOVERY_CODE_CHARS && normal.bytes().all(|b| BASE32.contains(&b)) {
        Answer::Recovery(recovery_hash(&normal))
    } else {
        Answer::Malformed
    }
}

/// The stored form of a recovery code. A plain SHA-256, not argon2: each code is 80 bits from
/// the operating system's random source, so trying every code against a stolen hash is 2^79
/// SHA-256 computations on average, out of reach without a slow hash (which exists to protect
/// guessable passwords), and a fast hash lets the code be found by its hash in one lookup.
pub fn recovery_hash(normal: &str) -> String {
    sha256_hex(normal)
}

/// Ten new recovery codes in display form (`abcd-efgh-ijkl-mnop`) with their hashes.
pub fn new_recovery_codes() -> Vec<(String, String)> {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_CHARS];
            fill_random(&mut bytes);
            // 256 is a multiple of 32: every character is equally likely.
            let normal: String = bytes
                .iter()
                .map(|b| BASE32[(*b % 32) as usize] as char)
                .collect();
            let shown = normal
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-");
            (shown, recovery_hash(&normal))
        })
        .collect()
}

/// The `otpauth://totp/...` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &str, account_email: &str) -> Option<String> {
    totp(secret, account_email)?.to_url().ok()
}

/// The secret in groups of four for typing it by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `text` as an inline SVG element (no XML prolog), drawn here so the secret
/// never goes to another service and the page's Content-Security-Policy stays as it is.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret ("12345678901234567890"), base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc_6238_sha1_vectors_in_six_digits() {
        // The appendix's 8-digit codes, last six digits.
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(RFC_SECRET, time).as_deref(), Some(code), "{time}");
            assert_eq!(
                check_code(RFC_SECRET, code, time),
                Some(step_of(time)),
                "{time}"
            );
        }
    }

    #[test]
    fn one_step_either_side_and_no_further() {
        let t = 1_234_567_890;
        let now = step_of(t);
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let at = (t as i64 + offset * STEP_SECONDS as i64) as u64;
            let code = code_at(RFC_SECRET, at).unwrap();
            assert_eq!(
                check_code(RFC_SECRET, &code, t),
                accepted.then_some(now + offset),
                "{offset}"
            );
        }
        assert_eq!(check_code(RFC_SECRET, "12345", t), None);
        assert_eq!(check_code(RFC_SECRET, "+12345", t), None);
    }

    #[test]
    fn secrets_are_fresh_160_bit_base32() {
        let a = new_secret();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_secret());
        assert_eq!(parse_secret(&grouped(&a)).as_deref(), Some(a.as_str()));
        assert_eq!(parse_secret(&a.to_lowercase()).as_deref(), Some(a.as_str()));
        assert_eq!(
            parse_secret("GEZDGNBVGY3TQOJQ"),
            None,
            "80 bits is too short"
        );
        assert_eq!(parse_secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"), None);
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let uri = otpauth_uri(RFC_SECRET, "pat@example.com").unwrap();
        assert!(uri.starts_with("otpauth://totp/htma-tracker:pat"), "{uri}");
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("issuer=htma-tracker"), "{uri}");
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("<?xml") && !svg.contains("<script"));
    }

    #[test]
    fn recovery_codes_read_forgivingly_and_hash_to_their_stored_form() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODE_COUNT);
        let (shown, hash) = &codes[0];
        assert_eq!(shown.len(), 19);
        assert_eq!(parse_answer(shown), Answer::Recovery(hash.clone()));
        assert_eq!(
            parse_answer(&shown.to_uppercase().replace('-', " ")),
            Answer::Recovery(hash.clone())
        );
        let distinct: std::collections::HashSet<_> = codes.iter().map(|c| &c.1).collect();
        assert_eq!(distinct.len(), RECOVERY_CODE_COUNT);
        assert_eq!(parse_answer("123 456"), Answer::Code("123456".into()));
        assert_eq!(parse_answer("12345"), Answer::Malformed);
        assert_eq!(parse_answer("abcd-efgh"), Answer::Malformed);
        assert_eq!(
            parse_answer("oooo-llll-aaaa-bbbb"),
            parse_answer("0000-1111-aaaa-bbbb")
        );
    }
}

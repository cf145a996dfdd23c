//! The audit chain's link: `entry_hash = SHA-256(previous entry_hash ‖ the event's fields)`, each
//! field length-prefixed (`len:text`) so no two different events hash the same bytes. The bytes
//! hashed are fixed forever: every stored chain is verified against them (`audit::verify`).
//!
//! Written straight into the hasher: every view of a record appends one link, and the first
//! version built eleven `String`s, ran chrono's format parser and formatted 32 hex pairs one
//! allocation each (issue 15). The test below checks it against that first version.

use std::fmt::Write;

use chrono::{Datelike, NaiveDateTime, Timelike};
use sha2::{Digest, Sha256};

use super::audit::AuditEvent;

/// SHA-256 of the previous link's hash and every stored field of the event, each length-prefixed
/// so no two different events hash the same text.
pub fn chain_hash(previous: &str, event: &AuditEvent) -> String {
    let mut link = Link {
        hasher: Sha256::new(),
        scratch: String::with_capacity(32),
    };
    link.hasher.update(previous.as_bytes());
    link.number(event.seq);
    link.time(event.occurred_at);
    link.number(event.account_id);
    link.text(&event.action);
    link.text(&event.record_kind);
    link.number(event.record_id);
    link.text(event.remote_addr.as_deref().unwrap_or_default());
    link.text(&event.detail);
    link.number(event.owner_id);
    link.number(event.client_id);
    link.number(Some(event.id));
    hex(&link.hasher.finalize())
}

struct Link {
    hasher: Sha256,
    /// The time is written here before it is hashed (its length goes first).
    scratch: String,
}

impl Link {
    fn text(&mut self, text: &str) {
        self.field(text.as_bytes());
    }

    fn field(&mut self, bytes: &[u8]) {
        let mut length = [0; DECIMAL_BYTES];
        self.hasher.update(decimal(&mut length, bytes.len() as i64));
        self.hasher.update(b":");
        self.hasher.update(bytes);
    }

    /// A number in decimal; none is the empty text.
    fn number(&mut self, number: Option<i64>) {
        let mut digits = [0; DECIMAL_BYTES];
        match number {
            Some(n) => self.field(decimal(&mut digits, n)),
            None => self.field(b""),
        }
    }

    /// `%Y-%m-%dT%H:%M:%S%.6f`, as chrono writes it.
    fn time(&mut self, at: NaiveDateTime) {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let (date, time) = (at.date(), at.time());
        if (0..=9999).contains(&date.year()) && time.nanosecond() < 1_000_000_000 {
            let _ = write!(
                text,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
                date.year(),
                date.month(),
                date.day(),
                time.hour(),
                time.minute(),
                time.second(),
                time.nanosecond() / 1_000
            );
        } else {
            // Years chrono writes with a sign or more digits, and leap seconds: its own writer.
            let _ = write!(text, "{}", at.format("%Y-%m-%dT%H:%M:%S%.6f"));
        }
        self.text(&text);
        self.scratch = text;
    }
}

/// Room for any i64 in decimal: a sign and 19 digits.
const DECIMAL_BYTES: usize = 20;

/// `n` in decimal as `to_string` writes it, at the end of `buffer`.
fn decimal(buffer: &mut [u8; DECIMAL_BYTES], n: i64) -> &[u8] {
    let mut start = buffer.len();
    let mut rest = n.unsigned_abs();
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        start -= 1;
        buffer[start] = b'-';
    }
    &buffer[start..]
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    /// The link as it was first written: what every stored chain was hashed with.
    fn first_version(previous: &str, event: &AuditEvent) -> String {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let fields = [
            number(event.seq),
            event
                .occurred_at
                .format("%Y-%m-%dT%H:%M:%S%.6f")
                .to_string(),
            number(event.account_id),
            event.action.clone(),
            event.record_kind.clone(),
            number(event.record_id),
            event.remote_addr.clone().unwrap_or_default(),
            event.detail.clone(),
            number(event.owner_id),
            number(event.client_id),
            event.id.to_string(),
        ];
        let mut hasher = Sha256::new();
        hasher.update(previous.as_bytes());
        for field in &fields {
            hasher.update(format!("{}:", field.len()).as_bytes());
            hasher.update(field.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn event(
        id: i64,
        numbers: [Option<i64>; 5],
        at: NaiveDateTime,
        texts: [String; 3],
        remote_addr: Option<String>,
    ) -> AuditEvent {
        let [seq, account_id, record_id, owner_id, client_id] = numbers;
        let [action, record_kind, detail] = texts;
        AuditEvent {
            id,
            occurred_at: at,
            account_id,
            action,
            record_kind,
            record_id,
            remote_addr,
            detail,
            seq,
            entry_hash: None,
            owner_id,
            client_id,
        }
    }

    #[test]
    fn hashes_a_known_event_as_it_always_has() {
        let at = NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_micro_opt(4, 5, 6, 7))
            .unwrap();
        let view = event(
            42,
            [Some(7), Some(1), Some(9), Some(1), Some(9)],
            at,
            ["view".into(), "timeline".into(), String::new()],
            Some("127.0.0.1".into()),
        );
        let hash = chain_hash(super::super::audit::GENESIS, &view);
        assert_eq!(hash, first_version(super::super::audit::GENESIS, &view));
        assert_eq!(hash.len(), 64);
    }

    #[test]
    fn writes_edge_times_like_chrono() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .unwrap();
        let far = NaiveDate::from_ymd_opt(-44, 3, 15)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let later = NaiveDate::from_ymd_opt(12345, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        for at in [leap, far, later, NaiveDateTime::MIN, NaiveDateTime::MAX] {
            let e = event(
                -1,
                [None, Some(i64::MIN), Some(i64::MAX), Some(0), None],
                at,
                [String::new(), "ü".into(), "a:b".into()],
                None,
            );
            assert_eq!(chain_hash("x", &e), first_version("x", &e), "{at}");
        }
    }

    proptest! {
        #[test]
        fn hashes_every_event_as_the_first_version_did(
            id in any::<i64>(),
            numbers in proptest::array::uniform5(proptest::option::of(any::<i64>())),
            seconds in -100_000_000_000_i64..300_000_000_000,
            nanos in 0_u32..2_000_000_000,
            texts in proptest::array::uniform3(".{0,40}"),
            remote_addr in proptest::option::of("[0-9a-f:.]{0,39}"),
            previous in "[0-9a-f]{64}",
        ) {
            let Some(at) = chrono::DateTime::from_timestamp(seconds, nanos % 1_000_000_000)
                .map(|t| t.naive_utc()) else { return Ok(()) };
            let at = if nanos >= 1_000_000_000 && at.second() == 59 {
                at.with_nanosecond(nanos).unwrap_or(at)
            } else {
                at
            };
            let e = event(id, numbers, at, texts, remote_addr);
            prop_assert_eq!(chain_hash(&previous, &e), first_version(&previous, &e));
        }
    }
}

//! Sealing with a token the server does not keep: what a kept form holds (issue 14) is stored
//! as ChaCha20-Poly1305 ciphertext under a key derived from the random token in the browser's
//! cookie. The database holds only the token's SHA-256, from which the key cannot be derived,
//! so the table (or a copy of it) reads as noise; the browser's next request brings the key.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

use super::tokens::{fill_random, hex, unhex};

const NONCE_BYTES: usize = 12;
/// Separates the key from the stored hash of the same token (`sha256_hex(token)`).
const KEY_LABEL: &[u8] = b"htma-tracker kept form key v1\0";

fn cipher_for(token: &str) -> ChaCha20Poly1305 {
    let key: [u8; 32] = Sha256::new()
        .chain_update(KEY_LABEL)
        .chain_update(token.as_bytes())
        .finalize()
        .into();
    ChaCha20Poly1305::new(&Key::from(key))
}

/// `plain` sealed under `token`, bound to `context` (what the row says besides: its paths), as
/// hex of the random nonce followed by the ciphertext and its tag.
pub fn seal(token: &str, context: &str, plain: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_BYTES];
    fill_random(&mut nonce);
    let payload = Payload {
        msg: plain,
        aad: context.as_bytes(),
    };
    // Encryption into a Vec fails only past ChaCha20's 256 GB per message.
    let sealed = cipher_for(token)
        .encrypt(&Nonce::from(nonce), payload)
        .unwrap_or_default();
    let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    hex(&out)
}

/// What `seal` sealed, or None for another token, another context, or a changed byte.
pub fn open(token: &str, context: &str, sealed: &str) -> Option<Vec<u8>> {
    let bytes = unhex(sealed)?;
    if bytes.len() < NONCE_BYTES {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
    let payload = Payload {
        msg: ciphertext,
        aad: context.as_bytes(),
    };
    cipher_for(token).decrypt(&Nonce::from(nonce), payload).ok()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::new_token;
    use super::*;

    #[test]
    fn opens_only_with_its_token_and_context() {
        let token = new_token();
        let sealed = seal(&token, "/clients|/clients/new", b"notes=private words");
        assert!(!sealed.contains(&hex(b"private")));
        assert_eq!(
            open(&token, "/clients|/clients/new", &sealed).as_deref(),
            Some(&b"notes=private words"[..])
        );
        assert_eq!(open(&new_token(), "/clients|/clients/new", &sealed), None);
        assert_eq!(open(&token, "/clients|/", &sealed), None);
        let mut changed = sealed.into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'0' { b'1' } else { b'0' };
        let changed = String::from_utf8(changed).unwrap_or_default();
        assert_eq!(open(&token, "/clients|/clients/new", &changed), None);
        assert_eq!(open(&token, "", "zz"), None);
    }

    #[test]
    fn the_same_text_seals_differently_each_time() {
        let token = new_token();
        assert_ne!(seal(&token, "", b"x"), seal(&token, "", b"x"));
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 15, 16, 255])), Some(vec![0, 15, 16, 255]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}

//! Password hashing with argon2id at OWASP's minimum parameters or above (m=19 MiB, t=2, p=1),
//! stored as PHC strings so parameters can rise later: `needs_rehash` tells the sign-in to
//! upgrade an old hash.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 10;
/// Hashing cost grows with input; a cap keeps a megabyte "password" from becoming a DoS.
pub const MAX_LENGTH: usize = 256;

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn hasher() -> Argon2<'static> {
    #[allow(clippy::expect_used)]
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("Use at least {MIN_LENGTH} characters.")]
    TooShort,
    #[error("Use at most {MAX_LENGTH} characters.")]
    TooLong,
}

pub fn check_policy(password: &str) -> Result<(), PasswordPolicyError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Err(PasswordPolicyError::TooShort)
    } else if length > MAX_LENGTH {
        Err(PasswordPolicyError::TooLong)
    } else {
        Ok(())
    }
}

/// At most one argon2 computation per core at a time: each takes 19 MiB, and a burst of
/// sign-ins would otherwise allocate that many times over (and the allocator keeps it).
fn with_hashing_slot<T>(work: impl FnOnce() -> T) -> T {
    use std::sync::{Condvar, Mutex, OnceLock};
    static SLOTS: OnceLock<(Mutex<usize>, Condvar)> = OnceLock::new();
    let (free, released) = SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        (Mutex::new(cores), Condvar::new())
    });
    {
        let mut slots = free.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while *slots == 0 {
            slots = released
                .wait(slots)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *slots -= 1;
    }
    // The hash maps its 19 MiB fresh (and unmaps it after): give back first what earlier
    // requests freed, so the peak is what is in use plus the hash, not the last burst's
    // high-water mark plus the hash.
    crate::heap::give_back_freed_memory();
    let result = work();
    *free.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) += 1;
    released.notify_one();
    result
}

pub fn hash(password: &str) -> Result<String, String> {
    with_hashing_slot(|| hash_now(password))
}

fn hash_now(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

/// False for a wrong password and for a stored value that is not a valid hash.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => with_hashing_slot(|| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }),
        Err(_) => false,
    }
}

/// Spends the same time as a real verification, so an unknown email cannot be told apart
/// from a wrong password by the response time (OWASP ASVS V6.3.8).
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("not a real password at all").unwrap_or_default());
    let _ = verify(password, stored);
}

pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != "argon2id"
        || params.m_cost() < MEMORY_KIB
        || params.t_cost() < ITERATIONS
        || params.p_cost() < PARALLELISM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterx", &stored));
        assert!(!needs_rehash(&stored));
    }

    #[test]
    fn garbage_hash_never_verifies() {
        assert!(!verify("anything", "not a phc string"));
        assert!(needs_rehash("not a phc string"));
    }

    #[test]
    fn policy_bounds() {
        assert_eq!(check_policy("short"), Err(PasswordPolicyError::TooShort));
        assert_eq!(
            check_policy(&"x".repeat(MAX_LENGTH + 1)),
            Err(PasswordPolicyError::TooLong)
        );
        assert!(check_policy("long enough pass").is_ok());
    }
}

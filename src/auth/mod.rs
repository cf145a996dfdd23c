//! Who is asking: passwords, sessions, anti-forgery tokens, sign-in throttling, and the
//! extractors that are the only way a handler gets at the signed-in account or its records.

pub mod csrf;
pub mod device;
pub mod extract;
pub mod login;
pub mod password;
pub mod proxy;
pub mod sealed;
pub mod second_factor;
pub mod session;
pub mod tokens;
pub mod totp;
pub mod user_agent;

// portal and diary
pub mod invite;

pub use extract::{
    CurrentAccount, PracticeImport, Practitioner, RestorableProgramVersion, RestorableSummary,
    ScopedClient, ScopedFlag, ScopedHairTest, ScopedImport, ScopedProgramVersion,
    ScopedReferenceSet, ScopedSummary, SharedSummary,
};
// portal and diary
pub use extract::PortalClient;

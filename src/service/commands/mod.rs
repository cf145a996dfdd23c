//! Write commands: every change of state is one function here that opens the write
//! transaction, applies the change, re-derives what depends on it (summary columns, flags, the
//! dashboard's cache) and records the audit event, so a handler parses, calls one command and
//! renders.

pub mod hair_tests;
pub mod reference_sets;
pub mod second_factor;

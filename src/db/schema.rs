// One schema for both engines: only types both support (BigInt, Text, Bool, Double, Date,
// Timestamp as UTC NaiveDateTime).

diesel::table! {
    accounts (id) {
        id -> BigInt,
        role -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        client_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        account_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email_key -> Text,
        remote_addr -> Text,
        attempted_at -> Timestamp,
        succeeded -> Bool,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        practitioner_id -> BigInt,
        full_name -> Text,
        search_key -> Text,
        reference_code -> Nullable<Text>,
        date_of_birth -> Nullable<Date>,
        sex -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        account_id -> Nullable<BigInt>,
        action -> Text,
        record_kind -> Text,
        record_id -> Nullable<BigInt>,
        remote_addr -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(clients -> accounts (practitioner_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    sessions,
    login_attempts,
    clients,
    audit_events
);

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
        user_agent -> Text,
        remote_addr -> Text,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email_key -> Text,
        remote_addr -> Text,
        attempted_at -> Timestamp,
        succeeded -> Bool,
        device_key -> Nullable<Text>,
    }
}

diesel::table! {
    trusted_devices (token_hash) {
        token_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
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
        share_results -> Bool,
        utc_offset_minutes -> Nullable<BigInt>,
        retest_interval_months -> Nullable<BigInt>,
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
        seq -> Nullable<BigInt>,
        entry_hash -> Nullable<Text>,
        owner_id -> Nullable<BigInt>,
        client_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        seq -> BigInt,
        entry_hash -> Text,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(clients -> accounts (practitioner_id));

diesel::table! {
    hair_tests (id) {
        id -> BigInt,
        client_id -> BigInt,
        sample_date -> Date,
        entered_at -> Timestamp,
        lab -> Text,
        lab_sample_id -> Nullable<Text>,
        washed -> Bool,
        entry_unit -> Text,
        printed_ratios -> Text,
        notes -> Text,
        oxidation_type -> Text,
        oxidation_degree -> Nullable<Text>,
        pattern_ids -> Text,
        reference_set -> Text,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hair_test_levels (hair_test_id, element) {
        hair_test_id -> BigInt,
        element -> Text,
        mg_pct -> Double,
        below_limit -> Bool,
    }
}

diesel::table! {
    pending_imports (id) {
        id -> BigInt,
        practitioner_id -> BigInt,
        client_id -> Nullable<BigInt>,
        file_name -> Text,
        default_unit -> Text,
        content -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    flags (id) {
        id -> BigInt,
        client_id -> BigInt,
        flag_key -> Text,
        kind -> Text,
        rule -> Text,
        summary -> Text,
        from_test_id -> Nullable<BigInt>,
        to_test_id -> Nullable<BigInt>,
        raised_at -> Timestamp,
        active -> Bool,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<BigInt>,
        ack_note -> Text,
    }
}

diesel::joinable!(hair_tests -> clients (client_id));
diesel::joinable!(hair_test_levels -> hair_tests (hair_test_id));
diesel::joinable!(flags -> clients (client_id));

// Every table, in ONE invocation (diesel 2.3 rejects a table named in two): add new tables here.
diesel::table! {
    program_versions (id) {
        id -> BigInt,
        client_id -> BigInt,
        starts_on -> Date,
        diet -> Text,
        lifestyle -> Text,
        created_at -> Timestamp,
        created_by -> BigInt,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    program_supplements (id) {
        id -> BigInt,
        version_id -> BigInt,
        position -> BigInt,
        name -> Text,
        dose -> Text,
        unit -> Text,
        frequency -> Text,
    }
}

diesel::table! {
    client_summaries (client_id) {
        client_id -> BigInt,
        practitioner_id -> BigInt,
        test_count -> BigInt,
        last_sample_date -> Nullable<Date>,
        oxidation_type -> Nullable<Text>,
        oxidation_degree -> Nullable<Text>,
        pattern_ids -> Text,
        updated_at -> Timestamp,
        retest_due_on -> Nullable<Date>,
    }
}

diesel::table! {
    summaries (id) {
        id -> BigInt,
        client_id -> BigInt,
        created_by -> BigInt,
        period_start -> Date,
        period_end -> Date,
        comment -> Text,
        created_at -> Timestamp,
        shared_at -> Nullable<Timestamp>,
        content -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(summaries -> clients (client_id));
diesel::joinable!(client_summaries -> clients (client_id));
diesel::joinable!(program_versions -> clients (client_id));
diesel::joinable!(program_supplements -> program_versions (version_id));

diesel::table! {
    client_time_zones (client_id) {
        client_id -> BigInt,
        time_zone -> Text,
    }
}

diesel::joinable!(client_time_zones -> clients (client_id));

diesel::allow_tables_to_appear_in_same_query!(
    client_time_zones,
    accounts,
    sessions,
    login_attempts,
    trusted_devices,
    clients,
    audit_events,
    audit_chain_head,
    hair_tests,
    hair_test_levels,
    pending_imports,
    flags,
    program_versions,
    program_supplements,
    client_summaries,
    summaries,
    // portal and diary
    invitations,
    client_symptoms,
    diary_entries,
    diary_symptoms,
    // reference sets
    reference_sets,
    practitioner_settings,
    // lab report import
    lab_report_files,
    // program adherence
    diary_program_answers,
);

// portal and diary
diesel::table! {
    invitations (id) {
        id -> BigInt,
        client_id -> BigInt,
        created_by -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    client_symptoms (id) {
        id -> BigInt,
        client_id -> BigInt,
        label -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    diary_entries (id) {
        id -> BigInt,
        client_id -> BigInt,
        entry_date -> Date,
        note -> Text,
        triggers -> Text,
        revision -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        annotation -> Text,
        annotated_at -> Nullable<Timestamp>,
        annotated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    diary_symptoms (entry_id, symptom_key) {
        entry_id -> BigInt,
        symptom_key -> Text,
        severity -> BigInt,
        time_of_day -> Nullable<Text>,
    }
}

diesel::joinable!(invitations -> clients (client_id));
diesel::joinable!(client_symptoms -> clients (client_id));
diesel::joinable!(diary_entries -> clients (client_id));
diesel::joinable!(diary_symptoms -> diary_entries (entry_id));

// reference sets
diesel::table! {
    reference_sets (id) {
        id -> BigInt,
        practitioner_id -> BigInt,
        name -> Text,
        version -> BigInt,
        definition -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    practitioner_settings (practitioner_id) {
        practitioner_id -> BigInt,
        reference_set_id -> Nullable<BigInt>,
        embedded_version -> Nullable<BigInt>,
    }
}

diesel::joinable!(reference_sets -> accounts (practitioner_id));
diesel::joinable!(practitioner_settings -> reference_sets (reference_set_id));

// lab report import
diesel::table! {
    lab_report_files (id) {
        id -> BigInt,
        practitioner_id -> BigInt,
        client_id -> BigInt,
        hair_test_id -> Nullable<BigInt>,
        file_name -> Text,
        byte_size -> BigInt,
        sha256 -> Text,
        content -> Binary,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(lab_report_files -> hair_tests (hair_test_id));

// analysis rules version of the stored derived data
diesel::table! {
    analysis_rules (id) {
        id -> BigInt,
        version -> BigInt,
        derived_at -> Nullable<Timestamp>,
    }
}

// second factor (issue 12)
diesel::table! {
    second_factors (account_id) {
        account_id -> BigInt,
        secret -> Text,
        last_step -> BigInt,
        enabled_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        account_id -> BigInt,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pending_sign_ins (token_hash) {
        token_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

// forms kept after their session ended (issue 14)
diesel::table! {
    kept_forms (token_hash) {
        token_hash -> Text,
        account_id -> Nullable<BigInt>,
        remote_addr -> Text,
        action_path -> Text,
        page_path -> Text,
        sealed -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

// sessions that ended, remembered a day so a form posted afterwards is bound (issue 14)
diesel::table! {
    ended_sessions (token_hash) {
        token_hash -> Text,
        csrf_hash -> Text,
        account_id -> BigInt,
        ended_at -> Timestamp,
    }
}

// program adherence (issue 17)
diesel::table! {
    diary_program_answers (entry_id, item_key) {
        entry_id -> BigInt,
        item_key -> Text,
        supplement_id -> Nullable<BigInt>,
        version_id -> Nullable<BigInt>,
        name -> Text,
        answer -> Text,
        /// The entry's client, so a client's answers are found by an index (issue 15).
        client_id -> BigInt,
    }
}

diesel::joinable!(diary_program_answers -> diary_entries (entry_id));

// the version of each client's record the pages were made from (issue 15)
diesel::table! {
    record_versions (owner_id, client_id) {
        owner_id -> BigInt,
        client_id -> BigInt,
        version -> BigInt,
    }
}

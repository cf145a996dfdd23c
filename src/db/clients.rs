use crate::db::{AccountId, ClientId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::engine::on_engine;
use super::schema::clients;
use super::{DbConn, DbError};
use crate::domain::sex::Sex;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    pub id: ClientId,
    pub practitioner_id: AccountId,
    pub full_name: String,
    pub search_key: String,
    pub reference_code: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// `Sex::Unrecorded` is stored as NULL (`db::column_types`).
    pub sex: Sex,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

/// The editable fields of a client, already validated.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = clients, treat_none_as_null = true)]
pub struct ClientFields {
    pub full_name: String,
    pub search_key: String,
    pub reference_code: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Sex,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: String,
}

pub fn insert(
    conn: &mut DbConn,
    id: ClientId,
    practitioner_id: AccountId,
    fields: &ClientFields,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(clients::table)
        .values((
            clients::id.eq(id),
            clients::practitioner_id.eq(practitioner_id),
            clients::full_name.eq(&fields.full_name),
            clients::search_key.eq(&fields.search_key),
            clients::reference_code.eq(&fields.reference_code),
            clients::date_of_birth.eq(fields.date_of_birth),
            clients::sex.eq(&fields.sex),
            clients::email.eq(&fields.email),
            clients::phone.eq(&fields.phone),
            clients::notes.eq(&fields.notes),
            clients::created_at.eq(at),
            clients::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    id: ClientId,
    fields: &ClientFields,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::practitioner_id.eq(practitioner_id)),
    )
    .set((fields, clients::updated_at.eq(at)))
    .execute(conn)?)
}

pub fn set_archived(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    id: ClientId,
    archived_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::practitioner_id.eq(practitioner_id)),
    )
    .set((
        clients::archived_at.eq(archived_at),
        clients::updated_at.eq(at),
    ))
    .execute(conn)?)
}

/// Every client of the practitioner (archived ones too) with their recorded sex and date of
/// birth, by id.
pub fn analysis_facts_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<AnalysisFacts>, DbError> {
    Ok(clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .order(clients::id.asc())
        .select((clients::id, clients::sex, clients::date_of_birth))
        .load(conn)?)
}

/// A client's id, recorded sex and date of birth: what the analysis reads about them.
pub type AnalysisFacts = (ClientId, Sex, Option<NaiveDate>);

/// What the analysis reads about the client: the recorded sex and the date of birth (OX-11).
pub fn analysis_facts_of_client(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<(Sex, Option<NaiveDate>), DbError> {
    Ok(clients::table
        .find(client_id)
        .select((clients::sex, clients::date_of_birth))
        .first(conn)?)
}

/// The one lookup every client-scoped page goes through: a client of another practitioner is
/// indistinguishable from a missing one.
pub fn find_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    id: ClientId,
) -> Result<Option<ClientRow>, DbError> {
    // Every client page: on the engine's own connection (`on_engine`).
    Ok(on_engine!(conn, |c| clients::table
        .filter(clients::id.eq(id))
        .filter(clients::practitioner_id.eq(practitioner_id))
        .select(ClientRow::as_select())
        .first(c)
        .optional())?)
}

pub fn reference_code_taken(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    code: &str,
    except_id: Option<ClientId>,
) -> Result<bool, DbError> {
    let mut query = clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(clients::reference_code.eq(code))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(clients::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFilter {
    Active,
    Archived,
}

pub struct ClientSearch<'a> {
    pub practitioner_id: AccountId,
    /// Lower-cased words; a client matches when its search key contains every one.
    pub words: &'a [String],
    pub archive: ArchiveFilter,
    pub offset: i64,
    pub limit: i64,
}

pub fn search(conn: &mut DbConn, search: &ClientSearch) -> Result<(Vec<ClientRow>, i64), DbError> {
    let build = || {
        let mut query = clients::table
            .filter(clients::practitioner_id.eq(search.practitioner_id))
            .into_boxed();
        query = match search.archive {
            ArchiveFilter::Active => query.filter(clients::archived_at.is_null()),
            ArchiveFilter::Archived => query.filter(clients::archived_at.is_not_null()),
        };
        for word in search.words {
            query = query.filter(
                clients::search_key
                    .like(format!("%{}%", escape_like(word)))
                    .escape('\\'),
            );
        }
        query
    };
    let rows = build()
        .order((clients::search_key.asc(), clients::id.asc()))
        .offset(search.offset)
        .limit(search.limit)
        .select(ClientRow::as_select())
        .load(conn)?;
    let total = build().count().get_result(conn)?;
    Ok((rows, total))
}

fn escape_like(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for ch in word.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The changes a practitioner can make to a client, each written with its audit event in one
/// transaction: the record and the trail never disagree.
pub enum ClientChange<'a> {
    Create(&'a ClientFields),
    Update(&'a ClientFields),
    Archive,
    Restore,
}

#[derive(Debug)]
pub enum ChangeOutcome {
    Done(ClientId),
    ReferenceCodeTaken,
    Missing,
}

/// The practitioner's clients with these reference codes, by code (archived ones too: their
/// tests still belong to them).
pub fn by_reference_codes(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    codes: &[String],
) -> Result<std::collections::HashMap<String, ClientRow>, DbError> {
    let mut found = std::collections::HashMap::new();
    for chunk in codes.chunks(500) {
        let rows: Vec<ClientRow> = clients::table
            .filter(clients::practitioner_id.eq(practitioner_id))
            .filter(clients::reference_code.eq_any(chunk))
            .select(ClientRow::as_select())
            .load(conn)?;
        for row in rows {
            if let Some(code) = row.reference_code.clone() {
                found.insert(code, row);
            }
        }
    }
    Ok(found)
}

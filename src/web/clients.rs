//! Clients: list and search, create, edit, archive and restore. Nothing is ever deleted.

use crate::db::{AccountId, ClientId};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::forms::{looks_like_email, EmptyForm};
use super::forms::{optional_date, optional_text, page_number, redirect, FieldErrors, Lines};
use super::{limits, remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Practitioner, ScopedClient};
use crate::db::clients::{
    self, ArchiveFilter, ChangeOutcome, ClientChange, ClientFields, ClientRow, ClientSearch,
};
use crate::db::Pool;
use crate::domain::sex::Sex;
use crate::service::commands::clients as client_commands;
use crate::service::commands::Actor;

pub const PAGE_SIZE: i64 = 25;

use crate::web::kept_html::{respond, KeptPart};
use crate::web::view::render_page;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<String>,
    #[serde(default)]
    archived: String,
}

#[derive(Template)]
#[template(path = "clients/list.html")]
struct ListPage {
    layout: Layout,
    q: String,
    archived: bool,
    clients: Vec<ClientRow>,
    total: i64,
    page: i64,
    pages: i64,
    /// Why the search text was not searched for (a control character in it).
    q_error: Option<String>,
}

impl ListPage {
    fn page_link(&self, page: i64) -> String {
        let mut link = format!("/clients?page={page}");
        if !self.q.is_empty() {
            link.push_str("&q=");
            link.push_str(&super::forms::url_encode(&self.q));
        }
        if self.archived {
            link.push_str("&archived=1");
        }
        link
    }
}

/// A search is on record too (what it found, never the words searched: they may be a name).
async fn record_search(
    req: &HttpRequest,
    pool: &Pool,
    owner: AccountId,
    found: i64,
) -> AppResult<()> {
    let (addr, detail) = (
        remote_addr(req),
        format!("{} found", crate::words::count(found, "client", "clients")),
    );
    run_db(pool, move |conn| {
        crate::db::audit::record_scoped(
            conn,
            &crate::db::audit::AuditEntry {
                account_id: Some(owner.get()),
                action: "search",
                record_kind: "clients",
                record_id: None,
                remote_addr: Some(&addr),
                detail: &detail,
            },
            crate::db::audit::Scope {
                owner_id: Some(owner.get()),
                client_id: None,
            },
        )
    })
    .await
}

pub async fn list(
    req: HttpRequest,
    practitioner: Practitioner,
    pool: web::Data<Pool>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let page = page_number(query.page.as_deref());
    let archived = query.archived == "1";
    let q_length = query.q.chars().count();
    let q_error = crate::text::control_character_problem(&query.q, Lines::Single).or_else(|| {
        (q_length > limits::max_chars("q"))
            .then(|| limits::too_long(q_length, limits::max_chars("q")))
    });
    let searched = if q_error.is_some() {
        ""
    } else {
        query.q.as_str()
    };
    let words: Vec<String> = searched
        .split_whitespace()
        .take(8)
        .map(str::to_lowercase)
        .collect();
    let owner = practitioner.id();
    let (clients, total) = run_db(&pool, move |conn| {
        clients::search(
            conn,
            &ClientSearch {
                practitioner_id: owner,
                words: &words,
                archive: if archived {
                    ArchiveFilter::Archived
                } else {
                    ArchiveFilter::Active
                },
                offset: (page - 1) * PAGE_SIZE,
                limit: PAGE_SIZE,
            },
        )
    })
    .await?;
    if !searched.trim().is_empty() {
        record_search(&req, &pool, owner, total).await?;
    }
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let status = match q_error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    render_page(
        status,
        &ListPage {
            layout: Layout::for_practitioner(&practitioner, "clients"),
            q: query.q,
            archived,
            clients,
            total,
            page,
            pages,
            q_error,
        },
    )
}

/// The client form as typed, kept verbatim so a page with errors shows exactly what was entered.
#[derive(Deserialize, Default, Clone)]
pub struct ClientForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub reference_code: String,
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub notes: String,
}

impl ClientForm {
    fn from_row(row: &ClientRow) -> Self {
        ClientForm {
            full_name: row.full_name.clone(),
            reference_code: row.reference_code.clone().unwrap_or_default(),
            date_of_birth: row.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            sex: row.sex.code().unwrap_or_default().to_string(),
            email: row.email.clone().unwrap_or_default(),
            phone: row.phone.clone().unwrap_or_default(),
            notes: row.notes.clone(),
        }
    }

    /// Parses every field, collecting all problems at once rather than one per submit.
    pub fn parse(&self, today: NaiveDate) -> Result<ClientFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, value) in [
            ("full_name", &self.full_name),
            ("reference_code", &self.reference_code),
            ("date_of_birth", &self.date_of_birth),
            ("sex", &self.sex),
            ("email", &self.email),
            ("phone", &self.phone),
        ] {
            errors.check_text(field, value, Lines::Single);
        }
        errors.check_text("notes", &self.notes, Lines::Multi);
        let full_name = self.full_name.trim().to_string();
        if full_name.is_empty() {
            errors.add("full_name", "Enter the client's name.");
        } else if full_name.chars().count() > 200 {
            errors.add("full_name", "Use at most 200 characters.");
        }
        let reference_code = optional_text(&self.reference_code);
        if reference_code
            .as_ref()
            .is_some_and(|c| c.chars().count() > 50)
        {
            errors.add("reference_code", "Use at most 50 characters.");
        }
        let date_of_birth = match optional_date(&self.date_of_birth) {
            Ok(Some(d)) if d > today => {
                errors.add("date_of_birth", "The date of birth is in the future.");
                None
            }
            Ok(Some(d)) if d.year() < 1900 => {
                errors.add("date_of_birth", "The date of birth is before 1900.");
                None
            }
            Ok(d) => d,
            Err(message) => {
                errors.add("date_of_birth", message);
                None
            }
        };
        // The select's values are the codes (`F`, `M`, blank), nothing looser.
        let sex_code = self.sex.trim();
        let sex = match Sex::parse(sex_code) {
            Ok(sex) if sex.code().unwrap_or_default() == sex_code => sex,
            _ => {
                errors.add("sex", "Choose female, male or not recorded.");
                Sex::Unrecorded
            }
        };
        let email = optional_text(&self.email);
        if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            errors.add(
                "email",
                "Enter an email address like name@example.com, or leave it blank.",
            );
        }
        let phone = optional_text(&self.phone);
        if phone.as_ref().is_some_and(|p| p.chars().count() > 50) {
            errors.add("phone", "Use at most 50 characters.");
        }
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > 20_000 {
            errors.add("notes", "Notes are limited to 20,000 characters.");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let search_key = [Some(&full_name), reference_code.as_ref(), email.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(ClientFields {
            full_name,
            search_key,
            reference_code,
            date_of_birth,
            sex,
            email,
            phone,
            notes,
        })
    }
}

#[derive(Template)]
#[template(path = "clients/form.html")]
struct FormPage {
    layout: Layout,
    /// None when creating.
    client_id: Option<ClientId>,
    form: ClientForm,
    errors: FieldErrors,
}

impl FormPage {
    fn action(&self) -> String {
        match self.client_id {
            Some(id) => format!("/clients/{id}/edit"),
            None => "/clients".into(),
        }
    }
}

pub async fn new_form(practitioner: Practitioner) -> AppResult<HttpResponse> {
    render_page(
        StatusCode::OK,
        &FormPage {
            layout: Layout::for_practitioner(&practitioner, "clients"),
            client_id: None,
            form: ClientForm::default(),
            errors: FieldErrors::default(),
        },
    )
}

async fn save(
    req: &HttpRequest,
    pool: &Pool,
    practitioner: &Practitioner,
    client_id: Option<ClientId>,
    form: ClientForm,
) -> AppResult<HttpResponse> {
    let fields = match form.parse(Utc::now().date_naive()) {
        Ok(fields) => fields,
        Err(errors) => return rerender(practitioner, client_id, form, errors),
    };
    let owner = practitioner.id();
    let addr = remote_addr(req);
    let id = client_id.unwrap_or_else(ClientId::fresh);
    let outcome = run_db(pool, move |conn| {
        let change = if client_id.is_some() {
            ClientChange::Update(&fields)
        } else {
            ClientChange::Create(&fields)
        };
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        client_commands::apply(conn, &actor, id, change)
    })
    .await?;
    match outcome {
        ChangeOutcome::Done(id) => Ok(redirect(&format!("/clients/{id}"))),
        ChangeOutcome::Missing => Err(AppError::NotFound),
        ChangeOutcome::ReferenceCodeTaken => {
            let mut errors = FieldErrors::default();
            errors.add(
                "reference_code",
                "Another of your clients already has this reference code.",
            );
            rerender(practitioner, client_id, form, errors)
        }
    }
}

fn rerender(
    practitioner: &Practitioner,
    client_id: Option<ClientId>,
    form: ClientForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    render_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            layout: Layout::for_practitioner(practitioner, "clients"),
            client_id,
            form,
            errors,
        },
    )
}

pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    practitioner: Practitioner,
    CsrfForm(form): CsrfForm<ClientForm>,
) -> AppResult<HttpResponse> {
    save(&req, &pool, &practitioner, None, form).await
}

pub async fn edit_form(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let viewer = scoped.practitioner.id();
    super::audit::record_view(&req, &pool, viewer, &scoped.client, "client_details", None).await?;
    render_page(
        StatusCode::OK,
        &FormPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client_id: Some(scoped.client.id),
            form: ClientForm::from_row(&scoped.client),
            errors: FieldErrors::default(),
        },
    )
}

pub async fn update(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<ClientForm>,
) -> AppResult<HttpResponse> {
    save(
        &req,
        &pool,
        &scoped.practitioner,
        Some(scoped.client.id),
        form,
    )
    .await
}

async fn set_archived(
    req: &HttpRequest,
    pool: &Pool,
    scoped: &ScopedClient,
    archive: bool,
) -> AppResult<HttpResponse> {
    let (owner, id, addr) = (scoped.practitioner.id(), scoped.client.id, remote_addr(req));
    let outcome = run_db(pool, move |conn| {
        let change = if archive {
            ClientChange::Archive
        } else {
            ClientChange::Restore
        };
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        client_commands::apply(conn, &actor, id, change)
    })
    .await?;
    match outcome {
        ChangeOutcome::Done(id) => Ok(redirect(&format!("/clients/{id}"))),
        _ => Err(AppError::NotFound),
    }
}

pub async fn archive(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    set_archived(&req, &pool, &scoped, true).await
}

pub async fn restore(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    set_archived(&req, &pool, &scoped, false).await
}

#[derive(Template)]
#[template(path = "clients/show.html")]
struct ShowPage {
    layout: Layout,
    client: ClientRow,
    /// The timeline's, summaries' and portal sections (`timeline/kept.html`), rendered or
    /// kept: served in place of the slot with this session's token (`kept_html::respond`).
    sections: KeptPart,
    access: Vec<super::audit::AccessLine>,
}

/// The client's page is their timeline: details, trends, tests, flags, summaries, diary and
/// portal access. Its records are read in one `run_db`; all but the details and the recent
/// access (live: it lists this very view) come from the server's cache while the client's
/// record version, the day and the times they were made until hold (`timeline::cache`).
pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let viewer = scoped.practitioner.id();
    super::audit::record_view(&req, &pool, viewer, &scoped.client, "timeline", None).await?;
    let cache = req
        .app_data::<web::Data<super::timeline::cache::SectionsCache>>()
        .cloned();
    let today = crate::web::view::today();
    let (client, kept) = (scoped.client.clone(), cache.clone());
    let (sections, access) = run_db(&pool, move |conn| {
        Ok((
            super::timeline::read_sections(conn, kept.as_deref().map(|c| &**c), &client, today)?,
            super::audit::read_recent_access(conn, client.id)?,
        ))
    })
    .await?;
    let layout = Layout::for_practitioner(&scoped.practitioner, "clients");
    let rendered = super::timeline::rendered(
        sections,
        cache.as_deref().map(|c| &**c),
        &scoped.client,
        &layout.csrf_token,
    )?;
    let csrf_token = layout.csrf_token.clone();
    // The sections are most of the page (~130 KB for years of records): served as they are
    // kept, the page rendered around them.
    respond(
        StatusCode::OK,
        &ShowPage {
            layout,
            client: scoped.client,
            sections: KeptPart::Slot,
            access: access.lines(),
        },
        rendered,
        &csrf_token,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    /// The page served around its kept sections (`kept_html::respond`) is, byte for byte, the
    /// page rendered whole with them.
    #[test]
    fn the_page_served_around_its_sections_is_the_page_rendered_whole() {
        use crate::web::kept_html::{served_html, token_slot, Rendered};
        let slot = token_slot();
        let sections = format!(
            "<section><form><input value=\"{slot}\"></form>{}<p>{slot}</p></section>",
            "Zinc ↑ ö ".repeat(4000)
        );
        let kept = std::sync::Arc::new(Rendered::split(&sections, &slot));
        let at = NaiveDate::from_ymd_opt(2026, 11, 20)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .unwrap();
        let page = |sections| ShowPage {
            layout: Layout::for_tests("clients"),
            client: ClientRow {
                id: ClientId(7),
                practitioner_id: AccountId(3),
                full_name: "Zoë & \"Kim\"".into(),
                search_key: "zoë kim".into(),
                reference_code: Some("Z-1".into()),
                date_of_birth: None,
                sex: Sex::Female,
                email: None,
                phone: None,
                notes: "cramps\nat night".into(),
                created_at: at,
                updated_at: at,
                archived_at: Some(at),
            },
            sections,
            access: vec![super::super::audit::AccessLine {
                at: "2026-11-20 09:30".into(),
                who: "Dr <Ada>".into(),
                what: "the timeline".into(),
                from: "127.0.0.1".into(),
            }],
        };
        let whole = page(KeptPart::Whole(kept.with_token("token-1").to_string()))
            .render()
            .unwrap();
        assert!(whole.contains("<input value=\"token-1\">"));
        assert_eq!(
            served_html(&page(KeptPart::Slot), kept.clone(), "token-1"),
            whole
        );
    }

    #[test]
    fn parses_a_complete_form() {
        let form = ClientForm {
            full_name: "  Ada Lovelace ".into(),
            reference_code: "AL-1".into(),
            date_of_birth: "1980-02-29".into(),
            sex: "F".into(),
            email: "ada@example.com".into(),
            phone: "".into(),
            notes: "cramps at night".into(),
        };
        let fields = form.parse(today()).unwrap();
        assert_eq!(fields.full_name, "Ada Lovelace");
        assert_eq!(fields.search_key, "ada lovelace al-1 ada@example.com");
        assert_eq!(fields.phone, None);
    }

    #[test]
    fn collects_every_error() {
        let form = ClientForm {
            date_of_birth: "2030-01-01".into(),
            sex: "X".into(),
            email: "nope".into(),
            ..ClientForm::default()
        };
        let errors = form.parse(today()).unwrap_err();
        for field in ["full_name", "date_of_birth", "sex", "email"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::Duration;

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use htma_tracker::config::ServerConfig;
use htma_tracker::db::{self, Pool};

/// Today where the server is, computed like the server does (clients who chose no time zone
/// follow it).
pub fn server_today() -> chrono::NaiveDate {
    htma_tracker::domain::diary::UtcOffset::server_default().local_date(htma_tracker::db::now())
}

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    /// Statements run by the app's pool since it started.
    pub queries: htma_tracker::db::QueryCount,
    /// The database the app serves (for the command line under test).
    pub database_url: String,
    client: awc::Client,
    cookies: RefCell<BTreeMap<String, String>>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
    /// The body as sent (a PDF is not text).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// The CSRF token embedded in the page's forms.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self
            .body
            .find(marker)
            .map(|i| i + marker.len())
            .unwrap_or_else(|| {
                panic!(
                    "no csrf_token in page (status {}):\n{}",
                    self.status, self.body
                )
            });
        self.body[start..start + 64].to_string()
    }
}

/// A fresh database URL: a SQLite file in a new temporary directory, or a new schema in the
/// PostgreSQL database named by HTMA_TEST_DATABASE_URL.
pub fn fresh_database_url() -> String {
    let suffix = format!("{:x}", htma_tracker::db::new_id());
    match std::env::var("HTMA_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let schema = format!("t_{suffix}");
            let plain = if base.contains('?') {
                format!("{base}&sslmode=disable")
            } else {
                format!("{base}?sslmode=disable")
            };
            let mut conn = diesel::pg::PgConnection::establish(&plain)
                .expect("connect to the test PostgreSQL");
            conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .expect("create test schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            // No TLS to the local test server: libpq's OpenSSL clean-up at process exit races
            // the pools' connections still open in other threads (a double free at exit, seen
            // in CI after every test had passed).
            let tls = if base.contains("sslmode=") {
                ""
            } else {
                "&sslmode=disable"
            };
            format!("{base}{sep}options=-csearch_path%3D{schema}{tls}")
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("htma-test-{suffix}"));
            std::fs::create_dir_all(&dir).expect("temp dir");
            dir.join("htma.sqlite3").display().to_string()
        }
    }
}

/// Logs of the app under test, when RUST_LOG asks for them (captured per test by the harness).
fn init_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("RUST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

pub async fn spawn_app() -> TestApp {
    init_logging();
    let url = fresh_database_url();
    let (pool, queries) = db::connect_counted(&url, 4).expect("open and migrate the test database");
    let mut app = spawn_with_pool(pool, url);
    app.queries = queries;
    app
}

pub fn spawn_with_pool(pool: Pool, database_url: String) -> TestApp {
    spawn_configured(
        pool,
        database_url,
        htma_tracker::auth::session::IDLE_TIMEOUT,
    )
}

/// A fresh app whose sessions end after `idle` without a request (the expiry warning's test).
pub async fn spawn_app_with_idle_timeout(idle: chrono::Duration) -> TestApp {
    init_logging();
    let url = fresh_database_url();
    let (pool, queries) = db::connect_counted(&url, 4).expect("open and migrate the test database");
    let mut app = spawn_configured(pool, url, idle);
    app.queries = queries;
    app
}

fn spawn_configured(pool: Pool, database_url: String, idle: chrono::Duration) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().unwrap().port();
    let settings = ServerConfig {
        bind: format!("127.0.0.1:{port}"),
        database_url: database_url.clone(),
        trust_proxy: false,
        pool_size: 4,
        idle_timeout: idle,
    };
    let server = htma_tracker::app::run(listener, pool.clone(), settings).expect("start server");
    actix_web::rt::spawn(server);
    // Idle connections are dropped after 2 s, before the server's 5 s keep-alive closes them:
    // a test that paused longer (running the FHIR validator blocks this thread, server included)
    // would otherwise send its next request on a connection the server has just closed.
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(Duration::from_secs(30))
        .connector(awc::Connector::new().conn_keep_alive(Duration::from_secs(2)))
        .finish();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        pool,
        queries: Default::default(),
        database_url,
        client,
        cookies: RefCell::default(),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(
        &self,
        mut response: awc::ClientResponse<
            impl futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
                + Unpin,
        >,
    ) -> Reply {
        if let Ok(cookies) = response.cookies() {
            let mut jar = self.cookies.borrow_mut();
            for c in cookies.iter() {
                if c.value().is_empty()
                    || c.max_age().is_some_and(|a| a.is_zero() || a.is_negative())
                {
                    jar.remove(c.name());
                } else {
                    jar.insert(c.name().to_string(), c.value().to_string());
                }
            }
        }
        let bytes = response
            .body()
            .limit(20 * 1024 * 1024)
            .await
            .expect("read body");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        let response = self
            .client
            .get(self.url(path))
            .insert_header(("Cookie", self.cookie_header()))
            .send()
            .await
            .expect("GET");
        self.finish(response).await
    }

    pub async fn head(&self, path: &str) -> Reply {
        let response = self
            .client
            .head(self.url(path))
            .insert_header(("Cookie", self.cookie_header()))
            .send()
            .await
            .expect("HEAD");
        self.finish(response).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_form_with_headers(path, fields, &[]).await
    }

    pub async fn post_form_with_headers(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .client
            .post(self.url(path))
            .insert_header(("Cookie", self.cookie_header()));
        for (k, v) in headers {
            request = request.insert_header((*k, *v));
        }
        let response = request.send_form(&fields).await.expect("POST");
        self.finish(response).await
    }

    /// POSTs a body as it is, with its content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let response = self
            .client
            .post(self.url(path))
            .insert_header(("Cookie", self.cookie_header()))
            .insert_header(("Content-Type", content_type))
            .send_body(body)
            .await
            .expect("POST");
        self.finish(response).await
    }

    /// POSTs a form with the CSRF token of the page at `form_page`.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.get(form_page).await.csrf_token();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    pub fn forget_cookies(&self) {
        self.cookies.borrow_mut().clear();
    }

    pub fn cookies(&self) -> BTreeMap<String, String> {
        self.cookies.borrow().clone()
    }

    pub fn set_cookies(&self, cookies: BTreeMap<String, String>) {
        *self.cookies.borrow_mut() = cookies;
    }

    pub fn create_practitioner(&self, email: &str, password: &str) -> htma_tracker::db::AccountId {
        let hash = htma_tracker::auth::password::hash(password).unwrap();
        let mut conn = self.pool.get().unwrap();
        htma_tracker::auth::login::create_practitioner(&mut conn, email, "Test Practitioner", &hash)
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A practitioner, signed in; returns their account id.
    pub async fn signed_in_practitioner(&self, email: &str) -> htma_tracker::db::AccountId {
        let id = self.create_practitioner(email, "correct horse battery");
        let reply = self.login(email, "correct horse battery").await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            reply.body
        );
        id
    }

    /// A client of `practitioner` with an email, created through the client command, and an
    /// invitation to the portal; returns the client's id and the invitation's token.
    pub fn invited_client(
        &self,
        practitioner: htma_tracker::db::AccountId,
        full_name: &str,
        email: &str,
    ) -> (i64, String) {
        use htma_tracker::db::clients::{ClientChange, ClientFields};
        use htma_tracker::service::commands::{clients::apply, Actor};
        let client_id = htma_tracker::db::new_id();
        let mut conn = self.pool.get().unwrap();
        let fields = ClientFields {
            full_name: full_name.into(),
            search_key: full_name.to_lowercase(),
            reference_code: None,
            date_of_birth: None,
            sex: htma_tracker::domain::sex::Sex::Female,
            email: Some(email.into()),
            phone: None,
            notes: String::new(),
        };
        let actor = Actor {
            account_id: practitioner,
            remote_addr: "test",
        };
        apply(
            &mut conn,
            &actor,
            htma_tracker::db::ClientId(client_id),
            ClientChange::Create(&fields),
        )
        .unwrap();
        let token = htma_tracker::auth::invite::create(
            &mut conn,
            practitioner,
            htma_tracker::db::ClientId(client_id),
            "test",
        )
        .unwrap()
        .token;
        (client_id, token)
    }

    /// Creates a client through the form and returns its id.
    pub async fn create_client(&self, name: &str) -> i64 {
        let reply = self
            .submit(
                "/clients/new",
                "/clients",
                &[("full_name", name), ("sex", "F")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "create client failed: {}",
            reply.body
        );
        reply
            .location()
            .trim_start_matches("/clients/")
            .parse()
            .expect("client id in location")
    }

    /// Enters a hair test through the form and returns its id.
    pub async fn create_test(&self, client_id: i64, fields: &[(&str, &str)]) -> i64 {
        let new = format!("/clients/{client_id}/tests/new");
        let reply = self
            .submit(&new, &format!("/clients/{client_id}/tests"), fields)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "create test failed: {}",
            reply.body
        );
        reply
            .location()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .expect("test id in location")
    }

    /// Uploads a CSV to a client's import form (multipart, with the page's CSRF token).
    pub async fn upload_csv(
        &self,
        client_id: i64,
        file_name: &str,
        csv: &str,
        unit: &str,
    ) -> Reply {
        self.upload_csv_to(
            &format!("/clients/{client_id}/import"),
            file_name,
            csv,
            unit,
        )
        .await
    }

    /// Uploads a CSV through the import form at `path` (multipart, with the form's CSRF token).
    pub async fn upload_csv_to(&self, path: &str, file_name: &str, csv: &str, unit: &str) -> Reply {
        self.post_multipart(
            path,
            &[("unit", unit)],
            Some((file_name, "text/csv", csv.as_bytes())),
        )
        .await
    }

    /// POSTs a multipart form to `path` with the CSRF token of the page there: text fields and
    /// optionally a file (name, content type, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Reply {
        let token = self.get(path).await.csrf_token();
        let boundary = "----htma-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in [("csrf_token", token.as_str())].iter().chain(fields) {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
        }
        if let Some((file_name, content_type, bytes)) = file {
            body.extend(format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            ).bytes());
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").bytes());
        let response = self
            .client
            .post(self.url(path))
            .insert_header(("Cookie", self.cookie_header()))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .send_body(body)
            .await
            .expect("POST multipart");
        self.finish(response).await
    }
}

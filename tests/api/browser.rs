//! End-to-end tests in headless Chromium, driven through chromedriver with fantoccini.
//!
//! Each test starts its own chromedriver on a free loopback port and its own browser profile, so
//! tests can run in parallel. They need the Debian packages `chromium` and `chromium-driver`
//! (`/usr/bin/chromium`, `/usr/bin/chromedriver`); without them the tests fail, unless
//! `HTMA_SKIP_BROWSER=1` is set, which skips them with a notice. Screenshots land in
//! `target/screenshots/`.
//!
//! fantoccini has no default connector here (no TLS features); this file gives it a plain-HTTP
//! one from `hyper-util` for the local chromedriver.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::spawn_app;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long to wait for chromedriver to answer, a page to load or an element to appear.
const PATIENCE: Duration = Duration::from_secs(20);

/// The size of the page area the browser renders into, in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 900,
    };
    /// The most common laptop screen (issue 16 looks at pages at this size).
    pub const LAPTOP: Viewport = Viewport {
        width: 1366,
        height: 900,
    };
    /// A phone held upright (an iPhone 12 to 15).
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
    };
}

/// A running chromedriver, its browser session and the profile directory; all cleaned up on drop.
pub struct Browser {
    client: Option<Client>,
    session_id: Option<String>,
    driver: Child,
    driver_port: u16,
    profile_dir: PathBuf,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with the given viewport. `None` (after a loud
    /// notice) when HTMA_SKIP_BROWSER=1; a panic when chromedriver or Chromium is missing.
    pub async fn start(viewport: Viewport) -> Option<Browser> {
        if std::env::var("HTMA_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            // Straight to stderr, past the test harness's output capture, so it is never missed.
            let _ = writeln!(
                std::io::stderr(),
                "\n************************************************************\n\
                 SKIPPED browser test: HTMA_SKIP_BROWSER=1 is set.\n\
                 Nothing was checked in a real browser.\n\
                 ************************************************************\n"
            );
            return None;
        }
        for (path, what) in [(CHROMEDRIVER, "chromedriver"), (CHROMIUM, "Chromium")] {
            assert!(
                Path::new(path).exists(),
                "{what} is not installed ({path} is missing). The browser tests need the Debian \
                 packages `chromium` and `chromium-driver`: `sudo apt-get install chromium \
                 chromium-driver`. To skip these tests instead, set HTMA_SKIP_BROWSER=1."
            );
        }
        let profile_dir = std::env::temp_dir().join(format!(
            "htma-chromium-{}-{:x}",
            std::process::id(),
            htma_tracker::db::new_id()
        ));
        std::fs::create_dir_all(&profile_dir).expect("create the browser profile directory");
        let (driver, driver_port) = match start_chromedriver(&profile_dir).await {
            Ok(started) => started,
            Err(message) => {
                let _ = std::fs::remove_dir_all(&profile_dir);
                panic!("{message}");
            }
        };
        let mut browser = Browser {
            client: None,
            session_id: None,
            driver,
            driver_port,
            profile_dir,
        };

        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--disable-quic".into(),
            format!(
                "--user-data-dir={}",
                browser.profile_dir.join("profile").display()
            ),
            format!("--window-size={},{}", viewport.width, viewport.height),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", browser.driver_port))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver did not start a Chromium session: {e}\n{}",
                    browser.driver_log()
                )
            });
        browser.session_id = client.session_id().await.ok().flatten();
        browser.client = Some(client);

        browser.fit_viewport(viewport).await;
        Some(browser)
    }

    /// `--window-size` sizes the whole window, browser toolbar included: grow the window by the
    /// toolbar so the page itself gets exactly the requested size.
    async fn fit_viewport(&self, viewport: Viewport) {
        let want = (i64::from(viewport.width), i64::from(viewport.height));
        let inner = self.inner_size().await;
        if inner != want {
            let (outer_width, outer_height) = self
                .client()
                .get_window_size()
                .await
                .expect("read the window size");
            let width = outer_width as i64 + want.0 - inner.0;
            let height = outer_height as i64 + want.1 - inner.1;
            self.client()
                .set_window_size(width as u32, height as u32)
                .await
                .expect("resize the window");
        }
        assert_eq!(
            self.inner_size().await,
            want,
            "the browser viewport is not the requested {viewport:?}"
        );
    }

    /// The size of the page area, in CSS pixels.
    pub async fn inner_size(&self) -> (i64, i64) {
        let size = self
            .run_js("return [window.innerWidth, window.innerHeight];")
            .await;
        let dimension = |i: usize| size[i].as_i64().expect("a viewport dimension");
        (dimension(0), dimension(1))
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("browser session is open")
    }

    /// Ends the browser session cleanly (Drop also cleans up, for a test that panicked).
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            if client.close().await.is_ok() {
                self.session_id = None;
            }
        }
    }

    fn driver_log(&self) -> String {
        let log =
            std::fs::read_to_string(self.profile_dir.join("chromedriver.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("chromedriver log (last lines):\n{}", tail.join("\n"))
    }

    /// Where the browser is now, for failure messages.
    async fn here(&self) -> String {
        match self.client().current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("<unknown page: {e}>"),
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client()
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub async fn run_js(&self, script: &str) -> serde_json::Value {
        self.client()
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("run {script}: {e}"))
    }

    /// Waits for an element matching the CSS selector to be in the page.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client()
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no element `{css}` on {} ({e}); the page says:\n{}",
                self.here().await,
                self.page_text().await
            ),
        }
    }

    /// Whether an element matching the CSS selector is in the page now (no waiting).
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client()
            .find_all(Locator::Css(css))
            .await
            .expect("query the page")
            .is_empty()
    }

    /// The visible text of the first element matching the CSS selector.
    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of `{css}`: {e}"))
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        match self.client().find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(e) => format!("<no page body: {e}>"),
        }
    }

    /// The current value of a form control.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("read a value")
            .unwrap_or_default()
    }

    /// Types into a form control like a user would (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Presses one key on the focused element.
    pub async fn press(&self, key: fantoccini::key::Key) {
        let keys: String = char::from(key).to_string();
        self.client()
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(&keys)
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// Accepts a portal invitation as the client would: the invitation page shows `email`
    /// prefilled, the client chooses `password` and lands on the portal.
    pub async fn accept_invitation(&self, invitation_url: &str, email: &str, password: &str) {
        self.goto(invitation_url).await;
        assert_eq!(self.value("#email").await, email);
        self.fill("#password", password).await;
        self.fill("#password_confirm", password).await;
        self.click("form button[type=submit]").await;
        self.wait_for_path(|p| p == "/portal", "the portal").await;
    }

    /// Waits until the browser shows the given path (query strings ignored) and returns it.
    pub async fn wait_for_path(&self, matches: impl Fn(&str) -> bool, what: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let url = self
                .client()
                .current_url()
                .await
                .expect("read the current URL");
            let ready = self
                .client()
                .execute("return document.readyState", vec![])
                .await
                .is_ok_and(|state| state == "complete");
            if ready && matches(url.path()) {
                return url.path().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "expected {what}, but the browser stays on {url}; the page says:\n{}",
                self.page_text().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page's text contains `needle` (a message that appears only after a
    /// submit, where the path alone cannot tell the new page from the old one).
    pub async fn wait_for_text(&self, needle: &str, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.page_text().await;
            if text.contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected {what} (`{needle}`), but the page says:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a Chrome DevTools Protocol command in this page's browser (through chromedriver's
    /// `goog/cdp/execute`) and returns its result.
    pub async fn cdp(&self, command: &str, params: serde_json::Value) -> serde_json::Value {
        self.client()
            .issue_cmd(Cdp {
                command: command.to_string(),
                params,
            })
            .await
            .unwrap_or_else(|e| panic!("DevTools {command}: {e}"))
    }

    /// Saves a PNG of the viewport to `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client().screenshot().await.expect("take a screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("screenshots");
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }
}

impl Browser {
    /// Saves a PNG of the whole page, not only the part in view, to
    /// `target/screenshots/<name>.png`: the window grows to the page's height for the shot (at
    /// most 12,000 px) and then returns to its size.
    pub async fn screenshot_full_page(&self, name: &str) -> PathBuf {
        let (width, height) = self.inner_size().await;
        let page_height = self
            .run_js("return document.documentElement.scrollHeight;")
            .await
            .as_i64()
            .unwrap_or(height)
            .min(12_000);
        let (outer_width, outer_height) = self
            .client()
            .get_window_size()
            .await
            .expect("read the window size");
        if page_height > height {
            self.client()
                .set_window_size(
                    outer_width as u32,
                    (outer_height as i64 + page_height - height) as u32,
                )
                .await
                .expect("grow the window to the page");
        }
        let path = self.screenshot(name).await;
        if page_height > height {
            self.client()
                .set_window_size(outer_width as u32, outer_height as u32)
                .await
                .expect("restore the window size");
            assert_eq!(
                self.inner_size().await,
                (width, height),
                "viewport restored"
            );
        }
        path
    }
}

/// chromedriver's extension command for the Chrome DevTools Protocol.
#[derive(Debug)]
struct Cdp {
    command: String,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that panicked never closed its session: ask chromedriver to quit Chromium (a
        // plain blocking request, as no async runtime can be relied on here), then stop it.
        if let Some(id) = self.session_id.take() {
            let _ = http_request(self.driver_port, "DELETE", &format!("/session/{id}"));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile_dir);
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A minimal HTTP/1.1 exchange with chromedriver; returns the whole response. (chromedriver
/// ignores HTTP/1.0 and keeps the connection open, so the body is read by its Content-Length.)
fn http_request(port: u16, method: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let read = stream.read(&mut chunk)?;
        response.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&response);
        let complete = text.split_once("\r\n\r\n").is_some_and(|(head, body)| {
            let length = head.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            length.is_some_and(|length| body.len() >= length)
        });
        if read == 0 || complete {
            return Ok(text.into_owned());
        }
    }
}

/// Starts chromedriver on a free port and waits until it reports ready.
async fn start_chromedriver(profile_dir: &Path) -> Result<(Child, u16), String> {
    let log_path = profile_dir.join("chromedriver.log");
    let mut last_error = String::new();
    // Another process may grab the free port between our check and chromedriver's bind.
    for _attempt in 0..3 {
        let port = free_port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start {CHROMEDRIVER}: {e}"))?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = driver.try_wait() {
                last_error = format!(
                    "chromedriver exited with {status}: {}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
                break;
            }
            if let Ok(response) = http_request(port, "GET", "/status") {
                if response.replace(' ', "").contains("\"ready\":true") {
                    return Ok((driver, port));
                }
                last_error = format!("chromedriver is not ready: {response}");
            }
            if Instant::now() > deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                return Err(format!(
                    "chromedriver did not answer on port {port} within {PATIENCE:?}: {last_error}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Err(format!("chromedriver would not start: {last_error}"))
}

#[actix_web::test]
async fn browser_setup_login_and_create_client() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
        return;
    };

    // A fresh install: the sign-in page sends the first visitor to set up an account.
    browser.goto(&app.url("/login")).await;
    browser
        .wait_for_path(|p| p == "/setup", "the setup page")
        .await;
    assert_eq!(browser.text("h1").await, "Welcome to HTMA Tracker");
    browser.screenshot("setup").await;
    browser.fill("#name", "Dr Ada Byron").await;
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#password", "correct horse battery").await;
    browser
        .fill("#password_confirm", "correct horse battery")
        .await;
    browser
        .click("form[action='/setup'] button[type=submit]")
        .await;

    // Signed in straight away, on the dashboard.
    browser
        .wait_for_path(|p| p == "/", "the dashboard after setup")
        .await;
    assert_eq!(browser.text("main h1").await, "Dashboard");
    assert_eq!(browser.text(".topbar .who").await, "Dr Ada Byron");
    assert!(browser.text("main .empty").await.contains("No clients yet"));
    browser.screenshot("dashboard-empty").await;

    // Sign out: back to the sign-in page, with no navigation left.
    browser.click("form.signout button[type=submit]").await;
    browser
        .wait_for_path(|p| p == "/login", "the sign-in page after signing out")
        .await;
    assert_eq!(browser.text("main h1").await, "Sign in");
    assert!(
        !browser.has("nav[aria-label=Main]").await,
        "navigation shown after sign-out"
    );
    assert!(
        !browser.has("form.signout").await,
        "sign-out button shown after sign-out"
    );

    // The setup page is gone for good; sign in through the form.
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#password", "correct horse battery").await;
    browser.screenshot("login").await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p == "/", "the dashboard after signing in")
        .await;
    assert_eq!(browser.text(".topbar .who").await, "Dr Ada Byron");

    // Clients → New client.
    browser
        .click("nav[aria-label=Main] a[href='/clients']")
        .await;
    browser
        .wait_for_path(|p| p == "/clients", "the client list")
        .await;
    assert_eq!(browser.text("main h1").await, "Clients");
    assert_eq!(
        browser
            .find("nav[aria-label=Main] a[href='/clients']")
            .await
            .attr("aria-current")
            .await
            .unwrap(),
        Some("page".into())
    );
    browser.click("main a.button[href='/clients/new']").await;
    browser
        .wait_for_path(|p| p == "/clients/new", "the new-client form")
        .await;
    assert_eq!(browser.text("main h1").await, "New client");

    browser.fill("#full_name", "Maria Jensen").await;
    browser.fill("#reference_code", "MJ-1").await;
    // Typing into a date input depends on the browser's locale (mm/dd/yyyy or dd.mm.yyyy…),
    // so the date is set the way the date picker would set it.
    browser
        .run_js("document.getElementById('date_of_birth').value = '1978-04-12'; return null;")
        .await;
    browser.click("input[name=sex][value=F]").await;
    browser.fill("#email", "maria@example.com").await;
    browser.fill("#phone", "+45 1234 5678").await;
    browser
        .fill("#notes", "Night cramps.\nTired in the afternoon.")
        .await;
    browser.screenshot("client-new-filled").await;
    browser.click("form.form button[type=submit]").await;

    // The client's page shows what was entered.
    let path = browser
        .wait_for_path(
            |p| {
                p.strip_prefix("/clients/")
                    .is_some_and(|id| id.parse::<i64>().is_ok())
            },
            "the new client's page",
        )
        .await;
    assert_eq!(browser.text("main h1").await, "Maria Jensen");
    let facts = browser.text("dl.facts").await;
    for expected in [
        "MJ-1",
        "1978-04-12",
        "Female",
        "maria@example.com",
        "+45 1234 5678",
        "Night cramps.\nTired in the afternoon.",
    ] {
        assert!(
            facts.contains(expected),
            "{expected:?} missing from the client's facts:\n{facts}"
        );
    }
    assert!(
        browser.has(&format!("a.button[href='{path}/edit']")).await,
        "no Edit button"
    );
    browser.screenshot("client-created").await;

    // The client is listed.
    browser
        .click("nav[aria-label=Main] a[href='/clients']")
        .await;
    browser
        .wait_for_path(|p| p == "/clients", "the client list")
        .await;
    assert_eq!(
        browser.text(&format!("table a[href='{path}']")).await,
        "Maria Jensen"
    );
    browser.screenshot("client-list").await;

    // A form without a name: the field error shows and what was typed stays.
    browser.click("main a.button[href='/clients/new']").await;
    browser
        .wait_for_path(|p| p == "/clients/new", "the new-client form")
        .await;
    browser.fill("#reference_code", "NN-2").await;
    browser.fill("#email", "nameless@example.com").await;
    browser.click("input[name=sex][value=M]").await;
    browser.fill("#notes", "No name given").await;
    browser.click("form.form button[type=submit]").await;
    browser
        .wait_for_path(|p| p == "/clients", "the form again, answered with errors")
        .await;
    assert_eq!(browser.text("main h1").await, "New client");
    assert!(
        browser
            .text("main .alert[role=alert]")
            .await
            .contains("Please correct the field marked below"),
        "no summary of the error"
    );
    assert_eq!(
        browser.text("#full_name-error").await,
        "Enter the client's name."
    );
    assert!(browser
        .find("#full_name-error")
        .await
        .is_displayed()
        .await
        .unwrap());
    let name_field = browser.find("#full_name").await;
    assert_eq!(
        name_field.attr("aria-invalid").await.unwrap(),
        Some("true".into())
    );
    assert_eq!(
        name_field.attr("aria-describedby").await.unwrap(),
        Some("full_name-error full_name-max".into())
    );
    assert_eq!(browser.value("#reference_code").await, "NN-2");
    assert_eq!(browser.value("#email").await, "nameless@example.com");
    assert_eq!(browser.value("#notes").await, "No name given");
    assert!(browser
        .find("input[name=sex][value=M]")
        .await
        .is_selected()
        .await
        .unwrap());
    browser.screenshot("client-new-error").await;

    browser.close().await;
}

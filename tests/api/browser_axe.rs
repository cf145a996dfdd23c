//! Accessibility in a real browser (issue #20): every page family of a seeded practice, opened in
//! headless Chromium at 1366×900 and 390×844, goes through axe-core's WCAG 2.1 A/AA rules (any
//! serious or critical violation fails); the portal's pages reflow at 200 % zoom on a phone; the
//! portal's day entry is done with the keyboard alone; chart points stay out of the Tab order;
//! tables keep their headers for screen readers on a phone. Screenshots: target/screenshots/a11y-*.

use awc::http::StatusCode;
use diesel::prelude::*;
use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::axe::assert_accessible;
use crate::browser::{Browser, Viewport};
use crate::helpers::{fresh_database_url, spawn_with_pool, TestApp};
use htma_tracker::db::schema::{clients, hair_tests};
use htma_tracker::seed::scale::{ScaleOptions, DEFAULT_SEED};
use htma_tracker::seed::{seed_demo_scale, DEMO_EMAIL, DEMO_PASSWORD};

const PORTAL_EMAIL: &str = "client-00001@example.com";

/// A laptop screen, as the issues were reported.
const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 900,
};

/// A 390 px phone at 200 % zoom lays pages out in 195 CSS px (WCAG 1.4.10 reflow).
const PHONE_ZOOMED: Viewport = Viewport {
    width: 195,
    height: 422,
};

/// A seeded practice: the demo practitioner with generated clients (tests, programs, flags, a
/// diary) and the first client's portal account, plus a progress summary.
struct Practice {
    app: TestApp,
    client: i64,
    test: i64,
    summary_path: String,
}

async fn practice() -> Practice {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    let (client, test) = {
        let mut conn = pool.get().expect("connection");
        let options = ScaleOptions {
            clients: 2,
            years: 1,
            seed: DEFAULT_SEED,
        };
        seed_demo_scale(&mut conn, options).expect("seed");
        let client: i64 = clients::table
            .filter(clients::reference_code.eq("S-00001"))
            .select(clients::id)
            .first(&mut conn)
            .expect("the first generated client");
        let test: i64 = hair_tests::table
            .filter(hair_tests::client_id.eq(client))
            .order(hair_tests::sample_date.desc())
            .select(hair_tests::id)
            .first(&mut conn)
            .expect("a hair test");
        (client, test)
    };
    let app = spawn_with_pool(pool, url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let today = htma_tracker::db::now().date();
    let reply = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                (
                    "period_start",
                    &(today - chrono::Duration::days(365)).to_string(),
                ),
                ("period_end", &today.to_string()),
                ("comment", "Cramps eased once magnesium was raised."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let summary_path = reply.location().to_string();
    app.forget_cookies();
    Practice {
        app,
        client,
        test,
        summary_path,
    }
}

impl Practice {
    /// One page of each family the practitioner uses.
    fn practitioner_pages(&self) -> Vec<(&'static str, String)> {
        let (c, t) = (self.client, self.test);
        vec![
            ("dashboard", "/".into()),
            ("clients", "/clients".into()),
            ("client-new", "/clients/new".into()),
            ("timeline", format!("/clients/{c}")),
            ("client-edit", format!("/clients/{c}/edit")),
            ("test-report", format!("/clients/{c}/tests/{t}")),
            ("test-new", format!("/clients/{c}/tests/new")),
            ("test-edit", format!("/clients/{c}/tests/{t}/edit")),
            ("program", format!("/clients/{c}/program/new")),
            ("import", format!("/clients/{c}/import")),
            ("bulk-import", "/import".into()),
            ("diary", format!("/clients/{c}/diary")),
            ("summary-new", format!("/clients/{c}/summaries/new")),
            ("summary", self.summary_path.clone()),
            ("audit", "/audit".into()),
            ("reference-sets", "/settings/reference-sets".into()),
            ("not-found", "/clients/1".into()),
        ]
    }

    fn portal_pages() -> Vec<(&'static str, String)> {
        vec![
            ("portal-day", "/portal".into()),
            ("portal-history", "/portal/history".into()),
            ("portal-results", "/portal/results".into()),
            ("portal-settings", "/portal/settings".into()),
        ]
    }
}

/// Signs in through the form (the sign-in page is checked on the way).
async fn sign_in(browser: &Browser, app: &TestApp, email: &str, size: &str) {
    browser.goto(&app.url("/login")).await;
    assert_accessible(browser, &format!("login ({size})")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p != "/login", "a page after signing in")
        .await;
}

async fn sign_out(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/")).await;
    browser.click("form.signout button[type=submit]").await;
    browser
        .wait_for_path(|p| p == "/login", "the sign-in page")
        .await;
}

/// A screenshot of the whole page: the viewport is stretched to the page's height for the shot
/// (same width, so the layout is the one checked).
async fn full_screenshot(browser: &Browser, viewport: Viewport, name: &str) {
    let height = browser
        .run_js("return document.documentElement.scrollHeight;")
        .await
        .as_u64()
        .unwrap_or(u64::from(viewport.height));
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": viewport.width, "height": height.min(12000),
                    "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    browser.screenshot(name).await;
    browser
        .cdp("Emulation.clearDeviceMetricsOverride", json!({}))
        .await;
}

async fn walk(practice: &Practice, viewport: Viewport, size: &str) {
    let Some(browser) = Browser::start(viewport).await else {
        return;
    };
    let app = &practice.app;
    sign_in(&browser, app, DEMO_EMAIL, size).await;
    for (name, path) in practice.practitioner_pages() {
        browser.goto(&app.url(&path)).await;
        assert_accessible(&browser, &format!("{name} {path} ({size})")).await;
        full_screenshot(&browser, viewport, &format!("a11y-{name}-{size}")).await;
    }
    sign_out(&browser, app).await;
    sign_in(&browser, app, PORTAL_EMAIL, size).await;
    for (name, path) in Practice::portal_pages() {
        browser.goto(&app.url(&path)).await;
        assert_accessible(&browser, &format!("{name} {path} ({size})")).await;
        full_screenshot(&browser, viewport, &format!("a11y-{name}-{size}")).await;
    }
    browser.close().await;
}

#[actix_web::test]
async fn browser_every_page_family_passes_axe_on_a_laptop() {
    let practice = practice().await;
    walk(&practice, LAPTOP, "laptop").await;
}

#[actix_web::test]
async fn browser_every_page_family_passes_axe_on_a_phone() {
    let practice = practice().await;
    walk(&practice, Viewport::PHONE, "phone").await;
}

/// How far the page reaches past `width` CSS px, and the widest offenders. (A phone's layout
/// viewport grows to fit content that overflows, so the width is the device's, not the window's.)
async fn overflow(browser: &Browser, width: u32) -> Value {
    browser
        .run_js(&format!(
            "const width = {width};
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > width + 1
                            && !e.closest('.chips, .table-scroll'))
               .slice(0, 5)
               .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
             return {{ scroll: Math.max(0, document.documentElement.scrollWidth - width), wide }};"
        ))
        .await
}

#[actix_web::test]
async fn browser_portal_pages_reflow_at_200_percent_zoom_on_a_phone() {
    let practice = practice().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &practice.app, PORTAL_EMAIL, "zoomed").await;
    for (name, path) in Practice::portal_pages() {
        // 200 % zoom on a 390 px phone: the page is laid out in 195 CSS px, media queries
        // included.
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": PHONE_ZOOMED.width, "height": PHONE_ZOOMED.height,
                        "deviceScaleFactor": 2, "mobile": true }),
            )
            .await;
        browser.goto(&practice.app.url(&path)).await;
        let found = overflow(&browser, PHONE_ZOOMED.width).await;
        assert_eq!(
            found["scroll"],
            json!(0),
            "{path} scrolls sideways at 200 % zoom on a phone: {found}"
        );
        full_screenshot(&browser, PHONE_ZOOMED, &format!("a11y-{name}-zoom200")).await;
    }
    browser.close().await;
}

/// What has the keyboard focus: tag, name or id, and text, for assertions and messages.
async fn focused(browser: &Browser) -> String {
    browser
        .run_js(
            "const e = document.activeElement;
             return [e.tagName.toLowerCase(), e.getAttribute('name') || e.id || '',
                     e.value && e.type === 'radio' ? e.value : '',
                     (e.innerText || '').trim().split('\\n')[0]].join('|');",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn press(browser: &Browser, key: Key) {
    let keys: String = char::from(key).to_string();
    browser
        .client()
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(&keys)
        .await
        .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
}

/// Tabs until the focus is on an element whose description contains `want`.
async fn tab_to(browser: &Browser, want: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..60 {
        press(browser, Key::Tab).await;
        let now = focused(browser).await;
        seen.push(now.clone());
        if now.contains(want) {
            return seen;
        }
    }
    panic!(
        "Tab never reached {want:?}; the focus went through:\n{}",
        seen.join("\n")
    );
}

/// Every text of every chart renders at 11 CSS px or more (SVG text scales with its drawing) and
/// lies whole inside its drawing (no "Jan 202").
async fn assert_chart_text_readable(browser: &Browser, what: &str) {
    let found = browser
        .run_js(
            "const out = { count: 0, smallest: 99, outside: [] };
             for (const svg of document.querySelectorAll('svg.chart')) {
               const box = svg.getBoundingClientRect();
               const scale = box.width / svg.viewBox.baseVal.width;
               for (const t of svg.querySelectorAll('text')) {
                 out.count += 1;
                 out.smallest = Math.min(out.smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
                 const r = t.getBoundingClientRect();
                 if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.outside.push(t.textContent);
               }
             }
             return out;",
        )
        .await;
    assert!(
        found["count"].as_u64().unwrap_or(0) > 8,
        "{what}: no chart text found"
    );
    let smallest = found["smallest"].as_f64().unwrap_or(0.0);
    assert!(
        smallest >= 11.0,
        "{what}: chart text renders at {smallest:.1} px"
    );
    assert_eq!(found["outside"], json!([]), "{what}: clipped chart labels");
}

/// Whether the <details> whose <summary> has the focus is open.
async fn is_open(browser: &Browser) -> bool {
    browser
        .run_js("return document.activeElement.parentElement.open;")
        .await
        == json!(true)
}

/// The accessible names Chromium gives the nodes of `role` (a Chromium role name).
async fn accessible_names(browser: &Browser, role: &str) -> Vec<String> {
    let tree = browser.cdp("Accessibility.getFullAXTree", json!({})).await;
    tree["nodes"]
        .as_array()
        .expect("accessibility nodes")
        .iter()
        .filter(|n| n["role"]["value"] == role && n["ignored"] != json!(true))
        .filter_map(|n| n["name"]["value"].as_str().map(str::to_string))
        .collect()
}

#[actix_web::test]
async fn browser_portal_day_is_entered_with_the_keyboard_alone() {
    let practice = practice().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &practice.app, PORTAL_EMAIL, "keyboard").await;
    browser.goto(&practice.app.url("/portal")).await;
    // The skip link comes first and leads into the page.
    press(&browser, Key::Tab).await;
    assert!(
        focused(&browser).await.contains("Skip"),
        "the first Tab stop is not the skip link: {}",
        focused(&browser).await
    );
    // Straight to the first symptom (a <summary>), open it with Enter, rate it with the arrows.
    let path = tab_to(&browser, "summary|").await;
    assert!(
        !path
            .iter()
            .any(|p| p.starts_with("svg") || p.starts_with("circle")),
        "{path:?}"
    );
    let symptom = browser
        .run_js("return document.activeElement.querySelector('.symptom-name').innerText;")
        .await;
    let symptom = symptom.as_str().expect("a symptom name").to_string();
    if is_open(&browser).await {
        // A symptom already rated today starts open: fold it first, so Enter is tried both ways.
        press(&browser, Key::Enter).await;
        assert!(!is_open(&browser).await, "Enter folds the symptom");
    }
    press(&browser, Key::Enter).await;
    assert!(is_open(&browser).await, "Enter opens the symptom");
    press(&browser, Key::Tab).await;
    let on_scale = focused(&browser).await;
    assert!(on_scale.starts_with("input|sev_"), "{on_scale}");
    // Arrow keys move the choice within the 0–10 radio group.
    let from: i64 = on_scale
        .split('|')
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (key, steps) = if from <= 6 {
        (Key::Right, 6 - from)
    } else {
        (Key::Left, from - 6)
    };
    for _ in 0..steps {
        press(&browser, key).await;
    }
    let chosen = focused(&browser).await;
    assert!(
        chosen.contains("|6|"),
        "six steps right of 0 is 6: {chosen}"
    );
    // The focus ring is drawn in the focus colour, 3 px (3:1 or more on white: contrast.rs).
    let ring = browser
        .run_js(
            "const s = getComputedStyle(document.activeElement.nextElementSibling);
             return [s.outlineStyle, s.outlineWidth, s.outlineColor];",
        )
        .await;
    assert_eq!(ring, json!(["solid", "3px", "rgb(26, 95, 158)"]));
    // Back to the summary and fold it: the chosen severity is in its accessible name.
    browser
        .client()
        .active_element()
        .await
        .expect("focus")
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Shift),
            char::from(Key::Tab)
        ))
        .await
        .expect("shift-tab");
    assert!(focused(&browser).await.starts_with("summary|"));
    press(&browser, Key::Enter).await;
    assert!(!is_open(&browser).await, "Enter folds the symptom");
    let names = accessible_names(&browser, "DisclosureTriangle").await;
    assert!(
        names
            .iter()
            .any(|n| n.contains(&symptom) && n.contains("severity 6")),
        "the folded {symptom} does not tell its severity: {names:?}"
    );
    // On to the note, type it, then Save with Enter.
    tab_to(&browser, "textarea|note").await;
    browser
        .client()
        .active_element()
        .await
        .expect("focus")
        .send_keys("Typed with the keyboard only")
        .await
        .expect("type");
    tab_to(&browser, "button|").await;
    press(&browser, Key::Enter).await;
    browser
        .wait_for_path(|p| p == "/portal", "the day after saving")
        .await;
    let notice = browser.text("main [role=status]").await;
    assert!(notice.to_lowercase().contains("saved"), "{notice}");
    browser.screenshot("a11y-portal-keyboard-saved").await;
    assert_eq!(
        browser.value("#note").await,
        "Typed with the keyboard only",
        "the note was kept"
    );
    assert_eq!(
        browser
            .run_js(
                "return document.querySelector('input[name^=sev_]:checked[value=\"6\"]') !== null;"
            )
            .await,
        json!(true),
        "severity 6 was saved"
    );
    browser.close().await;
}

#[actix_web::test]
async fn browser_charts_keep_points_out_of_the_tab_order_and_tables_keep_headers() {
    let practice = practice().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &practice.app, DEMO_EMAIL, "phone").await;
    let c = practice.client;
    browser
        .goto(&practice.app.url(&format!("/clients/{c}")))
        .await;
    // No chart point is reachable with Tab; each chart has its values as a table.
    let focusable_points = browser
        .run_js("return [...document.querySelectorAll('svg.chart *')].filter(e => e.tabIndex >= 0).length;")
        .await;
    assert_eq!(focusable_points, json!(0));
    assert_chart_text_readable(&browser, "the timeline on a phone").await;
    let (charts, tables) = (
        browser
            .run_js("return document.querySelectorAll('figure.chart-box svg').length;")
            .await,
        browser
            .run_js("return document.querySelectorAll('figure.chart-box details table').length;")
            .await,
    );
    assert_eq!(charts, tables, "a data table per chart");
    assert!(charts.as_i64().unwrap_or(0) >= 8, "{charts}");
    // On a phone the tests table is label–value rows, and Chromium still announces each cell
    // with its column header: the header row is out of sight, not out of the accessibility tree.
    let label = browser
        .run_js(
            "const cell = document.querySelector('table.tests tbody td.num');
             return [getComputedStyle(cell, '::before').content, getComputedStyle(cell).display];",
        )
        .await;
    assert_eq!(label[1], json!("block"), "{label}");
    assert!(
        label[0].as_str().unwrap_or_default().contains("Ca"),
        "{label}"
    );
    let headers = accessible_names(&browser, "columnheader").await;
    // Printed (A4 less margins is about 700 CSS px wide), chart text stays at 11 px or more.
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 700, "height": 1000, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    browser
        .cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    browser
        .goto(&practice.app.url(&practice.summary_path))
        .await;
    assert_chart_text_readable(&browser, "the progress summary in print").await;
    browser.screenshot("a11y-summary-print").await;
    assert!(
        headers.iter().any(|h| h == "Sample") && headers.iter().any(|h| h == "Na/K"),
        "column headers are gone from the accessibility tree: {headers:?}"
    );
    browser.close().await;
}

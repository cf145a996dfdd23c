//! A walk through every page family of the demo practice (`seed-demo`) in headless Chromium, on
//! a laptop (1366×900) and a phone (390×844): a full-page screenshot of each page in
//! `target/screenshots/walk-<viewport>-<page>.png`, and on each page the checks of `check_page`:
//! nothing wider than the viewport, no table that needs sideways scrolling on the laptop, no
//! table cell without its column's name where the header row is out of sight (a phone), no text
//! in a chart under 11 px, form fields of one row equally tall (with error messages shown), and
//! no serious or critical WCAG 2.1 A/AA violation found by axe-core (issue 20, `axe.rs`), no code
//! (P-K-LOW, CMP-3) broken over two lines, a one-row header and a linked favicon (issue 16). On
//! the phone, the header's "Menu" is opened with the keyboard and checked as a page of its own
//! (`walk-phone-menu-open.png`). Every problem of every page is collected, then reported together.
//!
//! To add a check to every page, add it to `check_page`.

use diesel::prelude::*;
use htma_tracker::db::schema::{clients, hair_tests, summaries};
use htma_tracker::seed::{seed_demo, DEMO_EMAIL, DEMO_PASSWORD};
use serde_json::Value;

use crate::browser::{Browser, Viewport};
use crate::helpers::{spawn_app, TestApp};

/// The smallest text a chart may show, in CSS pixels at 100 % zoom (issue 16).
const MIN_CHART_TEXT_PX: f64 = 11.0;
/// The header's height when it is one row (issue 16: on a phone it wrapped to three, 140 px).
const MAX_HEADER_PX: i64 = 72;
/// The portal account of the demo (its sign-in is printed by `seed-demo`).
pub const PORTAL_EMAIL: &str = "maria.jensen@example.com";

/// Ids of the demo records the walk visits.
pub struct Demo {
    /// Maria Jensen: six tests, a diary, programs, a shared summary, the portal account.
    pub maria: i64,
    maria_latest_test: i64,
    pub maria_summary: i64,
    /// Tom Becker: fast to slow through mixed (a borderline change).
    tom: i64,
    /// Sofia Rossi: a client-specific symptom in the diary.
    sofia: i64,
    /// Hugo Lindqvist: the fuller reading (#19): burned out appearing, four lows with its degree,
    /// the double low and ARL's caveat, OX-11 on his fast tests.
    hugo: i64,
    /// Hugo's four-lows test.
    hugo_four_lows_test: i64,
}

pub fn demo_ids(app: &TestApp) -> Demo {
    let mut conn = app.pool.get().expect("connection");
    seed_demo(&mut conn).expect("seed the demo");
    let mut client = |code: &str| -> i64 {
        clients::table
            .filter(clients::reference_code.eq(code))
            .select(clients::id)
            .first(&mut conn)
            .unwrap_or_else(|e| panic!("demo client {code}: {e}"))
    };
    let (maria, tom, sofia) = (client("MJ-001"), client("TB-002"), client("SR-005"));
    let hugo = client("HL-010");
    let hugo_four_lows_test = hair_tests::table
        .filter(hair_tests::client_id.eq(hugo))
        .filter(hair_tests::oxidation_type.eq("four_lows"))
        .select(hair_tests::id)
        .first(&mut conn)
        .expect("Hugo's four-lows test");
    let maria_latest_test = hair_tests::table
        .filter(hair_tests::client_id.eq(maria))
        .order(hair_tests::sample_date.desc())
        .select(hair_tests::id)
        .first(&mut conn)
        .expect("Maria's latest test");
    let maria_summary = summaries::table
        .filter(summaries::client_id.eq(maria))
        .select(summaries::id)
        .first(&mut conn)
        .expect("Maria's summary");
    Demo {
        maria,
        maria_latest_test,
        maria_summary,
        tom,
        sofia,
        hugo,
        hugo_four_lows_test,
    }
}

/// The practitioner's page families: (screenshot name, path).
fn practitioner_pages(demo: &Demo) -> Vec<(&'static str, String)> {
    let Demo {
        maria,
        maria_latest_test: test,
        maria_summary: summary,
        tom,
        sofia,
        hugo,
        hugo_four_lows_test,
    } = demo;
    vec![
        ("dashboard", "/".into()),
        ("dashboard-filtered", "/?oxidation=slow&pattern=".into()),
        ("clients", "/clients".into()),
        ("client-new", "/clients/new".into()),
        ("timeline", format!("/clients/{maria}")),
        ("timeline-type-changes", format!("/clients/{tom}")),
        ("timeline-fuller-reading", format!("/clients/{hugo}")),
        (
            "test-fuller-reading",
            format!("/clients/{hugo}/tests/{hugo_four_lows_test}"),
        ),
        ("client-edit", format!("/clients/{maria}/edit")),
        ("test", format!("/clients/{maria}/tests/{test}")),
        ("test-new", format!("/clients/{maria}/tests/new")),
        ("test-edit", format!("/clients/{maria}/tests/{test}/edit")),
        ("diary", format!("/clients/{sofia}/diary")),
        ("program-new", format!("/clients/{maria}/program/new")),
        ("summary-new", format!("/clients/{maria}/summaries/new")),
        ("summary", format!("/clients/{maria}/summaries/{summary}")),
        (
            "summary-client",
            format!("/clients/{maria}/summaries/{summary}/client"),
        ),
        ("import", format!("/clients/{maria}/import")),
        ("import-all", "/import".into()),
        ("audit", "/audit".into()),
        ("reference-sets", "/settings/reference-sets".into()),
        ("second-factor", "/account/second-factor".into()),
        ("not-found", "/clients/1".into()),
    ]
}

const PORTAL_PAGES: &[(&str, &str)] = &[
    ("portal-today", "/portal"),
    ("portal-history", "/portal/history"),
    ("portal-results", "/portal/results"),
    ("portal-settings", "/portal/settings"),
    ("portal-second-factor", "/account/second-factor"),
];

/// Measures the page in the browser: what sticks out of the viewport, which scrolling boxes
/// scroll sideways, and the rendered size of every text in an SVG chart.
const MEASURE: &str = r#"
const viewport = document.documentElement.clientWidth;
const describe = (el) => {
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  if (typeof el.className === 'string' && el.className.trim()) {
    name += '.' + el.className.trim().split(/\s+/).join('.');
  }
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return text ? `${name} "${text}"` : name;
};
// The nearest ancestor that clips or scrolls sideways: it is the one checked.
const clippedBy = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return p;
  }
  return null;
};
const overflowing = [];
const scrolling = [];
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.display === 'none') continue;
  // Inside a closed <details> (the phone's menu, "Values as a table"): not rendered.
  const folded = el.closest('details:not([open])');
  if (folded && !el.closest('summary') && el !== folded) continue;
  // Moved out of sight on purpose (the skip link until it has focus).
  if (box.right <= 0 || box.bottom <= 0) continue;
  if ((box.right > viewport + 1 || box.left < -1) && !clippedBy(el)) {
    overflowing.push(`${describe(el)} spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
  }
  if (['auto', 'scroll'].includes(style.overflowX) && el.querySelector('table')
      && el.scrollWidth > el.clientWidth + 1) {
    scrolling.push(`${describe(el)} scrolls sideways (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
  }
}
const chartText = [];
for (const text of document.querySelectorAll('svg text')) {
  const matrix = text.getScreenCTM();
  if (!matrix || !text.textContent.trim()) continue;
  const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
  chartText.push([text.textContent.trim().slice(0, 30), Math.round(px * 10) / 10]);
}
// The level fields of the hair-test form: all equally tall, whatever errors show.
const uneven = [];
const heights = new Map();
for (const input of document.querySelectorAll('main .levels input')) {
  const h = Math.round(input.getBoundingClientRect().height);
  heights.set(h, (heights.get(h) || []).concat([input.id]));
}
if (heights.size > 1) {
  uneven.push([...heights.entries()].map(([h, ids]) => `${h} px: ${ids.slice(0, 4).join(' ')}`).join('; '));
}
// A table whose header row is out of sight (label–value rows on a phone): every cell with text
// carries its column's name in data-label, but the first of a row, which names the row.
const unlabelled = [];
for (const table of document.querySelectorAll('main table')) {
  const head = table.querySelector('thead');
  if (!head) continue;
  const box = head.getBoundingClientRect();
  if (box.width > 2 && box.height > 2) continue;
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((cell, i) => {
      if (i === 0 || cell.tagName !== 'TD' || cell.hasAttribute('data-label')) return;
      const text = cell.innerText.trim();
      if (text) unlabelled.push(`${describe(table)}: "${text.slice(0, 20)}" has no data-label`);
    });
  }
}
// A finding's or rule's code (P-K-LOW, CMP-3) is one word: it never breaks over two lines. (A
// setup key or URI in a <code> may wrap: it is no code of ours.)
const brokenCodes = [...document.querySelectorAll('main code')]
  .filter((c) => /^[A-Z]+(-[A-Za-z0-9]+)+$/.test(c.textContent.trim()))
  .filter((c) => c.getClientRects().length > 1)
  .map((c) => c.textContent.trim());
const header = document.querySelector('header.topbar');
return {
  brokenCodes: brokenCodes.slice(0, 8),
  headerHeight: header ? Math.round(header.getBoundingClientRect().height) : 0,
  icon: !!document.querySelector('link[rel~="icon"]'),
  uneven,
  unlabelled: unlabelled.slice(0, 12),
  width: document.documentElement.scrollWidth,
  viewport,
  overflowing: overflowing.slice(0, 12),
  scrolling: scrolling.slice(0, 12),
  chartText,
};
"#;

/// The checks every page of the walk gets; each problem is one line naming the page.
async fn check_page(browser: &Browser, viewport: &str, page: &str) -> Vec<String> {
    let measured = browser.run_js(MEASURE).await;
    let mut problems = Vec::new();
    let lines = |key: &str| -> Vec<String> {
        measured[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let width = measured["width"].as_i64().unwrap_or(0);
    let inner = measured["viewport"].as_i64().unwrap_or(0);
    if width > inner {
        problems.push(format!(
            "{viewport} {page}: the page is {width} px wide in a {inner} px viewport"
        ));
    }
    for line in lines("overflowing") {
        problems.push(format!("{viewport} {page}: {line} (viewport {inner} px)"));
    }
    // On a laptop every table fits; on a phone a box may scroll sideways as long as the page
    // itself does not (wide tables read as label–value rows there, a separate concern).
    if viewport == "laptop" {
        for line in lines("scrolling") {
            problems.push(format!("{viewport} {page}: {line}"));
        }
    }
    for line in lines("unlabelled") {
        problems.push(format!("{viewport} {page}: {line}"));
    }
    for line in lines("uneven") {
        problems.push(format!(
            "{viewport} {page}: the level fields are not all equally tall: {line}"
        ));
    }
    let small: Vec<String> = measured["chartText"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let (text, px) = (item[0].as_str()?, item[1].as_f64()?);
            (px < MIN_CHART_TEXT_PX).then(|| format!("{text:?} {px} px"))
        })
        .collect();
    if !small.is_empty() {
        let line = format!(
            "{viewport} {page}: {} chart texts under {MIN_CHART_TEXT_PX} px, e.g. {}",
            small.len(),
            small[..small.len().min(4)].join(", ")
        );
        problems.push(line);
    }
    for code in lines("brokenCodes") {
        problems.push(format!(
            "{viewport} {page}: the code {code:?} breaks over two lines"
        ));
    }
    // One row: the brand and the links (or the phone's "Menu"), about 52 px; two rows are 90+.
    let header = measured["headerHeight"].as_i64().unwrap_or(0);
    if header > MAX_HEADER_PX {
        problems.push(format!(
            "{viewport} {page}: the header is {header} px tall (one row is at most {MAX_HEADER_PX} px)"
        ));
    }
    if measured["icon"] != Value::Bool(true) {
        problems.push(format!("{viewport} {page}: no favicon linked"));
    }
    for violation in crate::axe::serious_violations(browser, &format!("{viewport} {page}")).await {
        problems.push(format!("{viewport} {page}: axe-core {violation}"));
    }
    problems
}

pub async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p != "/login", "a page after signing in")
        .await;
}

/// Opens one page, screenshots it whole, and checks it.
async fn visit(
    browser: &Browser,
    app: &TestApp,
    viewport: &str,
    page: &str,
    path: &str,
) -> Vec<String> {
    browser.goto(&app.url(path)).await;
    let wanted = path.split('?').next().unwrap_or(path).to_string();
    browser
        .wait_for_path(|p| p == wanted, &format!("the {page} page ({path})"))
        .await;
    let heading = browser.text("main h1").await;
    assert!(!heading.is_empty(), "{page}: no heading");
    browser
        .screenshot_full_page(&format!("walk-{viewport}-{page}"))
        .await;
    check_page(browser, viewport, page).await
}

/// Signs out with the header's button, the one on screen: in the row on a laptop, in the menu
/// on a phone (opened first).
pub async fn sign_out(browser: &Browser) {
    let in_menu = browser
        .run_js("const d = document.querySelector('details.menu'); return !!d && getComputedStyle(d).display !== 'none';")
        .await;
    if in_menu == Value::Bool(true) {
        browser
            .run_js("document.querySelector('details.menu').open = true; return null;")
            .await;
        browser
            .click("details.menu form.signout button[type=submit]")
            .await;
    } else {
        browser.click("form.signout button[type=submit]").await;
    }
    browser
        .wait_for_path(|p| p == "/login", "the sign-in page")
        .await;
}

/// The phone's header: one row with a "Menu" that opens with the keyboard alone (no script of
/// ours: a <details>), shows every link, and closes again.
async fn phone_menu(browser: &Browser, app: &TestApp, label: &str) -> Vec<String> {
    browser.goto(&app.url("/")).await;
    let mut problems = Vec::new();
    let state = r#"
      const d = document.querySelector('details.menu');
      if (!d) return null;
      const links = [...d.querySelectorAll('nav a')].filter((a) => a.getBoundingClientRect().height > 0);
      return { open: d.open, shown: getComputedStyle(d).display !== 'none', links: links.length,
               wideLinks: [...document.querySelectorAll('header nav.wide a')]
                 .filter((a) => a.getBoundingClientRect().height > 0).length };
    "#;
    let closed = browser.run_js(state).await;
    if closed.is_null() || closed["shown"] != Value::Bool(true) {
        return vec![format!("{label}: no menu in the phone's header")];
    }
    if closed["open"] != Value::Bool(false) || closed["wideLinks"].as_i64() != Some(0) {
        problems.push(format!(
            "{label}: the links show before the menu is opened: {closed}"
        ));
    }
    browser
        .run_js("document.querySelector('details.menu summary').focus(); return null;")
        .await;
    browser
        .client()
        .active_element()
        .await
        .expect("the focused summary")
        .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
        .await
        .expect("press Enter on the menu");
    let open = browser.run_js(state).await;
    if open["open"] != Value::Bool(true) || open["links"].as_i64().unwrap_or(0) < 4 {
        problems.push(format!(
            "{label}: Enter on \"Menu\" does not show the links: {open}"
        ));
    }
    browser.screenshot(&format!("walk-{label}-menu-open")).await;
    problems.extend(check_page(browser, "phone", &format!("{label}-menu-open")).await);
    problems
}

async fn walk(viewport: Viewport, label: &str) {
    let app = spawn_app().await;
    let demo = demo_ids(&app);
    let Some(browser) = Browser::start(viewport).await else {
        return;
    };
    let mut problems = visit(&browser, &app, label, "login", "/login").await;

    sign_in(&browser, &app, DEMO_EMAIL).await;
    for (page, path) in practitioner_pages(&demo) {
        problems.extend(visit(&browser, &app, label, page, &path).await);
    }
    // A form answered with errors: every field keeps its place.
    browser
        .goto(&app.url(&format!("/clients/{}/tests/new", demo.maria)))
        .await;
    browser.fill("#lvl-K", "lots").await;
    browser.click("form.form button[type=submit]").await;
    browser
        .wait_for_path(|p| p.ends_with("/tests"), "the test form with errors")
        .await;
    browser
        .screenshot_full_page(&format!("walk-{label}-test-new-errors"))
        .await;
    problems.extend(check_page(&browser, label, "test-new-errors").await);

    if label == "phone" {
        problems.extend(phone_menu(&browser, &app, label).await);
    }
    sign_out(&browser).await;
    sign_in(&browser, &app, PORTAL_EMAIL).await;
    for (page, path) in PORTAL_PAGES {
        problems.extend(visit(&browser, &app, label, page, path).await);
    }
    if label == "phone" {
        problems.extend(phone_menu(&browser, &app, &format!("{label}-portal")).await);
    }
    browser.close().await;
    assert!(
        problems.is_empty(),
        "{} problems on the demo's pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[actix_web::test]
async fn browser_walk_the_demo_on_a_laptop() {
    walk(Viewport::LAPTOP, "laptop").await;
}

#[actix_web::test]
async fn browser_walk_the_demo_on_a_phone() {
    walk(Viewport::PHONE, "phone").await;
}

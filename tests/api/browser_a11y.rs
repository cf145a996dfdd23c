//! Accessibility in a real browser (issue #20), beyond the axe-core run of every page family in
//! `browser_walk`: the portal's pages reflow at 200 % zoom on a phone; the portal's day entry is
//! done with the keyboard alone; chart points stay out of the Tab order, chart text stays at
//! 11 px or more on a phone and in print; tables keep their headers for screen readers on a
//! phone. Screenshots: target/screenshots/a11y-*.

use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::browser::{Browser, Viewport};
use crate::browser_walk::{demo_ids, sign_in, Demo, PORTAL_EMAIL};
use crate::helpers::{spawn_app, TestApp};
use htma_tracker::seed::DEMO_EMAIL;

/// A 390 px phone at 200 % zoom lays pages out in 195 CSS px (WCAG 1.4.10 reflow).
const PHONE_ZOOMED: Viewport = Viewport {
    width: 195,
    height: 422,
};

const PORTAL_PAGES: &[(&str, &str)] = &[
    ("portal-day", "/portal"),
    ("portal-history", "/portal/history"),
    ("portal-results", "/portal/results"),
    ("portal-settings", "/portal/settings"),
];

/// The demo practice (`seed-demo`) served, and the ids the tests visit.
async fn demo() -> (TestApp, Demo) {
    let app = spawn_app().await;
    let demo = demo_ids(&app);
    (app, demo)
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
    let (app, _) = demo().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &app, PORTAL_EMAIL).await;
    for (name, path) in PORTAL_PAGES {
        // 200 % zoom on a 390 px phone: the page is laid out in 195 CSS px, media queries
        // included.
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": PHONE_ZOOMED.width, "height": PHONE_ZOOMED.height,
                        "deviceScaleFactor": 2, "mobile": true }),
            )
            .await;
        browser.goto(&app.url(path)).await;
        let found = overflow(&browser, PHONE_ZOOMED.width).await;
        assert_eq!(
            found["scroll"],
            json!(0),
            "{path} scrolls sideways at 200 % zoom on a phone: {found}"
        );
        // The whole page in one shot: the emulated screen as tall as the page.
        let height = browser
            .run_js("return document.documentElement.scrollHeight;")
            .await;
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": PHONE_ZOOMED.width, "height": height.as_u64().unwrap_or(844).min(12_000),
                        "deviceScaleFactor": 2, "mobile": true }),
            )
            .await;
        browser.screenshot(&format!("a11y-{name}-zoom200")).await;
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

/// Tabs until the focus is on an element whose description contains `want`.
async fn tab_to(browser: &Browser, want: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..60 {
        browser.press(Key::Tab).await;
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
    let (app, _) = demo().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &app, PORTAL_EMAIL).await;
    browser.goto(&app.url("/portal")).await;
    // The skip link comes first and leads into the page.
    browser.press(Key::Tab).await;
    assert!(
        focused(&browser).await.contains("Skip"),
        "the first Tab stop is not the skip link: {}",
        focused(&browser).await
    );
    // Straight to the first symptom (a <summary>), open it with Enter, rate it with the arrows.
    let mut path = tab_to(&browser, "summary|").await;
    if focused(&browser).await.contains("Menu") {
        // The header's menu (a <summary> too) comes before the page's symptoms.
        path.extend(tab_to(&browser, "summary|").await);
    }
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
        browser.press(Key::Enter).await;
        assert!(!is_open(&browser).await, "Enter folds the symptom");
    }
    browser.press(Key::Enter).await;
    assert!(is_open(&browser).await, "Enter opens the symptom");
    browser.press(Key::Tab).await;
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
        browser.press(key).await;
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
    browser.press(Key::Enter).await;
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
    browser.press(Key::Enter).await;
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
    let (app, demo) = demo().await;
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    sign_in(&browser, &app, DEMO_EMAIL).await;
    browser
        .goto(&app.url(&format!("/clients/{}", demo.maria)))
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
        .goto(&app.url(&format!(
            "/clients/{}/summaries/{}",
            demo.maria, demo.maria_summary
        )))
        .await;
    assert_chart_text_readable(&browser, "the progress summary in print").await;
    browser.screenshot("a11y-summary-print").await;
    assert!(
        headers.iter().any(|h| h == "Sample") && headers.iter().any(|h| h == "Na/K"),
        "column headers are gone from the accessibility tree: {headers:?}"
    );
    browser.close().await;
}

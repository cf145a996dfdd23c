//! Headless Chromium on a phone (390×844): the program part of the day entry with three
//! supplements and a diet (issue 17). Each question is a fieldset with its legend, one tap
//! answers it, the keyboard moves within a question's choices, nothing is wider than the phone,
//! and the saved answers come back checked. Screenshots: target/screenshots/adherence-*.png.

use chrono::Duration;
use diesel::prelude::*;
use fantoccini::key::Key;
use htma_tracker::db::schema::diary_program_answers;

use crate::adherence::add_version;
use crate::browser::{Browser, Viewport};
use crate::helpers::{server_today, spawn_app};

#[actix_web::test]
async fn browser_phone_client_answers_three_supplements_and_the_diet() {
    let app = spawn_app().await;
    let practitioner = app.create_practitioner("pat@example.com", "correct horse battery");
    let (client_id, token) = app.invited_client(practitioner, "Maria Jensen", "maria@example.com");
    let today = server_today();
    let ids = add_version(
        &app,
        client_id,
        today - Duration::days(5),
        "Cooked vegetables, protein twice a day; no sugar.",
        &[
            "Magnesium glycinate",
            "Potassium citrate",
            "Vitamin B complex",
        ],
    );
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    browser
        .accept_invitation(
            &app.url(&format!("/invite/{token}")),
            "maria@example.com",
            "cramps be gone 2026",
        )
        .await;

    // Four questions, each a fieldset named by its legend; "Not answered" chosen by default.
    let legends = browser
        .run_js(
            "return [...document.querySelectorAll('fieldset.program-answers fieldset.answer > legend')]
                .map(l => l.innerText.split('\\n')[0].trim()).join('|');",
        )
        .await;
    assert_eq!(
        legends.as_str().unwrap_or_default(),
        "Magnesium glycinate|Potassium citrate|Vitamin B complex|Followed the diet today?"
    );
    let unanswered = browser
        .run_js(
            "return document.querySelectorAll('fieldset.answer input[value=\"\"]:checked').length;",
        )
        .await;
    assert_eq!(unanswered.as_i64(), Some(4));
    // Chromium's accessibility tree names each radio group by its legend.
    let group = browser
        .run_js(
            "const f = document.querySelector('fieldset.answer'); return f.querySelector('legend') !== null && f.querySelectorAll('input[type=radio]').length;",
        )
        .await;
    assert_eq!(
        group.as_i64(),
        Some(4),
        "four choices in a fieldset with a legend"
    );

    // One tap each.
    let (mg, k, b) = (ids[0], ids[1], ids[2]);
    browser
        .click(&format!("input[name='sup_{mg}'][value='taken']"))
        .await;
    browser
        .click(&format!("input[name='sup_{k}'][value='partly']"))
        .await;
    // The keyboard: focus B complex's "Taken as prescribed", then the arrow keys move within
    // its own group (to "Not taken", two to the right).
    browser
        .run_js(&format!(
            "document.querySelector(\"input[name='sup_{b}'][value='taken']\").focus();"
        ))
        .await;
    browser.press(Key::Right).await;
    browser.press(Key::Right).await;
    let focused = browser
        .run_js(
            "const e = document.activeElement; return e.name + '=' + e.value + '=' + e.checked;",
        )
        .await;
    assert_eq!(
        focused.as_str().unwrap_or_default(),
        format!("sup_{b}=not_taken=true")
    );
    let ring = browser
        .run_js("return getComputedStyle(document.activeElement.nextElementSibling).outlineStyle;")
        .await;
    assert_eq!(ring.as_str(), Some("solid"), "the focus ring shows");
    browser.click("input[name='diet'][value='yes']").await;

    // Nothing wider than the phone; every pill at least 44 px tall (a thumb's target).
    let overflow = browser
        .run_js("return document.documentElement.scrollWidth > window.innerWidth;")
        .await;
    assert_eq!(overflow.as_bool(), Some(false), "the page scrolls sideways");
    let smallest = browser
        .run_js(
            "return Math.min(...[...document.querySelectorAll('.answer-choices .pill span')].map(s => s.getBoundingClientRect().height));",
        )
        .await;
    assert!(smallest.as_f64().unwrap_or(0.0) >= 44.0, "{smallest}");
    browser
        .run_js("document.querySelector('fieldset.program-answers').scrollIntoView();")
        .await;
    browser.screenshot("adherence-phone-answers").await;

    browser.click("form.diary-form button[type=submit]").await;
    // The saved day comes back on the same path: its message tells the new page from the old.
    browser.wait_for_text("Saved.", "the saved day").await;
    browser
        .wait_for_path(|p| p.starts_with("/portal"), "the portal")
        .await;
    let checked = browser
        .run_js(
            "return [...document.querySelectorAll('fieldset.answer input:checked')].map(i => i.value).join(',');",
        )
        .await;
    assert_eq!(
        checked.as_str().unwrap_or_default(),
        "taken,partly,not_taken,yes"
    );
    let mut conn = app.pool.get().unwrap();
    let stored: i64 = diary_program_answers::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(stored, 4);
    browser
        .run_js("document.querySelector('fieldset.program-answers').scrollIntoView();")
        .await;
    browser.screenshot("adherence-phone-saved").await;
    browser.close().await;
}

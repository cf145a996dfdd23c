//! Headless Chromium: a practitioner uploads the lab's PDF, reviews the pre-filled form on a
//! laptop (1366×900) and a phone (390×844), saves it and downloads the PDF from the test page.
//! Screenshots in target/screenshots/lab-report-*.png.

use crate::browser::{Browser, Viewport};
use crate::helpers::spawn_app;
use crate::lab_report_fixtures;

const LAPTOP: Viewport = Viewport {
    width: 1366,
    height: 900,
};

#[actix_web::test]
async fn browser_read_a_lab_report_review_and_save() {
    for (viewport, name) in [(LAPTOP, "laptop"), (Viewport::PHONE, "phone")] {
        let app = spawn_app().await;
        app.create_practitioner("ada@example.com", "correct horse battery");
        let Some(browser) = Browser::start(viewport).await else {
            return;
        };
        browser.goto(&app.url("/login")).await;
        browser.fill("#email", "ada@example.com").await;
        browser.fill("#password", "correct horse battery").await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser.wait_for_path(|p| p == "/", "the dashboard").await;
        browser.goto(&app.url("/clients/new")).await;
        browser.fill("#full_name", "Maria Jensen").await;
        browser.click("form.form button.primary").await;
        let client_path = browser
            .wait_for_path(
                |p| p.starts_with("/clients/") && p != "/clients/new",
                "the client",
            )
            .await;

        browser
            .click(&format!("a[href='{client_path}/tests/new/from-report']"))
            .await;
        browser
            .wait_for_path(|p| p.ends_with("/from-report"), "the report page")
            .await;
        browser
            .screenshot(&format!("lab-report-upload-{name}"))
            .await;

        let file = std::env::temp_dir().join(format!(
            "htma-lab-report-{:x}.pdf",
            htma_tracker::db::new_id()
        ));
        std::fs::write(&file, lab_report_fixtures::two_column_ppm().pdf).expect("write the PDF");
        browser
            .find("#report-file")
            .await
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the file");
        browser
            .click("form[enctype='multipart/form-data'] button.primary")
            .await;
        let review = browser.find(".card.review").await;
        let text = review.text().await.expect("review text");
        assert!(text.contains("Read from"), "{text}");
        assert!(
            text.contains("do not match"),
            "the Na/Mg misprint is shown: {text}"
        );
        assert_eq!(browser.value("#lvl-Ca").await, "1600");
        assert_eq!(browser.value("#lvl-Cr").await, "<<");
        assert_eq!(browser.value("#sample_date").await, "2026-02-14");
        browser
            .screenshot(&format!("lab-report-review-{name}"))
            .await;
        browser
            .run_js("document.getElementById('lvl-Ca').scrollIntoView({block: 'start'});")
            .await;
        assert!(browser.text("#from-Ca").await.contains("Ca 1600"));
        browser
            .screenshot(&format!("lab-report-review-levels-{name}"))
            .await;
        // Nothing wider than the screen on a phone.
        let overflow = browser
            .run_js("return document.documentElement.scrollWidth > window.innerWidth;")
            .await;
        assert_eq!(overflow, serde_json::json!(false), "horizontal overflow");

        browser.click("form.form button.primary").await;
        browser
            .wait_for_path(
                |p| p.contains("/tests/") && !p.contains("/new"),
                "the test's page",
            )
            .await;
        assert!(browser.has("a[href$='/report.pdf']").await);
        browser
            .screenshot(&format!("lab-report-test-page-{name}"))
            .await;

        // A scan: the message and the empty form.
        browser
            .goto(&app.url(&format!("{client_path}/tests/new/from-report")))
            .await;
        std::fs::write(&file, lab_report_fixtures::image_only()).expect("write the scan");
        browser
            .find("#report-file")
            .await
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the file");
        browser
            .click("form[enctype='multipart/form-data'] button.primary")
            .await;
        assert!(browser.text(".card.review").await.contains("no text layer"));
        browser.screenshot(&format!("lab-report-scan-{name}")).await;
        let _ = std::fs::remove_file(&file);
        browser.close().await;
    }
}

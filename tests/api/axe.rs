//! axe-core (Deque's accessibility engine, pinned in `tests/axe/package.json`) run inside the
//! pages the Chromium tests open. The script is read from `tests/axe/node_modules` and injected
//! through WebDriver, so nothing is fetched and the page's Content-Security-Policy (which allows
//! no inline script) does not apply to it. Only the WCAG 2.0/2.1 level A and AA rules run; the
//! walk (`browser_walk`) fails on any serious or critical violation, with the rule, the elements
//! and axe's advice.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::browser::Browser;

/// The rule tags of WCAG 2.1 A and AA (2.0 rules included, as 2.1 builds on them).
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    pub target: Vec<serde_json::Value>,
    pub html: String,
    #[serde(rename = "failureSummary", default)]
    pub failure_summary: Option<String>,
}

impl Violation {
    fn serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }

    fn describe(&self) -> String {
        let mut text = format!(
            "[{}] {}: {} ({})",
            self.impact.as_deref().unwrap_or("?"),
            self.id,
            self.help,
            self.help_url
        );
        for node in self.nodes.iter().take(6) {
            let html: String = node.html.chars().take(200).collect();
            text.push_str(&format!(
                "\n    at {} {html}\n      {}",
                serde_json::to_string(&node.target).unwrap_or_default(),
                node.failure_summary
                    .as_deref()
                    .unwrap_or("")
                    .replace('\n', "\n      ")
            ));
        }
        if self.nodes.len() > 6 {
            text.push_str(&format!("\n    … and {} more", self.nodes.len() - 6));
        }
        text
    }
}

fn axe_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/axe")
}

/// The axe-core script, read once per test run.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = axe_dir().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed ({}: {e}): run `npm ci --prefix tests/axe` \
                 (Node.js and npm; the test script does this)",
                path.display()
            )
        })
    })
}

/// Runs axe on the page the browser shows now and returns every WCAG A/AA violation.
async fn violations(browser: &Browser) -> Vec<Violation> {
    let loaded = browser
        .run_js(&format!(
            "{}\nreturn typeof window.axe === 'object' && typeof window.axe.run === 'function';",
            axe_source()
        ))
        .await;
    assert_eq!(loaded, serde_json::json!(true), "axe-core did not load");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         window.axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }})
           .then(r => done(JSON.stringify(r.violations)))
           .catch(e => done('axe failed: ' + e));"
    );
    let answer = browser
        .client()
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("run axe-core: {e}"));
    let text = answer.as_str().unwrap_or_default();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("axe-core answered {text:?}: {e}"))
}

/// The serious and critical WCAG A/AA violations of the page the browser shows now, one
/// description each (rule, elements, axe's advice); moderate and minor ones are printed.
pub async fn serious_violations(browser: &Browser, page: &str) -> Vec<String> {
    let (serious, other): (Vec<_>, Vec<_>) = violations(browser)
        .await
        .into_iter()
        .partition(Violation::serious);
    for violation in &other {
        eprintln!("axe note on {page}: {}", violation.describe());
    }
    serious.iter().map(Violation::describe).collect()
}

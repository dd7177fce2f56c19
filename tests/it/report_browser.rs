//! The board pack in a real browser. Headless Chromium opens `report.html` straight from disk
//! with every host name unresolvable and a network log recording; the test fails on any
//! console message or any request for something outside the file, checks the page really
//! rendered (screenshot, DOM with every chart) and that it prints on landscape pages.
//!
//! A negative control (a page with a remote image and a console error) proves the checks
//! still catch what they are meant to catch with whatever Chromium version is installed.
//!
//! Without Chromium the test prints a skip notice, except under CI (`CI` set), where it
//! fails: install it with `apt-get install -y chromium`.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use assert_cmd::Command;
use valuecase::report::charts;

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Runs the reference scenario and writes its board pack into `dir`; returns its path.
fn board_pack(dir: &Path) -> PathBuf {
    Command::cargo_bin("valuecase")
        .unwrap()
        .args(["run", "--trials", "20000", "--quiet", "--out"])
        .arg(dir)
        .assert()
        .success();
    let path = dir.join("report.html");
    assert!(path.exists(), "run wrote no report.html");
    path
}

/// Headless Chromium on `page` with a fresh profile, no network, a network log and logging
/// to stderr, plus `extra` flags. Returns the process output and the network log text.
fn open(chrome: &Path, page: &Path, work: &Path, extra: &[String]) -> (Output, String) {
    let profile = tempfile::tempdir_in(work).unwrap();
    let netlog = work.join(format!("net-{}.json", extra.len()));
    let out = Process::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium did not start");
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    (out, log)
}

/// Hosts Chromium itself contacts in the background (updates, accounts, time); requests
/// to them are the browser's, not the page's.
const BROWSER_HOSTS: [&str; 5] = [
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "gvt1.com",
    "googleusercontent.com",
];

/// Problems a run reveals: console messages and requests for anything but local files.
fn problems(stderr: &str, netlog: &str) -> Vec<String> {
    let mut found: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(|l| format!("console: {l}"))
        .collect();
    for chunk in netlog.split("\"url\":\"").skip(1) {
        let url = chunk.split('"').next().unwrap_or_default();
        if url.starts_with("file:") || url.is_empty() {
            continue;
        }
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':', '?']).next())
            .unwrap_or_default();
        let browser = BROWSER_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")));
        if !browser {
            found.push(format!("request: {url}"));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The charts drawn into `dir` (one SVG each), every one of them a chart of valuecase's.
fn svg_files(dir: &Path) -> usize {
    let names: Vec<&str> = charts::all_names().collect();
    let svgs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".svg").map(str::to_string))
        .collect();
    assert!(svgs.iter().all(|n| names.contains(&n.as_str())), "{svgs:?}");
    svgs.len()
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn board_pack_is_self_contained_and_renders_in_chromium() {
    let work = tempfile::tempdir().unwrap();
    let page = board_pack(work.path());
    let text = std::fs::read_to_string(&page).unwrap();

    // Static: nothing that runs, nothing that fetches.
    let lower = text.to_ascii_lowercase();
    for bad in [
        "<script",
        "<link",
        "<iframe",
        "<img",
        "<object",
        "<embed",
        "@import",
        "url(",
        "src=",
        "href=",
        "http:",
        "https:",
        "\"//",
        "'//",
        "(//",
        "javascript:",
    ] {
        assert!(!lower.contains(bad), "report.html contains {bad:?}");
    }
    assert!(lower.contains("@page") && lower.contains("landscape"));
    let drawn = svg_files(work.path());
    assert_eq!(text.matches("<svg").count(), drawn);

    let Some(chrome) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed: apt-get install -y chromium");
        }
        eprintln!("skipped: chromium not found (apt-get install -y chromium)");
        return;
    };

    // Negative control: the checks must see a remote request and console output.
    let bad = work.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\">\
         <script>console.error(\"control\")</script></body></html>",
    )
    .unwrap();
    let (out, net) = open(&chrome, &bad, work.path(), &["--dump-dom".into()]);
    let seen = problems(&String::from_utf8_lossy(&out.stderr), &net);
    assert!(
        seen.iter().any(|p| p.contains("example.invalid")),
        "negative control: remote request not detected: {seen:?}"
    );
    assert!(
        seen.iter().any(|p| p.contains("control")),
        "negative control: console message not detected: {seen:?}"
    );

    // The board pack: screenshot, and nothing on the console or the network.
    let shot = work.path().join("report.png");
    let (out, net) = open(
        &chrome,
        &page,
        work.path(),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    assert!(!net.is_empty(), "chromium wrote no network log");
    let seen = problems(&stderr, &net);
    assert!(seen.is_empty(), "report.html in Chromium: {seen:#?}");
    let png = std::fs::read(&shot).expect("no screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 20_000, "screenshot looks blank");
    if let Some(keep) = std::env::var_os("VALUECASE_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }

    // The browser's DOM has every chart and every section.
    let (out, _) = open(&chrome, &page, work.path(), &["--dump-dom".into()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("<svg").count(), drawn, "charts in DOM");
    for section in [
        "What the simulation says",
        "Assumptions",
        "Method",
        "Precision",
    ] {
        assert!(dom.contains(section), "DOM lacks {section}");
    }

    // Printing: landscape pages, sections on their own pages.
    let pdf = work.path().join("report.pdf");
    let (out, _) = open(
        &chrome,
        &page,
        work.path(),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    assert!(out.status.success());
    let bytes = std::fs::read(&pdf).expect("no PDF");
    assert!(bytes.starts_with(b"%PDF"));
    let pages = count(&bytes, b"/Type /Page") - count(&bytes, b"/Type /Pages");
    // Cover, figures, what drives the result, 9 charts, assumptions (one or more pages),
    // method.
    assert!(pages >= 14, "only {pages} printed pages");
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<Vec<f64>> = text
        .split("/MediaBox [")
        .skip(1)
        .filter_map(|b| b.split(']').next())
        .map(|b| {
            b.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .collect();
    assert!(!boxes.is_empty(), "no page sizes in the PDF");
    for b in &boxes {
        assert!(b.len() == 4 && b[2] > b[3], "page is not landscape: {b:?}");
    }
}

/// comparison.html holds to the board pack's rules: nothing that runs or fetches, every chart
/// inline, and in Chromium nothing on the console or the network.
#[test]
fn comparison_page_is_self_contained_and_renders_in_chromium() {
    let work = tempfile::tempdir().unwrap();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    Command::cargo_bin("valuecase")
        .unwrap()
        .arg("compare")
        .arg(scenarios.join("hightech-no-change-programme.toml"))
        .arg(scenarios.join("hightech-change-programme.toml"))
        .args(["--trials", "2000", "--quiet", "--out"])
        .arg(work.path())
        .assert()
        .success();
    let page = work.path().join("comparison.html");
    let text = std::fs::read_to_string(&page).unwrap();
    let lower = text.to_ascii_lowercase();
    for bad in [
        "<script", "<link", "<img", "url(", "src=", "href=", "http:", "https:",
    ] {
        assert!(!lower.contains(bad), "comparison.html contains {bad:?}");
    }
    assert_eq!(text.matches("<svg").count(), 4);
    assert_eq!(svg_files(work.path()), 4);
    let Some(chrome) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed: apt-get install -y chromium");
        }
        eprintln!("skipped: chromium not found (apt-get install -y chromium)");
        return;
    };
    let shot = work.path().join("comparison.png");
    let (out, net) = open(
        &chrome,
        &page,
        work.path(),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    let seen = problems(&stderr, &net);
    assert!(seen.is_empty(), "comparison.html in Chromium: {seen:#?}");
    assert!(std::fs::read(&shot).expect("no screenshot").len() > 20_000);
    let (out, _) = open(&chrome, &page, work.path(), &["--dump-dom".into()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("<svg").count(), 4, "charts in DOM");
    for section in [
        "What the comparison says",
        "side by side",
        "trial by trial",
        "Method",
    ] {
        assert!(dom.contains(section), "DOM lacks {section}");
    }
}

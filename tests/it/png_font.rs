//! Fonts for the PNG charts, through the real binary: a `--png-font` that is not a font is bad
//! input, refused before anything runs; names in scripts the embedded DejaVu Sans lacks are
//! drawn with an installed font that has them (and stderr says which), or the warning names
//! the characters and the exact flag to pass. Either way the same machine draws the same bytes.

use std::path::Path;

use assert_cmd::Command;

fn valuecase() -> Command {
    Command::cargo_bin("valuecase").unwrap()
}

#[test]
fn a_png_font_that_is_not_a_font_is_refused_before_the_run_naming_the_file() {
    let work = tempfile::tempdir().unwrap();
    let not_a_font = work.path().join("slides.ttf");
    std::fs::write(&not_a_font, "this is a text file, not a font\n").unwrap();
    // A real font cut short: its header still reads, its tables do not.
    let truncated = work.path().join("cut.ttf");
    std::fs::write(&truncated, &dejavu::sans::regular()[..4096]).unwrap();
    for font in [&not_a_font, &truncated] {
        let out = work.path().join("out");
        let assert = valuecase()
            .args([
                "run",
                "scenarios/midmarket-50m.toml",
                "--trials",
                "2000",
                "--out",
            ])
            .arg(&out)
            .arg("--png-font")
            .arg(font)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!(
                "error: {} cannot be used as the font for PNG charts",
                font.display()
            )),
            "{stderr}"
        );
        assert!(stderr.contains("--png-font"), "{stderr}");
        assert!(assert.get_output().stdout.is_empty());
        assert!(!out.exists(), "an output folder was written for a bad font");
    }
    // A font file that is not there is an error on the path, before the run too.
    let missing = work.path().join("nowhere.ttf");
    let assert = valuecase()
        .args([
            "run",
            "scenarios/midmarket-50m.toml",
            "--trials",
            "2000",
            "--out",
        ])
        .arg(work.path().join("out"))
        .arg("--png-font")
        .arg(&missing)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("nowhere.ttf"), "{stderr}");
}

/// The mid-market scenario with a capability named in Chinese, one in Arabic and a user group
/// in Chinese.
fn international(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string("scenarios/midmarket-50m.toml")
        .unwrap()
        .replace("Opportunity management", "客户洞察")
        .replace("Quotes and price books", "إدارة العملاء")
        .replace("\"Sales team\"", "\"销售团队\"");
    let path = dir.join("international.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn names_in_chinese_and_arabic_are_drawn_with_an_installed_font_or_the_flag_is_named() {
    let work = tempfile::tempdir().unwrap();
    let scenario = international(work.path());
    let run = |out: &Path| {
        let assert = valuecase()
            .arg("run")
            .arg(&scenario)
            .args(["--trials", "2000", "--quiet", "--out"])
            .arg(out)
            .assert()
            .success();
        String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
    };
    let (first, second) = (work.path().join("a"), work.path().join("b"));
    let stderr = run(&first);
    if stderr.contains("note: PNG charts: drawing") {
        // An installed font has the glyphs: stderr names the names and the file.
        let note = stderr.lines().find(|l| l.starts_with("note:")).unwrap();
        assert!(
            note.contains("\"客户洞察\"") && note.contains("\"销售团队\""),
            "{note}"
        );
        let path = note
            .split(" with ")
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .unwrap();
        assert!(Path::new(path).is_file(), "{path} in {note}");
        assert!(note.contains("--png-font /path/to/font.ttf"), "{note}");
        assert!(!stderr.contains("warning:"), "{stderr}");
    } else {
        // None is: the warning names the characters, a name with them and the flag.
        eprintln!("no installed font has Chinese glyphs; checking the warning instead");
        let warning = stderr.lines().find(|l| l.starts_with("warning:")).unwrap();
        for c in "客户洞察销售团队".chars() {
            assert!(warning.contains(c), "{warning}");
        }
        assert!(
            warning.contains("--png-font /path/to/font.ttf"),
            "{warning}"
        );
    }
    // The embedded DejaVu Sans has the Arabic letters: never reported as missing.
    for c in "إدارة العملاء".chars().filter(|c| !c.is_whitespace()) {
        assert!(!stderr.contains(c), "{c} reported: {stderr}");
    }
    // The same machine and fonts draw the same bytes.
    assert_eq!(run(&second), stderr);
    for chart in valuecase::report::charts::names() {
        let name = format!("{chart}.png");
        let (a, b) = (
            std::fs::read(first.join(&name)).unwrap(),
            std::fs::read(second.join(&name)).unwrap(),
        );
        assert!(a == b, "{name} differs between two runs");
    }
}

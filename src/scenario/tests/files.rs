//! Files that cannot be read as a scenario, and how an error is shown.

use super::*;

#[test]
fn error_display_has_file_line_column() {
    let e = parse_str(
        &MIN.replace("seats = 10", "seat = 10"),
        Some(Path::new("case.toml")),
    )
    .unwrap_err();
    let shown = e.to_string();
    let expected = r#"error: user_groups."Sales".seat: unknown field `seat` in `user_groups."Sales"`
  --> case.toml:18:1
   |
18 | seat = 10
   | ^^^^
   |
   = allowed: name, seats, go_live_month, role, data_quality, adoption
   = help: did you mean `seats`?"#;
    assert!(shown.ends_with(expected), "{shown}");
    // The missing `seats` comes first (line order), at the group's header, separated by a
    // blank line.
    assert!(
        shown.starts_with(
            "error: user_groups.\"Sales\".seats: missing required field `seats`\n  --> case.toml:16:1\n   |\n16 | [[user_groups]]\n   | ^^^^^^^^^^^^^^^\n"
        ),
        "{shown}"
    );
    assert!(shown.contains("seats)\n\nerror: "), "{shown}");
}

#[test]
fn parse_file_reports_file_problems_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let one = |p: &Path| -> Diagnostic {
        let e = parse_file(p).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(p));
        assert_eq!(e.diagnostics.len(), 1, "{e}");
        e.diagnostics[0].clone()
    };
    // Missing file.
    assert!(
        one(&dir.path().join("nope.toml"))
            .message
            .contains("not found")
    );
    // A directory.
    assert!(one(dir.path()).message.contains("directory"));
    // Empty file.
    let empty = dir.path().join("empty.toml");
    fs::write(&empty, b"").unwrap();
    assert!(one(&empty).message.contains("empty"));
    // Not UTF-8: Latin-1 é on line 2.
    let latin = dir.path().join("latin1.toml");
    fs::write(&latin, b"[scenario]\nname = \"Caf\xe9\"\n").unwrap();
    let d = one(&latin);
    assert!(d.message.contains("0xE9"), "{}", d.message);
    assert!(d.message.contains("byte 22"), "{}", d.message);
    assert_eq!(d.location, at(2, 12));
    // UTF-16.
    let utf16 = dir.path().join("utf16.toml");
    fs::write(&utf16, b"\xff\xfe[\x00s\x00").unwrap();
    assert!(one(&utf16).message.contains("UTF-16"));
    // Too large (a sparse file: nothing is read).
    let big = dir.path().join("big.toml");
    File::create(&big)
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1)
        .unwrap();
    let d = one(&big);
    assert!(
        d.message.contains(&(MAX_FILE_BYTES + 1).to_string()),
        "{}",
        d.message
    );
    assert!(d.message.contains("10 MiB"), "{}", d.message);
    // A valid file returns its bytes; its errors carry the path.
    let good = dir.path().join("good.toml");
    fs::write(&good, MIN).unwrap();
    let (s, bytes) = parse_file(&good).unwrap();
    assert_eq!(bytes, MIN.as_bytes());
    assert_eq!(s.meta.name, "Test");
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, MIN.replace("0.1\n", "2\n")).unwrap();
    let e = parse_file(&bad).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(bad.as_path()));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error_not_a_panic() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("locked.toml");
    fs::write(&p, MIN).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    // Root can read anything; then the file simply parses.
    match parse_file(&p) {
        Ok(_) => {}
        Err(e) => assert!(e.diagnostics[0].message.contains("cannot read"), "{e}"),
    }
}

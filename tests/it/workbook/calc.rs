//! LibreOffice as an independent spreadsheet engine: open workbooks headless with every formula
//! recalculated on load, save them as flat ODF (one XML file), and read the computed values
//! back, by cell or through the workbook's defined names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// LibreOffice's command, if installed.
pub fn soffice() -> Option<PathBuf> {
    [
        "/usr/bin/soffice",
        "/usr/bin/libreoffice",
        "/usr/local/bin/soffice",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// LibreOffice, or a skip notice (None) when it is missing; under CI (`CI` set) a missing
/// LibreOffice fails the test instead: install it with `apt-get install -y libreoffice-calc-nogui`.
pub fn soffice_or_skip(test: &str) -> Option<PathBuf> {
    let found = soffice();
    if found.is_none() {
        let why = format!(
            "{test}: LibreOffice (soffice) is not installed; install libreoffice-calc-nogui"
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipped: {why}");
    }
    found
}

/// A user profile telling LibreOffice to recalculate every formula of the files it loads
/// (xlsx, and ODF files it did not write itself), whatever values the files hold.
fn profile(dir: &Path) -> PathBuf {
    let profile = dir.join("lo-profile");
    let user = profile.join("user");
    std::fs::create_dir_all(&user).expect("profile folder");
    let item = |key: &str| {
        format!(
            "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop oor:name=\"{key}\" \
             oor:op=\"fuse\"><value>0</value></prop></item>\n"
        )
    };
    std::fs::write(
        user.join("registrymodifications.xcu"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<oor:items \
             xmlns:oor=\"http://openoffice.org/2001/registry\" \
             xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n{}{}</oor:items>\n",
            item("OOXMLRecalcMode"),
            item("ODFRecalcMode")
        ),
    )
    .expect("profile settings");
    profile
}

/// Open `files` in LibreOffice (one process for all), recalculate, and save each as flat ODF
/// into `out`; returns the paths written, in the order of `files`.
pub fn recalculate(soffice: &Path, work: &Path, files: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    convert(soffice, work, files, out, "fods")
}

/// A flat ODF file LibreOffice saved and a person then edited, recalculated in full: saved as
/// xlsx first, since LibreOffice recalculates an xlsx on load when told to, but trusts the
/// values in an ODF file it wrote itself (whatever the setting, and then updates only some).
pub fn recalculate_edited(soffice: &Path, work: &Path, fods: &Path, out: &Path) -> PathBuf {
    let xlsx = convert(
        soffice,
        work,
        &[fods.to_path_buf()],
        &out.join("xlsx"),
        "xlsx",
    );
    convert(soffice, work, &xlsx, out, "fods").remove(0)
}

/// `file` opened as a user's LibreOffice opens it (a fresh profile with the settings as
/// installed, which keep the values an xlsx file holds) and saved as flat ODF into `out`: the
/// workbook must compute its formulas then too.
pub fn open_as_installed(soffice: &Path, work: &Path, file: &Path, out: &Path) -> PathBuf {
    let profile = work.join("lo-profile-as-installed");
    convert_with(soffice, &profile, &[file.to_path_buf()], out, "fods").remove(0)
}

/// `files` opened in LibreOffice (one process for all) and saved as `to` into `out`.
fn convert(soffice: &Path, work: &Path, files: &[PathBuf], out: &Path, to: &str) -> Vec<PathBuf> {
    convert_with(soffice, &profile(work), files, out, to)
}

fn convert_with(
    soffice: &Path,
    profile: &Path,
    files: &[PathBuf],
    out: &Path,
    to: &str,
) -> Vec<PathBuf> {
    std::fs::create_dir_all(out).expect("output folder");
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .expect("soffice starts");
    let written: Vec<PathBuf> = files
        .iter()
        .map(|f| out.join(f.with_extension(to).file_name().expect("file name")))
        .collect();
    for w in &written {
        assert!(
            w.exists(),
            "LibreOffice wrote no {}: {}",
            w.display(),
            String::from_utf8_lossy(&status.stderr)
        );
    }
    written
}

/// A computed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            Value::Text(_) => None,
        }
    }
}

/// A recalculated workbook: its cells' values and formulas, and its defined names.
pub struct Book {
    /// (sheet, row, column) → value; rows and columns from 0.
    pub cells: HashMap<(String, u32, u32), Value>,
    /// (sheet, row, column) of the cells holding a formula.
    pub formulas: HashMap<(String, u32, u32), String>,
    /// Defined name → (sheet, row, column) of its first cell.
    pub names: HashMap<String, (String, u32, u32)>,
    /// The file's text (for edits).
    pub text: String,
}

const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

/// `$'Base case'.$B$6` or `$Assumptions.$D$5:.$D$9` → (sheet, row, column) of the first cell.
fn parse_address(address: &str) -> Option<(String, u32, u32)> {
    let first = address.split(':').next()?;
    let (sheet, cell) = first.trim_start_matches('$').rsplit_once('.')?;
    let sheet = sheet.trim_matches('\'').replace("''", "'");
    let cell = cell.replace('$', "");
    let split = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cell.split_at(split);
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    Some((sheet, digits.parse::<u32>().ok()? - 1, col))
}

impl Book {
    /// Read a flat ODF spreadsheet.
    pub fn read(path: &Path) -> Book {
        let text = std::fs::read_to_string(path).expect("flat ODF file");
        let doc = roxmltree::Document::parse(&text).expect("well-formed flat ODF");
        let mut cells = HashMap::new();
        let mut formulas = HashMap::new();
        let mut names = HashMap::new();
        for node in doc.descendants() {
            if node.has_tag_name((TABLE, "named-range")) {
                let name = node.attribute((TABLE, "name")).unwrap_or_default();
                let address = node
                    .attribute((TABLE, "cell-range-address"))
                    .unwrap_or_default();
                if let Some(at) = parse_address(address) {
                    names.insert(name.to_string(), at);
                }
            }
        }
        for table in doc
            .descendants()
            .filter(|n| n.has_tag_name((TABLE, "table")))
        {
            let sheet = table
                .attribute((TABLE, "name"))
                .unwrap_or_default()
                .to_string();
            let mut row = 0u32;
            for r in table
                .descendants()
                .filter(|n| n.has_tag_name((TABLE, "table-row")))
            {
                let rows: u32 = r
                    .attribute((TABLE, "number-rows-repeated"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                let mut col = 0u32;
                for c in r.children().filter(|n| n.is_element()) {
                    let repeat: u32 = c
                        .attribute((TABLE, "number-columns-repeated"))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1);
                    let value = match c.attribute((OFFICE, "value-type")) {
                        Some("float" | "percentage" | "currency") => c
                            .attribute((OFFICE, "value"))
                            .and_then(|v| v.parse().ok())
                            .map(Value::Number),
                        Some("string") => Some(Value::Text(
                            c.attribute((OFFICE, "string-value")).map_or_else(
                                || {
                                    c.descendants()
                                        .filter(|n| n.is_text())
                                        .filter_map(|n| n.text())
                                        .collect()
                                },
                                String::from,
                            ),
                        )),
                        _ => None,
                    };
                    // Long runs of repeated rows or cells are the empty rest of a sheet.
                    if rows < 1000 && repeat < 1000 {
                        for (dr, k) in (0..rows).flat_map(|dr| (0..repeat).map(move |k| (dr, k))) {
                            let at = (sheet.clone(), row + dr, col + k);
                            if let Some(v) = &value {
                                cells.insert(at.clone(), v.clone());
                            }
                            if let Some(f) = c.attribute((TABLE, "formula")) {
                                formulas.insert(at, f.to_string());
                            }
                        }
                    }
                    col += repeat;
                }
                row += rows;
            }
        }
        Book {
            cells,
            formulas,
            names,
            text: text.clone(),
        }
    }

    /// The value of a defined name's cell.
    pub fn named(&self, name: &str) -> Option<&Value> {
        let at = self.names.get(name)?;
        self.cells.get(at)
    }

    /// The file's text with the number in the cell of defined name `name` replaced by `value`
    /// (as a person typing it into the cell would), for LibreOffice to recalculate.
    pub fn with_number(&self, name: &str, value: f64) -> String {
        let (sheet, row, col) = self.names.get(name).expect("the name is defined").clone();
        let doc = roxmltree::Document::parse(&self.text).expect("well-formed flat ODF");
        let table = doc
            .descendants()
            .find(|n| {
                n.has_tag_name((TABLE, "table")) && n.attribute((TABLE, "name")) == Some(&sheet)
            })
            .expect("the sheet");
        let mut r = 0u32;
        for tr in table
            .descendants()
            .filter(|n| n.has_tag_name((TABLE, "table-row")))
        {
            let rows: u32 = tr
                .attribute((TABLE, "number-rows-repeated"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            if r == row {
                let mut c = 0u32;
                for cell in tr.children().filter(|n| n.is_element()) {
                    let repeat: u32 = cell
                        .attribute((TABLE, "number-columns-repeated"))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1);
                    if c == col {
                        assert_eq!(repeat, 1, "an input cell is not repeated");
                        let range = cell.range();
                        let style = cell
                            .attribute((TABLE, "style-name"))
                            .map(|s| format!(" table:style-name=\"{s}\""))
                            .unwrap_or_default();
                        let replacement = format!(
                            "<table:table-cell{style} office:value-type=\"float\" \
                             office:value=\"{value}\" calcext:value-type=\"float\"><text:p>{value}</text:p></table:table-cell>"
                        );
                        return format!(
                            "{}{}{}",
                            &self.text[..range.start],
                            replacement,
                            &self.text[range.end..]
                        );
                    }
                    c += repeat;
                }
            }
            r += rows;
        }
        panic!("cell {sheet}!{row},{col} not found");
    }
}

#[test]
fn addresses_name_their_first_cell() {
    assert_eq!(
        parse_address("$'Base case'.$B$6"),
        Some(("Base case".to_string(), 5, 1))
    );
    assert_eq!(
        parse_address("$Assumptions.$AD$12:.$AD$20"),
        Some(("Assumptions".to_string(), 11, 29))
    );
}

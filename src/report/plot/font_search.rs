//! Finding an installed font for the characters the embedded DejaVu Sans lacks (Chinese,
//! Japanese, Korean, and any other script it does not cover), so a name is drawn in the PNG
//! charts instead of a row of boxes.
//!
//! The installed fonts are listed by `fontdb` (on Linux, the folders fontconfig's own
//! configuration names; on macOS and Windows, the system font folders). Only the first face
//! of a file can be drawn (plotters registers a font from its bytes, face 0), so only those
//! are candidates. Fonts are chosen greedily: the one that covers most of the characters still
//! needed, ties broken by a fixed order (upright, regular weight, proportional, a preferred
//! family, a sans-serif, then the path), until every character is covered or no font covers
//! any that is left. The choice depends only on the fonts installed, never on the order the
//! file system lists them in, so the same machine and fonts draw the same PNG bytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::fonts::Coverage;

/// Where the charts look for fonts for characters DejaVu Sans lacks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum FontSearch<'a> {
    /// The fonts installed on this machine.
    #[default]
    System,
    /// Only the fonts in these folders (and their subfolders): a fixed set of fonts.
    Dirs(&'a [PathBuf]),
    /// Nowhere: characters DejaVu lacks are drawn as boxes, and reported.
    Nowhere,
}

/// An installed font chosen for some characters.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub path: PathBuf,
    /// Its family name, as the font gives it.
    pub family: String,
    /// The needed characters it was chosen for.
    pub covers: BTreeSet<char>,
}

/// Families known to draw their scripts well on a slide, most wanted first: simplified
/// Chinese before the other CJK variants (the names most often met), then Arabic, then the
/// large general families.
const PREFERRED: [&str; 14] = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Droid Sans Fallback",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    "Noto Sans",
];

/// A font file that could draw some of the characters.
struct Candidate {
    path: PathBuf,
    family: String,
    coverage: Coverage,
    /// Smaller is better, after coverage: see [`rank`].
    rank: (bool, u16, bool, usize, bool),
}

/// The fonts to draw `needed` with, in the order they were chosen (each covers characters
/// the ones before it do not); empty when there is nowhere to look or nothing covers any.
pub(crate) fn discover(search: FontSearch, needed: &BTreeSet<char>) -> Vec<Found> {
    if needed.is_empty() {
        return Vec::new();
    }
    let mut db = fontdb::Database::new();
    match search {
        FontSearch::Nowhere => return Vec::new(),
        FontSearch::System => db.load_system_fonts(),
        FontSearch::Dirs(dirs) => {
            for dir in dirs {
                db.load_fonts_dir(dir);
            }
        }
    }
    let mut candidates: Vec<Candidate> = db
        .faces()
        .filter(|f| f.index == 0)
        .filter_map(|face| {
            let path = match &face.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                fontdb::Source::Binary(_) => return None,
            };
            let coverage = db.with_face_data(face.id, |data, _| Coverage::parse(data))??;
            if !needed.iter().any(|&c| coverage.has(c)) {
                return None;
            }
            let family = face
                .families
                .first()
                .map(|(name, _)| name.clone())
                .unwrap_or_else(|| face.post_script_name.clone());
            Some(Candidate {
                rank: rank(face, &family),
                path,
                family,
                coverage,
            })
        })
        .collect();
    // The file system's order is not stable: sort before choosing.
    candidates.sort_by(|a, b| (&a.rank, &a.path).cmp(&(&b.rank, &b.path)));
    candidates.dedup_by(|a, b| a.path == b.path);

    let mut left = needed.clone();
    let mut chosen = Vec::new();
    while !left.is_empty() {
        // Most characters covered; among equals, the first in sorted order.
        let best = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (left.iter().filter(|&&ch| c.coverage.has(ch)).count(), i))
            .filter(|&(n, _)| n > 0)
            .min_by_key(|&(n, i)| (usize::MAX - n, i));
        let Some((_, i)) = best else { break };
        let c = candidates.remove(i);
        let covers: BTreeSet<char> = left
            .iter()
            .copied()
            .filter(|&ch| c.coverage.has(ch))
            .collect();
        left.retain(|ch| !covers.contains(ch));
        chosen.push(Found {
            path: c.path,
            family: c.family,
            covers,
        });
    }
    chosen
}

/// How well a face suits a slide, smaller first: upright before italic, weight nearest
/// regular, proportional before monospaced, a preferred family, a sans-serif.
fn rank(face: &fontdb::FaceInfo, family: &str) -> (bool, u16, bool, usize, bool) {
    let preferred = PREFERRED
        .iter()
        .position(|p| family.eq_ignore_ascii_case(p))
        .unwrap_or(PREFERRED.len());
    (
        face.style != fontdb::Style::Normal,
        face.weight.0.abs_diff(400),
        face.monospaced,
        preferred,
        !family.contains("Sans") && !family.contains("Hei"),
    )
}

/// The file of a found font, for messages: its path as the user would type it.
pub(crate) fn shown_path(path: &Path) -> String {
    crate::report::escape::terminal(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_needed_or_nowhere_to_look_finds_nothing() {
        assert!(discover(FontSearch::System, &BTreeSet::new()).is_empty());
        let cjk: BTreeSet<char> = "客户".chars().collect();
        assert!(discover(FontSearch::Nowhere, &cjk).is_empty());
        let empty = tempfile::tempdir().unwrap();
        let dirs = [empty.path().to_path_buf()];
        assert!(discover(FontSearch::Dirs(&dirs), &cjk).is_empty());
    }

    /// A folder with DejaVu Sans (from the crate that embeds it) covers Latin but not CJK;
    /// the choice is the same whatever order the files were written in.
    #[test]
    fn chooses_by_coverage_and_reports_what_each_font_covers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.ttf"), dejavu::sans::regular()).unwrap();
        std::fs::write(dir.path().join("a.ttf"), dejavu::sans_mono::regular()).unwrap();
        let dirs = [dir.path().to_path_buf()];
        let needed: BTreeSet<char> = "Ж客".chars().collect();
        let found = discover(FontSearch::Dirs(&dirs), &needed);
        assert_eq!(found.len(), 1, "{found:?}");
        // Both cover Ж; the proportional face wins over the monospaced one.
        assert_eq!(found[0].path, dir.path().join("b.ttf"));
        assert_eq!(found[0].family, "DejaVu Sans");
        assert_eq!(found[0].covers, ['Ж'].into_iter().collect());
    }
}

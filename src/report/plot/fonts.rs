//! Fonts for the charts: the embedded DejaVu Sans (so PNGs never depend on what is installed),
//! an optional user font for scripts DejaVu lacks, and a glyph-coverage check so a missing
//! glyph becomes a warning naming the characters instead of a silent box on a slide.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use plotters::style::{FontStyle, register_font};

/// The family every chart draws with. Plotters writes this string verbatim into SVG
/// `font-family`, so it doubles as the viewer's fallback list: DejaVu first (the metrics the
/// layout was computed with), then fonts that carry Chinese, Japanese and Korean glyphs on
/// Windows, macOS and Linux. Plotters itself resolves it to the embedded DejaVu Sans.
pub(crate) const FAMILY: &str = "DejaVu Sans, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, \
Microsoft YaHei, PingFang SC, Hiragino Sans GB, WenQuanYi Micro Hei, Noto Sans CJK JP, \
Malgun Gothic, Arial, sans-serif";

/// Registers DejaVu Sans (regular and bold) under [`FAMILY`], once per process.
pub(crate) fn register_embedded() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // The embedded fonts are known-good, so registration cannot fail.
        let _ = register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Registers a user-supplied font and returns the family name to draw with.
///
/// Plotters keeps fonts in a process-wide table of `&'static` bytes, so the font is copied
/// once and kept for the life of the process; the same bytes passed again reuse the copy
/// (tests and repeated runs in one process do not grow memory).
pub(crate) fn register_user(bytes: &[u8]) -> Result<(&'static str, Coverage), String> {
    static USER: Mutex<Vec<(&'static [u8], &'static str)>> = Mutex::new(Vec::new());
    let coverage = Coverage::parse(bytes)
        .ok_or_else(|| "not a TrueType/OpenType font with a Unicode character map".to_string())?;
    let mut known = USER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((stored, family)) = known.iter().find(|(b, _)| *b == bytes) {
        return Ok((family, Coverage::parse(stored).unwrap_or(coverage)));
    }
    let stored: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
    let family: &'static str = Box::leak(format!("valuecase-user-font-{}", known.len()).into());
    register_font(family, FontStyle::Normal, stored)
        .map_err(|_| "the font could not be loaded (unsupported outline format?)".to_string())?;
    known.push((stored, family));
    Ok((family, coverage))
}

/// The coverage of the embedded DejaVu Sans.
pub(crate) fn dejavu_coverage() -> &'static Coverage {
    static COV: OnceLock<Coverage> = OnceLock::new();
    COV.get_or_init(|| Coverage::parse(dejavu::sans::regular()).unwrap_or_default())
}

/// Which characters a font can draw, from its `cmap` table: sorted, disjoint, inclusive
/// code point ranges.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Coverage(Vec<(u32, u32)>);

impl Coverage {
    /// True when the font has a real glyph for `c`. Whitespace and controls never need one.
    pub(crate) fn has(&self, c: char) -> bool {
        if c.is_whitespace() || c.is_control() {
            return true;
        }
        let c = c as u32;
        let i = self.0.partition_point(|&(_, end)| end < c);
        self.0.get(i).is_some_and(|&(start, _)| start <= c)
    }

    /// The characters of `text` the font cannot draw.
    pub(crate) fn missing(&self, text: &str) -> BTreeSet<char> {
        text.chars().filter(|&c| !self.has(c)).collect()
    }

    /// Reads the Unicode `cmap` subtable (format 12 preferred, else format 4) of a TrueType or
    /// OpenType font, or the first font of a collection. `None` when it is not such a font.
    pub(crate) fn parse(font: &[u8]) -> Option<Coverage> {
        let base = if font.get(0..4)? == b"ttcf" {
            be32(font, 12)? as usize
        } else {
            0
        };
        let num_tables = be16(font, base + 4)? as usize;
        let cmap = (0..num_tables)
            .map(|i| base + 12 + 16 * i)
            .find(|&rec| font.get(rec..rec + 4) == Some(b"cmap"))
            .and_then(|rec| be32(font, rec + 8))? as usize;
        let subtables = be16(font, cmap + 2)? as usize;
        let mut best: Option<(u8, usize)> = None;
        for i in 0..subtables {
            let rec = cmap + 4 + 8 * i;
            let (platform, encoding) = (be16(font, rec)?, be16(font, rec + 2)?);
            let offset = cmap + be32(font, rec + 4)? as usize;
            let format = be16(font, offset)?;
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
            let rank = match format {
                12 if unicode => 2,
                4 if unicode => 1,
                _ => continue,
            };
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, offset));
            }
        }
        let (rank, offset) = best?;
        let mut ranges = if rank == 2 {
            format12(font, offset)?
        } else {
            format4(font, offset)?
        };
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Some(Coverage(merged))
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Segmented 16-bit mapping: keep the code points whose glyph id is not 0 (`.notdef`).
fn format4(b: &[u8], t: usize) -> Option<Vec<(u32, u32)>> {
    let segs = be16(b, t + 6)? as usize / 2;
    let ends = t + 14;
    let starts = ends + 2 * segs + 2;
    let deltas = starts + 2 * segs;
    let range_offsets = deltas + 2 * segs;
    let mut out = Vec::new();
    for s in 0..segs {
        let (start, end) = (
            be16(b, starts + 2 * s)? as u32,
            be16(b, ends + 2 * s)? as u32,
        );
        let delta = be16(b, deltas + 2 * s)? as u32;
        let ro_at = range_offsets + 2 * s;
        let ro = be16(b, ro_at)? as usize;
        if start > end || start == 0xFFFF {
            continue;
        }
        let mut run: Option<(u32, u32)> = None;
        for c in start..=end {
            let gid = if ro == 0 {
                (c + delta) & 0xFFFF
            } else {
                match be16(b, ro_at + ro + 2 * (c - start) as usize)? as u32 {
                    0 => 0,
                    g => (g + delta) & 0xFFFF,
                }
            };
            run = match (gid != 0, run) {
                (true, Some((rs, re))) if re + 1 == c => Some((rs, c)),
                (true, prev) => {
                    out.extend(prev);
                    Some((c, c))
                }
                (false, prev) => {
                    out.extend(prev);
                    None
                }
            };
        }
        out.extend(run);
    }
    Some(out)
}

/// Segmented 32-bit coverage: groups of consecutive code points mapped to consecutive glyphs.
fn format12(b: &[u8], t: usize) -> Option<Vec<(u32, u32)>> {
    let groups = be32(b, t + 12)? as usize;
    let mut out = Vec::with_capacity(groups);
    for g in 0..groups {
        let at = t + 16 + 12 * g;
        let (start, end, glyph) = (be32(b, at)?, be32(b, at + 4)?, be32(b, at + 8)?);
        let start = if glyph == 0 { start + 1 } else { start };
        if start <= end {
            out.push((start, end));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_latin_and_currency_but_not_cjk() {
        let cov = dejavu_coverage();
        for c in "AZaz09$€£¥−–…·≤≥%—Éüñ".chars() {
            assert!(cov.has(c), "DejaVu should have {c:?}");
        }
        assert_eq!(
            cov.missing("客户洞察 CRM"),
            ['客', '户', '洞', '察'].into_iter().collect()
        );
        assert!(cov.has(' ') && cov.has('\n'));
    }

    #[test]
    fn rejects_non_fonts() {
        assert_eq!(Coverage::parse(b"not a font at all"), None);
        assert_eq!(Coverage::parse(&[]), None);
        assert!(register_user(b"\0\x01\0\0garbage").is_err());
    }

    #[test]
    fn a_user_font_is_registered_once() {
        let bold = dejavu::sans_condensed::regular();
        let (a, cov) = register_user(bold).unwrap();
        let (b, _) = register_user(bold).unwrap();
        assert_eq!(a, b);
        assert!(cov.has('A'));
    }
}

//! How names, numbers and lists are written in messages, and the "did you mean" search.

/// A name as it appears in a field path: `"Lead scoring"`, quotes and backslashes escaped.
pub(crate) fn quoted(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('"');
    for c in name.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let w = word.to_lowercase();
    let len = w.chars().count();
    let max_distance = match len {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let mut best: Option<(f64, usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let cl = c.to_lowercase();
        if cl == w {
            return Some(c.to_string());
        }
        let d = strsim::levenshtein(&w, &cl);
        let jw = strsim::jaro_winkler(&w, &cl);
        let close = (d <= max_distance && d < len) || jw >= 0.9;
        if !close {
            continue;
        }
        let better = match best {
            None => true,
            Some((bjw, bd, _)) => jw > bjw || (jw == bjw && d < bd),
        };
        if better {
            best = Some((jw, d, c));
        }
    }
    best.map(|(_, _, c)| c.to_string())
}

/// `a, b and c`.
pub(crate) fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// A number as a person would write it: `0.05`, `700000`, `1e15`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e15 || x.abs() < 1e-6 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

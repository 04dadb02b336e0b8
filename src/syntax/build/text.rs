//! Text-level helpers of the tree builder: decimal literals, string
//! escapes, and where a span's writing really ends.

/// "12.50" → (1250, 100): an exact fraction, never a float.
pub fn decimal(text: &str) -> Option<(i128, i128)> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.len() + frac.len() > 30 {
        return None;
    }
    let digits = format!("{int}{frac}");
    let num: i128 = digits.parse().ok()?;
    let den = 10i128.checked_pow(frac.len() as u32)?;
    Some((num, den))
}

pub(super) fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The length of `text` without trailing blanks and `//` comments.
pub(super) fn written_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_at(&text[line_start..end]) {
            Some(c) if line_start + c > 0 => end = text[..line_start + c].trim_end().len(),
            _ => return end,
        }
    }
}

/// Where a `//` comment starts on a line, outside quoted text.
fn comment_at(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'/' if !quoted && b.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::written_len;

    #[test]
    fn spans_end_where_the_writing_ends() {
        assert_eq!(written_len("High // điểm\n\n  "), 4);
        assert_eq!(written_len("a and\n  b // x\n // y\n"), 9);
        assert_eq!(written_len("\"a // b\" "), 8);
        assert_eq!(written_len("x"), 1);
    }
}

//! A nesting pre-scan run before pest. pest descends recursively and has no
//! depth limit, so a few thousand nested brackets would overflow the stack;
//! this loop finds the first bracket past the limit without recursion.

/// Brackets of any kind may nest at most this deep.
pub const MAX_NESTING: usize = 64;

/// The byte offset of the first opening bracket that nests deeper than
/// [`MAX_NESTING`], ignoring strings and comments.
pub fn too_deep_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_bracket_past_the_limit() {
        let text = "(".repeat(100_000);
        assert_eq!(too_deep_at(&text), Some(MAX_NESTING));
        assert_eq!(too_deep_at(&"(".repeat(MAX_NESTING)), None);
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        let text = format!("\"{}\" // {}\n", "(".repeat(200), "[".repeat(200));
        assert_eq!(too_deep_at(&text), None);
    }
}

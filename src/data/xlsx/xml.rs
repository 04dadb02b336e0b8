//! The XML of a workbook's parts, read token by token over bytes.
//!
//! Small on purpose: the parts of an .xlsx are machine-written XML with
//! no document type, so a reader needs elements, attributes, text,
//! character references and CDATA, and nothing else. A document type is
//! refused (it never occurs in a workbook and is how entity bombs
//! arrive). Tokens borrow from the buffer; a token that the buffer ends
//! inside is not returned, so a caller reading a part in chunks keeps the
//! unread tail and reads on once more bytes have come.

use memchr::{memchr, memchr3, memmem};

/// One piece of a document.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `<name attrs>`, or `<name attrs/>` when `empty`.
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
    /// Text between tags, references not yet decoded.
    Text(&'a [u8]),
    /// The inside of `<![CDATA[ … ]]>`, taken literally.
    CData(&'a [u8]),
}

/// The next token of `buf` from `*pos`, moving `*pos` past it; `None`
/// when the rest of the buffer holds no whole token (comments and
/// processing instructions are passed over).
pub fn next_token<'a>(buf: &'a [u8], pos: &mut usize) -> Result<Option<Token<'a>>, String> {
    loop {
        let rest = &buf[*pos..];
        let Some(&first) = rest.first() else {
            return Ok(None);
        };
        if first != b'<' {
            let Some(n) = memchr(b'<', rest) else {
                return Ok(None);
            };
            *pos += n;
            return Ok(Some(Token::Text(&rest[..n])));
        }
        let Some(&second) = rest.get(1) else {
            return Ok(None);
        };
        let (token, used) = match second {
            b'/' => {
                let Some(n) = memchr(b'>', rest) else {
                    return Ok(None);
                };
                let name = trim_end(&rest[2..n]);
                (Some(Token::End { name }), n + 1)
            }
            b'?' => match memmem::find(rest, b"?>") {
                Some(n) => (None, n + 2),
                None => return Ok(None),
            },
            b'!' => match markup(rest)? {
                Some(found) => found,
                None => return Ok(None),
            },
            _ => match start_tag(rest) {
                Some(found) => found,
                None => return Ok(None),
            },
        };
        *pos += used;
        if let Some(token) = token {
            return Ok(Some(token));
        }
    }
}

/// `<!-- … -->` (passed over), `<![CDATA[ … ]]>`, or a refused
/// `<!DOCTYPE`; `None` when the buffer ends inside it.
fn markup(rest: &[u8]) -> Result<Option<(Option<Token<'_>>, usize)>, String> {
    const COMMENT: &[u8] = b"<!--";
    const CDATA: &[u8] = b"<![CDATA[";
    if rest.len() < CDATA.len() && (CDATA.starts_with(rest) || COMMENT.starts_with(rest)) {
        return Ok(None);
    }
    if rest.starts_with(COMMENT) {
        return Ok(
            memmem::find(&rest[COMMENT.len()..], b"-->").map(|n| (None, COMMENT.len() + n + 3))
        );
    }
    if rest.starts_with(CDATA) {
        let body = &rest[CDATA.len()..];
        return Ok(memmem::find(body, b"]]>")
            .map(|n| (Some(Token::CData(&body[..n])), CDATA.len() + n + 3)));
    }
    Err("the XML declares a document type, which a workbook never does".into())
}

/// `<name attrs>` or `<name attrs/>`: the `>` that ends it is the first
/// outside quoted attribute values.
fn start_tag(rest: &[u8]) -> Option<(Option<Token<'_>>, usize)> {
    let mut at = 1;
    let gt = loop {
        let n = memchr3(b'>', b'"', b'\'', &rest[at..])? + at;
        if rest[n] == b'>' {
            break n;
        }
        at = memchr(rest[n], &rest[n + 1..])? + n + 2;
    };
    let inner = &rest[1..gt];
    let (inner, empty) = match inner.strip_suffix(b"/") {
        Some(i) => (i, true),
        None => (inner, false),
    };
    let name_end = inner
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let token = Token::Start {
        name: &inner[..name_end],
        attrs: &inner[name_end..],
        empty,
    };
    Some((Some(token), gt + 1))
}

fn trim_end(name: &[u8]) -> &[u8] {
    let keep = name
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |n| n + 1);
    &name[..keep]
}

/// A name without its namespace prefix: `x:row` is `row`.
pub fn local(name: &[u8]) -> &[u8] {
    match memchr(b':', name) {
        Some(n) => &name[n + 1..],
        None => name,
    }
}

/// Calls `each(name, raw value)` for every attribute of a start tag.
pub fn each_attr<'a>(
    mut attrs: &'a [u8],
    mut each: impl FnMut(&'a [u8], &'a [u8]),
) -> Result<(), String> {
    let malformed = || "an element's attributes are not well-formed XML".to_string();
    loop {
        let skip = attrs
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(attrs.len());
        attrs = &attrs[skip..];
        if attrs.is_empty() {
            return Ok(());
        }
        let eq = memchr(b'=', attrs).ok_or_else(malformed)?;
        let name = trim_end(&attrs[..eq]);
        let after = &attrs[eq + 1..];
        let lead = after
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .ok_or_else(malformed)?;
        let quote = after[lead];
        if quote != b'"' && quote != b'\'' {
            return Err(malformed());
        }
        let body = &after[lead + 1..];
        let close = memchr(quote, body).ok_or_else(malformed)?;
        each(name, &body[..close]);
        attrs = &body[close + 1..];
    }
}

/// The value of attribute `want` (its full name, prefix included).
pub fn attr<'a>(attrs: &'a [u8], want: &[u8]) -> Result<Option<&'a [u8]>, String> {
    let mut found = None;
    each_attr(attrs, |name, value| {
        if name == want && found.is_none() {
            found = Some(value);
        }
    })?;
    Ok(found)
}

/// Appends text or an attribute value to `out`, its references
/// (`&amp;`, `&#7897;`, `&#x1EA1;`) decoded.
pub fn push_text(raw: &[u8], out: &mut String) -> Result<(), String> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| "the XML holds bytes that are not UTF-8".to_string())?;
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        push_lines(&rest[..amp], out);
        let after = &rest[amp + 1..];
        let semi = after
            .find(';')
            .filter(|&n| n <= 10)
            .ok_or_else(|| "the XML has a stray '&'".to_string())?;
        out.push(reference(&after[..semi])?);
        rest = &after[semi + 1..];
    }
    push_lines(rest, out);
    Ok(())
}

/// Literal text with its line ends as XML reads them: `\r\n` and a lone
/// `\r` are `\n` (a `&#13;` reference is a real `\r`, and stays).
fn push_lines(text: &str, out: &mut String) {
    if !text.contains('\r') {
        out.push_str(text);
        return;
    }
    out.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
}

fn reference(name: &str) -> Result<char, String> {
    let code = match name {
        "amp" => return Ok('&'),
        "lt" => return Ok('<'),
        "gt" => return Ok('>'),
        "quot" => return Ok('"'),
        "apos" => return Ok('\''),
        _ => match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
        },
    };
    code.and_then(char::from_u32)
        .ok_or_else(|| format!("the XML refers to an unknown character \"&{name};\""))
}

/// Excel's own escape inside text, `_xHHHH_` for a UTF-16 unit (a line
/// break typed in a cell is `_x000D_`, an underscore before `x` is
/// `_x005F_`), decoded; a lone surrogate becomes U+FFFD.
pub fn unescape_units(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("_x") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let Some(unit) = unit_at(&rest[at..]) else {
            out.push_str("_x");
            rest = &rest[at + 2..];
            continue;
        };
        rest = &rest[at + 7..];
        let c = match unit {
            0xD800..=0xDBFF => match unit_at(rest) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    rest = &rest[7..];
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => None,
            },
            _ => char::from_u32(unit),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out.push_str(rest);
    out.into()
}

/// The unit of a `_xHHHH_` at the start of `s`.
fn unit_at(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < 7 || &b[..2] != b"_x" || b[6] != b'_' {
        return None;
    }
    let hex = std::str::from_utf8(&b[2..6]).ok()?;
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Vec<Token<'_>> {
        let mut pos = 0;
        let mut out = Vec::new();
        while let Some(t) = next_token(xml.as_bytes(), &mut pos).unwrap() {
            out.push(t);
        }
        out
    }

    #[test]
    fn elements_text_and_cdata() {
        let t = tokens(
            "<?xml v?><!-- c --><x:c r=\"A1\" t='s>'><v>1&amp;2</v></x:c><e/><![CDATA[<a>]]>tail",
        );
        assert_eq!(
            t[0],
            Token::Start {
                name: b"x:c",
                attrs: b" r=\"A1\" t='s>'",
                empty: false
            }
        );
        assert_eq!(t[2], Token::Text(b"1&amp;2"));
        assert_eq!(t[4], Token::End { name: b"x:c" });
        assert_eq!(
            t[5],
            Token::Start {
                name: b"e",
                attrs: b"",
                empty: true
            }
        );
        assert_eq!(t[6], Token::CData(b"<a>"));
        // The tail has no `<` after it yet: not a whole token.
        assert_eq!(t.len(), 7);
    }

    #[test]
    fn a_token_cut_by_the_buffer_is_left_for_later() {
        for cut in ["<c r=\"A", "<!-", "<![CDA", "<?xml", "</ro", "<"] {
            let mut pos = 0;
            assert_eq!(next_token(cut.as_bytes(), &mut pos).unwrap(), None, "{cut}");
            assert_eq!(pos, 0);
        }
        let mut pos = 0;
        assert!(next_token(b"<!DOCTYPE x [<!ENTITY a 'b'>]>", &mut pos).is_err());
    }

    #[test]
    fn attributes_and_references() {
        let mut seen = Vec::new();
        each_attr(b" r=\"A1\"  s = '3' t=\"s\"", |n, v| seen.push((n, v))).unwrap();
        assert_eq!(seen, [(&b"r"[..], &b"A1"[..]), (b"s", b"3"), (b"t", b"s")]);
        assert_eq!(
            attr(b" r:id=\"rId2\"", b"r:id").unwrap(),
            Some(&b"rId2"[..])
        );
        assert!(attr(b" r=A1", b"r").is_err());
        let mut out = String::new();
        push_text(b"Ng&#432;&#x1EDD;i &lt;1&gt; &quot;&apos;&amp;", &mut out).unwrap();
        assert_eq!(out, "Người <1> \"'&");
        let mut out = String::new();
        push_text(b"a\r\nb\rc&#13;", &mut out).unwrap();
        assert_eq!(out, "a\nb\nc\r");
        assert!(push_text(b"a & b", &mut String::new()).is_err());
        assert!(push_text(b"&#xD800;", &mut String::new()).is_err());
        assert_eq!(
            unescape_units("a_x000D_b_x005F_x_xD83D__xDE00_"),
            "a\rb_x😀"
        );
        assert_eq!(unescape_units("_xZZ_ _x12"), "_xZZ_ _x12");
    }
}

//! What a sheet's cells refer to: the workbook's shared texts (a text
//! cell holds only an index into them) and its cell formats (a number
//! cell holds only an index into them, the format says date or
//! percentage).

use std::collections::HashMap;

use super::super::cell::NumberKind;
use super::super::grid::unreadable_reason as damaged;
use super::package::{stream, Step};
use super::xml::{attr, local, next_token, push_text, unescape_units, Token};
use crate::source::nfc_cow;

/// The shared texts, trimmed and NFC, in one buffer.
#[derive(Default)]
pub struct SharedTexts {
    text: String,
    ends: Vec<usize>,
}

impl SharedTexts {
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    /// Reads the shared-strings part `name` of `bytes`, holding at most
    /// `limit` bytes of text.
    pub fn read(bytes: &[u8], name: &str, limit: usize) -> Result<SharedTexts, String> {
        let mut reader = TextsReader::default();
        stream(bytes, name, limit as u64 * 4, |buf, last| {
            reader.feed(buf, last, (limit, MAX_SHARED_TEXTS))
        })?;
        Ok(reader.texts)
    }
}

/// Where the reader of the shared texts is: inside an `<si>`, a `<t>` of
/// it, a phonetic run (`<rPh>`, the reading of East Asian text, not part
/// of it).
#[derive(Default)]
struct TextsReader {
    texts: SharedTexts,
    item: Option<String>,
    run: Option<(String, bool)>,
    phonetic: usize,
}

impl TextsReader {
    /// `limits`: the most text bytes and items kept.
    fn feed(&mut self, buf: &[u8], last: bool, limits: (usize, usize)) -> Result<Step, String> {
        let (limit, items) = limits;
        let mut pos = 0;
        while let Some(token) = next_token(buf, &mut pos).map_err(|e| damaged(&e))? {
            self.take(token).map_err(|e| damaged(&e))?;
            if self.texts.text.len() > limit || self.texts.ends.len() > items {
                return Err(format!(
                    "its shared texts hold more than {} MB or {items} items, more than any members list",
                    limit >> 20
                ));
            }
        }
        if last && buf[pos..].iter().any(|b| !b.is_ascii_whitespace()) {
            return Err(damaged("its shared texts end in the middle"));
        }
        Ok(Step::Used(pos))
    }

    fn take(&mut self, token: Token) -> Result<(), String> {
        match token {
            Token::Start { name, attrs, empty } => match local(name) {
                b"si" if empty => self.push(""),
                b"si" => self.item = Some(String::new()),
                b"rPh" if !empty => self.phonetic += 1,
                b"t" if self.phonetic == 0 && !empty => {
                    let keep = attr(attrs, b"xml:space")? == Some(b"preserve");
                    self.run = Some((String::new(), keep));
                }
                _ => {}
            },
            Token::Text(raw) => {
                if let Some((run, _)) = &mut self.run {
                    push_text(raw, run)?;
                }
            }
            Token::CData(raw) => {
                if let Some((run, _)) = &mut self.run {
                    run.push_str(
                        std::str::from_utf8(raw)
                            .map_err(|_| "the XML holds bytes that are not UTF-8".to_string())?,
                    );
                }
            }
            Token::End { name } => match local(name) {
                b"t" => {
                    if let (Some((run, keep)), Some(item)) = (self.run.take(), &mut self.item) {
                        let run = if keep {
                            &run
                        } else {
                            run.trim_matches(XML_SPACE)
                        };
                        item.push_str(&unescape_units(run));
                    }
                }
                b"rPh" => self.phonetic = self.phonetic.saturating_sub(1),
                b"si" => {
                    let item = self.item.take().unwrap_or_default();
                    self.push(&item);
                }
                _ => {}
            },
        }
        Ok(())
    }

    fn push(&mut self, item: &str) {
        self.texts.text.push_str(&nfc_cow(item.trim()));
        self.texts.ends.push(self.texts.text.len());
    }
}

pub(super) const XML_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// The most shared texts kept: a sheet as large as Excel allows holds
/// about a million rows of a few unique texts each, and 60 million empty
/// `<si/>` fit in half a megabyte of zip.
const MAX_SHARED_TEXTS: usize = 1 << 24;

/// What each cell format (`s="3"` of a cell, an index into `cellXfs`)
/// makes of a number, from the styles part.
pub fn number_kinds(xml: &[u8]) -> Result<Vec<NumberKind>, String> {
    let mut custom: HashMap<u32, NumberKind> = HashMap::new();
    let mut formats: Vec<u32> = Vec::new();
    let (mut in_number_formats, mut in_cell_formats) = (false, false);
    let mut pos = 0;
    let number = |raw: Option<&[u8]>| -> u32 {
        raw.and_then(|r| std::str::from_utf8(r).ok())
            .and_then(|r| r.trim().parse().ok())
            .unwrap_or(0)
    };
    while let Some(token) = next_token(xml, &mut pos)? {
        match token {
            Token::Start { name, attrs, empty } => match local(name) {
                // Conditional formats (`<dxfs>`) have number formats of
                // their own, reusing ids: only `<numFmts>` names the cells'.
                b"numFmts" => in_number_formats = !empty,
                b"numFmt" if in_number_formats => {
                    let mut code = String::new();
                    push_text(attr(attrs, b"formatCode")?.unwrap_or_default(), &mut code)?;
                    let id = number(attr(attrs, b"numFmtId")?);
                    custom.insert(id, NumberKind::of_code(&code));
                }
                b"cellXfs" => in_cell_formats = !empty,
                b"xf" if in_cell_formats => formats.push(number(attr(attrs, b"numFmtId")?)),
                _ => {}
            },
            Token::End { name } if local(name) == b"cellXfs" => in_cell_formats = false,
            Token::End { name } if local(name) == b"numFmts" => in_number_formats = false,
            _ => {}
        }
    }
    Ok(formats
        .into_iter()
        .map(|id| {
            custom
                .get(&id)
                .copied()
                .unwrap_or_else(|| NumberKind::of_builtin(id))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_give_each_cell_format_its_kind() {
        let xml = br#"<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0&quot;%&quot;"/></numFmts><cellStyleXfs><xf numFmtId="9"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="10"><alignment/></xf><xf numFmtId="165"/></cellXfs></styleSheet>"#;
        use NumberKind::*;
        assert_eq!(number_kinds(xml).unwrap(), [Plain, Date, Percent, Plain]);
    }

    #[test]
    fn shared_texts_join_runs_and_leave_out_readings() {
        let xml = "<sst><si><t>Nguyễn Văn A</t></si><si/><si><r><t>Chi </t></r><r><t xml:space=\"preserve\"> bộ_x000D_</t></r><rPh><t>x</t></rPh></si><si><t>a &amp; b</t></si></sst>";
        let mut reader = TextsReader::default();
        // Fed in two pieces cut inside a tag: the tail comes again.
        let cut = 37;
        let Step::Used(n) = reader
            .feed(&xml.as_bytes()[..cut], false, (1000, 10))
            .unwrap()
        else {
            panic!()
        };
        let rest = [&xml.as_bytes()[n..cut], &xml.as_bytes()[cut..]].concat();
        reader.feed(&rest, true, (1000, 10)).unwrap();
        let t = &reader.texts;
        assert_eq!(t.get(0), Some("Nguyễn Văn A"));
        assert_eq!(t.get(1), Some(""));
        assert_eq!(t.get(2), Some("Chi bộ"));
        assert_eq!(t.get(3), Some("a & b"));
        assert_eq!(t.get(4), None);
        // Many empty items cost no text, and are bounded all the same.
        let mut reader = TextsReader::default();
        let err = reader
            .feed(&b"<si/>".repeat(11), true, (1000, 10))
            .err()
            .unwrap();
        assert!(err.contains("or 10 items"), "{err}");
    }
}

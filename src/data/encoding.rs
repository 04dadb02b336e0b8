//! The text encodings and separators Excel writes, turned into UTF-8 with
//! commas' place known, and said aloud when it is not the plain case.
//!
//! "CSV UTF-8" is what we ask for, but an office PC saves "CSV" in the
//! Windows code page (Windows-1258 for Vietnamese), "Unicode Text" in
//! UTF-16 with tabs, and uses `;` wherever the decimal mark is a comma.
//! Each is read as what it is, with a warning that names it, so the user
//! knows what was assumed. Line breaks survive decoding, so the lines a
//! problem is reported on are the file's own.

/// How a delimited file was written, when it is not plain UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Not UTF-8: read as the Vietnamese Windows code page.
    Windows1258,
}

impl Encoding {
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 LE (\"Unicode Text\")",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Windows1258 => "Windows-1258 (the Vietnamese Windows code page)",
        }
    }
}

/// Why the bytes could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecodable {
    /// Many NUL bytes but no byte order mark: UTF-16 of unknown order.
    Utf16WithoutMark,
    /// UTF-16 with a byte order mark, but not well formed (a byte
    /// missing, half a character): decoding would invent characters.
    Utf16Damaged,
}

/// The text of `bytes` as UTF-8, without a byte order mark, and the
/// encoding it was found in.
pub fn decode(bytes: Vec<u8>) -> Result<(Vec<u8>, Encoding), Undecodable> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok((rest.to_vec(), Encoding::Utf8));
    }
    let utf16 = [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, Encoding::Utf16Le),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, Encoding::Utf16Be),
    ];
    for (mark, codec, which) in utf16 {
        if let Some(rest) = bytes.strip_prefix(mark) {
            let (text, damaged) = codec.decode_without_bom_handling(rest);
            if damaged {
                return Err(Undecodable::Utf16Damaged);
            }
            return Ok((text.into_owned().into_bytes(), which));
        }
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.iter().filter(|&&b| b == 0).count() * 4 > head.len() {
        return Err(Undecodable::Utf16WithoutMark);
    }
    if std::str::from_utf8(&bytes).is_ok() || mostly_utf8(&bytes) {
        // UTF-8, or UTF-8 with a few damaged bytes that the cells holding
        // them will report: decoding it all in a code page would turn
        // every correct letter into the wrong one.
        return Ok((bytes, Encoding::Utf8));
    }
    let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(&bytes);
    Ok((text.into_owned().into_bytes(), Encoding::Windows1258))
}

/// More well-formed multi-byte UTF-8 letters than broken sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    good > bad
}

/// The separator of a delimited file, from its first line: the one of
/// `,` `;` tab found most often outside quotes (a comma on a tie).
pub fn separator(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// The separator in words, for the warning.
pub fn separator_name(separator: u8) -> &'static str {
    match separator {
        b';' => "semicolons (;)",
        b'\t' => "tabs",
        _ => "commas",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_mark_is_decoded() {
        let text = "Mã\tTên\r\n1\tAn\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(
            decode(le),
            Ok((text.as_bytes().to_vec(), Encoding::Utf16Le))
        );
        assert_eq!(
            decode(be),
            Ok((text.as_bytes().to_vec(), Encoding::Utf16Be))
        );
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(bare), Err(Undecodable::Utf16WithoutMark));
    }

    #[test]
    fn the_windows_code_page_is_read_when_the_text_is_not_utf8() {
        // "Mã tổ chức" as Excel writes it in Windows-1258: base letters
        // with combining tone marks.
        let bytes = b"M\x61\xDE t\xF4\xD2 ch\xFD\xEC\x63".to_vec();
        let (text, enc) = decode(bytes).unwrap();
        assert_eq!(enc, Encoding::Windows1258);
        let text = String::from_utf8(text).unwrap();
        assert_eq!(crate::source::nfc(&text), "Mã tổ chức");
    }

    #[test]
    fn utf8_with_one_damaged_byte_stays_utf8() {
        let mut bytes = "Mã tổ chức,Tên\nA,Nguyễn\n".as_bytes().to_vec();
        bytes.extend(b"B,\xFF\n");
        assert_eq!(decode(bytes).unwrap().1, Encoding::Utf8);
    }

    #[test]
    fn the_separator_is_the_commonest_outside_quotes() {
        assert_eq!(separator(b"a;b;\"c,d,e\"\n1,2,3,4"), b';');
        assert_eq!(separator(b"a\tb\tc\n"), b'\t');
        assert_eq!(separator(b"a,b;c\n"), b',');
        assert_eq!(separator(b"only\n"), b',');
    }
}

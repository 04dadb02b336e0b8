//! The parts of an .xlsx package: a zip archive whose relationship files
//! say where the workbook, its sheets, its styles and its shared texts
//! are. Large parts are inflated on a second thread in chunks, so a sheet
//! of a million rows is never held as XML, and reading it overlaps with
//! inflating it.

use std::io::{Cursor, Read};
use std::sync::mpsc;

use zip::ZipArchive;

use super::super::grid::unreadable_reason;
use super::xml::{attr, each_attr, local, next_token, push_text, Token};

/// Bytes inflated at a time for a large part.
const CHUNK: usize = 1 << 20;
/// The most a small part (relationships, workbook, styles) may inflate to.
const MAX_SMALL_PART: u64 = 64 << 20;
/// The longest token kept waiting for its end: Excel writes no cell text
/// over 32,767 characters, so a longer one is damage, not memory to give.
const MAX_TOKEN: usize = 16 << 20;

/// A part of the package, found by its name whatever the case or slashes
/// its writer used.
pub struct Parts<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Parts<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Parts<'a>, String> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        Ok(Parts { zip })
    }

    /// The archive's own name for part `want`, if it has it.
    pub fn find(&self, want: &str) -> Option<String> {
        let want = want.trim_start_matches('/');
        let same = |n: &str| n.replace('\\', "/").eq_ignore_ascii_case(want);
        let names = || self.zip.file_names().filter_map(Result::ok);
        names()
            .find(|n| n == want)
            .or_else(|| names().find(|n| same(n)))
            .map(|n| n.into_owned())
    }

    /// The whole of a small part, or `None` when the package lacks it.
    pub fn small(&mut self, want: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(name) = self.find(want) else {
            return Ok(None);
        };
        let file = self.zip.by_name(&name).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        file.take(MAX_SMALL_PART + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{name}: {e}"))?;
        if out.len() as u64 > MAX_SMALL_PART {
            return Err(format!("its part {name} is larger than any workbook's"));
        }
        Ok(Some(out))
    }
}

/// What a reader of a part in chunks does with the bytes it was given.
pub enum Step {
    /// Used this many bytes; the rest comes again with the next chunk.
    Used(usize),
    /// Needs no more of the part.
    Done,
}

/// Reads part `name` (as the archive names it) in chunks inflated on a
/// second thread: `feed` gets the unused tail of the bytes before and the
/// next chunk, and whether the part ends there. More than `limit` bytes
/// inflated is an error, never memory held.
pub fn stream(
    bytes: &[u8],
    name: &str,
    limit: u64,
    mut feed: impl FnMut(&[u8], bool) -> Result<Step, String>,
) -> Result<(), String> {
    std::thread::scope(|scope| {
        let (chunks, received) = mpsc::sync_channel(4);
        scope.spawn(move || {
            // A zip crafted to make the inflater panic is a damaged file.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                inflate(bytes, name, limit, &chunks)
            }));
            let read = read
                .unwrap_or_else(|_| Err(Inflate::Damaged(format!("{name}: cannot be unpacked"))));
            if let Err(e) = read {
                // Only the size limit is not damage.
                let e = match e {
                    Inflate::TooLarge(e) => e,
                    Inflate::Damaged(e) => unreadable_reason(&e),
                };
                let _ = chunks.send(Err(e));
            }
        });
        let mut pending: Vec<u8> = Vec::new();
        loop {
            // The sender is gone once the part is read whole.
            let next = received.recv();
            let last = next.is_err();
            if let Ok(chunk) = next {
                let chunk: Vec<u8> = chunk?;
                if pending.is_empty() {
                    pending = chunk;
                } else {
                    pending.extend_from_slice(&chunk);
                }
            }
            match feed(&pending, last)? {
                Step::Done => return Ok(()),
                Step::Used(n) => drop(pending.drain(..n)),
            }
            if pending.len() > MAX_TOKEN {
                return Err(unreadable_reason(&format!(
                    "{name} has an element longer than {} MB",
                    MAX_TOKEN >> 20
                )));
            }
            if last {
                return Ok(());
            }
        }
    })
}

enum Inflate {
    Damaged(String),
    TooLarge(String),
}

/// The inflating side of `stream`; stops when the reader stops listening.
fn inflate(
    bytes: &[u8],
    name: &str,
    limit: u64,
    chunks: &mpsc::SyncSender<Result<Vec<u8>, String>>,
) -> Result<(), Inflate> {
    let damaged = |e: &dyn std::fmt::Display| Inflate::Damaged(format!("{name}: {e}"));
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut file = zip.by_name(name).map_err(|e| damaged(&e))?;
    let mut total = 0u64;
    loop {
        let mut chunk = vec![0; CHUNK];
        let mut filled = 0;
        while filled < CHUNK {
            match file.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(damaged(&e)),
            }
        }
        if filled == 0 {
            return Ok(());
        }
        total += filled as u64;
        if total > limit {
            return Err(Inflate::TooLarge(format!(
                "its part {name} unpacks to more than {} MB, more than any members list; copy the list into a new workbook and save that",
                limit >> 20
            )));
        }
        chunk.truncate(filled);
        if chunks.send(Ok(chunk)).is_err() {
            return Ok(());
        }
    }
}

/// A package relationship: its type's last word (`worksheet`, `styles`,
/// `sharedStrings`, `officeDocument`, …) and the part it points at.
pub struct Relationship {
    pub id: String,
    pub kind: String,
    pub target: String,
}

/// The relationships in the `.rels` part of `part` (`""` for the
/// package's own), targets resolved against the part's folder.
pub fn relationships(parts: &mut Parts, part: &str) -> Result<Vec<Relationship>, String> {
    let (folder, file) = match part.rfind('/') {
        Some(n) => (&part[..n + 1], &part[n + 1..]),
        None => ("", part),
    };
    let Some(xml) = parts.small(&format!("{folder}_rels/{file}.rels"))? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(token) = next_token(&xml, &mut pos)? {
        let Token::Start { name, attrs, .. } = token else {
            continue;
        };
        if local(name) != b"Relationship" || attr(attrs, b"TargetMode")? == Some(b"External") {
            continue;
        }
        let text = |key: &[u8]| -> Result<String, String> {
            let mut s = String::new();
            push_text(attr(attrs, key)?.unwrap_or_default(), &mut s)?;
            Ok(s)
        };
        let kind = text(b"Type")?;
        out.push(Relationship {
            id: text(b"Id")?,
            kind: kind.rsplit('/').next().unwrap_or("").to_string(),
            target: resolve(folder, &text(b"Target")?),
        });
    }
    Ok(out)
}

/// `target` as a path in the archive: absolute (`/xl/…`) or relative to
/// `folder`, with `.` and `..` taken out.
fn resolve(folder: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{folder}{target}"),
    };
    let mut path: Vec<&str> = Vec::new();
    for piece in joined.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            p => path.push(p),
        }
    }
    path.join("/")
}

/// The workbook part's sheets (name and relationship id) and whether its
/// dates count from 1904.
pub fn sheets_of(xml: &[u8]) -> Result<(Vec<(String, String)>, bool), String> {
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut pos = 0;
    while let Some(token) = next_token(xml, &mut pos)? {
        let Token::Start { name, attrs, .. } = token else {
            continue;
        };
        match local(name) {
            // Excel 2013 and later add an `x15:workbookPr` without the
            // attribute after the real one: only the attribute counts.
            b"workbookPr" => {
                if let Some(v) = attr(attrs, b"date1904")? {
                    is_1904 = matches!(v, b"1" | b"true");
                }
            }
            b"sheet" => {
                let (mut sheet, mut id) = (String::new(), String::new());
                let mut bad = Ok(());
                each_attr(attrs, |key, value| {
                    let into = match key {
                        b"name" => &mut sheet,
                        k if k.ends_with(b":id") => &mut id,
                        _ => return,
                    };
                    if let Err(e) = push_text(value, into) {
                        bad = Err(e);
                    }
                })?;
                bad?;
                sheets.push((crate::source::nfc_cow(&sheet).into_owned(), id));
            }
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

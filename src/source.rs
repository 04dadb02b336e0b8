//! Source files and byte spans. Every AST node carries a [`Span`]: a file id
//! and a byte range. miette computes lines and columns when it renders.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }
    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Span> for SourceSpan {
    fn from(s: Span) -> Self {
        SourceSpan::new((s.start as usize).into(), (s.end - s.start) as usize)
    }
}

/// A value with the span it was written at. Equality ignores the span, so
/// tests can compare trees built from different texts.
#[derive(Debug, Clone, Default)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// One loaded source text (NFC-normalised).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The name shown in diagnostics (the path as the user gave it).
    pub name: String,
    pub text: Arc<str>,
}

/// Every source file read while loading a rules file and what it extends.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a text as every stage will read it: line ends made `\n` (a
    /// lone `\r` would otherwise end a line for one reader and not for
    /// another) and NFC-normalised. All rules text enters here.
    pub fn add(&mut self, path: &Path, name: String, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        let text = match unix_line_ends(&text) {
            std::borrow::Cow::Borrowed(_) => nfc(&text),
            std::borrow::Cow::Owned(t) => nfc(&t),
        };
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            name,
            text: text.into(),
        });
        id
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
    /// The paths of the files read (so that no output lands on one).
    pub fn paths(&self) -> Vec<std::path::PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }
    /// The source of a file in the form miette diagnostics carry.
    pub fn named(&self, id: FileId) -> NamedSource<Arc<str>> {
        let f = self.get(id);
        NamedSource::new(f.name.clone(), f.text.clone())
    }
    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }
}

/// NFC-normalises text: Vietnamese can be typed with composed or combining
/// marks, and names must compare equal either way.
pub fn nfc(text: &str) -> String {
    nfc_cow(text).into_owned()
}

/// [`nfc`] without a copy when the text is already normalised (almost
/// always: this runs on every cell of a dataset).
pub fn nfc_cow(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfc().collect()),
    }
}

/// `\r\n` and a lone `\r` become `\n`; no copy when there is no `\r`.
pub fn unix_line_ends(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// `to` written relative to the folder `from`, for `extends`.
pub fn relative_path(from_dir: &Path, to: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    // Absolute and free of `..`, whether or not the path exists yet.
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        };
        std::fs::canonicalize(&p).unwrap_or_else(|_| normalise(&p))
    };
    let (from, to) = (abs(from_dir), abs(to));
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// `rules/bac-giang/../2021.rules` → `rules/2021.rules`, without touching
/// the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/c/d.rules")),
            PathBuf::from("../c/d.rules")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/d.rules")),
            PathBuf::from("d.rules")
        );
    }
}

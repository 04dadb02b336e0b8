//! Reads a rules file and, through `extends`, every file it builds on.

use std::path::{Path, PathBuf};

use miette::{Report, SourceSpan};

use super::error::CheckError;
use crate::source::{normalise, FileId, SourceMap};
use crate::syntax::{self, ast};

/// The files of an `extends` chain, base first.
pub(super) type Chain = Vec<(FileId, ast::File)>;

/// The state of one load: where files come from, where they go.
struct Loader<'a> {
    /// Texts already loaded (a session's), preferred to the disk.
    cache: Option<&'a SourceMap>,
    sources: &'a mut SourceMap,
    problems: &'a mut Vec<Report>,
    chain: Chain,
    /// The files being loaded, outermost first, to catch a circle.
    stack: Vec<(PathBuf, String)>,
}

/// Loads `path` and what it extends. `None` when a file could not be read
/// or parsed; the problems say why.
pub(super) fn load_chain(
    path: &Path,
    cache: Option<&SourceMap>,
    sources: &mut SourceMap,
    problems: &mut Vec<Report>,
) -> Option<Chain> {
    let bytes = match read(path, cache) {
        Ok(b) => b,
        Err(e) => {
            problems.push(miette::miette!(
                code = "xeploai::check::unreadable",
                help = "check the path; rules files end in .rules",
                "cannot read rules file {}: {}",
                path.display(),
                e.reason()
            ));
            return None;
        }
    };
    let mut loader = Loader {
        cache,
        sources,
        problems,
        chain: Vec::new(),
        stack: Vec::new(),
    };
    loader
        .file(path, display_name(path), bytes)
        .then_some(loader.chain)
}

/// Loads rules given as text (REPL input, tests); `extends` is resolved
/// against `dir`.
pub(super) fn load_text(
    name: &str,
    dir: &Path,
    text: &str,
    sources: &mut SourceMap,
    problems: &mut Vec<Report>,
) -> Option<Chain> {
    let mut loader = Loader {
        cache: None,
        sources,
        problems,
        chain: Vec::new(),
        stack: Vec::new(),
    };
    loader
        .file(&dir.join(name), name.to_string(), text.as_bytes().to_vec())
        .then_some(loader.chain)
}

/// Loads `base` and what it extends, then each layer on top in order, as
/// if each extended the one before: the REPL's changes, one per layer.
pub(super) fn load_layers(
    base: &Path,
    cache: Option<&SourceMap>,
    layers: &[(String, String)],
    sources: &mut SourceMap,
    problems: &mut Vec<Report>,
) -> Option<Chain> {
    let mut chain = load_chain(base, cache, sources, problems)?;
    let dir = base.parent().unwrap_or(Path::new("."));
    for (name, text) in layers {
        let id = sources.add(&dir.join(name), name.clone(), crate::source::nfc(text));
        match syntax::parse(sources, id) {
            Ok(file) => {
                if let Some(e) = file.decls.iter().find_map(|d| match d {
                    ast::Decl::Extends(p) => Some(p.span),
                    _ => None,
                }) {
                    problems.push(Report::new(CheckError::Misplaced {
                        what: "`extends` in a change".into(),
                        help: "a change already builds on the loaded rules; use `:load` to start from another file".into(),
                        src: sources.named(id),
                        span: e.into(),
                    }));
                    return None;
                }
                chain.push((id, file));
            }
            Err(e) => {
                problems.push(Report::new(*e));
                return None;
            }
        }
    }
    Some(chain)
}

/// A file's bytes: from `cache` when it holds the file (a session keeps
/// the text it loaded, whatever happens on disk), else from disk.
fn read(path: &Path, cache: Option<&SourceMap>) -> Result<Vec<u8>, crate::files::ReadError> {
    if let Some(f) = cache.and_then(|c| c.find(path).map(|id| c.get(id))) {
        return Ok(f.text.as_bytes().to_vec());
    }
    crate::files::read_regular(path, crate::files::MAX_RULES_BYTES, "rules file")
}

impl Loader<'_> {
    /// Parses one file, loads what it extends first, then adds it to the
    /// chain (so the chain runs base first).
    fn file(&mut self, path: &Path, name: String, bytes: Vec<u8>) -> bool {
        let text = match syntax::decode(&name, &bytes) {
            Ok(t) => t,
            Err(e) => {
                self.problems.push(Report::new(*e));
                return false;
            }
        };
        let id = self.sources.add(path, name, text);
        let file = match syntax::parse(self.sources, id) {
            Ok(f) => f,
            Err(e) => {
                self.problems.push(Report::new(*e));
                return false;
            }
        };
        self.stack
            .push((canonical(path), self.sources.get(id).name.clone()));
        let extends: Vec<_> = file
            .decls
            .iter()
            .filter_map(|d| {
                if let ast::Decl::Extends(p) = d {
                    Some(p.clone())
                } else {
                    None
                }
            })
            .collect();
        let mut ok = true;
        for (i, target) in extends.iter().enumerate() {
            ok &= self.extended(path, id, i, target);
        }
        self.stack.pop();
        self.chain.push((id, file));
        ok
    }

    /// Loads the file that `extends` names (only one may be named).
    fn extended(
        &mut self,
        path: &Path,
        id: FileId,
        index: usize,
        target: &crate::source::Spanned<String>,
    ) -> bool {
        let span = SourceSpan::from(target.span);
        if index > 0 {
            self.problems.push(Report::new(CheckError::Misplaced {
                what: "a rules file can extend only one other file".into(),
                help: "chain overlays instead: each file extends the one below it".into(),
                src: self.sources.named(id),
                span,
            }));
            return false;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let base = normalise(&dir.join(&target.node));
        if self.stack.iter().any(|(p, _)| *p == canonical(&base)) {
            let chain_names: Vec<String> = self
                .stack
                .iter()
                .map(|(_, name)| name.clone())
                .chain(std::iter::once(display_name(&base)))
                .collect();
            self.problems.push(Report::new(CheckError::ExtendsCycle {
                chain: chain_names.join(" → "),
                src: self.sources.named(id),
                span,
            }));
            return false;
        }
        match read(&base, self.cache) {
            Ok(bytes) => self.file(&base, display_name(&base), bytes),
            Err(e) => {
                self.problems.push(Report::new(CheckError::ExtendsNotFound {
                    path: base.display().to_string(),
                    reason: e.reason(),
                    src: self.sources.named(id),
                    span,
                }));
                false
            }
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalise(path))
}

fn display_name(path: &Path) -> String {
    normalise(path).display().to_string()
}

//! The little language of the bad-input catalogue. A case file sets up a
//! scratch folder, runs the real binary in it, and states what must hold:
//!
//! ```text
//! # What: one stray quote in members.csv          (the class, for the docs table)
//! # Gets: exit 1, the row named; later rows read  (what the user gets)
//! copy examples/yen-the-2021 data                 (from the repository)
//! line data/members.csv 7 DV00006,"Nguyễn Văn A,… (replace line 7)
//! run grade rules/2021.rules --data data          (paths relative to the scratch folder;
//! exit 1                                           rules/… and examples/… are copied on demand)
//! ```
//!
//! Other steps: `write PATH <<END` … `END` (text; `\xHH`, `\u{…}` and
//! `\\` escapes; `{N*TEXT}` repeats TEXT N times, here and in `run`),
//! `insert PATH N TEXT`, `delete PATH N`, `crlf PATH`, `cr PATH`, `shuffle
//! PATH SEED` (the rows after the header), `symlink TARGET LINK`, `fifo
//! PATH`, `mode PATH OCTAL`, `mode-is PATH OCTAL`, `run ARGS <<END` … `END` (lines on standard
//! input), `output PATH` (a file a run may write), `same A B` (two files
//! hold the same bytes), `bom PATH`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One step of a case.
#[derive(Debug, Clone)]
pub enum Step {
    Copy(String, String),
    Write(String, Vec<u8>),
    Line(String, usize, String),
    Insert(String, usize, String),
    Delete(String, usize),
    Crlf(String),
    Cr(String),
    Bom(String),
    Shuffle(String, u64),
    Symlink(String, String),
    Fifo(String),
    Mode(String, u32),
    /// The file has this mode (permission bits).
    ModeIs(String, u32),
    Run(Vec<String>, Option<Vec<u8>>),
    Exit(i32),
    Output(String),
    Same(String, String),
}

/// A parsed case file.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub what: String,
    pub gets: String,
    pub steps: Vec<Step>,
}

/// Expands `\xHH`, `\u{…}`, `\\` and `{N*TEXT}`.
pub fn expand(text: &str) -> Vec<u8> {
    let repeated = repeat_macros(text);
    let mut out = Vec::new();
    let mut chars = repeated.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("\\xHH"));
            }
            Some('u') => {
                let code: String = chars
                    .by_ref()
                    .skip_while(|&c| c == '{')
                    .take_while(|&c| c != '}')
                    .collect();
                let c = char::from_u32(u32::from_str_radix(&code, 16).expect("\\u{…}"))
                    .expect("a character");
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Some('\\') => out.push(b'\\'),
            Some(other) => panic!("unknown escape \\{other}"),
            None => out.push(b'\\'),
        }
    }
    out
}

fn repeat_macros(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        match inner.split_once('*') {
            Some((n, t)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                out.push_str(&rest[..start]);
                out.push_str(&t.repeat(n.parse().expect("count")));
            }
            _ => out.push_str(&rest[..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Splits a `run` line into arguments: blanks separate, `"…"` groups.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn parse(name: &str, text: &str) -> Case {
    let mut case = Case {
        name: name.to_string(),
        what: String::new(),
        gets: String::new(),
        steps: Vec::new(),
    };
    let mut lines = text.lines();
    let heredoc = |lines: &mut std::str::Lines, end: &str| -> Vec<u8> {
        let mut body = Vec::new();
        for l in lines.by_ref() {
            if l == end {
                return body;
            }
            body.extend(expand(l));
            body.push(b'\n');
        }
        panic!("{name}: no {end} line");
    };
    while let Some(line) = lines.next() {
        if let Some(w) = line.strip_prefix("# What: ") {
            case.what = w.trim().to_string();
            continue;
        }
        if let Some(g) = line.strip_prefix("# Gets: ") {
            case.gets = g.trim().to_string();
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (op, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (rest, doc_end) = match rest.rsplit_once(" <<") {
            Some((r, end)) if !end.is_empty() && end.chars().all(|c| c.is_ascii_uppercase()) => {
                (r, Some(end.to_string()))
            }
            _ => (rest, None),
        };
        let mut args = rest.splitn(3, ' ');
        let mut arg = || args.next().unwrap_or("").to_string();
        let step = match op {
            "copy" => {
                let src = arg();
                let dst = arg();
                let dst = if dst.is_empty() {
                    Path::new(&src)
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default()
                } else {
                    dst
                };
                Step::Copy(src, dst)
            }
            "write" => {
                let path = arg();
                let end = doc_end.clone().expect("write PATH <<END");
                Step::Write(path, heredoc(&mut lines, &end))
            }
            "line" | "insert" => {
                let path = arg();
                let n: usize = arg().parse().expect("line number");
                let text = arg();
                if op == "line" {
                    Step::Line(path, n, text)
                } else {
                    Step::Insert(path, n, text)
                }
            }
            "delete" => {
                let path = arg();
                Step::Delete(path, arg().parse().expect("line number"))
            }
            "crlf" => Step::Crlf(arg()),
            "cr" => Step::Cr(arg()),
            "bom" => Step::Bom(arg()),
            "shuffle" => {
                let path = arg();
                Step::Shuffle(path, arg().parse().expect("seed"))
            }
            "symlink" => {
                let target = arg();
                Step::Symlink(target, arg())
            }
            "fifo" => Step::Fifo(arg()),
            "mode" | "mode-is" => {
                let path = arg();
                let mode = u32::from_str_radix(&arg(), 8).expect("octal mode");
                if op == "mode" {
                    Step::Mode(path, mode)
                } else {
                    Step::ModeIs(path, mode)
                }
            }
            "run" => {
                let stdin = doc_end.as_ref().map(|end| heredoc(&mut lines, end));
                let args = words(rest)
                    .into_iter()
                    .map(|w| String::from_utf8_lossy(&expand(&w)).into_owned())
                    .collect();
                Step::Run(args, stdin)
            }
            "exit" => Step::Exit(arg().parse().expect("exit code")),
            "output" => Step::Output(arg()),
            "same" => {
                let a = arg();
                Step::Same(a, arg())
            }
            other => panic!("{name}: unknown step `{other}`"),
        };
        case.steps.push(step);
    }
    assert!(!case.what.is_empty(), "{name}: no `# What:` line");
    assert!(!case.gets.is_empty(), "{name}: no `# Gets:` line");
    case
}

/// What running a case showed, and what went wrong with it.
pub struct Ran {
    pub transcript: String,
    pub failures: Vec<String>,
}

fn copy_tree(src: &Path, dst: &Path) {
    if src.is_dir() {
        std::fs::create_dir_all(dst).expect("mkdir");
        for e in std::fs::read_dir(src).expect("read dir") {
            let e = e.expect("entry");
            copy_tree(&e.path(), &dst.join(e.file_name()));
        }
    } else {
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::copy(src, dst).expect("copy");
    }
}

/// Every regular file under `dir` with its bytes (links and specials by
/// kind only).
fn snapshot_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let rel = path.strip_prefix(dir).expect("inside").to_path_buf();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            } else {
                let kind = if meta.file_type().is_symlink() {
                    format!("link → {:?}", std::fs::read_link(&path).unwrap_or_default())
                } else {
                    "special".to_string()
                };
                out.insert(rel, kind.into_bytes());
            }
        }
    }
    out
}

/// At most `lines` lines of `text`, each at most 240 characters.
fn clip(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = all
        .iter()
        .take(lines)
        .map(|l| {
            let n = l.chars().count();
            if n > 240 {
                let head: String = l.chars().take(240).collect();
                format!("{head}… ({n} characters)")
            } else {
                l.to_string()
            }
        })
        .collect();
    if all.len() > lines {
        out.push(format!("… ({} more lines)", all.len() - lines));
    }
    out.join("\n")
}

/// Runs the binary with a deadline; `None` if it had to be killed.
fn run_bin(
    bin: &Path,
    dir: &Path,
    args: &[String],
    stdin: Option<&[u8]>,
) -> Option<(Option<i32>, Vec<u8>, Vec<u8>)> {
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env_remove("XEPLOAI_LANG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xeploai");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let out = out.join().unwrap_or_default();
            let err = err.join().unwrap_or_default();
            return Some((status.code(), out, err));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn edit(path: &Path, f: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let bytes = std::fs::read(path).expect("a file to edit");
    let mut lines = lines_of(&bytes);
    f(&mut lines);
    std::fs::write(path, lines.concat()).expect("write");
}

/// Replaces what a line holds, keeping its line end.
fn with_end(old: &[u8], text: &str) -> Vec<u8> {
    let end: &[u8] = if old.ends_with(b"\r\n") {
        b"\r\n"
    } else if old.ends_with(b"\n") {
        b"\n"
    } else {
        b""
    };
    let mut v = expand(text);
    v.extend_from_slice(end);
    v
}

/// Runs a case in a fresh scratch folder.
pub fn run(case: &Case, root: &Path, bin: &Path, scratch: &Path) -> Ran {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).expect("scratch");
    let at = |p: &str| scratch.join(p);
    let mut transcript = String::new();
    let mut failures = Vec::new();
    let mut outputs: Vec<PathBuf> = Vec::new();
    let mut last_exit: Option<i32> = None;
    for step in &case.steps {
        match step {
            Step::Copy(src, dst) => copy_tree(&root.join(src), &at(dst)),
            Step::Write(p, bytes) => {
                if let Some(parent) = at(p).parent() {
                    std::fs::create_dir_all(parent).expect("mkdir");
                }
                std::fs::write(at(p), bytes).expect("write");
            }
            Step::Line(p, n, text) => edit(&at(p), |l| l[n - 1] = with_end(&l[n - 1], text)),
            Step::Insert(p, n, text) => edit(&at(p), |l| {
                let mut v = expand(text);
                v.push(b'\n');
                l.insert(n - 1, v);
            }),
            Step::Delete(p, n) => edit(&at(p), |l| {
                l.remove(n - 1);
            }),
            Step::Crlf(p) | Step::Cr(p) => {
                let nl: &[u8] = if matches!(step, Step::Crlf(_)) {
                    b"\r\n"
                } else {
                    b"\r"
                };
                let bytes = std::fs::read(at(p)).expect("read");
                let mut out = Vec::new();
                for &b in &bytes {
                    if b == b'\n' {
                        out.extend_from_slice(nl);
                    } else {
                        out.push(b);
                    }
                }
                std::fs::write(at(p), out).expect("write");
            }
            Step::Bom(p) => {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend(std::fs::read(at(p)).expect("read"));
                std::fs::write(at(p), bytes).expect("write");
            }
            Step::Shuffle(p, seed) => edit(&at(p), |l| {
                let mut state = *seed | 1;
                let body = &mut l[1..];
                for i in (1..body.len()).rev() {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    body.swap(i, (state % (i as u64 + 1)) as usize);
                }
            }),
            Step::Symlink(target, link) => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(target, at(link)).expect("symlink");
            }
            Step::Fifo(p) => {
                let ok = Command::new("mkfifo").arg(at(p)).status();
                assert!(ok.is_ok_and(|s| s.success()), "mkfifo");
            }
            Step::Mode(p, mode) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let perms = std::fs::Permissions::from_mode(*mode);
                    std::fs::set_permissions(at(p), perms).expect("chmod");
                }
            }
            Step::ModeIs(p, mode) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let have = std::fs::metadata(at(p)).map(|m| m.permissions().mode() & 0o777);
                    match have {
                        Ok(m) if m == *mode => {
                            transcript.push_str(&format!("mode of {p}: {m:o}\n"))
                        }
                        other => failures.push(format!("{p}: mode {other:?}, not {mode:o}")),
                    }
                }
            }
            Step::Output(p) => outputs.push(PathBuf::from(p)),
            Step::Exit(code) => {
                if last_exit != Some(*code) {
                    failures.push(format!("expected exit {code}, got {last_exit:?}"));
                }
            }
            Step::Same(a, b) => {
                let (x, y) = (std::fs::read(at(a)), std::fs::read(at(b)));
                match (x, y) {
                    (Ok(x), Ok(y)) if x == y => {
                        transcript.push_str(&format!("same bytes: {a} = {b}\n"))
                    }
                    _ => failures.push(format!("{a} and {b} differ")),
                }
            }
            Step::Run(args, stdin) => {
                let before = snapshot_files(scratch);
                transcript.push_str(&format!("$ xeploai {}\n", shown_args(args)));
                if let Some(input) = stdin {
                    let text = String::from_utf8_lossy(input);
                    transcript.push_str(&format!("<<<\n{}>>>\n", clip(&text, 40) + "\n"));
                }
                let Some((code, out, err)) = run_bin(bin, scratch, args, stdin.as_deref()) else {
                    failures.push("hung: killed after 120 s".into());
                    transcript.push_str("(killed: no answer after 120 s)\n");
                    continue;
                };
                last_exit = code;
                if code.is_none() || code == Some(101) {
                    failures.push(format!("crashed (exit {code:?})"));
                }
                let scrub = |b: &[u8]| {
                    String::from_utf8_lossy(b).replace(&scratch.display().to_string(), "<dir>")
                };
                transcript.push_str(&format!("exit: {}\n", code.unwrap_or(-1)));
                let (out, err) = (scrub(&out), scrub(&err));
                if !out.is_empty() {
                    transcript.push_str(&format!("--- stdout\n{}\n", clip(&out, 60)));
                }
                if !err.is_empty() {
                    transcript.push_str(&format!("--- stderr\n{}\n", clip(&err, 60)));
                }
                let after = snapshot_files(scratch);
                for (path, bytes) in &before {
                    let changed = after.get(path) != Some(bytes);
                    if changed && !outputs.contains(path) {
                        failures.push(format!("{} changed", path.display()));
                        transcript.push_str(&format!("CHANGED: {}\n", path.display()));
                    }
                }
                for path in after.keys().filter(|p| !before.contains_key(*p)) {
                    transcript.push_str(&format!("new file: {}\n", path.display()));
                    if !outputs.contains(path) {
                        failures.push(format!("{} was created", path.display()));
                    }
                }
            }
        }
    }
    Ran {
        transcript,
        failures,
    }
}

fn shown_args(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let shown: String = if a.chars().count() > 60 {
                format!(
                    "{}…({} characters)",
                    a.chars().take(40).collect::<String>(),
                    a.chars().count()
                )
            } else {
                a.clone()
            };
            let shown = shown.escape_debug().to_string();
            if shown.is_empty() || shown.contains(' ') {
                format!("\"{shown}\"")
            } else {
                shown
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

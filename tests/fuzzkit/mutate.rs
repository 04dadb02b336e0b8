//! Mutations: near-valid rules text (token-level), damaged data files
//! (cell- and byte-level), and noise.

use super::rng::Rng;

/// Splits rules text into tokens; joining them gives the text back.
pub fn tokens(text: &str) -> Vec<String> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let start = i;
        if c.is_whitespace() {
            while i < cs.len() && cs[i].is_whitespace() {
                i += 1;
            }
        } else if c == '/' && cs.get(i + 1) == Some(&'/') {
            while i < cs.len() && cs[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < cs.len() && cs[i] != '"' && cs[i] != '\n' {
                if cs[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(cs.len());
        } else if c.is_alphanumeric() || c == '_' {
            while i < cs.len()
                && (cs[i].is_alphanumeric()
                    || cs[i] == '_'
                    || cs[i] == '.'
                        && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                        && cs[start].is_ascii_digit())
            {
                i += 1;
            }
            if i < cs.len() && cs[i] == '%' {
                i += 1;
            }
        } else if matches!(c, '<' | '>' | '=' | '!') && cs.get(i + 1) == Some(&'=') {
            i += 2;
        } else {
            i += 1;
        }
        out.push(cs[start..i].iter().collect());
    }
    out
}

const WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "when",
    "otherwise",
    "at",
    "most",
    "graded",
    "members",
    "suborgs",
    "all_members",
    "grade",
    "none",
    "true",
    "within",
    "ancestor",
    "parent",
    "all",
    "by",
    "enforce",
    "rank",
    "check",
    "round",
    "floor",
    "ceil",
    "nearest",
    "quota",
    "grading",
    "for",
    "member",
    "organisation",
    "where",
    "schema",
    "param",
    "let",
    "enum",
    "grades",
    "ruleset",
    "report",
    "row",
    "sample",
    "test",
    "expect",
    "like",
    "extends",
    "remove",
    "replace",
    "before",
    "after",
    "if",
    "then",
    "else",
    "count",
    "share",
    "sum",
    "min",
    "max",
    "any",
    "months",
    "days",
    "review_date",
    "cite",
    "column",
    "int",
    "bool",
    "percent",
    "number",
    "date",
    "text",
    "kind",
    "id",
    "name",
    "asc",
    "desc",
    "of",
    "source",
    "year",
    "unknown_name",
    "HTXSNV",
    "KHTNV",
    "Tot",
];

const ODD: &[&str] = &[
    "\u{200B}",
    "\u{200D}",
    "\u{202E}",
    "\u{FEFF}",
    "\u{0301}",
    "e\u{0301}",
    "😀",
    "\u{0}",
    "\u{7}",
    "\u{1B}[31m",
    "\r",
    "\r\n",
    "\t",
    "\u{2028}",
    "\u{FFFD}",
    "ǅ",
    "İ",
    "ﬁ",
    "\u{10FFFF}",
    "Đ",
    "ß",
    "\\",
    "\"",
    "\u{85}",
];

const PUNCT: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", ".", "?", "=", "==", "!=", "<", "<=", ">", ">=", "+",
    "-", "*", "/", "%", "//", "/*", "\"", "@", "#", ";",
];

const HUGE: &[&str] = &[
    "99999999999999999999999999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "170141183460469231731687303715884105727",
    "0.000000000000000000000000000001",
    "99999999999999999999%",
    "123456789012345678.9",
    "1e10",
    "0x10",
    "-0",
    "00000000000000000000000000000000000000001",
    "9999-99-99",
    "2021-02-29",
    "0000-01-01",
    "10000-01-01",
    "1.",
    ".5",
    "5%%",
];

/// Applies 1 to 4 token-level mutations.
pub fn near_valid(text: &str, rng: &mut Rng) -> String {
    let mut toks = tokens(text);
    let solid: Vec<usize> = (0..toks.len())
        .filter(|&i| !toks[i].trim().is_empty())
        .collect();
    if solid.is_empty() {
        return noise(rng);
    }
    let idents: Vec<String> = toks
        .iter()
        .filter(|t| {
            t.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
        })
        .cloned()
        .collect();
    for _ in 0..rng.range(1, 4) {
        if toks.is_empty() {
            break;
        }
        let i = if rng.chance(0.8) {
            let solid: Vec<usize> = (0..toks.len())
                .filter(|&i| !toks[i].trim().is_empty())
                .collect();
            if solid.is_empty() {
                rng.below(toks.len())
            } else {
                *rng.pick(&solid)
            }
        } else {
            rng.below(toks.len())
        };
        match rng.below(13) {
            0 => {
                toks.remove(i);
            }
            1 => {
                let t = toks[i].clone();
                toks.insert(i, t);
            }
            2 => {
                let j = rng.below(toks.len());
                toks.swap(i, j);
            }
            3 if !idents.is_empty() => toks[i] = rng.pick(&idents).clone(),
            4 => toks[i] = rng.pick(WORDS).to_string(),
            5 => toks[i] = format!("{}x", toks[i]),
            6 => toks[i] = rng.pick(HUGE).to_string(),
            7 => toks.insert(i, rng.pick(PUNCT).to_string()),
            8 => toks.insert(i, rng.pick(ODD).to_string()),
            9 => toks[i] = rng.pick(PUNCT).to_string(),
            10 => {
                // Cut the text here.
                toks.truncate(i);
            }
            11 => {
                // Repeat a span (bounded).
                let j = (i + rng.range(1, 12) as usize).min(toks.len());
                let span: Vec<String> = toks[i..j].to_vec();
                for (k, t) in span.into_iter().enumerate() {
                    toks.insert(j + k, t);
                }
            }
            _ => {
                let t = &toks[i];
                let mut cs: Vec<char> = t.chars().collect();
                if !cs.is_empty() {
                    let k = rng.below(cs.len());
                    cs[k] = *rng.pick(&['"', '\\', '\n', '{', '}', 'é', '0', '_', ' ', '%']);
                }
                toks[i] = cs.into_iter().collect();
            }
        }
    }
    toks.concat()
}

/// Random text, short.
pub fn noise(rng: &mut Rng) -> String {
    let n = rng.range(0, 200) as usize;
    let mut s = String::new();
    for _ in 0..n {
        match rng.below(6) {
            0 => s.push_str(pick_str(rng, WORDS)),
            1 => s.push_str(pick_str(rng, PUNCT)),
            2 => s.push_str(pick_str(rng, ODD)),
            3 => s.push(' '),
            4 => s.push_str(pick_str(rng, HUGE)),
            _ => s.push(char::from_u32(rng.range(0, 0x2FFF) as u32).unwrap_or('?')),
        }
    }
    s
}

/// Random bytes, short.
pub fn bytes(rng: &mut Rng) -> Vec<u8> {
    (0..rng.range(0, 300))
        .map(|_| rng.next_u64() as u8)
        .collect()
}

const BAD_CELLS: &[&str] = &[
    "",
    "abc",
    "\"",
    "\"\"",
    "-1",
    "-0.5",
    "101%",
    "1e5",
    "12.5.3",
    "31/02/2021",
    "2021-13-01",
    "0/0/0",
    "99/99/9999",
    "1899-12-31",
    "9999-12-31",
    "có?",
    "maybe",
    "NaN",
    "inf",
    "9999999999999999999999",
    "1,2,3",
    "50%%",
    "%",
    " ",
    "\u{0}",
    "\u{FEFF}x",
    "\r",
    "\n",
    "\u{FFFD}",
    "HTXSNV",
    "KHTNV",
    "x",
    "1",
    "0",
    "true",
    "DB000",
    "DV000",
    "đv-1",
    "O1",
    "M1",
];

/// Damages a CSV text: cells, quotes, line ends, BOMs, blank lines.
pub fn csv(text: &str, rng: &mut Rng) -> Vec<u8> {
    let mut lines: Vec<String> = text.split('\n').map(|l| l.to_string()).collect();
    for _ in 0..rng.range(1, 4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let l = rng.below(lines.len());
        match rng.below(12) {
            0 => {
                // Replace a cell.
                let mut cells: Vec<String> = lines[l].split(',').map(|c| c.to_string()).collect();
                let c = rng.below(cells.len());
                cells[c] = rng.pick(BAD_CELLS).to_string();
                lines[l] = cells.join(",");
            }
            1 => {
                // Drop a cell.
                let mut cells: Vec<String> = lines[l].split(',').map(|c| c.to_string()).collect();
                let c = rng.below(cells.len());
                cells.remove(c);
                lines[l] = cells.join(",");
            }
            2 => lines[l].push_str(",extra"),
            3 => {
                let k = rng.below(lines[l].len() + 1);
                if lines[l].is_char_boundary(k) {
                    lines[l].insert(k, '"');
                }
            }
            4 => lines.insert(l, String::new()),
            5 => lines.insert(l, "   ".into()),
            6 => {
                let t = lines[l].clone();
                lines.insert(l, t);
            }
            7 => {
                lines.remove(l);
            }
            8 => lines[l].insert(0, '\u{FEFF}'),
            9 => {
                let t = lines[l].replace(',', ";");
                lines[l] = t;
            }
            10 => lines[l].push('\r'),
            _ => {
                // Swap two rows (a parent after its child, say).
                let m = rng.below(lines.len());
                lines.swap(l, m);
            }
        }
    }
    let nl = *rng.pick(&["\n", "\r\n", "\r"]);
    let mut out = lines.join(nl).into_bytes();
    if rng.chance(0.3) {
        byte_damage(&mut out, rng);
    }
    out
}

/// Damages a JSON text.
pub fn json(text: &str, rng: &mut Rng) -> Vec<u8> {
    let mut s = text.to_string();
    for _ in 0..rng.range(1, 3) {
        match rng.below(8) {
            0 => s = s.replacen("\"", "'", 1),
            1 => s = s.replacen('{', "[", 1),
            2 => s = s.replacen("}", "}, 5", 1),
            3 => s = s.replacen(":", ": null, \"x\":", 1),
            4 => {
                let cut = rng.below(s.len() + 1);
                if s.is_char_boundary(cut) {
                    s.truncate(cut);
                }
            }
            5 => s = s.replacen("\"", "\"\\u0000", 1),
            6 => s = format!("{{\"a\": {s}}}"),
            _ => s = s.replacen(",", ", {\"nested\": [1, {\"b\": true}]},", 1),
        }
    }
    let mut out = s.into_bytes();
    if rng.chance(0.2) {
        byte_damage(&mut out, rng);
    }
    out
}

/// Flips, inserts or deletes a few bytes (invalid UTF-8 included).
pub fn byte_damage(b: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..rng.range(1, 4) {
        let i = rng.below(b.len() + 1);
        match rng.below(3) {
            0 if i < b.len() => b[i] = rng.next_u64() as u8,
            1 => b.insert(
                i,
                *rng.pick(&[0xFF, 0xC3, 0x80, 0xE2, 0x00, b'"', b'\r', b',']),
            ),
            _ if i < b.len() => {
                b.remove(i);
            }
            _ => {}
        }
    }
}

fn pick_str(rng: &mut Rng, xs: &[&'static str]) -> &'static str {
    xs[rng.below(xs.len())]
}

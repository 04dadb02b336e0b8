//! Random datasets for a generated program: an organisation tree and its
//! members, as the generator's own typed records, written as CSV or JSON
//! with the program's column names.

use std::collections::HashMap;
use std::path::Path;

use super::rng::Rng;
use super::rules::{bounds, pick_between, random_date, FieldM, RangeM, Rules, T, TEXTS};
use super::val::{Date, Val, Q};

/// One row: the value of each field (after defaults), and the text written
/// in its cell (`""` = empty).
#[derive(Debug, Clone)]
pub struct Rec {
    pub id: String,
    pub vals: Vec<Val>,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Data {
    pub orgs: Vec<Rec>,
    pub members: Vec<Rec>,
    /// Which fields have a column in the files (member, organisation).
    pub member_cols: Vec<Option<String>>,
    pub org_cols: Vec<Option<String>>,
    /// Columns the rules do not know, with their cells.
    pub extra: Vec<String>,
}

/// How the files are written.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub json: bool,
    pub crlf: bool,
    pub bom: bool,
    /// Rows in a shuffled order, seeded.
    pub shuffle: Option<u64>,
    /// Columns in a shuffled order, seeded.
    pub column_order: u64,
}

impl Layout {
    pub fn random(rng: &mut Rng) -> Layout {
        Layout {
            json: rng.chance(0.25),
            crlf: rng.chance(0.3),
            bom: rng.chance(0.2),
            shuffle: None,
            column_order: rng.next_u64(),
        }
    }
}

/// Size limits for a dataset.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub max_orgs: usize,
    pub max_members: usize,
    /// Allow a dataset without members.
    pub empty_ok: bool,
}

pub fn generate(rules: &Rules, rng: &mut Rng, size: Size) -> Data {
    let n_orgs = rng.range(1, size.max_orgs as i64) as usize;
    let n_members = rng.range(0, size.max_members as i64) as usize;
    // A members file without rows is refused (and as JSON, reported
    // oddly: see `known_bug_empty_json_array`).
    let n_members = if n_members == 0 && !size.empty_ok {
        1
    } else {
        n_members
    };
    let mut used: Vec<String> = Vec::new();
    let mut fresh_id = |rng: &mut Rng, member: bool, i: usize| loop {
        let id = match rng.below(4) {
            0 => format!("{}{:03}", if member { "DV" } else { "DB" }, i),
            1 => format!("{}-{}", if member { "đv" } else { "CB" }, rng.below(10_000)),
            2 => format!("{}{}", if member { "M" } else { "O" }, rng.below(100)),
            _ => format!("x{}", rng.below(1000)),
        };
        if !used.contains(&id) {
            used.push(id.clone());
            return id;
        }
    };
    // The tree: each organisation below one made before it.
    let mut parents: Vec<Option<usize>> = vec![None];
    let deep = rng.chance(0.3);
    for i in 1..n_orgs {
        let p = if deep {
            i - 1 - rng.below(i.min(2))
        } else {
            rng.below(i)
        };
        parents.push(Some(p));
    }
    let org_ids: Vec<String> = (0..n_orgs).map(|i| fresh_id(rng, false, i)).collect();
    let member_ids: Vec<String> = (0..n_members).map(|i| fresh_id(rng, true, i)).collect();

    let member_cols = present_columns(&rules.member, rng);
    let org_cols = present_columns(&rules.org, rng);
    let kinds = rules.enums[rules.kind_enum].variants.len();
    let orgs: Vec<Rec> = (0..n_orgs)
        .map(|i| {
            let link = parents[i].map(|p| org_ids[p].clone());
            let kind = rng.below(kinds);
            record(
                rules,
                &org_ids,
                &rules.org,
                &org_cols,
                rng,
                &org_ids[i],
                link,
                Some(kind),
            )
        })
        .collect();
    let members: Vec<Rec> = (0..n_members)
        .map(|i| {
            let o = if rng.chance(0.7) {
                // Leaves hold most members.
                let leaves: Vec<usize> = (0..n_orgs)
                    .filter(|o| !parents.contains(&Some(*o)))
                    .collect();
                *rng.pick(&leaves)
            } else {
                rng.below(n_orgs)
            };
            let link = Some(org_ids[o].clone());
            record(
                rules,
                &org_ids,
                &rules.member,
                &member_cols,
                rng,
                &member_ids[i],
                link,
                None,
            )
        })
        .collect();
    let extra = if rng.chance(0.2) {
        vec![format!("Thông tin bổ sung khác {}", rng.below(100))]
    } else {
        Vec::new()
    };
    Data {
        orgs,
        members,
        member_cols,
        org_cols,
        extra,
    }
}

/// Which header each field gets; `None` = no column (only for fields that
/// may be empty).
fn present_columns(fields: &[FieldM], rng: &mut Rng) -> Vec<Option<String>> {
    fields
        .iter()
        .map(|f| {
            let builtin = matches!(
                f.name.as_str(),
                "id" | "name" | "organisation" | "parent" | "kind"
            );
            let may_miss = !builtin && (f.optional || f.default.is_some());
            if may_miss && rng.chance(0.15) {
                return None;
            }
            let name = rng.pick(&f.accepted()).clone();
            Some(match rng.below(6) {
                0 => name.to_lowercase(),
                1 => name.to_uppercase(),
                _ => name,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn record(
    rules: &Rules,
    org_ids: &[String],
    fields: &[FieldM],
    cols: &[Option<String>],
    rng: &mut Rng,
    id: &str,
    link: Option<String>,
    kind: Option<usize>,
) -> Rec {
    let mut vals = Vec::new();
    let mut cells = Vec::new();
    for (f, col) in fields.iter().zip(cols) {
        let (v, cell) = match f.name.as_str() {
            "id" => (Val::Text(id.to_string()), id.to_string()),
            "organisation" | "parent" => match &link {
                Some(l) => (Val::Org(l.clone()), l.clone()),
                None => (Val::None, String::new()),
            },
            _ if f.ty == T::Org => {
                // Another reference: any organisation, or none.
                if col.is_none() || rng.chance(0.3) || org_ids.is_empty() {
                    (Val::None, String::new())
                } else {
                    let o = rng.pick(org_ids).clone();
                    (Val::Org(o.clone()), o)
                }
            }
            "kind" if kind.is_some() => {
                let k = kind.unwrap_or(0);
                let cell = enum_cell(rules, rules.kind_enum, k, rng);
                (Val::Enum(rules.kind_enum as u16, k as u16), cell)
            }
            "name" => {
                let t = if rng.chance(0.5) {
                    format!("Tên {}", rng.below(1000))
                } else {
                    rng.pick(TEXTS).to_string()
                };
                (Val::Text(t.clone()), t)
            }
            _ => {
                let may_be_empty = f.optional || f.default.is_some();
                if col.is_none() || (may_be_empty && rng.chance(0.25)) {
                    let v = f.default.as_ref().map(|d| d.1.clone()).unwrap_or(Val::None);
                    (v, String::new())
                } else {
                    match &f.range {
                        Some(r) => ranged_cell(rules, f.ty, r, rng),
                        None => value_and_cell(rules, f.ty, rng),
                    }
                }
            }
        };
        vals.push(v);
        cells.push(cell);
    }
    Rec {
        id: id.to_string(),
        vals,
        cells,
    }
}

fn enum_cell(rules: &Rules, e: usize, i: usize, rng: &mut Rng) -> String {
    let (name, label) = &rules.enums[e].variants[i];
    match (rng.below(4), label) {
        (0, Some(l)) => l.clone(),
        (1, Some(l)) => l.to_uppercase(),
        (2, _) => name.to_lowercase(),
        _ => name.clone(),
    }
}

/// A random valid value of a type and a way to write it.
pub fn value_and_cell(rules: &Rules, ty: T, rng: &mut Rng) -> (Val, String) {
    match ty {
        T::Bool => {
            let b = rng.chance(0.5);
            let t = if b {
                *rng.pick(&["có", "true", "1", "x", "Yes", "TRUE", "Có", "đúng"])
            } else {
                *rng.pick(&["không", "false", "0", "no", "FALSE", "Không", "sai"])
            };
            (Val::Bool(b), t.to_string())
        }
        T::Int => {
            let i = if rng.chance(0.85) {
                rng.range(0, 12)
            } else {
                rng.range(0, 1_000_000)
            };
            let t = if rng.chance(0.05) {
                format!("00{i}")
            } else {
                i.to_string()
            };
            (Val::Num(Q::int(i as i128)), t)
        }
        T::Number => {
            let whole = rng.range(0, 12);
            let frac = rng.range(0, 99);
            let v = Q::new((whole * 100 + frac) as i128, 100).unwrap();
            let t = match rng.below(4) {
                0 => format!("{whole},{frac:02}"),
                1 if frac == 0 => whole.to_string(),
                _ => format!("{whole}.{frac:02}"),
            };
            (Val::Num(v), t)
        }
        T::Percent => {
            let p = rng.range(0, 100);
            let half = p < 100 && rng.chance(0.2);
            let v = Q::new(p as i128 * 10 + if half { 5 } else { 0 }, 1000).unwrap();
            let num = if half {
                if rng.chance(0.5) {
                    format!("{p}.5")
                } else {
                    format!("{p},5")
                }
            } else {
                p.to_string()
            };
            let t = if rng.chance(0.1) {
                format!("{num} %")
            } else {
                format!("{num}%")
            };
            (Val::Num(v), t)
        }
        T::Date => {
            let d = random_date(rng, rules.review);
            (Val::Date(d), date_cell(d, rng))
        }
        T::Text => {
            let t = if rng.chance(0.7) {
                rng.pick(TEXTS).to_string()
            } else {
                format!("văn bản {}", rng.below(50))
            };
            (Val::Text(t.clone()), t)
        }
        T::Enum(e) => {
            let n = rules.enums[e].variants.len();
            let i = rng.below(n);
            (Val::Enum(e as u16, i as u16), enum_cell(rules, e, i, rng))
        }
        T::Grade => {
            let i = rng.below(rules.grades.len());
            let (code, label) = &rules.grades[i];
            let t = match rng.below(4) {
                0 => label.clone(),
                1 => code.to_lowercase(),
                _ => code.clone(),
            };
            (Val::Grade(i as u8), t)
        }
        T::Org => unreachable!("organisation references are built with the tree"),
    }
}

/// A value within a declared range, written as a cell.
fn ranged_cell(rules: &Rules, ty: T, r: &RangeM, rng: &mut Rng) -> (Val, String) {
    let (lo, hi) = bounds(ty, Some(r), rules.review);
    let v = pick_between(rng, ty, &lo, &hi);
    let cell = match &v {
        Val::Num(q) => {
            let s = super::rules::num_text(*q, ty == T::Percent);
            if rng.chance(0.3) {
                s.replace('.', ",")
            } else {
                s
            }
        }
        Val::Date(d) => date_cell(*d, rng),
        _ => String::new(),
    };
    (v, cell)
}

pub fn date_cell(d: Date, rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => d.iso(),
        1 => format!("{:02}/{:02}/{:04}", d.d, d.m, d.y),
        _ => format!("{}/{}/{}", d.d, d.m, d.y),
    }
}

// ───────────────────────────── writing ─────────────────────────────

/// A CSV cell, quoted when it must be (and sometimes when it need not).
fn csv_cell(s: &str, rng: &mut Rng) -> String {
    if s.contains([',', '"', '\n', '\r']) || (!s.is_empty() && rng.chance(0.1)) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Data {
    fn table(&self, member: bool) -> (&[Rec], &[Option<String>]) {
        if member {
            (&self.members, &self.member_cols)
        } else {
            (&self.orgs, &self.org_cols)
        }
    }

    /// The header and the rows of one file, columns in the layout's order.
    pub fn rows(&self, member: bool, layout: &Layout) -> (Vec<String>, Vec<Vec<String>>) {
        let (recs, cols) = self.table(member);
        // (header, field index or extra)
        let mut columns: Vec<(String, Option<usize>)> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.clone().map(|c| (c, Some(i))))
            .collect();
        for e in &self.extra {
            columns.push((e.clone(), None));
        }
        let mut rng = Rng::new(layout.column_order ^ member as u64);
        rng.shuffle(&mut columns);
        let mut order: Vec<usize> = (0..recs.len()).collect();
        if let Some(seed) = layout.shuffle {
            Rng::new(seed ^ member as u64).shuffle(&mut order);
        }
        let header = columns.iter().map(|c| c.0.clone()).collect();
        let rows = order
            .iter()
            .map(|&r| {
                columns
                    .iter()
                    .map(|(_, f)| match f {
                        Some(f) => recs[r].cells[*f].clone(),
                        None => format!("thêm {r}"),
                    })
                    .collect()
            })
            .collect();
        (header, rows)
    }

    pub fn csv(&self, member: bool, layout: &Layout, rng: &mut Rng) -> String {
        let (header, rows) = self.rows(member, layout);
        let nl = if layout.crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if layout.bom {
            out.push('\u{FEFF}');
        }
        let line = |cells: &[String], rng: &mut Rng| {
            cells
                .iter()
                .map(|c| {
                    // Unquoted padding is trimmed by the loader.
                    let c = csv_cell(c, rng);
                    if !c.is_empty() && !c.starts_with('"') && rng.chance(0.03) {
                        format!(" {c}")
                    } else {
                        c
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&line(&header, rng));
        for r in &rows {
            out.push_str(nl);
            out.push_str(&line(r, rng));
        }
        if rng.chance(0.7) {
            out.push_str(nl);
        }
        out
    }

    pub fn json(&self, member: bool, layout: &Layout, rng: &mut Rng) -> String {
        let (header, rows) = self.rows(member, layout);
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let mut obj = serde_json::Map::new();
                for (h, c) in header.iter().zip(r) {
                    if c.is_empty() {
                        match rng.below(3) {
                            0 => continue,
                            1 => {
                                obj.insert(h.clone(), serde_json::Value::Null);
                            }
                            _ => {
                                obj.insert(h.clone(), serde_json::Value::String(String::new()));
                            }
                        }
                        continue;
                    }
                    // Plain JSON numbers and booleans where the text is one.
                    let v = match c.as_str() {
                        "true" if rng.chance(0.5) => serde_json::Value::Bool(true),
                        "false" if rng.chance(0.5) => serde_json::Value::Bool(false),
                        t if rng.chance(0.5)
                            && !t.is_empty()
                            && t.bytes().all(|b| b.is_ascii_digit())
                            && !t.starts_with('0') =>
                        {
                            serde_json::Value::Number(t.parse::<u64>().unwrap().into())
                        }
                        t => serde_json::Value::String(t.to_string()),
                    };
                    obj.insert(h.clone(), v);
                }
                serde_json::Value::Object(obj)
            })
            .collect();
        let v = serde_json::Value::Array(items);
        let mut out = if rng.chance(0.5) {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        if layout.bom {
            out.insert(0, '\u{FEFF}');
        }
        out
    }

    /// Writes `organisations` and `members` into `dir`.
    pub fn write(&self, dir: &Path, layout: &Layout, rng: &mut Rng) {
        for (member, stem) in [(false, "organisations"), (true, "members")] {
            let (text, ext) = if layout.json {
                (self.json(member, layout, rng), "json")
            } else {
                (self.csv(member, layout, rng), "csv")
            };
            std::fs::write(dir.join(format!("{stem}.{ext}")), text).expect("write dataset");
        }
    }

    /// Drops a member or an organisation without members or children
    /// (never the root), for shrinking.
    pub fn without(&self, what: DataPart) -> Option<Data> {
        let mut d = self.clone();
        match what {
            DataPart::Member(i) => {
                if i >= d.members.len() {
                    return None;
                }
                d.members.remove(i);
            }
            DataPart::Org(i) => {
                if i == 0 || i >= d.orgs.len() {
                    return None;
                }
                let id = Val::Org(d.orgs[i].id.clone());
                let used = d
                    .members
                    .iter()
                    .chain(&d.orgs)
                    .any(|r| r.vals.contains(&id));
                if used {
                    return None;
                }
                d.orgs.remove(i);
            }
        }
        Some(d)
    }

    /// As the reference reads it: every entity's fields by name.
    pub fn world(&self, rules: &Rules) -> super::reference::World {
        let ent = |r: &Rec, fields: &[FieldM]| super::reference::Entity {
            id: r.id.clone(),
            fields: fields
                .iter()
                .zip(&r.vals)
                .map(|(f, v)| (f.name.clone(), v.clone()))
                .collect::<HashMap<_, _>>(),
        };
        super::reference::World {
            orgs: self.orgs.iter().map(|r| ent(r, &rules.org)).collect(),
            members: self.members.iter().map(|r| ent(r, &rules.member)).collect(),
        }
    }

    /// A short text of the whole dataset, for failure reports.
    pub fn describe(&self, rules: &Rules) -> String {
        let mut out = String::new();
        for (member, recs) in [(false, &self.orgs), (true, &self.members)] {
            let fields = rules.fields(member);
            for r in recs {
                let cells: Vec<String> = fields
                    .iter()
                    .zip(&r.cells)
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(f, c)| format!("{}={c:?}", f.name))
                    .collect();
                out.push_str(&format!(
                    "  {} {}\n",
                    if member { "member" } else { "org" },
                    cells.join(" ")
                ));
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
pub enum DataPart {
    Member(usize),
    Org(usize),
}

/// Pending semantics: writes one value outside its field's default range
/// (a negative number, a percentage over 100%, a date before 1900-01-01 or
/// after the review date) into a random cell; returns what it wrote, or
/// `None` when no field can hold one.
pub fn out_of_range(rules: &Rules, data: &mut Data, rng: &mut Rng) -> Option<String> {
    let member = rng.chance(0.5) && !data.members.is_empty();
    let (recs, cols, fields) = if member {
        (&mut data.members, &data.member_cols, &rules.member)
    } else {
        (&mut data.orgs, &data.org_cols, &rules.org)
    };
    let slots: Vec<usize> = (0..fields.len())
        .filter(|&i| {
            cols[i].is_some() && matches!(fields[i].ty, T::Int | T::Number | T::Percent | T::Date)
        })
        .collect();
    if slots.is_empty() || recs.is_empty() {
        return None;
    }
    let f = *rng.pick(&slots);
    let r = rng.below(recs.len());
    if let Some(range) = &fields[f].range {
        let ty = fields[f].ty;
        let below = rng.chance(0.5);
        let under = |v: &Val| match v {
            Val::Num(q) => q.sub(Q::int(1)).map(Val::Num),
            Val::Date(d) if d.y > 1001 => Date::new(d.y - 1, d.m, d.d.min(28)).map(Val::Date),
            _ => None,
        };
        let over = |v: &Val| match v {
            Val::Num(q) => q.add(Q::int(1)).map(Val::Num),
            Val::Date(d) if d.y < 9000 => Date::new(d.y + 1, d.m, d.d.min(28)).map(Val::Date),
            _ => None,
        };
        let outside = match (&range.low, &range.high) {
            (Some(l), _) if below || range.high.is_none() => under(l),
            (_, Some(h)) => over(h),
            _ => None,
        };
        let v = outside?;
        let cell = match &v {
            Val::Num(q) => super::rules::num_text(*q, ty == T::Percent),
            Val::Date(d) => d.iso(),
            _ => return None,
        };
        recs[r].cells[f] = cell.clone();
        return Some(format!(
            "{} = {cell:?} in {} (declared {})",
            fields[f].name, recs[r].id, range.text
        ));
    }
    let cell = match fields[f].ty {
        T::Int => format!("-{}", rng.range(1, 100)),
        T::Number => format!("-{}.5", rng.range(0, 10)),
        T::Percent => format!("{}%", rng.range(101, 1000)),
        _ => {
            if rng.chance(0.5) {
                format!("31/12/{}", rng.range(1000, 1899))
            } else {
                let after = rules.review.y as i64 + rng.range(1, 50);
                format!("{after}-01-01")
            }
        }
    };
    recs[r].cells[f] = cell.clone();
    Some(format!("{} = {cell:?} in {}", fields[f].name, recs[r].id))
}

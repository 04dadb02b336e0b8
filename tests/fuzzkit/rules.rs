//! Grammar-aware generation of valid rules programs.
//!
//! A program is built as a small model (schemas, parameters, blocks of
//! clauses, quotas) whose expressions are generated type-directed, so the
//! checker accepts them; [`Rules::render`] writes it as text, with random
//! layout and comments. The model is kept so a failing case can be
//! shrunk by dropping clauses, quotas and blocks.

use super::knobs::Knobs;
use super::rng::Rng;
use super::val::{Date, Round, Val, Q};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum T {
    Bool,
    Int,
    Number,
    Percent,
    Date,
    Text,
    Enum(usize),
    Grade,
    Org,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PT {
    V(T),
    GradeSet,
    Rounding,
}

#[derive(Debug, Clone)]
pub struct EnumM {
    pub name: String,
    pub variants: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct FieldM {
    pub name: String,
    pub ty: T,
    pub optional: bool,
    /// The default as written, and its value.
    pub default: Option<(String, Val)>,
    /// Columns named in the rules (the field's own name is accepted too).
    pub columns: Vec<String>,
    pub range: Option<RangeM>,
}

impl FieldM {
    /// Every header the loader accepts for this field.
    pub fn accepted(&self) -> Vec<String> {
        let mut v = self.columns.clone();
        if !v.contains(&self.name) {
            v.push(self.name.clone());
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct LetM {
    pub name: String,
    pub ty: T,
    pub expr: String,
}

#[derive(Debug, Clone)]
pub struct ParamM {
    pub name: String,
    pub ty: PT,
    pub text: String,
    pub range: Option<RangeM>,
}

/// A declared range `in LOW..HIGH` (bounds inclusive, either may be left
/// out); without one a field has its type's sensible range.
#[derive(Debug, Clone)]
pub struct RangeM {
    pub text: String,
    pub low: Option<Val>,
    pub high: Option<Val>,
}

#[derive(Debug, Clone)]
pub struct ClauseM {
    pub name: String,
    pub deciding: bool,
    pub otherwise: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct BlockM {
    pub name: String,
    pub member: bool,
    pub filter: Option<String>,
    pub clauses: Vec<ClauseM>,
}

#[derive(Debug, Clone)]
pub struct QuotaM {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub name: String,
    pub year: i64,
    pub review: Date,
    pub sources: Vec<String>,
    /// (code, label), best first.
    pub grades: Vec<(String, String)>,
    pub enums: Vec<EnumM>,
    /// The enumeration of organisation kinds.
    pub kind_enum: usize,
    pub member: Vec<FieldM>,
    pub member_lets: Vec<LetM>,
    pub org: Vec<FieldM>,
    pub org_lets: Vec<LetM>,
    pub params: Vec<ParamM>,
    pub blocks: Vec<BlockM>,
    pub quotas: Vec<QuotaM>,
    pub report: Option<String>,
    pub samples: Vec<SampleM>,
    pub tests: Vec<TestM>,
    /// Seeds the layout (indentation, comments, line breaks).
    pub style: u64,
}

// ───────────────────────────── names ─────────────────────────────

const STEMS: &[&str] = &[
    "diem",
    "ket_qua",
    "muc",
    "ty_le",
    "so_thang",
    "ngay",
    "ghi_chu",
    "xep_loai",
    "tieu_chi",
    "nhiem_vu",
    "hoan_thanh",
    "vuot",
    "cham",
    "khen",
    "ky_luat",
    "điểm",
    "kết_quả",
    "tỷ_lệ",
    "đơn_vị",
    "score",
    "level",
    "flag",
    "rate",
    "note",
    "when_",
    "or_else",
    "notice",
    "inner",
    "order",
    "andy",
    "ifs",
    "byline",
    "top",
    "Ωmega",
    "x",
    "_hidden",
];

pub const TEXTS: &[&str] = &[
    "A",
    "B",
    "Hà Nội",
    "Bắc Giang",
    "x, y",
    "say \"hi\"",
    "Yên Thế",
    "z",
    "Đảng viên",
    "mixed Case",
    "hai\ndòng",
];

const GRADE_CODES: &[&str] = &[
    "HTXSNV", "HTTNV", "HTNV", "KHTNV", "XS", "TOT", "KHA", "TB", "YEU", "A1", "B2", "C3", "Ưu",
];

const VARIANT_STEMS: &[&str] = &[
    "XuatSac",
    "Tot",
    "Kha",
    "TrungBinh",
    "Kem",
    "Yeu",
    "Cao",
    "Thap",
    "Đạt",
    "Lo",
];

const KIND_STEMS: &[&str] = &[
    "dang_bo_tinh",
    "dang_bo_huyen",
    "dang_bo_co_so",
    "chi_bo_co_so",
    "dang_bo_bo_phan",
    "chi_bo",
];

struct Names {
    n: usize,
}

impl Names {
    fn fresh(&mut self, rng: &mut Rng, stems: &[&str]) -> String {
        self.n += 1;
        format!("{}_{}", rng.pick(stems), self.n)
    }
}

// ───────────────────────────── generation ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Member,
    Org,
}

/// Where an expression is written.
#[derive(Debug, Clone, Copy)]
struct Scope {
    kind: Kind,
    /// `grade` may be read (inside `graded …` aggregates, rank keys).
    grade_ok: bool,
    /// No aggregates over graded collections (settled before grading).
    no_grades: bool,
    /// How many lets are visible (a let sees only those before it).
    lets: usize,
    /// Aggregates allowed at all (not in a quota's ratio, say).
    aggs: bool,
    /// Nesting of aggregates so far.
    agg_depth: u32,
}

pub struct Gen<'r> {
    pub rng: &'r mut Rng,
    pub knobs: Knobs,
    names: Names,
    pub rules: Rules,
}

/// Precedence levels of the language, loosest first.
const P_OR: u8 = 0;
const P_AND: u8 = 1;
const P_NOT: u8 = 2;
const P_CMP: u8 = 3;
const P_ADD: u8 = 4;
const P_MUL: u8 = 5;
const P_NEG: u8 = 6;
const P_ATOM: u8 = 7;
/// `if … then … else …` swallows what follows: always parenthesise it
/// inside another expression.
const P_IF: u8 = 0;

/// An expression's text and how tightly it binds.
struct E(String, u8);

impl<'r> Gen<'r> {
    pub fn new(rng: &'r mut Rng, knobs: Knobs) -> Gen<'r> {
        Gen {
            rng,
            knobs,
            names: Names { n: 0 },
            rules: Rules {
                name: String::new(),
                year: 2021,
                review: Date::new(2021, 12, 31).unwrap(),
                sources: Vec::new(),
                grades: Vec::new(),
                enums: Vec::new(),
                kind_enum: 0,
                member: Vec::new(),
                member_lets: Vec::new(),
                org: Vec::new(),
                org_lets: Vec::new(),
                params: Vec::new(),
                blocks: Vec::new(),
                quotas: Vec::new(),
                report: None,
                samples: Vec::new(),
                tests: Vec::new(),
                style: 0,
            },
        }
    }

    fn fresh(&mut self) -> String {
        self.names.fresh(self.rng, STEMS)
    }

    /// A whole program.
    pub fn program(mut self) -> Rules {
        let r = &mut self.rules;
        r.style = self.rng.next_u64();
        r.year = self.rng.range(2000, 2030);
        let review = Date::new(
            r.year as i32,
            self.rng.range(1, 12) as u32,
            self.rng.range(1, 28) as u32,
        )
        .unwrap();
        let review = if self.rng.chance(0.6) {
            Date::new(r.year as i32, 12, 31).unwrap()
        } else {
            review
        };
        self.rules.review = review;
        self.rules.name = format!("Fuzz {} \\\"q\\\" năm", self.rng.below(1000));
        for _ in 0..self.rng.below(3) {
            let s = format!("Nguồn {}", self.rng.below(100));
            self.rules.sources.push(s);
        }
        self.grades();
        self.enums();
        self.schemas();
        self.params();
        self.lets(Kind::Member);
        self.lets(Kind::Org);
        self.blocks();
        self.quotas();
        self.report();
        self.examples();
        self.rules
    }

    fn grades(&mut self) {
        let n = self.rng.range(3, 5) as usize;
        let mut codes: Vec<&str> = GRADE_CODES.to_vec();
        self.rng.shuffle(&mut codes);
        self.rules.grades = codes[..n]
            .iter()
            .enumerate()
            .map(|(i, c)| (c.to_string(), format!("Mức {} ({c})", i + 1)))
            .collect();
    }

    fn enums(&mut self) {
        // The kinds of organisation.
        let n = self.rng.range(2, 5) as usize;
        let mut stems = KIND_STEMS.to_vec();
        self.rng.shuffle(&mut stems);
        let name = format!("Loai_{}", self.rng.below(100));
        let variants = stems[..n]
            .iter()
            .map(|s| {
                self.names.n += 1;
                let v = format!("{s}_{}", self.names.n);
                let label = self.rng.chance(0.7).then(|| format!("Loại {v} nhãn"));
                (v, label)
            })
            .collect();
        self.rules.enums.push(EnumM { name, variants });
        self.rules.kind_enum = 0;
        for e in 0..self.rng.range(1, 2) {
            let n = self.rng.range(2, 5) as usize;
            let name = format!("Muc{e}_{}", self.rng.below(100));
            let variants = (0..n)
                .map(|_| {
                    let v = self.names.fresh(self.rng, VARIANT_STEMS);
                    let label = self.rng.chance(0.6).then(|| format!("Mức {v} nhãn"));
                    (v, label)
                })
                .collect();
            self.rules.enums.push(EnumM { name, variants });
        }
    }

    fn any_value_type(&mut self) -> T {
        let enums = self.rules.enums.len();
        match self.rng.below(9) {
            0 => T::Bool,
            1 => T::Int,
            2 => T::Number,
            3 => T::Percent,
            4 => T::Date,
            5 => T::Text,
            6 | 7 => T::Enum(self.rng.below(enums)),
            _ => T::Grade,
        }
    }

    fn schemas(&mut self) {
        for member in [true, false] {
            let mut fields = Vec::new();
            let builtin: &[(&str, T, bool)] = if member {
                &[
                    ("id", T::Text, false),
                    ("name", T::Text, false),
                    ("organisation", T::Org, false),
                ]
            } else {
                &[
                    ("id", T::Text, false),
                    ("name", T::Text, false),
                    ("parent", T::Org, true),
                    ("kind", T::Enum(0), false),
                ]
            };
            for &(name, ty, optional) in builtin {
                fields.push(FieldM {
                    name: name.into(),
                    ty,
                    optional,
                    default: None,
                    columns: self.columns(name),
                    range: None,
                });
            }
            for _ in 0..self.rng.range(2, 8) {
                let ty = self.any_value_type();
                let name = self.fresh();
                let optional = self.rng.chance(0.35);
                let columns = self.columns(&name);
                let has_default = self.rng.chance(0.3);
                // `in LOW..` swallowed the next field or `let` when nothing
                // (a default, `column`) stopped it: see
                // `regression_open_range_before_next_word`.
                let open_ok = self.knobs.known_bugs || has_default || !columns.is_empty();
                let range = self.maybe_range(ty, open_ok);
                let default = if has_default {
                    if self.rng.chance(0.1) {
                        Some(("none".to_string(), Val::None))
                    } else {
                        Some(self.value_in(ty, range.as_ref()))
                    }
                } else {
                    None
                };
                fields.push(FieldM {
                    name,
                    ty,
                    optional,
                    default,
                    columns,
                    range,
                });
            }
            // Another reference to an organisation (for organisations only
            // with XEPLOAI_FUZZ_KNOWN_BUGS: see `known_bug_second_org_field`).
            if (member || self.knobs.known_bugs) && self.rng.chance(0.3) {
                let name = self.fresh();
                let columns = self.columns(&name);
                fields.push(FieldM {
                    name,
                    ty: T::Org,
                    optional: true,
                    default: None,
                    columns,
                    range: None,
                });
            }
            // The built-in fields need not come first.
            if self.rng.chance(0.3) {
                self.rng.shuffle(&mut fields);
            }
            if member {
                self.rules.member = fields;
            } else {
                self.rules.org = fields;
            }
        }
    }

    fn columns(&mut self, name: &str) -> Vec<String> {
        let mut v = Vec::new();
        if self.rng.chance(0.6) {
            self.names.n += 1;
            v.push(format!("Cột {} {}", name.replace('_', " "), self.names.n));
        }
        if self.rng.chance(0.3) {
            self.names.n += 1;
            v.push(format!("col_{}, \\\"{}\\\"", name, self.names.n));
        }
        v
    }

    /// A literal of a type: its text and value.
    fn literal(&mut self, ty: T) -> (String, Val) {
        match ty {
            T::Bool => {
                let b = self.rng.chance(0.5);
                (b.to_string(), Val::Bool(b))
            }
            T::Int => {
                let i = if self.knobs.pending && self.rng.chance(0.02) {
                    // Pending: overflow is an evaluation error.
                    999_999_999_999_999_999
                } else if self.rng.chance(0.9) {
                    self.rng.range(0, 12)
                } else {
                    self.rng.range(0, 100_000)
                };
                (i.to_string(), Val::Num(Q::int(i as i128)))
            }
            T::Number => {
                let whole = self.rng.range(0, 12);
                let frac = self.rng.range(0, 99);
                (
                    format!("{whole}.{frac:02}"),
                    Val::Num(Q::new((whole * 100 + frac) as i128, 100).unwrap()),
                )
            }
            T::Percent => {
                let p = self.rng.range(0, 100);
                if p < 100 && self.rng.chance(0.2) {
                    let f = self.rng.range(0, 9);
                    (
                        format!("{p}.{f}%"),
                        Val::Num(Q::new((p * 10 + f) as i128, 1000).unwrap()),
                    )
                } else {
                    (format!("{p}%"), Val::Num(Q::new(p as i128, 100).unwrap()))
                }
            }
            T::Date => {
                let d = self.date();
                (d.iso(), Val::Date(d))
            }
            T::Text => {
                let t = *self.rng.pick(TEXTS);
                (quote(t), Val::Text(t.to_string()))
            }
            T::Enum(e) => {
                let n = self.rules.enums[e].variants.len();
                let i = self.rng.below(n);
                (
                    self.rules.enums[e].variants[i].0.clone(),
                    Val::Enum(e as u16, i as u16),
                )
            }
            T::Grade => {
                let i = self.rng.below(self.rules.grades.len());
                (self.rules.grades[i].0.clone(), Val::Grade(i as u8))
            }
            T::Org => unreachable!("no organisation literals"),
        }
    }

    /// A date between 1900-01-01 and the review date.
    pub fn date(&mut self) -> Date {
        random_date(self.rng, self.rules.review)
    }

    fn params(&mut self) {
        for _ in 0..self.rng.range(2, 7) {
            let name = self.fresh();
            let (ty, text) = match self.rng.below(10) {
                0 => (PT::GradeSet, self.grade_set()),
                1 => (
                    PT::Rounding,
                    self.rng.pick(&["floor", "ceil", "nearest"]).to_string(),
                ),
                _ => {
                    let ty = self.any_value_type();
                    let range = self.maybe_range(ty, true);
                    let (text, _) = self.value_in(ty, range.as_ref());
                    self.rules.params.push(ParamM {
                        name,
                        ty: PT::V(ty),
                        text,
                        range,
                    });
                    continue;
                }
            };
            self.rules.params.push(ParamM {
                name,
                ty,
                text,
                range: None,
            });
        }
        // Something for quotas to use.
        let name = self.fresh();
        let (text, _) = self.literal(T::Percent);
        self.rules.params.push(ParamM {
            name,
            ty: PT::V(T::Percent),
            text,
            range: None,
        });
    }

    fn grade_set(&mut self) -> String {
        let mut codes: Vec<String> = self
            .rules
            .grades
            .iter()
            .filter(|_| self.rng.chance(0.5))
            .map(|g| g.0.clone())
            .collect();
        if codes.is_empty() {
            codes.push(self.rules.grades[1].0.clone());
        }
        format!("[{}]", codes.join(", "))
    }

    fn lets(&mut self, kind: Kind) {
        for i in 0..self.rng.below(3) {
            let ty = *self
                .rng
                .pick(&[T::Int, T::Number, T::Percent, T::Bool, T::Date]);
            let scope = Scope {
                kind,
                grade_ok: false,
                no_grades: false,
                lets: i,
                aggs: true,
                agg_depth: 0,
            };
            let expr = self.expr(ty, &scope, 2).0;
            let name = self.fresh();
            let l = LetM { name, ty, expr };
            match kind {
                Kind::Member => self.rules.member_lets.push(l),
                Kind::Org => self.rules.org_lets.push(l),
            }
        }
    }

    fn own(&self, kind: Kind) -> Scope {
        Scope {
            kind,
            grade_ok: false,
            no_grades: false,
            lets: usize::MAX,
            aggs: true,
            agg_depth: 0,
        }
    }

    fn blocks(&mut self) {
        // Members: sometimes a filtered block before the catch-all.
        if self.rng.chance(0.3) {
            let sc = Scope {
                no_grades: true,
                ..self.own(Kind::Member)
            };
            let filter = self.cond(&sc, 2);
            self.block(true, Some(filter));
        }
        self.block(true, None);
        // Organisations by kind; some kinds may have no block.
        let kinds = self.rules.enums[0].variants.len();
        for _ in 0..self.rng.range(1, 3) {
            let sc = Scope {
                no_grades: true,
                ..self.own(Kind::Org)
            };
            let filter = match self.rng.below(6) {
                0 => None,
                1 => Some(format!(
                    "kind == {}",
                    self.rules.enums[0].variants[self.rng.below(kinds)].0
                )),
                2 => Some(format!("{} and kind != {}", self.cond(&sc, 1), {
                    let v = self.rng.below(kinds);
                    self.rules.enums[0].variants[v].0.clone()
                })),
                _ => {
                    let picked: Vec<String> = self.rules.enums[0]
                        .variants
                        .iter()
                        .filter(|_| self.rng.chance(0.5))
                        .map(|v| v.0.clone())
                        .collect();
                    let picked = if picked.is_empty() {
                        vec![self.rules.enums[0].variants[0].0.clone()]
                    } else {
                        picked
                    };
                    Some(format!("kind in [{}]", picked.join(", ")))
                }
            };
            self.block(false, filter);
        }
    }

    fn block(&mut self, member: bool, filter: Option<String>) {
        let kind = if member { Kind::Member } else { Kind::Org };
        let name = self.fresh();
        let sc = self.own(kind);
        let mut clauses = Vec::new();
        let grades = self.rules.grades.len();
        for _ in 0..self.rng.below(3) {
            let name = self.fresh();
            let reason = quote(&format!("lý do {}", self.rng.below(50)));
            let cond = self.cond(&sc, 3);
            clauses.push(ClauseM {
                name: name.clone(),
                deciding: true,
                otherwise: false,
                text: format!("{name}: not graded {reason} when {cond}"),
            });
        }
        for _ in 0..self.rng.range(1, 5) {
            let name = self.fresh();
            let g = self.rng.below(grades);
            let label = self.label();
            let cond = self.cond(&sc, 3);
            clauses.push(ClauseM {
                name: name.clone(),
                deciding: true,
                otherwise: false,
                text: format!("{name}: {}{label} when {cond}", self.rules.grades[g].0),
            });
        }
        if self.rng.chance(0.3) {
            let name = self.fresh();
            let referral = self.referral();
            let cond = self.cond(&sc, 3);
            clauses.push(ClauseM {
                name: name.clone(),
                deciding: true,
                otherwise: false,
                text: format!("{name}: {referral} when {cond}"),
            });
        }
        if self.rng.chance(0.3) {
            self.rng.shuffle(&mut clauses);
        }
        let name_o = self.fresh();
        let text = if self.rng.chance(0.2) {
            format!("{name_o}: otherwise {}", self.referral())
        } else {
            let g = if self.rng.chance(0.6) {
                grades - 1
            } else {
                self.rng.below(grades)
            };
            let label = self.label();
            format!("{name_o}: otherwise {}{label}", self.rules.grades[g].0)
        };
        clauses.push(ClauseM {
            name: name_o.clone(),
            deciding: true,
            otherwise: true,
            text,
        });
        for _ in 0..self.rng.below(3) {
            let name = self.fresh();
            let g = self.rng.below(grades);
            let label = self.label();
            let cond = self.cond(&sc, 2);
            let cap = ClauseM {
                name: name.clone(),
                deciding: false,
                otherwise: false,
                text: format!(
                    "{name}: at most {}{label} when {cond}",
                    self.rules.grades[g].0
                ),
            };
            // Caps may stand anywhere.
            let at = self.rng.below(clauses.len() + 1);
            clauses.insert(at, cap);
        }
        self.rules.blocks.push(BlockM {
            name,
            member,
            filter,
            clauses,
        });
    }

    /// `refer "…"`, with the grades in question now and then (in any
    /// order, a grade twice at times: the engine lists them best first).
    fn referral(&mut self) -> String {
        let reason = quote(&format!(
            "cấp có thẩm quyền quyết định {}",
            self.rng.below(9)
        ));
        if !self.rng.chance(0.5) {
            return format!("refer {reason}");
        }
        let grades = self.rules.grades.len();
        let among: Vec<String> = (0..self.rng.range(1, 4))
            .map(|_| self.rules.grades[self.rng.below(grades)].0.clone())
            .collect();
        format!("refer {reason} among [{}]", among.join(", "))
    }

    fn label(&mut self) -> String {
        if self.rng.chance(0.3) {
            format!(" {}", quote(&format!("nhãn {}", self.rng.below(9))))
        } else {
            String::new()
        }
    }

    fn quotas(&mut self) {
        let grades = self.rules.grades.len();
        for _ in 0..self.rng.below(4) {
            let name = self.fresh();
            let member = self.rng.chance(0.5);
            let kind = if member { Kind::Member } else { Kind::Org };
            let enforce = self.rng.chance(0.5);
            let g = self.rng.below(if enforce { grades - 1 } else { grades });
            let grade = self.rules.grades[g].0.clone();
            let own_pre = Scope {
                no_grades: true,
                ..self.own(kind)
            };
            let filter = if self.rng.chance(0.4) {
                if !member && self.rng.chance(0.6) {
                    let kinds = self.rules.enums[0].variants.len();
                    let v = self.rules.enums[0].variants[self.rng.below(kinds)]
                        .0
                        .clone();
                    format!(" where kind == {v}")
                } else {
                    format!(" where {}", self.cond(&own_pre, 2))
                }
            } else {
                String::new()
            };
            let org_pre = Scope {
                no_grades: true,
                ..self.own(Kind::Org)
            };
            let grouping = match self.rng.below(5) {
                0 => "all".to_string(),
                1 => "parent".to_string(),
                2 | 3 => {
                    let kinds = self.rules.enums[0].variants.len();
                    if self.rng.chance(0.6) {
                        let v = self.rules.enums[0].variants[self.rng.below(kinds)]
                            .0
                            .clone();
                        format!("ancestor where kind == {v}")
                    } else {
                        format!("ancestor where {}", self.cond(&org_pre, 2))
                    }
                }
                _ => {
                    let by = self.group_by(kind);
                    format!("by {by}")
                }
            };
            let ratio = self.ratio();
            let base = match self.rng.below(4) {
                0 => self.rules.grades[self.rng.below(grades)].0.clone(),
                1 => match self.param_of(PT::GradeSet) {
                    Some(p) => p,
                    None => self.grade_set(),
                },
                _ => self.grade_set(),
            };
            let rounding = match self.rng.below(4) {
                0 => match self.param_of(PT::Rounding) {
                    Some(p) => p,
                    None => "ceil".into(),
                },
                1 => {
                    let sc = Scope {
                        lets: self.cap_lets(),
                        ..org_pre_no_aggs(org_pre)
                    };
                    let c = self.cond(&sc, 1);
                    format!("if {c} then floor else nearest")
                }
                _ => self.rng.pick(&["floor", "ceil", "nearest"]).to_string(),
            };
            let mode = if enforce {
                let rank = Scope {
                    grade_ok: true,
                    ..self.own(kind)
                };
                let keys: Vec<String> = (0..self.rng.range(1, 3))
                    .map(|_| {
                        let ty = *self.rng.pick(&[
                            T::Int,
                            T::Number,
                            T::Percent,
                            T::Date,
                            T::Text,
                            T::Enum(1),
                            T::Grade,
                            T::Bool,
                        ]);
                        let ty = if ty == T::Enum(1) && self.rules.enums.len() < 2 {
                            T::Enum(0)
                        } else {
                            ty
                        };
                        let k = self.expr(ty, &rank, 2);
                        let k = if k.1 == P_IF {
                            format!("({})", k.0)
                        } else {
                            k.0
                        };
                        let dir = *self.rng.pick(&["", " asc", " desc"]);
                        format!("{k}{dir}")
                    })
                    .collect();
                format!("enforce rank by {}", keys.join(", "))
            } else {
                "check".to_string()
            };
            let subject = if member { "member" } else { "organisation" };
            let text = format!(
                "quota {name}: {grade} of {subject}{filter}\n  within {grouping}\n  at most {ratio} of {base} round {rounding} {mode}"
            );
            self.rules.quotas.push(QuotaM { name, text });
        }
    }

    /// A quota's ratio: read on the group's organisation.
    fn ratio(&mut self) -> String {
        let sc = Scope {
            no_grades: true,
            aggs: self.knobs.known_bugs,
            lets: self.cap_lets(),
            ..self.own(Kind::Org)
        };
        match self.rng.below(6) {
            0 | 1 => self
                .param_of(PT::V(T::Percent))
                .unwrap_or_else(|| "20%".into()),
            2 => self.literal(T::Percent).0,
            3 => {
                let c = self.cond(&sc, 2);
                let a = self.literal(T::Percent).0;
                let b = self.literal(T::Percent).0;
                format!("if {c} then {a} else {b}")
            }
            4 if self.knobs.known_bugs => {
                // Aggregates in a ratio, read per group.
                let n = self.rng.range(0, 4);
                format!("if count(members) > {n} then 50% else 10%")
            }
            _ => {
                let p = self.literal(T::Percent).0;
                let k = self.rng.range(1, 3);
                format!("{p} * {k}")
            }
        }
    }

    /// Lets readable in a quota's ratio and rounding: a let may hold an
    /// aggregate, which the engine computes once for all groups (see
    /// `known_bug_quota_ratio_aggregate_memo`).
    fn cap_lets(&self) -> usize {
        if self.knobs.known_bugs {
            usize::MAX
        } else {
            0
        }
    }

    fn group_by(&mut self, kind: Kind) -> String {
        let sc = Scope {
            no_grades: true,
            aggs: false,
            ..self.own(kind)
        };
        match self.rng.below(5) {
            0 => {
                let orgs: Vec<String> = self
                    .fields(kind)
                    .iter()
                    .filter(|f| f.ty == T::Org)
                    .map(|f| f.name.clone())
                    .collect();
                self.rng.pick(&orgs).clone()
            }
            1 => match kind {
                Kind::Member => "organisation.kind".into(),
                Kind::Org => "kind".into(),
            },
            _ => {
                let ty = *self
                    .rng
                    .pick(&[T::Bool, T::Int, T::Enum(0), T::Grade, T::Text]);
                let e = self.expr(ty, &sc, 1);
                if e.1 == P_IF {
                    format!("({})", e.0)
                } else {
                    e.0
                }
            }
        }
    }

    fn report(&mut self) {
        if self.rng.chance(0.5) {
            return;
        }
        let mut rows = Vec::new();
        for i in 0..self.rng.range(1, 3) {
            let member = self.rng.chance(0.5);
            let sc = Scope {
                no_grades: true,
                ..self.own(if member { Kind::Member } else { Kind::Org })
            };
            let filter = if self.rng.chance(0.5) {
                format!(" where {}", self.cond(&sc, 1))
            } else {
                String::new()
            };
            rows.push(format!(
                "  row {} {}{filter}",
                quote(&format!("Hàng {i}")),
                if member { "member" } else { "organisation" }
            ));
        }
        self.rules.report = Some(format!("report {{\n{}\n}}", rows.join("\n")));
    }

    fn param_of(&mut self, ty: PT) -> Option<String> {
        let c: Vec<String> = self
            .rules
            .params
            .iter()
            .filter(|p| p.ty == ty)
            .map(|p| p.name.clone())
            .collect();
        (!c.is_empty()).then(|| self.rng.pick(&c).clone())
    }

    // ───────────────────────── expressions ─────────────────────────

    fn cond(&mut self, sc: &Scope, depth: u32) -> String {
        if sc.kind == Kind::Org && sc.aggs && !sc.no_grades && self.rng.chance(0.35) {
            // The shape of the regulation's criteria.
            let coll = *self.rng.pick(&["members", "suborgs", "all_members"]);
            let g = self.rules.grades[self.rng.below(self.rules.grades.len())]
                .0
                .clone();
            let op = *self.rng.pick(&[">=", ">", "==", "<"]);
            let p = match self.param_of(PT::V(T::Percent)) {
                Some(p) if self.rng.chance(0.5) => p,
                _ => self.literal(T::Percent).0,
            };
            let rest = self.expr(T::Bool, sc, depth.saturating_sub(1));
            let rest = self.wrap(rest, P_AND + 1);
            return format!("share(graded {coll}, grade {op} {g}) >= {p} and {rest}");
        }
        self.expr(T::Bool, sc, depth).0
    }

    fn fields(&self, kind: Kind) -> &[FieldM] {
        match kind {
            Kind::Member => &self.rules.member,
            Kind::Org => &self.rules.org,
        }
    }

    /// Names of this type readable in the scope: fields, lets, parameters.
    fn names_of(&self, ty: T, sc: &Scope) -> Vec<String> {
        let mut out: Vec<String> = self
            .fields(sc.kind)
            .iter()
            .filter(|f| f.ty == ty)
            .map(|f| f.name.clone())
            .collect();
        let lets = match sc.kind {
            Kind::Member => &self.rules.member_lets,
            Kind::Org => &self.rules.org_lets,
        };
        // An organisation's let may count graded children: not before grading.
        let visible = if sc.no_grades && sc.kind == Kind::Org {
            0
        } else {
            sc.lets
        };
        out.extend(
            lets.iter()
                .take(visible)
                .filter(|l| l.ty == ty)
                .map(|l| l.name.clone()),
        );
        out.extend(
            self.rules
                .params
                .iter()
                .filter(|p| p.ty == PT::V(ty))
                .map(|p| p.name.clone()),
        );
        out
    }

    /// `organisation.f`, `parent.f`, `organisation.parent.f`.
    fn org_path(&mut self, ty: T, sc: &Scope) -> Option<String> {
        let fields: Vec<String> = self
            .rules
            .org
            .iter()
            .filter(|f| f.ty == ty)
            .map(|f| f.name.clone())
            .collect();
        if fields.is_empty() {
            return None;
        }
        let f = self.rng.pick(&fields).clone();
        let mut heads: Vec<String> = self
            .fields(sc.kind)
            .iter()
            .filter(|f| f.ty == T::Org)
            .map(|f| f.name.clone())
            .collect();
        heads.push(
            match sc.kind {
                Kind::Member => "organisation",
                Kind::Org => "parent",
            }
            .to_string(),
        );
        let head = self.rng.pick(&heads).clone();
        Some(if self.rng.chance(0.3) {
            format!("{head}.parent.{f}")
        } else {
            format!("{head}.{f}")
        })
    }

    fn wrap(&mut self, e: E, need: u8) -> String {
        if e.1 < need || (e.1 != P_ATOM && self.rng.chance(0.1)) {
            format!("({})", e.0)
        } else {
            e.0
        }
    }

    /// An expression of type `ty`.
    fn expr(&mut self, ty: T, sc: &Scope, depth: u32) -> E {
        if depth == 0 || self.rng.chance(0.2) {
            return self.atom(ty, sc);
        }
        let d = depth - 1;
        match ty {
            T::Bool => match self.rng.below(12) {
                0 => {
                    let a = self.expr(T::Bool, sc, d);
                    let a = self.wrap(a, P_AND);
                    let b = self.expr(T::Bool, sc, d);
                    let b = self.wrap(b, P_AND + 1);
                    E(format!("{a} and {b}"), P_AND)
                }
                1 => {
                    let a = self.expr(T::Bool, sc, d);
                    let a = self.wrap(a, P_OR);
                    let b = self.expr(T::Bool, sc, d);
                    let b = self.wrap(b, P_OR + 1);
                    E(format!("{a} or {b}"), P_OR)
                }
                2 => {
                    let a = self.expr(T::Bool, sc, d);
                    let a = self.wrap(a, P_NOT);
                    E(format!("not {a}"), P_NOT)
                }
                3..=6 => self.comparison(sc, d),
                7 => self.membership(sc, d),
                8 if sc.kind == Kind::Org && sc.aggs && sc.agg_depth < 2 => self
                    .aggregate(T::Bool, sc, d)
                    .unwrap_or_else(|| self.atom(T::Bool, sc)),
                9 => self.if_expr(T::Bool, sc, d),
                10 if sc.grade_ok => match self.param_of(PT::GradeSet) {
                    Some(p) => E(format!("grade in {p}"), P_CMP),
                    None => self.atom(T::Bool, sc),
                },
                _ => self.atom(T::Bool, sc),
            },
            T::Int | T::Number | T::Percent => match self.rng.below(10) {
                0..=2 => self.arith(ty, sc, d),
                3 => {
                    let a = self.expr(ty, sc, d);
                    let a = self.wrap(a, P_NEG);
                    E(format!("-{a}"), P_NEG)
                }
                4 | 5 if sc.kind == Kind::Org && sc.aggs && sc.agg_depth < 2 => self
                    .aggregate(ty, sc, d)
                    .unwrap_or_else(|| self.atom(ty, sc)),
                6 if ty == T::Int => {
                    let f = if self.rng.chance(0.5) {
                        "months"
                    } else {
                        "days"
                    };
                    let a = self.expr(T::Date, sc, d).0;
                    let b = self.expr(T::Date, sc, d).0;
                    E(format!("{f}({a}, {b})"), P_ATOM)
                }
                7 => self.if_expr(ty, sc, d),
                _ => self.atom(ty, sc),
            },
            _ => match self.rng.below(6) {
                0 => self.if_expr(ty, sc, d),
                1 if sc.kind == Kind::Org && sc.aggs && sc.agg_depth < 2 => self
                    .aggregate(ty, sc, d)
                    .unwrap_or_else(|| self.atom(ty, sc)),
                _ => self.atom(ty, sc),
            },
        }
    }

    fn if_expr(&mut self, ty: T, sc: &Scope, d: u32) -> E {
        let c = self.expr(T::Bool, sc, d).0;
        let a = self.expr(ty, sc, d);
        let a = self.wrap(a, P_OR);
        let b = self.expr(ty, sc, d).0;
        E(format!("if {c} then {a} else {b}"), P_IF)
    }

    fn arith(&mut self, ty: T, sc: &Scope, d: u32) -> E {
        // Types as the checker gives them: Int op Int → Int (not /),
        // Percent ± Percent → Percent, anything * or / → Number.
        let ops: &[&str] = if self.knobs.pending {
            &["+", "-", "*", "/"]
        } else {
            &["+", "-", "*"]
        };
        let op = *self.rng.pick(ops);
        let (ta, tb) = match (ty, op) {
            (T::Int, _) => (T::Int, T::Int),
            (T::Percent, _) => (T::Percent, T::Percent),
            (_, "*" | "/") => {
                let p = [T::Int, T::Number, T::Percent];
                // Int * Int is an Int, not a Number.
                match (*self.rng.pick(&p), *self.rng.pick(&p)) {
                    (T::Int, T::Int) => (T::Int, T::Number),
                    pair => pair,
                }
            }
            _ => *self.rng.pick(&[
                (T::Number, T::Number),
                (T::Int, T::Number),
                (T::Number, T::Int),
            ]),
        };
        let (op, ta, tb) = match (ty, op) {
            (T::Int, "/") | (T::Percent, "*" | "/") => ("+", ta, tb),
            _ => (op, ta, tb),
        };
        let prec = if op == "+" || op == "-" { P_ADD } else { P_MUL };
        let a = self.expr(ta, sc, d);
        let a = self.wrap(a, prec);
        let b = self.expr(tb, sc, d);
        let mut b = self.wrap(b, prec + 1);
        if op == "/"
            && b.trim_end_matches('%')
                .parse::<f64>()
                .is_ok_and(|x| x == 0.0)
        {
            // A literal `/ 0` is a check error.
            b = "1".into();
        }
        E(format!("{a} {op} {b}"), prec)
    }

    fn comparison(&mut self, sc: &Scope, d: u32) -> E {
        let enums = self.rules.enums.len();
        let ty = match self.rng.below(9) {
            0 => T::Int,
            1 => T::Number,
            2 => T::Percent,
            3 => T::Date,
            4 => T::Text,
            5 | 6 => T::Enum(self.rng.below(enums)),
            _ => T::Grade,
        };
        let ops = ["==", "!=", "<", "<=", ">", ">="];
        let op = *self.rng.pick(&ops);
        // `x == none` on an optional value.
        if self.rng.chance(0.1) {
            let a = self.expr(ty, sc, d);
            let a = self.wrap(a, P_CMP + 1);
            let op = if self.rng.chance(0.5) { "==" } else { "!=" };
            return E(format!("{a} {op} none"), P_CMP);
        }
        let tb = match ty {
            T::Int if self.rng.chance(0.2) => T::Number,
            T::Number if self.rng.chance(0.3) => *self.rng.pick(&[T::Int, T::Percent]),
            T::Percent if self.rng.chance(0.2) => T::Number,
            t => t,
        };
        let a = self.expr(ty, sc, d);
        let a = self.wrap(a, P_CMP + 1);
        let b = self.expr(tb, sc, d);
        let b = self.wrap(b, P_CMP + 1);
        E(format!("{a} {op} {b}"), P_CMP)
    }

    fn membership(&mut self, sc: &Scope, d: u32) -> E {
        let enums = self.rules.enums.len();
        let e = T::Enum(self.rng.below(enums));
        let ty = *self.rng.pick(&[T::Int, T::Text, e, T::Grade]);
        let a = self.expr(ty, sc, d);
        let a = self.wrap(a, P_CMP + 1);
        let items: Vec<String> = (0..self.rng.range(0, 3))
            .map(|_| {
                if self.rng.chance(0.8) {
                    self.literal(ty).0
                } else {
                    self.expr(ty, sc, 0).0
                }
            })
            .collect();
        E(format!("{a} in [{}]", items.join(", ")), P_CMP)
    }

    fn atom(&mut self, ty: T, sc: &Scope) -> E {
        let mut choices: Vec<String> = self.names_of(ty, sc);
        if ty == T::Grade && sc.grade_ok {
            choices.push("grade".into());
            choices.push("grade".into());
        }
        if ty == T::Date && self.rng.chance(0.3) {
            choices.push("review_date".into());
        }
        if self.rng.chance(0.25) {
            if let Some(p) = self.org_path(ty, sc) {
                choices.push(p);
            }
        }
        if choices.is_empty() || self.rng.chance(0.2) {
            let (text, _) = self.literal(ty);
            let prec = if text.starts_with('-') { P_NEG } else { P_ATOM };
            return E(text, prec);
        }
        E(self.rng.pick(&choices).clone(), P_ATOM)
    }

    /// An aggregate of result type `ty` over this organisation's children.
    fn aggregate(&mut self, ty: T, sc: &Scope, d: u32) -> Option<E> {
        let coll = *self.rng.pick(&["members", "suborgs", "all_members"]);
        let graded = !sc.no_grades && self.rng.chance(0.5);
        let kind = if coll == "suborgs" {
            Kind::Org
        } else {
            Kind::Member
        };
        let child = Scope {
            kind,
            grade_ok: graded,
            no_grades: sc.no_grades,
            // A let sees only the lets before it, in aggregates too.
            lets: if kind == sc.kind { sc.lets } else { usize::MAX },
            aggs: true,
            agg_depth: sc.agg_depth + 1,
        };
        let c = if graded {
            format!("graded {coll}")
        } else {
            coll.to_string()
        };
        let text = match ty {
            T::Bool => {
                let f = if self.rng.chance(0.5) { "all" } else { "any" };
                let cond = self.expr(T::Bool, &child, d).0;
                format!("{f}({c}, {cond})")
            }
            T::Int => {
                if self.rng.chance(0.4) {
                    format!("count({c})")
                } else if self.rng.chance(0.7) {
                    let cond = self.expr(T::Bool, &child, d).0;
                    format!("count({c}, {cond})")
                } else {
                    let f = *self.rng.pick(&["sum", "min", "max"]);
                    let v = self.expr(T::Int, &child, d).0;
                    format!("{f}({c}, {v})")
                }
            }
            T::Percent if self.rng.chance(0.7) => {
                let cond = self.expr(T::Bool, &child, d).0;
                format!("share({c}, {cond})")
            }
            T::Percent | T::Number => {
                let f = *self.rng.pick(&["sum", "min", "max"]);
                let v = self.expr(ty, &child, d).0;
                format!("{f}({c}, {v})")
            }
            T::Date | T::Text | T::Enum(_) | T::Grade => {
                let f = *self.rng.pick(&["min", "max"]);
                let v = self.expr(ty, &child, d).0;
                format!("{f}({c}, {v})")
            }
            T::Org => return None,
        };
        Some(E(text, P_ATOM))
    }
}

fn org_pre_no_aggs(s: Scope) -> Scope {
    Scope { aggs: false, ..s }
}

/// A date between 1900-01-01 and `last`.
pub fn random_date(rng: &mut Rng, last: Date) -> Date {
    if rng.chance(0.05) {
        return *rng.pick(&[Date::new(1900, 1, 1).unwrap(), last]);
    }
    loop {
        let y = if rng.chance(0.6) {
            rng.range((last.y - 30).max(1900) as i64, last.y as i64) as i32
        } else {
            rng.range(1900, last.y as i64) as i32
        };
        let m = rng.range(1, 12) as u32;
        let d = rng.range(1, 31) as u32;
        if let Some(date) = Date::new(y, m, d) {
            if date <= last {
                return date;
            }
        }
    }
}

/// A string literal of the language.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ───────────────────────────── rendering ─────────────────────────────

const COMMENTS: &[&str] = &[
    "// ghi chú",
    "// HD 21-HD/BTCTW, Mục II.B",
    "//",
    "// } ) ] \" không phải mã",
    "// ✓ Unicode: Đảng bộ — “quoted”",
];

impl Rules {
    pub fn type_text(&self, ty: T) -> String {
        match ty {
            T::Bool => "bool".into(),
            T::Int => "int".into(),
            T::Number => "number".into(),
            T::Percent => "percent".into(),
            T::Date => "date".into(),
            T::Text => "text".into(),
            T::Enum(e) => self.enums[e].name.clone(),
            T::Grade => "grade".into(),
            T::Org => "organisation".into(),
        }
    }

    pub fn fields(&self, member: bool) -> &[FieldM] {
        if member {
            &self.member
        } else {
            &self.org
        }
    }

    /// The program as text.
    pub fn render(&self) -> String {
        let mut rng = Rng::new(self.style);
        let ind = *rng.pick(&["  ", "    ", "\t", " "]);
        let comments = rng.chance(0.5);
        let mut out = String::new();
        let comment = |out: &mut String, rng: &mut Rng| {
            if comments && rng.chance(0.2) {
                out.push_str(COMMENTS[rng.below(COMMENTS.len())]);
                out.push('\n');
            }
        };
        comment(&mut out, &mut rng);
        out.push_str(&format!(
            "ruleset {} {{\n{ind}year {}\n{ind}review_date {}\n",
            quote(&self.name),
            self.year,
            self.review.iso()
        ));
        for s in &self.sources {
            out.push_str(&format!("{ind}source {}\n", quote(s)));
        }
        out.push_str("}\n\n");
        comment(&mut out, &mut rng);
        out.push_str("grades {\n");
        for (c, l) in &self.grades {
            out.push_str(&format!("{ind}{c} {}\n", quote(l)));
        }
        out.push_str("}\n\n");
        for e in &self.enums {
            comment(&mut out, &mut rng);
            let sep = if rng.chance(0.5) { "," } else { "" };
            out.push_str(&format!("enum {} {{\n", e.name));
            for (v, l) in &e.variants {
                match l {
                    Some(l) => out.push_str(&format!("{ind}{v} {}{sep}\n", quote(l))),
                    None => out.push_str(&format!("{ind}{v}{sep}\n")),
                }
            }
            out.push_str("}\n\n");
        }
        for (kw, fields, lets) in [
            ("member", &self.member, &self.member_lets),
            ("organisation", &self.org, &self.org_lets),
        ] {
            out.push_str(&format!("schema {kw} {{\n"));
            for f in fields {
                comment(&mut out, &mut rng);
                let mut line = format!(
                    "{ind}{}: {}{}",
                    f.name,
                    self.type_text(f.ty),
                    if f.optional { "?" } else { "" }
                );
                if let Some(r) = &f.range {
                    line.push_str(&format!(" {}", r.text));
                }
                if let Some((d, _)) = &f.default {
                    line.push_str(&format!(" = {d}"));
                }
                if !f.columns.is_empty() {
                    let cols: Vec<String> = f.columns.iter().map(|c| quote(c)).collect();
                    line.push_str(&format!(" column {}", cols.join(", ")));
                }
                if rng.chance(0.1) {
                    line.push_str(" cite \"trích dẫn\"");
                }
                out.push_str(&line);
                out.push('\n');
            }
            for l in lets {
                out.push_str(&format!("{ind}let {} = {}\n", l.name, l.expr));
            }
            out.push_str("}\n\n");
        }
        for p in &self.params {
            comment(&mut out, &mut rng);
            match &p.range {
                Some(r) => out.push_str(&format!("param {} {} = {}", p.name, r.text, p.text)),
                None => out.push_str(&format!("param {} = {}", p.name, p.text)),
            }
            if rng.chance(0.2) {
                out.push_str(" cite \"HD 21\"");
            }
            out.push('\n');
        }
        out.push('\n');
        for b in &self.blocks {
            comment(&mut out, &mut rng);
            let target = if b.member { "member" } else { "organisation" };
            match &b.filter {
                Some(f) => out.push_str(&format!("grading {} for {target} where {f} {{\n", b.name)),
                None => out.push_str(&format!("grading {} for {target} {{\n", b.name)),
            }
            for c in &b.clauses {
                comment(&mut out, &mut rng);
                let text = c.text.replace(" when ", &format!("\n{ind}{ind}when "));
                let text = if rng.chance(0.5) {
                    c.text.clone()
                } else {
                    text
                };
                out.push_str(&format!("{ind}{text}"));
                if rng.chance(0.15) {
                    out.push_str(&format!("\n{ind}{ind}cite \"Điều {}\"", rng.below(20)));
                }
                out.push('\n');
            }
            out.push_str("}\n\n");
        }
        for q in &self.quotas {
            comment(&mut out, &mut rng);
            out.push_str(&q.text);
            out.push_str("\n\n");
        }
        if let Some(r) = &self.report {
            out.push_str(r);
            out.push('\n');
        }
        for s in &self.samples {
            out.push_str(&s.text);
            out.push('\n');
        }
        for t in &self.tests {
            out.push_str(&t.text);
            out.push('\n');
        }
        comment(&mut out, &mut rng);
        out
    }

    /// Parts that can be dropped while shrinking a failing case, as
    /// (block, clause) or quota indexes.
    pub fn droppable(&self) -> Vec<Part> {
        let mut v = Vec::new();
        for (qi, _) in self.quotas.iter().enumerate() {
            v.push(Part::Quota(qi));
        }
        for (bi, b) in self.blocks.iter().enumerate() {
            if !b.member || self.blocks.iter().filter(|x| x.member).count() > 1 {
                v.push(Part::Block(bi));
            }
            for (ci, c) in b.clauses.iter().enumerate() {
                if !c.otherwise {
                    v.push(Part::Clause(bi, ci));
                }
            }
        }
        if self.report.is_some() {
            v.push(Part::Report);
        }
        if !self.tests.is_empty() {
            v.push(Part::Tests);
        }
        v.reverse();
        v
    }

    pub fn without(&self, part: Part) -> Rules {
        let mut r = self.clone();
        match part {
            Part::Quota(i) => {
                r.quotas.remove(i);
            }
            Part::Block(i) => {
                r.blocks.remove(i);
            }
            Part::Clause(b, c) => {
                r.blocks[b].clauses.remove(c);
            }
            Part::Report => r.report = None,
            Part::Tests => r.tests.clear(),
        }
        r
    }
}

/// A sample record: its fields after `like`.
#[derive(Debug, Clone)]
pub struct SampleM {
    pub name: String,
    pub member: bool,
    pub fields: Vec<(String, Val)>,
    pub text: String,
}

/// Children of a tested organisation that share a grade.
#[derive(Debug, Clone)]
pub struct ChildM {
    pub suborg: bool,
    /// `None` = not graded.
    pub grade: Option<usize>,
    pub count: u32,
    /// A sample's fields, or `None` for the defaults.
    pub fields: Option<Vec<(String, Val)>>,
}

/// A test written in the rules: one record and its children.
#[derive(Debug, Clone)]
pub struct TestM {
    pub name: String,
    pub member: bool,
    pub fields: Vec<(String, Val)>,
    pub children: Vec<ChildM>,
    pub text: String,
}

#[derive(Debug, Clone, Copy)]
pub enum Part {
    Quota(usize),
    Block(usize),
    Clause(usize, usize),
    Report,
    Tests,
}

/// A valid program from a seed.
pub fn generate(rng: &mut Rng, knobs: Knobs) -> Rules {
    Gen::new(rng, knobs).program()
}

/// A generator over an existing program, to make more expressions and
/// clauses for it (REPL input).
pub fn more<'r>(rules: &Rules, rng: &'r mut Rng, knobs: Knobs) -> Gen<'r> {
    Gen {
        rng,
        knobs,
        names: Names { n: 1_000_000 },
        rules: rules.clone(),
    }
}

impl Gen<'_> {
    /// An expression over an organisation, as a REPL query (which may read
    /// `grade` anywhere).
    pub fn query(&mut self) -> String {
        let sc = Scope {
            grade_ok: true,
            ..self.own(Kind::Org)
        };
        let ty = self.any_value_type();
        self.expr(ty, &sc, 3).0
    }

    /// A clause for one of the program's blocks, alone or in its block.
    pub fn clause_input(&mut self) -> String {
        if self.rules.blocks.is_empty() {
            return "x: otherwise A".into();
        }
        let b = self.rng.below(self.rules.blocks.len());
        let block = self.rules.blocks[b].clone();
        let kind = if block.member {
            Kind::Member
        } else {
            Kind::Org
        };
        let sc = self.own(kind);
        let g = self.rules.grades[self.rng.below(self.rules.grades.len())]
            .0
            .clone();
        let cond = self.cond(&sc, 2);
        // Replace an existing clause, or add a new one.
        let existing: Vec<&ClauseM> = block.clauses.iter().filter(|c| !c.otherwise).collect();
        if !existing.is_empty() && self.rng.chance(0.5) {
            let c = self.rng.pick(&existing).name.clone();
            return format!("{c}: {g} when {cond}");
        }
        let name = self.fresh();
        let place = if self.rng.chance(0.3) && !block.clauses.is_empty() {
            let c = &self.rng.pick(&block.clauses).name;
            format!(
                " {} {c}",
                if self.rng.chance(0.5) {
                    "before"
                } else {
                    "after"
                }
            )
        } else {
            String::new()
        };
        format!(
            "grading {} {{\n  {name}: {g} when {cond}{place}\n}}",
            block.name
        )
    }

    /// A new value for a parameter as `--set` takes it: name, text, value.
    pub fn param_set(&mut self) -> Option<(String, String, Val)> {
        let params = self.rules.params.clone();
        let p = self.rng.pick(&params).clone();
        let (text, v) = match p.ty {
            PT::V(T::Text) => {
                let t = *self.rng.pick(TEXTS);
                if t.contains('\n') {
                    return None;
                }
                (t.to_string(), Val::Text(t.to_string()))
            }
            PT::V(ty) => self.value_in(ty, p.range.as_ref()),
            PT::GradeSet => {
                let text = self.grade_set();
                let mut mask = 0u32;
                for code in text.trim_matches(['[', ']']).split(", ") {
                    let g = self.rules.grades.iter().position(|g| g.0 == code)?;
                    mask |= 1 << g;
                }
                let text = if self.rng.chance(0.5) {
                    text.trim_matches(['[', ']']).replace(' ', "")
                } else {
                    text
                };
                (text, Val::GradeSet(mask))
            }
            PT::Rounding => {
                let r = *self.rng.pick(&[Round::Floor, Round::Ceil, Round::Nearest]);
                (r.name().to_string(), Val::Round(r))
            }
        };
        Some((p.name, text, v))
    }

    /// A parameter line setting an existing parameter to a new literal.
    pub fn param_input(&mut self) -> Option<(String, String)> {
        let params = self.rules.params.clone();
        let p = self.rng.pick(&params);
        let v = match p.ty {
            PT::V(ty) => self.value_in(ty, p.range.as_ref()).0,
            PT::GradeSet => self.grade_set(),
            PT::Rounding => "ceil".into(),
        };
        Some((p.name.clone(), v))
    }
}

impl Gen<'_> {
    /// A new clause for block `b`: a deciding `GRADE when …` clause or a
    /// cap, named `name` (or a fresh name). Returns (name, text).
    pub fn clause_text(
        &mut self,
        b: usize,
        deciding: bool,
        name: Option<String>,
    ) -> (String, String) {
        let kind = if self.rules.blocks[b].member {
            Kind::Member
        } else {
            Kind::Org
        };
        let sc = self.own(kind);
        let name = name.unwrap_or_else(|| self.fresh());
        let g = self.rules.grades[self.rng.below(self.rules.grades.len())]
            .0
            .clone();
        let cond = self.cond(&sc, 2);
        let text = if deciding {
            if self.rng.chance(0.2) {
                format!("{name}: not graded \"lý do mới\" when {cond}")
            } else if self.rng.chance(0.15) {
                format!("{name}: refer \"cấp có thẩm quyền quyết định\" when {cond}")
            } else {
                format!("{name}: {g} when {cond}")
            }
        } else {
            format!("{name}: at most {g} when {cond}")
        };
        (name, text)
    }

    /// A new quota named `name`.
    pub fn quota_text(&mut self, name: &str) -> String {
        let before = self.rules.quotas.len();
        self.quotas();
        let made: Vec<QuotaM> = self.rules.quotas.drain(before..).collect();
        match made.first() {
            Some(q) => q
                .text
                .replacen(&format!("quota {}:", q.name), &format!("quota {name}:"), 1),
            None => format!(
                "quota {name}: {} of member within all at most 10% of [{}] round floor check",
                self.rules.grades[0].0, self.rules.grades[0].0
            ),
        }
    }
}

impl Gen<'_> {
    /// Fields a record may give: not the id, name or references.
    fn record_fields(&mut self, member: bool) -> Vec<(String, String, Val)> {
        let fields: Vec<FieldM> = self
            .fields(if member { Kind::Member } else { Kind::Org })
            .iter()
            .filter(|f| f.ty != T::Org && f.name != "id" && f.name != "name")
            .cloned()
            .collect();
        let mut out = Vec::new();
        for f in fields {
            // Blocks are chosen by kind: most records say theirs.
            let p = if f.name == "kind" { 0.85 } else { 0.5 };
            if self.rng.chance(p) {
                let (text, v) = self.value_in(f.ty, f.range.as_ref());
                out.push((f.name.clone(), text, v));
            }
        }
        out
    }

    fn defaults(&self, member: bool) -> Vec<(String, Val)> {
        self.fields(if member { Kind::Member } else { Kind::Org })
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.default.as_ref().map(|d| d.1.clone()).unwrap_or(Val::None),
                )
            })
            .collect()
    }

    /// `fields` with `own` written over them.
    fn merged(mut fields: Vec<(String, Val)>, own: &[(String, String, Val)]) -> Vec<(String, Val)> {
        for (n, _, v) in own {
            if let Some(f) = fields.iter_mut().find(|f| &f.0 == n) {
                f.1 = v.clone();
            }
        }
        fields
    }

    fn record_text(kind: &str, like: Option<&str>, own: &[(String, String, Val)]) -> String {
        let body: Vec<String> = own.iter().map(|(n, t, _)| format!("{n}: {t}")).collect();
        match like {
            Some(l) => format!("{kind} like {l} {{ {} }}", body.join(", ")),
            None => format!("{kind} {{ {} }}", body.join(", ")),
        }
    }

    /// Samples and tests.
    fn examples(&mut self) {
        for _ in 0..self.rng.below(4) {
            let member = self.rng.chance(0.5);
            let name = self.fresh();
            let like: Option<SampleM> = {
                let same: Vec<SampleM> = self
                    .rules
                    .samples
                    .iter()
                    .filter(|s| s.member == member)
                    .cloned()
                    .collect();
                (!same.is_empty() && self.rng.chance(0.4)).then(|| self.rng.pick(&same).clone())
            };
            let own = self.record_fields(member);
            let base = like
                .as_ref()
                .map(|s| s.fields.clone())
                .unwrap_or_else(|| self.defaults(member));
            let kind = if member { "member" } else { "organisation" };
            let text = format!(
                "sample {name}: {}",
                Self::record_text(kind, like.as_ref().map(|s| s.name.as_str()), &own)
            );
            self.rules.samples.push(SampleM {
                name,
                member,
                fields: Self::merged(base, &own),
                text,
            });
        }
        for _ in 0..self.rng.below(5) {
            let member = self.rng.chance(0.4);
            let name = self.fresh();
            let like: Option<SampleM> = {
                let same: Vec<SampleM> = self
                    .rules
                    .samples
                    .iter()
                    .filter(|s| s.member == member)
                    .cloned()
                    .collect();
                (!same.is_empty() && self.rng.chance(0.5)).then(|| self.rng.pick(&same).clone())
            };
            let own = self.record_fields(member);
            let base = like
                .as_ref()
                .map(|s| s.fields.clone())
                .unwrap_or_else(|| self.defaults(member));
            let kind = if member { "member" } else { "organisation" };
            let record = Self::record_text(kind, like.as_ref().map(|s| s.name.as_str()), &own);
            let mut children = Vec::new();
            let mut children_text = String::new();
            if !member {
                for (coll, suborg) in [("members", false), ("suborgs", true)] {
                    if self.rng.chance(0.4) {
                        continue;
                    }
                    let mut counts = Vec::new();
                    for _ in 0..self.rng.range(1, 3) {
                        let grade = (!self.rng.chance(0.2))
                            .then(|| self.rng.below(self.rules.grades.len()));
                        let count = self.rng.range(0, 6) as u32;
                        let sample: Option<SampleM> = {
                            let same: Vec<SampleM> = self
                                .rules
                                .samples
                                .iter()
                                .filter(|s| s.member != suborg)
                                .cloned()
                                .collect();
                            (!same.is_empty() && self.rng.chance(0.4))
                                .then(|| self.rng.pick(&same).clone())
                        };
                        let g = match grade {
                            Some(g) => self.rules.grades[g].0.clone(),
                            None => "not graded".into(),
                        };
                        let like = sample
                            .as_ref()
                            .map(|s| format!(" like {}", s.name))
                            .unwrap_or_default();
                        counts.push(format!("{g}: {count}{like}"));
                        children.push(ChildM {
                            suborg,
                            grade,
                            count,
                            fields: sample.map(|s| s.fields),
                        });
                    }
                    children_text.push_str(&format!(" {coll} {{ {} }}", counts.join(", ")));
                }
            }
            let expect = if self.rng.chance(0.1) {
                "to decide".to_string()
            } else if self.rng.chance(0.2) {
                "not graded".to_string()
            } else {
                self.rules.grades[self.rng.below(self.rules.grades.len())]
                    .0
                    .clone()
            };
            let by = {
                let clauses: Vec<String> = self
                    .rules
                    .blocks
                    .iter()
                    .filter(|b| b.member == member)
                    .flat_map(|b| {
                        b.clauses
                            .iter()
                            .filter(|c| c.deciding)
                            .map(|c| c.name.clone())
                    })
                    .collect();
                if !clauses.is_empty() && self.rng.chance(0.5) {
                    format!(" by {}", self.rng.pick(&clauses))
                } else {
                    String::new()
                }
            };
            let text =
                format!("test {name} \"mô tả\" {{ {record}{children_text} expect {expect}{by} }}");
            self.rules.tests.push(TestM {
                name,
                member,
                fields: Self::merged(base, &own),
                children,
                text,
            });
        }
    }
}

// ───────────────────────────── ranges ─────────────────────────────

/// A number as the rules write it: `3`, `-2.5`, `12.5%`.
pub fn num_text(q: Q, percent: bool) -> String {
    let q = if percent {
        q.mul(Q::int(100)).expect("small")
    } else {
        q
    };
    let s = q.to_string();
    if percent {
        format!("{s}%")
    } else {
        s
    }
}

/// The bounds a value of `ty` is drawn between: the declared ones, else
/// the type's sensible range (open sides made finite).
pub fn bounds(ty: T, range: Option<&RangeM>, review: Date) -> (Val, Val) {
    let (low, high) = match range {
        Some(r) => (r.low.clone(), r.high.clone()),
        None => match ty {
            T::Percent => (Some(Val::Num(Q::int(0))), Some(Val::Num(Q::int(1)))),
            T::Int | T::Number => (Some(Val::Num(Q::int(0))), None),
            T::Date => (
                Some(Val::Date(Date::new(1900, 1, 1).unwrap())),
                Some(Val::Date(review)),
            ),
            _ => (None, None),
        },
    };
    let span = match ty {
        T::Percent => Q::int(1),
        T::Int | T::Number => Q::int(20),
        _ => Q::int(0),
    };
    match ty {
        T::Date => {
            let lo = low.unwrap_or(Val::Date(Date::new(1900, 1, 1).unwrap()));
            let hi = high.unwrap_or(Val::Date(Date::new(review.y + 5, 12, 31).unwrap()));
            (lo, hi)
        }
        _ => {
            let num = |v: &Option<Val>| match v {
                Some(Val::Num(q)) => Some(*q),
                _ => None,
            };
            let (l, h) = (num(&low), num(&high));
            let l2 = l.unwrap_or_else(|| h.unwrap_or(Q::int(0)).sub(span).unwrap());
            let h2 = h.unwrap_or_else(|| l2.add(span).unwrap());
            (Val::Num(l2), Val::Num(h2))
        }
    }
}

impl Gen<'_> {
    /// A declared range for a number, percentage or date, sometimes.
    fn maybe_range(&mut self, ty: T, open_high_ok: bool) -> Option<RangeM> {
        if !self.knobs.pending || !self.rng.chance(0.3) {
            return None;
        }
        let (low, high): (Option<Val>, Option<Val>) = match ty {
            T::Int => {
                let l = self.rng.range(-5, 5);
                let h = l + self.rng.range(0, 20);
                (
                    Some(Val::Num(Q::int(l as i128))),
                    Some(Val::Num(Q::int(h as i128))),
                )
            }
            T::Number => {
                let l = self.rng.range(-300, 500);
                let h = l + self.rng.range(0, 2000);
                (
                    Some(Val::Num(Q::new(l as i128, 100).unwrap())),
                    Some(Val::Num(Q::new(h as i128, 100).unwrap())),
                )
            }
            T::Percent => {
                let l = self.rng.range(0, 60);
                let h = l + self.rng.range(0, 100);
                (
                    Some(Val::Num(Q::new(l as i128, 100).unwrap())),
                    Some(Val::Num(Q::new(h as i128, 100).unwrap())),
                )
            }
            T::Date => {
                let a = self.date();
                let b = self.date();
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                (Some(Val::Date(a)), Some(Val::Date(b)))
            }
            _ => return None,
        };
        // Either side may be left out.
        let (low, high) = match self.rng.below(5) {
            0 => (None, high),
            1 if open_high_ok => (low, None),
            _ => (low, high),
        };
        let show = |v: &Option<Val>| match v {
            Some(Val::Num(q)) if ty == T::Number && q.d == 1 => format!("{}.0", q.n),
            Some(Val::Num(q)) => num_text(*q, ty == T::Percent),
            Some(Val::Date(d)) => d.iso(),
            _ => String::new(),
        };
        let text = format!("in {}..{}", show(&low), show(&high));
        Some(RangeM { text, low, high })
    }

    /// A literal of `ty` within a field's or parameter's range.
    pub fn value_in(&mut self, ty: T, range: Option<&RangeM>) -> (String, Val) {
        let Some(r) = range else {
            return self.literal(ty);
        };
        let (lo, hi) = bounds(ty, Some(r), self.rules.review);
        let v = pick_between(self.rng, ty, &lo, &hi);
        let text = match &v {
            // A parameter's type is its value's: a number keeps its point.
            Val::Num(q) if ty == T::Number && q.d == 1 => format!("{}.0", q.n),
            Val::Num(q) => num_text(*q, ty == T::Percent),
            Val::Date(d) => d.iso(),
            _ => unreachable!("ranges are numeric or dates"),
        };
        (text, v)
    }
}

/// A value between two bounds (inclusive), often on a bound.
pub fn pick_between(rng: &mut Rng, ty: T, lo: &Val, hi: &Val) -> Val {
    if rng.chance(0.15) {
        return lo.clone();
    }
    if rng.chance(0.15) {
        return hi.clone();
    }
    match (lo, hi) {
        (Val::Num(l), Val::Num(h)) => {
            // On a grid fine enough for the type.
            let scale: i128 = match ty {
                T::Int => 1,
                T::Number => 100,
                _ => 1000,
            };
            let lk = l.mul(Q::int(scale)).unwrap().ceil();
            let hk = h.mul(Q::int(scale)).unwrap().floor();
            if lk > hk {
                return lo.clone();
            }
            let k = lk + (rng.next_u64() % ((hk - lk) as u64 + 1)) as i128;
            Val::Num(Q::new(k, scale).unwrap())
        }
        (Val::Date(l), Val::Date(h)) => {
            for _ in 0..50 {
                let y = rng.range(l.y as i64, h.y as i64) as i32;
                let m = rng.range(1, 12) as u32;
                let d = rng.range(1, 31) as u32;
                if let Some(date) = Date::new(y, m, d) {
                    if date >= *l && date <= *h {
                        return Val::Date(date);
                    }
                }
            }
            lo.clone()
        }
        _ => lo.clone(),
    }
}

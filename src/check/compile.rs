//! Declarations → [`Program`]: header, grades, schemas, parameters,
//! grading blocks, quotas, report rows, samples and tests.

use std::collections::HashMap;

use super::error::CheckError;
use super::expr::Scope;
use super::merge::Merged;
use super::suggest::help_for;
use super::Compiler;
use crate::program::*;
use crate::source::{nfc, SourceMap, Span};
use crate::syntax::ast::{self, SchemaItem, SubjectKind};
use crate::value::parse_iso_date;

impl<'a> Compiler<'a> {
    pub(super) fn new(sources: &'a SourceMap, problems: &'a mut Vec<miette::Report>) -> Self {
        Compiler {
            sources,
            problems,
            grade_index: HashMap::new(),
            enums: Vec::new(),
            variants: HashMap::new(),
            member: SchemaInfo::default(),
            organisation: SchemaInfo::default(),
            params: Vec::new(),
            review_date: 0,
            memo_slots: 0,
            current: String::new(),
            reads_child_grades: Vec::new(),
            grade_reads_up: Vec::new(),
            grade_reads_own: Vec::new(),
            lenient: false,
            broken: Vec::new(),
        }
    }

    /// Takes the names and schemas of a checked program, to compile more
    /// expressions against it.
    pub(super) fn adopt(&mut self, p: &Program) {
        self.grade_index = p
            .grades
            .iter()
            .enumerate()
            .map(|(i, g)| (g.code.clone(), i as u8))
            .collect();
        self.enums = p.enums.clone();
        for (e, info) in p.enums.iter().enumerate() {
            for (v, (name, _)) in info.variants.iter().enumerate() {
                self.variants
                    .entry(name.clone())
                    .or_default()
                    .push((e as u16, v as u16));
            }
        }
        self.member = p.member.clone();
        self.organisation = p.organisation.clone();
        self.params = p.params.clone();
        self.review_date = p.header.review_date;
        self.memo_slots = p.memo_slots;
    }

    fn file_start(&self, m: &Merged) -> Span {
        Span {
            file: m.first_file.unwrap_or_default(),
            start: 0,
            end: 0,
        }
    }

    pub(super) fn program(&mut self, m: Merged) -> Option<Program> {
        let header = self.header(&m);
        self.grades(&m);
        self.enums(&m);
        let member_span = m.member_span.unwrap_or_else(|| self.file_start(&m));
        let org_span = m.org_span.unwrap_or_else(|| self.file_start(&m));
        self.member = self.fields(&m.member_items, SubjectKind::Member, member_span);
        self.organisation = self.fields(&m.org_items, SubjectKind::Organisation, org_span);
        self.params(&m.params);
        self.lets(&m.member_items, SubjectKind::Member);
        self.lets(&m.org_items, SubjectKind::Organisation);
        self.requirements(&m.member_items, SubjectKind::Member);
        self.requirements(&m.org_items, SubjectKind::Organisation);
        let (blocks, clauses) = self.blocks(&m.blocks);
        let quotas = m.quotas.iter().filter_map(|q| self.quota(q)).collect();
        let report = self.report(&m, &blocks);
        let samples = self.samples(&m.samples);
        let tests = m
            .tests
            .iter()
            .filter_map(|t| self.test(t, &samples, &clauses, m.last_file, &m.removed))
            .collect();
        self.grade_order_problems();
        let mut grades: Vec<(String, u8)> = self
            .grade_index
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        grades.sort_by_key(|g| g.1);
        let labels: HashMap<String, String> = m
            .grades
            .as_ref()
            .map(|(defs, _)| {
                defs.iter()
                    .map(|d| (d.code.node.clone(), d.label.node.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Some(Program {
            sources: SourceMap::default(),
            header: header?,
            grades: grades
                .into_iter()
                .map(|(code, _)| GradeInfo {
                    label: labels.get(&code).cloned().unwrap_or_default(),
                    code,
                })
                .collect(),
            enums: std::mem::take(&mut self.enums),
            member: std::mem::take(&mut self.member),
            organisation: std::mem::take(&mut self.organisation),
            params: std::mem::take(&mut self.params),
            blocks,
            clauses,
            quotas,
            report,
            tests,
            memo_slots: self.memo_slots,
        })
    }

    fn header(&mut self, m: &Merged) -> Option<Header> {
        let Some((h, span)) = &m.header else {
            let span = self.file_start(m);
            self.push(CheckError::NoHeader {
                src: self.sources.named(span.file),
                span: span.into(),
            });
            return None;
        };
        let year = h.year.as_ref().map(|y| y.node);
        let date = h.review_date.as_ref().and_then(|d| parse_iso_date(&d.node));
        for (missing, absent) in [("year", year.is_none()), ("review_date", date.is_none())] {
            if absent {
                self.push(CheckError::IncompleteHeader {
                    missing,
                    src: self.sources.named(span.file),
                    span: (*span).into(),
                });
            }
        }
        self.review_date = date.unwrap_or(0);
        Some(Header {
            name: h.name.node.clone(),
            year: year?,
            review_date: date?,
            sources: h.sources.iter().map(|s| s.node.clone()).collect(),
        })
    }

    fn grades(&mut self, m: &Merged) {
        let Some((defs, span)) = &m.grades else {
            let span = self.file_start(m);
            self.push(CheckError::Misplaced {
                what: "no `grades` block".into(),
                help: "declare the grades best first: `grades { HTXSNV \"Hoàn thành xuất sắc nhiệm vụ\" HTTNV \"…\" HTNV \"…\" KHTNV \"…\" }`".into(),
                src: self.sources.named(span.file),
                span: span.into(),
            });
            return;
        };
        if defs.is_empty() || defs.len() > 32 {
            self.push(CheckError::Misplaced {
                what: format!("{} grades declared", defs.len()),
                help: "declare between 1 and 32 grades".into(),
                src: self.sources.named(span.file),
                span: (*span).into(),
            });
        }
        for (i, d) in defs.iter().enumerate().take(32) {
            if self
                .grade_index
                .insert(d.code.node.clone(), i as u8)
                .is_some()
            {
                self.push(CheckError::Duplicate {
                    what: "grade",
                    name: d.code.node.clone(),
                    help: "each grade is declared once".into(),
                    src: self.sources.named(d.code.span.file),
                    span: d.code.span.into(),
                });
            }
        }
    }

    fn enums(&mut self, m: &Merged) {
        for e in &m.enums {
            let id = self.enums.len() as u16;
            let mut seen = Vec::new();
            for (i, (v, _)) in e.variants.iter().enumerate() {
                if seen.contains(&v.node) {
                    self.push(CheckError::Duplicate {
                        what: "enumeration value",
                        name: v.node.clone(),
                        help: format!("each value of `{}` is listed once", e.name.node),
                        src: self.sources.named(v.span.file),
                        span: v.span.into(),
                    });
                }
                seen.push(v.node.clone());
                self.variants
                    .entry(v.node.clone())
                    .or_default()
                    .push((id, i as u16));
            }
            if e.variants.is_empty() {
                self.bad_call(
                    e.span,
                    format!("enumeration `{}` has no values", e.name.node),
                    "list its values best first".into(),
                );
            }
            self.enums.push(EnumInfo {
                name: e.name.node.clone(),
                variants: e
                    .variants
                    .iter()
                    .map(|(v, l)| (v.node.clone(), l.as_ref().map(|l| l.node.clone())))
                    .collect(),
            });
        }
    }

    fn type_ref(&mut self, ty: &ast::Ident) -> Option<Ty> {
        Some(match ty.node.as_str() {
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "number" => Ty::Number,
            "percent" => Ty::Percent,
            "date" => Ty::Date,
            "text" => Ty::Text,
            "grade" => Ty::Grade,
            "organisation" => Ty::Org,
            other => match self.enums.iter().position(|e| e.name == other) {
                Some(i) => Ty::Enum(i as u16),
                None => {
                    let mut names = vec![
                        "bool",
                        "int",
                        "number",
                        "percent",
                        "date",
                        "text",
                        "grade",
                        "organisation",
                    ];
                    let enum_names: Vec<String> =
                        self.enums.iter().map(|e| e.name.clone()).collect();
                    names.extend(enum_names.iter().map(|s| s.as_str()));
                    let help = help_for(other, names.iter().copied(), || {
                        format!("the types are {}", names.join(", "))
                    });
                    self.push(CheckError::UnknownName {
                        what: "type",
                        name: other.to_string(),
                        help,
                        src: self.sources.named(ty.span.file),
                        span: ty.span.into(),
                    });
                    return None;
                }
            },
        })
    }

    fn fields(&mut self, items: &[SchemaItem], kind: SubjectKind, span: Span) -> SchemaInfo {
        let mut s = SchemaInfo::default();
        for item in items {
            let SchemaItem::Field(f) = item else { continue };
            if s.field(&f.name.node).is_some() {
                self.push(CheckError::Duplicate {
                    what: "field",
                    name: f.name.node.clone(),
                    help: format!(
                        "each field of the {} schema is declared once",
                        kind.keyword()
                    ),
                    src: self.sources.named(f.name.span.file),
                    span: f.name.span.into(),
                });
                continue;
            }
            let Some(ty) = self.type_ref(&f.ty) else {
                continue;
            };
            let range = self.range(&f.range, ty);
            let default = f.default.as_ref().and_then(|d| {
                let help = format!("the default of `{}` must be of its type", f.name.node);
                let v = self.constant_of(d, ty, "a default", &help)?;
                let what = format!("the default of `{}`", f.name.node);
                let ok = self.in_range(&v, ty, &range, &what, d.span) && self.storable(&v, d.span);
                ok.then_some(v)
            });
            let mut columns: Vec<String> = f.columns.iter().map(|c| nfc(&c.node)).collect();
            if !columns.iter().any(|c| c == &f.name.node) {
                columns.push(f.name.node.clone());
            }
            s.fields.push(FieldInfo {
                name: f.name.node.clone(),
                ty,
                optional: f.optional,
                range,
                default,
                columns,
                column_required: f.column_required,
                span: f.name.span,
            });
        }
        let needed: &[(&'static str, &'static str, &'static str)] = match kind {
            SubjectKind::Member => &[
                ("id", "text", "tell members apart"),
                ("name", "text", "name members in reports"),
                (
                    "organisation",
                    "organisation",
                    "place each member in an organisation",
                ),
            ],
            SubjectKind::Organisation => &[
                ("id", "text", "tell organisations apart"),
                ("name", "text", "name organisations in reports"),
                ("parent", "organisation?", "build the organisation tree"),
                (
                    "kind",
                    "<an enumeration of kinds>",
                    "choose the grading block of each organisation",
                ),
            ],
        };
        let mut slots = [0usize; 4];
        for (i, (field, ty, why)) in needed.iter().enumerate() {
            let ok = s
                .field(field)
                .filter(|&slot| match (*field, s.fields[slot].ty) {
                    ("id" | "name", t) => t == Ty::Text,
                    ("organisation" | "parent", t) => t == Ty::Org,
                    ("kind", t) => matches!(t, Ty::Enum(_)),
                    _ => false,
                });
            match ok {
                Some(slot) => slots[i] = slot,
                None => self.push(CheckError::MissingField {
                    kind: kind.keyword(),
                    field,
                    ty,
                    why,
                    src: self.sources.named(span.file),
                    span: span.into(),
                }),
            }
        }
        s.id = slots[0];
        s.name = slots[1];
        s.link = slots[2];
        s.kind = slots[3];
        s
    }

    fn params(&mut self, params: &[ast::Param]) {
        for p in params {
            let Some((value, ty)) = self.constant(&p.value, None, "a parameter's value") else {
                continue;
            };
            let range = self.range(&p.range, ty);
            let what = format!("parameter `{}`", p.name.node);
            // Kept even when out of range (the error is reported): its
            // uses must not turn into "unknown name" errors.
            self.in_range(&value, ty, &range, &what, p.value.span);
            self.params.push(ParamInfo {
                name: p.name.node.clone(),
                ty,
                range,
                value,
                cite: p.cite.as_ref().map(|c| c.node.clone()),
                span: p.name.span,
            });
        }
    }

    /// `require` items: yes/no conditions on a record's own values (read
    /// before anyone is graded, so never on grades).
    fn requirements(&mut self, items: &[SchemaItem], kind: SubjectKind) {
        for item in items {
            let SchemaItem::Require(r) = item else {
                continue;
            };
            self.current = String::new();
            let scope = Scope::own(kind, "a requirement");
            let Some(condition) = self.expect(
                &r.condition,
                &scope,
                Ty::Bool,
                "a requirement is a yes/no condition, e.g. `require a + b == total \"…\"`",
            ) else {
                continue;
            };
            if super::blocks::reads_grades(&condition) {
                self.bad_call(
                    r.condition.span,
                    "a requirement cannot read grades".into(),
                    "requirements are checked on the data before anyone is graded; test grades in a grading clause".into(),
                );
                continue;
            }
            let info = Requirement {
                condition,
                message: r.message.node.clone(),
                cite: r.cite.as_ref().map(|c| c.node.clone()),
                span: r.condition.span,
            };
            match kind {
                SubjectKind::Member => self.member.requirements.push(info),
                SubjectKind::Organisation => self.organisation.requirements.push(info),
            }
        }
    }

    fn lets(&mut self, items: &[SchemaItem], kind: SubjectKind) {
        for item in items {
            let SchemaItem::Let(l) = item else { continue };
            self.current = l.name.node.clone();
            let scope = Scope::own(kind, &l.name.node);
            let Some((expr, ty)) = self.expr(&l.value, &scope, None) else {
                continue;
            };
            let info = LetInfo {
                name: l.name.node.clone(),
                ty,
                expr,
                span: l.name.span,
            };
            let schema = match kind {
                SubjectKind::Member => &mut self.member,
                SubjectKind::Organisation => &mut self.organisation,
            };
            if schema.field(&l.name.node).is_some()
                || schema.lets.iter().any(|o| o.name == l.name.node)
            {
                self.push(CheckError::Duplicate {
                    what: "derived value",
                    name: l.name.node.clone(),
                    help: "a `let` cannot reuse the name of a field or another `let`".into(),
                    src: self.sources.named(l.name.span.file),
                    span: l.name.span.into(),
                });
                continue;
            }
            schema.lets.push(info);
        }
    }

    /// Turns recorded reads of undecided grades into diagnostics that name
    /// the cycle.
    fn grade_order_problems(&mut self) {
        for (reader, span) in std::mem::take(&mut self.grade_reads_own) {
            self.push(CheckError::GradeCycle {
                reading: "grade".into(),
                cycle: format!(
                    "`{reader}` decides this grade, so it cannot read it (`{reader}` → `{reader}`)"
                ),
                src: self.sources.named(span.file),
                span: span.into(),
            });
        }
        for (reader, reading, span) in std::mem::take(&mut self.grade_reads_up) {
            let via = self
                .reads_child_grades
                .iter()
                .find(|(_, kind)| *kind == SubjectKind::Member || reading.starts_with("parent"))
                .map(|(b, _)| b.clone());
            let cycle = match via {
                Some(block) => format!(
                    "`{reader}` → `{reading}` → `{block}`, which reads the grades below it → `{reader}`"
                ),
                None => format!(
                    "`{reader}` runs before the organisation above it is graded (`{reader}` → `{reading}` → later)"
                ),
            };
            self.push(CheckError::GradeCycle {
                reading,
                cycle,
                src: self.sources.named(span.file),
                span: span.into(),
            });
        }
    }
}

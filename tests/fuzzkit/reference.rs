//! A reference evaluator, deliberately simple: it walks the syntax tree
//! (`xeploai::syntax::parse`), resolves every name by string lookup where
//! it is used, recomputes everything (no slots, no memo), and reads the
//! generator's own records, not the engine's columns.
//!
//! Semantics, as the language documentation states them:
//! - blocks: the first block of the entity's kind whose filter holds,
//!   settled before anything is graded;
//! - clauses: the first deciding clause that holds gives the grade (or
//!   "not graded"); then every cap that holds lowers it to at most its
//!   grade (caps are recorded when they hold, even if they lower nothing);
//! - `none`: comparisons with none are false, `x == none` is true when x is
//!   none, `in` on none is false, `not none` is none (so not true);
//! - aggregates over `members`, `suborgs`, `all_members` (descendants'
//!   members too); `graded` leaves out the not graded; share of nothing is
//!   0; all of nothing is true; sum skips none; min/max skip none;
//! - order: members, member quotas, then organisations by height, each
//!   organisation quota once its last subject is graded; an enforced quota
//!   that lowers an organisation whose parent is already graded is an error;
//! - quotas: per group, cap = round(ratio × number holding a base grade),
//!   ratio/base/rounding read on the group's organisation (the whole
//!   dataset for `all`, `by` and those outside every group); `enforce`
//!   lowers those ranked past the cap one grade; ties broken by id.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use xeploai::syntax::ast::{
    self, BinOp, ClauseBody, Decl, Expr, ExprKind, GradingItem, Grouping, QuotaMode, SchemaItem,
    SubjectKind, UnaryOp,
};

use super::knobs::Knobs;
use super::val::{compare, equal, months, Date, Round, Val, Q};

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub fields: HashMap<String, Val>,
}

#[derive(Debug, Clone)]
pub struct World {
    pub orgs: Vec<Entity>,
    pub members: Vec<Entity>,
}

/// How one entity came out, by names and codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dec {
    pub kind: &'static str,
    pub grade: Option<String>,
    pub block: Option<String>,
    pub clause: Option<String>,
    pub decided: Option<String>,
    pub caps: Vec<String>,
    pub quota: Option<String>,
    /// Left to the competent level: the reason and the grades in question.
    pub to_decide: Option<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub quota: String,
    pub group: String,
    pub grade: String,
    pub base_count: u32,
    pub cap: u32,
    pub count: u32,
    pub breach: bool,
    pub lowered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub entities: BTreeMap<String, Dec>,
    /// Sorted.
    pub findings: Vec<Finding>,
}

/// Why grading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// An enforced quota lowered an organisation after its parent was graded.
    QuotaOrder { quota: String },
    /// Division by zero or overflow, in the evaluation of this entity.
    Arithmetic { entity: String },
    /// A quota's cap that cannot be computed for a group.
    NoCap { quota: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Member(usize),
    Org(usize),
    /// The whole dataset (a quota's ratio for `all`, `by`, outside).
    Whole,
    /// A literal (parameter values).
    Const,
}

pub struct Reference<'a> {
    knobs: Knobs,
    world: &'a World,
    grades: Vec<String>,
    /// Enumerations: variant names, best first.
    enums: Vec<Vec<String>>,
    member_fields: Vec<String>,
    org_fields: Vec<String>,
    member_lets: Vec<(String, &'a Expr)>,
    org_lets: Vec<(String, &'a Expr)>,
    params: Vec<(String, Val)>,
    review: Date,
    blocks: Vec<&'a ast::Grading>,
    quotas: Vec<&'a ast::Quota>,
    /// The rows of the `report` block: their filters are evaluated too.
    report_rows: Vec<&'a ast::ReportRow>,
    /// Grades so far (`None` = not graded or not yet).
    gm: Vec<Option<u8>>,
    go: Vec<Option<u8>>,
    /// The entity being graded, for error messages.
    current: String,
    /// An arithmetic fault since the last check: evaluation goes on with
    /// `none`, and the entity's evaluation stops grading once it is done.
    fault: bool,
    /// `ancestor where` per organisation, within one quota application.
    ancestor_memo: HashMap<usize, bool>,
}

type R<T> = Result<T, Stop>;

impl<'a> Reference<'a> {
    pub fn new(file: &'a ast::File, world: &'a World, knobs: Knobs) -> Reference<'a> {
        let mut r = Reference {
            knobs,
            world,
            grades: Vec::new(),
            enums: Vec::new(),
            member_fields: Vec::new(),
            org_fields: Vec::new(),
            member_lets: Vec::new(),
            org_lets: Vec::new(),
            params: Vec::new(),
            review: Date::new(2000, 1, 1).unwrap(),
            blocks: Vec::new(),
            quotas: Vec::new(),
            report_rows: Vec::new(),
            gm: vec![None; world.members.len()],
            go: vec![None; world.orgs.len()],
            current: String::new(),
            fault: false,
            ancestor_memo: HashMap::new(),
        };
        let mut param_exprs = Vec::new();
        for d in &file.decls {
            match d {
                Decl::Header(h) => {
                    if let Some(d) = &h.review_date {
                        r.review = Date::parse_iso(&d.node).expect("review date");
                    }
                }
                Decl::Grades(defs, _) => {
                    r.grades = defs.iter().map(|g| g.code.node.clone()).collect()
                }
                Decl::Enum(e) => r
                    .enums
                    .push(e.variants.iter().map(|v| v.0.node.clone()).collect()),
                Decl::Schema(s) => {
                    for item in &s.items {
                        match (item, s.kind) {
                            (SchemaItem::Field(f), SubjectKind::Member) => {
                                r.member_fields.push(f.name.node.clone())
                            }
                            (SchemaItem::Field(f), SubjectKind::Organisation) => {
                                r.org_fields.push(f.name.node.clone())
                            }
                            (SchemaItem::Let(l), SubjectKind::Member) => {
                                r.member_lets.push((l.name.node.clone(), &l.value))
                            }
                            (SchemaItem::Let(l), SubjectKind::Organisation) => {
                                r.org_lets.push((l.name.node.clone(), &l.value))
                            }
                            // The generator writes no `require`: its data
                            // check is tested in tests/regime_2025.rs.
                            (SchemaItem::Require(_), _) => {}
                        }
                    }
                }
                Decl::Param(p) => param_exprs.push((p.name.node.clone(), &p.value)),
                Decl::Grading(g) => r.blocks.push(g),
                Decl::Quota(q) => r.quotas.push(q),
                Decl::Report(rep) => r.report_rows.extend(&rep.rows),
                _ => {}
            }
        }
        for (name, e) in param_exprs {
            let v = r.eval(e, At::Const).expect("a parameter is a literal");
            r.params.push((name, v));
        }
        r
    }

    /// Overrides a parameter's value (`--set`).
    pub fn set_param(&mut self, name: &str, v: Val) {
        for p in &mut self.params {
            if p.0 == name {
                p.1 = v.clone();
            }
        }
    }

    fn entity(&self, at: At) -> Option<&'a Entity> {
        match at {
            At::Member(i) => Some(&self.world.members[i]),
            At::Org(i) => Some(&self.world.orgs[i]),
            _ => None,
        }
    }

    fn org_index(&self, id: &str) -> Option<usize> {
        self.world.orgs.iter().position(|o| o.id == id)
    }

    fn parent(&self, o: usize) -> Option<usize> {
        match self.world.orgs[o].fields.get("parent") {
            Some(Val::Org(p)) => self.org_index(p),
            _ => None,
        }
    }

    fn member_org(&self, m: usize) -> Option<usize> {
        match self.world.members[m].fields.get("organisation") {
            Some(Val::Org(p)) => self.org_index(p),
            _ => None,
        }
    }

    /// Entities of a kind that pass a test, by id.
    fn by_id(&self, member: bool, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let list = if member {
            &self.world.members
        } else {
            &self.world.orgs
        };
        let mut v: Vec<usize> = (0..list.len()).filter(|&i| keep(i)).collect();
        v.sort_by(|&a, &b| list[a].id.cmp(&list[b].id));
        v
    }

    fn children(&self, o: usize) -> Vec<usize> {
        self.by_id(false, |c| self.parent(c) == Some(o))
    }

    fn members_of(&self, o: usize) -> Vec<usize> {
        self.by_id(true, |m| self.member_org(m) == Some(o))
    }

    fn grade_of(&self, at: At) -> Option<u8> {
        match at {
            At::Member(i) => self.gm[i],
            At::Org(i) => self.go[i],
            _ => None,
        }
    }

    fn truthy(&mut self, e: &Expr, at: At) -> R<bool> {
        Ok(self.eval(e, at)? == Val::Bool(true))
    }

    fn arith_fail(&mut self) -> R<Val> {
        if self.knobs.pending {
            self.fault = true;
        }
        Ok(Val::None)
    }

    /// After one entity's evaluation: a fault in it stops grading, naming
    /// it as the engine does ("member ID (", "the whole dataset").
    fn check(&mut self, at: At) -> R<()> {
        if !std::mem::take(&mut self.fault) {
            return Ok(());
        }
        Err(Stop::Arithmetic {
            entity: match at {
                At::Member(i) => format!("member {} (", self.world.members[i].id),
                At::Org(i) => format!("organisation {} (", self.world.orgs[i].id),
                _ => "the whole dataset".into(),
            },
        })
    }

    /// A bare name, in the order the checker resolves names.
    fn name(&mut self, n: &str, at: At) -> R<Val> {
        let kind = match at {
            At::Member(_) => Some(SubjectKind::Member),
            At::Org(_) | At::Whole => Some(SubjectKind::Organisation),
            At::Const => None,
        };
        if let Some(kind) = kind {
            let (fields, lets) = match kind {
                SubjectKind::Member => (&self.member_fields, &self.member_lets),
                SubjectKind::Organisation => (&self.org_fields, &self.org_lets),
            };
            if fields.iter().any(|f| f == n) {
                return Ok(match self.entity(at) {
                    Some(e) => e.fields.get(n).cloned().expect("every field has a value"),
                    None => Val::None,
                });
            }
            if let Some((_, e)) = lets.iter().find(|(l, _)| l == n) {
                let e: &Expr = e;
                return self.eval(e, at);
            }
            if n == "grade" {
                return Ok(self.grade_of(at).map(Val::Grade).unwrap_or(Val::None));
            }
        }
        if let Some((_, v)) = self.params.iter().find(|(p, _)| p == n) {
            return Ok(v.clone());
        }
        if let Some(g) = self.grades.iter().position(|g| g == n) {
            return Ok(Val::Grade(g as u8));
        }
        for (ei, e) in self.enums.iter().enumerate() {
            if let Some(i) = e.iter().position(|v| v == n) {
                return Ok(Val::Enum(ei as u16, i as u16));
            }
        }
        for r in [Round::Floor, Round::Ceil, Round::Nearest] {
            if r.name() == n {
                return Ok(Val::Round(r));
            }
        }
        if n == "review_date" {
            return Ok(Val::Date(self.review));
        }
        panic!("reference: unknown name `{n}` (the checker accepted it)");
    }

    pub fn eval_at_org(&mut self, e: &Expr, org: Option<usize>) -> R<Val> {
        self.eval(e, org.map(At::Org).unwrap_or(At::Whole))
    }

    fn eval(&mut self, e: &Expr, at: At) -> R<Val> {
        Ok(match &e.node {
            ExprKind::Bool(b) => Val::Bool(*b),
            ExprKind::None => Val::None,
            ExprKind::Int(i) => Val::Num(Q::int(*i as i128)),
            ExprKind::Number { num, den, .. } => Val::Num(Q::new(*num, *den).expect("literal")),
            ExprKind::Date(d) => Val::Date(Date::parse_iso(d).expect("literal date")),
            ExprKind::Text(t) => Val::Text(t.clone()),
            ExprKind::Path(p) => {
                let mut v = self.name(&p[0].node, at)?;
                for seg in &p[1..] {
                    v = match v {
                        Val::Org(id) => {
                            let o = self.org_index(&id).expect("known organisation");
                            self.world.orgs[o]
                                .fields
                                .get(&seg.node)
                                .cloned()
                                .expect("organisation field")
                        }
                        _ => Val::None,
                    };
                }
                v
            }
            ExprKind::Graded(_) => panic!("reference: a collection outside an aggregate"),
            ExprKind::List(items) => {
                let mut mask = 0u32;
                for i in items {
                    match self.eval(i, at)? {
                        Val::Grade(g) => mask |= 1 << g,
                        other => panic!("reference: {other:?} in a grade list"),
                    }
                }
                Val::GradeSet(mask)
            }
            ExprKind::Call(f, args) => return self.call(&f.node, args, at),
            ExprKind::If(c, a, b) => {
                if self.truthy(c, at)? {
                    self.eval(a, at)?
                } else {
                    self.eval(b, at)?
                }
            }
            ExprKind::Unary(UnaryOp::Not, x) => match self.eval(x, at)? {
                Val::Bool(b) => Val::Bool(!b),
                _ => Val::None,
            },
            ExprKind::Unary(UnaryOp::Neg, x) => match self.eval(x, at)? {
                Val::Num(q) => match q.neg() {
                    Some(n) => Val::Num(n),
                    None => return self.arith_fail(),
                },
                _ => Val::None,
            },
            ExprKind::Binary(op, a, b) => return self.binary(*op, a, b, at),
        })
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, at: At) -> R<Val> {
        Ok(match op {
            BinOp::And => Val::Bool(self.truthy(a, at)? && self.truthy(b, at)?),
            BinOp::Or => Val::Bool(self.truthy(a, at)? || self.truthy(b, at)?),
            BinOp::Eq => Val::Bool(equal(&self.eval(a, at)?, &self.eval(b, at)?)),
            BinOp::Ne => Val::Bool(!equal(&self.eval(a, at)?, &self.eval(b, at)?)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (x, y) = (self.eval(a, at)?, self.eval(b, at)?);
                Val::Bool(match compare(&x, &y) {
                    None => false,
                    Some(o) => match op {
                        BinOp::Lt => o == Ordering::Less,
                        BinOp::Le => o != Ordering::Greater,
                        BinOp::Gt => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    },
                })
            }
            BinOp::In => {
                let x = self.eval(a, at)?;
                if let ExprKind::List(items) = &b.node {
                    if x == Val::None {
                        return Ok(Val::Bool(false));
                    }
                    let mut hit = false;
                    for i in items {
                        if equal(&x, &self.eval(i, at)?) {
                            hit = true;
                            break;
                        }
                    }
                    Val::Bool(hit)
                } else {
                    match (x, self.eval(b, at)?) {
                        (Val::Grade(g), Val::GradeSet(m)) => Val::Bool(m & (1 << g) != 0),
                        _ => Val::Bool(false),
                    }
                }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (x, y) = (self.eval(a, at)?, self.eval(b, at)?);
                let (Val::Num(x), Val::Num(y)) = (x, y) else {
                    return Ok(Val::None);
                };
                let r = match op {
                    BinOp::Add => x.add(y),
                    BinOp::Sub => x.sub(y),
                    BinOp::Mul => x.mul(y),
                    _ => x.div(y),
                };
                match r {
                    Some(q) => Val::Num(q),
                    None => return self.arith_fail(),
                }
            }
        })
    }

    fn call(&mut self, f: &str, args: &[Expr], at: At) -> R<Val> {
        if f == "months" || f == "days" {
            let (a, b) = (self.eval(&args[0], at)?, self.eval(&args[1], at)?);
            let (Val::Date(a), Val::Date(b)) = (a, b) else {
                return Ok(Val::None);
            };
            let n = if f == "months" {
                months(a, b)
            } else {
                (b.ordinal() - a.ordinal()) as i128
            };
            return Ok(Val::Num(Q::int(n)));
        }
        let (coll, graded) = match &args[0].node {
            ExprKind::Path(p) => (p[0].node.as_str(), false),
            ExprKind::Graded(c) => (c.node.as_str(), true),
            _ => panic!("reference: aggregate without a collection"),
        };
        let here = match at {
            At::Org(o) => Some(o),
            At::Whole => None,
            _ => panic!("reference: aggregate outside an organisation"),
        };
        // The elements, as entity positions, in the order the engine visits
        // them once rows are in id order: children by id, and for
        // `all_members` an organisation's own members before those below it.
        let elems: Vec<At> = match (coll, here) {
            ("suborgs", None) => self
                .by_id(false, |_| true)
                .into_iter()
                .map(At::Org)
                .collect(),
            ("members" | "all_members", None) => self
                .by_id(true, |_| true)
                .into_iter()
                .map(At::Member)
                .collect(),
            ("suborgs", Some(o)) => self.children(o).into_iter().map(At::Org).collect(),
            ("members", Some(o)) => self.members_of(o).into_iter().map(At::Member).collect(),
            ("all_members", Some(o)) => {
                let mut out = Vec::new();
                let mut stack = vec![o];
                while let Some(x) = stack.pop() {
                    out.extend(self.members_of(x).into_iter().map(At::Member));
                    let mut kids = self.children(x);
                    kids.reverse();
                    stack.extend(kids);
                }
                out
            }
            (other, _) => panic!("reference: unknown collection {other}"),
        };
        let elems: Vec<At> = elems
            .into_iter()
            .filter(|&e| !graded || self.grade_of(e).is_some())
            .collect();
        let arg = args.get(1);
        Ok(match f {
            "count" | "share" | "all" | "any" => {
                let mut hits = 0i128;
                let mut seen = 0i128;
                for &e in &elems {
                    let ok = match arg {
                        Some(c) => self.truthy(c, e)?,
                        None => true,
                    };
                    hits += ok as i128;
                    seen += 1;
                    // all() stops at the first miss, any() at the first hit.
                    if (f == "all" && !ok) || (f == "any" && ok) {
                        break;
                    }
                }
                let n = seen;
                match f {
                    "count" => Val::Num(Q::int(hits)),
                    "share" if n == 0 => Val::Num(Q::int(0)),
                    "share" => Val::Num(Q::new(hits, n).expect("n > 0")),
                    "all" => Val::Bool(hits == n),
                    _ => Val::Bool(hits > 0),
                }
            }
            "sum" => {
                let mut s = Q::int(0);
                for &e in &elems {
                    if let Val::Num(q) = self.eval(arg.expect("sum value"), e)? {
                        match s.add(q) {
                            Some(t) => s = t,
                            None => return self.arith_fail(),
                        }
                    }
                }
                Val::Num(s)
            }
            "min" | "max" => {
                let mut best: Option<Val> = None;
                for &e in &elems {
                    let v = self.eval(arg.expect("min/max value"), e)?;
                    if v == Val::None {
                        continue;
                    }
                    let better = match &best {
                        None => true,
                        Some(b) => {
                            let o = compare(&v, b);
                            if f == "min" {
                                o == Some(Ordering::Less)
                            } else {
                                o == Some(Ordering::Greater)
                            }
                        }
                    };
                    if better {
                        best = Some(v);
                    }
                }
                best.unwrap_or(Val::None)
            }
            other => panic!("reference: unknown function {other}"),
        })
    }

    // ───────────────────────────── grading ─────────────────────────────

    fn block_for(&mut self, kind: SubjectKind, at: At) -> R<Option<usize>> {
        for bi in 0..self.blocks.len() {
            let b = self.blocks[bi];
            let Some(target) = &b.target else { continue };
            if target.kind != kind {
                continue;
            }
            let ok = match &target.filter {
                Some(f) => self.truthy(f, at)?,
                None => true,
            };
            if ok {
                return Ok(Some(bi));
            }
        }
        Ok(None)
    }

    fn decide(&mut self, bi: usize, at: At) -> R<Dec> {
        let b = self.blocks[bi];
        let mut d = Dec {
            kind: if matches!(at, At::Member(_)) {
                "member"
            } else {
                "organisation"
            },
            grade: None,
            block: Some(b.name.node.clone()),
            clause: None,
            decided: None,
            caps: Vec::new(),
            quota: None,
            to_decide: None,
        };
        let clauses: Vec<&ast::Clause> = b
            .items
            .iter()
            .filter_map(|i| match i {
                GradingItem::Clause(c) => Some(&**c),
                GradingItem::Remove(_) => None,
            })
            .collect();
        let mut grade: Option<u8> = None;
        for c in &clauses {
            let (fires, g) = match &c.body {
                ClauseBody::Cap { .. } => continue,
                ClauseBody::NotGraded { when, .. } => (self.truthy(when, at)?, None),
                ClauseBody::Grade { grade, when, .. } => {
                    (self.truthy(when, at)?, Some(self.code(&grade.node)))
                }
                ClauseBody::Otherwise { grade, .. } => (true, Some(self.code(&grade.node))),
                ClauseBody::Refer { referral, when } => {
                    let fires = match when {
                        Some(w) => self.truthy(w, at)?,
                        None => true,
                    };
                    if fires {
                        // Best first, each once, as a report lists them.
                        let mut among: Vec<u8> =
                            referral.among.iter().map(|g| self.code(&g.node)).collect();
                        among.sort();
                        among.dedup();
                        let among = among
                            .iter()
                            .map(|&g| self.grades[g as usize].clone())
                            .collect();
                        d.to_decide = Some((referral.reason.node.clone(), among));
                    }
                    (fires, None)
                }
            };
            if fires {
                d.clause = Some(c.name.node.clone());
                if g.is_none() {
                    return Ok(d);
                }
                grade = g;
                break;
            }
        }
        let Some(mut g) = grade else { return Ok(d) };
        d.decided = Some(self.grades[g as usize].clone());
        for c in &clauses {
            if let ClauseBody::Cap { grade, when, .. } = &c.body {
                if self.truthy(when, at)? {
                    d.caps.push(c.name.node.clone());
                    g = g.max(self.code(&grade.node));
                }
            }
        }
        d.grade = Some(self.grades[g as usize].clone());
        Ok(d)
    }

    fn code(&self, c: &str) -> u8 {
        self.grades.iter().position(|g| g == c).expect("grade code") as u8
    }

    fn height(&self, o: usize) -> u32 {
        (0..self.world.orgs.len())
            .filter(|&c| self.parent(c) == Some(o))
            .map(|c| self.height(c) + 1)
            .max()
            .unwrap_or(0)
    }

    /// A rules test: the grade of one entity, its children's grades given.
    /// As the engine describes it: `GRADE by CLAUSE`, `not graded by …`,
    /// or out of scope.
    pub fn test_result(
        mut self,
        member: bool,
        index: usize,
        gm: Vec<Option<u8>>,
        go: Vec<Option<u8>>,
    ) -> Result<String, Stop> {
        self.gm = gm;
        self.go = go;
        let (kind, at) = if member {
            (SubjectKind::Member, At::Member(index))
        } else {
            (SubjectKind::Organisation, At::Org(index))
        };
        // The engine settles the block of every entity of the kind.
        let n = if member {
            self.world.members.len()
        } else {
            self.world.orgs.len()
        };
        let mut block = None;
        for i in 0..n {
            let a = self.at(kind, i);
            let b = self.block_for(kind, a)?;
            self.check(a)?;
            if i == index {
                block = b;
            }
        }
        let Some(b) = block else {
            return Ok("out of scope (no grading block applies)".into());
        };
        let d = self.decide(b, at)?;
        self.check(at)?;
        let what = match (&d.grade, &d.to_decide) {
            (Some(g), _) => g.clone(),
            (None, Some(_)) => "to decide".into(),
            (None, None) => "not graded".into(),
        };
        Ok(match d.clause {
            Some(c) => format!("{what} by {c}"),
            None => what,
        })
    }

    /// Grades everything.
    pub fn run(mut self) -> Result<Outcome, Stop> {
        let nm = self.world.members.len();
        let no = self.world.orgs.len();
        let mut mdec: Vec<Option<Dec>> = vec![None; nm];
        let mut odec: Vec<Option<Dec>> = vec![None; no];
        let mut findings = Vec::new();
        // Rows are taken in order of id.
        let morder = self.by_id(true, |_| true);
        let oorder = self.by_id(false, |_| true);
        // Blocks, before any grade exists.
        let mut mblock = vec![None; nm];
        for &m in &morder {
            mblock[m] = self.block_for(SubjectKind::Member, At::Member(m))?;
            self.check(At::Member(m))?;
        }
        let mut oblock = vec![None; no];
        for &o in &oorder {
            oblock[o] = self.block_for(SubjectKind::Organisation, At::Org(o))?;
            self.check(At::Org(o))?;
        }
        for &m in &morder {
            if let Some(b) = mblock[m] {
                let d = self.decide(b, At::Member(m))?;
                self.check(At::Member(m))?;
                self.gm[m] = d.grade.as_ref().map(|g| self.code(g));
                mdec[m] = Some(d);
            }
        }
        for qi in 0..self.quotas.len() {
            if self.quotas[qi].subject.kind == SubjectKind::Member {
                let subjects = self.subjects(qi)?;
                self.apply(qi, &subjects, &mut mdec, None, &mut findings)?;
            }
        }
        let heights: Vec<u32> = (0..no).map(|o| self.height(o)).collect();
        let mut org_quotas = Vec::new();
        for qi in 0..self.quotas.len() {
            if self.quotas[qi].subject.kind == SubjectKind::Organisation {
                let subjects = self.subjects(qi)?;
                let ready = subjects.iter().map(|&s| heights[s]).max().unwrap_or(0);
                org_quotas.push((qi, subjects, ready));
            }
        }
        let top = heights.iter().copied().max().unwrap_or(0);
        for h in 0..=top {
            for &o in &oorder {
                if heights[o] != h {
                    continue;
                }
                if let Some(b) = oblock[o] {
                    let d = self.decide(b, At::Org(o))?;
                    self.check(At::Org(o))?;
                    self.go[o] = d.grade.as_ref().map(|g| self.code(g));
                    odec[o] = Some(d);
                }
            }
            for (qi, subjects, ready) in &org_quotas {
                if *ready == h {
                    let guard = (&heights, h, &oblock);
                    self.apply(*qi, subjects, &mut odec, Some(guard), &mut findings)?;
                }
            }
        }
        self.report_filters(&mdec, &odec)?;
        let mut entities = BTreeMap::new();
        for (m, d) in mdec.into_iter().enumerate() {
            let d = d.unwrap_or_else(|| out_of_scope("member"));
            entities.insert(self.world.members[m].id.clone(), d);
        }
        for (o, d) in odec.into_iter().enumerate() {
            let d = d.unwrap_or_else(|| out_of_scope("organisation"));
            entities.insert(self.world.orgs[o].id.clone(), d);
        }
        findings.sort();
        Ok(Outcome { entities, findings })
    }

    /// A report row's filter is read for every entity in scope, after
    /// grading: an arithmetic fault there stops grading as well.
    fn report_filters(&mut self, mdec: &[Option<Dec>], odec: &[Option<Dec>]) -> R<()> {
        for ri in 0..self.report_rows.len() {
            let subject = &self.report_rows[ri].subject;
            let Some(filter) = &subject.filter else {
                continue;
            };
            let members = subject.kind == SubjectKind::Member;
            for i in self.by_id(members, |_| true) {
                let in_scope = if members {
                    mdec[i].is_some()
                } else {
                    odec[i].is_some()
                };
                if in_scope {
                    let at = self.at(subject.kind, i);
                    self.truthy(filter, at)?;
                    self.check(at)?;
                }
            }
        }
        Ok(())
    }

    fn subjects(&mut self, qi: usize) -> R<Vec<usize>> {
        let q = self.quotas[qi];
        let n = match q.subject.kind {
            SubjectKind::Member => self.world.members.len(),
            SubjectKind::Organisation => self.world.orgs.len(),
        };
        let _ = n;
        let mut out = Vec::new();
        for i in self.by_id(q.subject.kind == SubjectKind::Member, |_| true) {
            let at = self.at(q.subject.kind, i);
            let ok = match &q.subject.filter {
                Some(f) => self.truthy(f, at)?,
                None => true,
            };
            self.check(at)?;
            if ok {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn at(&self, kind: SubjectKind, i: usize) -> At {
        match kind {
            SubjectKind::Member => At::Member(i),
            SubjectKind::Organisation => At::Org(i),
        }
    }

    fn id(&self, kind: SubjectKind, i: usize) -> &str {
        match kind {
            SubjectKind::Member => &self.world.members[i].id,
            SubjectKind::Organisation => &self.world.orgs[i].id,
        }
    }

    /// The group of one subject: its text key and the organisation the cap
    /// is read on.
    fn group(&mut self, qi: usize, i: usize) -> R<(String, Option<usize>)> {
        let q = self.quotas[qi];
        let kind = q.subject.kind;
        let first_up = match kind {
            SubjectKind::Member => self.member_org(i),
            SubjectKind::Organisation => self.parent(i),
        };
        Ok(match &q.grouping {
            Grouping::All(_) => ("all".into(), None),
            Grouping::Parent(_) => match first_up {
                Some(p) => (format!("org {}", self.world.orgs[p].id), Some(p)),
                None => ("outside".into(), None),
            },
            Grouping::Ancestor(f) => {
                let mut o = first_up;
                loop {
                    match o {
                        None => break ("outside".into(), None),
                        Some(x) => {
                            // Each organisation's test is read once per
                            // quota application (a fault with it).
                            let hit = match self.ancestor_memo.get(&x) {
                                Some(h) => *h,
                                None => {
                                    let h = self.truthy(f, At::Org(x))?;
                                    self.ancestor_memo.insert(x, h);
                                    h
                                }
                            };
                            if hit {
                                break (format!("org {}", self.world.orgs[x].id), Some(x));
                            }
                            o = self.parent(x);
                        }
                    }
                }
            }
            Grouping::By(e) => {
                let at = self.at(kind, i);
                let v = self.eval(e, at)?;
                (format!("value {}", self.show(&v)), None)
            }
        })
    }

    /// A value as the engine names a `by` group.
    fn show(&self, v: &Val) -> String {
        match v {
            Val::None => "none".into(),
            Val::Bool(b) => b.to_string(),
            // Exact: a decimal when it ends, else a fraction.
            Val::Num(q) if q.is_finite_decimal() => q.to_string(),
            Val::Num(q) => format!("{}/{}", q.n, q.d),
            Val::Date(d) => d.iso(),
            Val::Text(t) => format!("{t:?}"),
            Val::Enum(e, i) => self.enums[*e as usize][*i as usize].clone(),
            Val::Grade(g) => self.grades[*g as usize].clone(),
            Val::GradeSet(m) => {
                let codes: Vec<&str> = (0..self.grades.len())
                    .filter(|i| m & (1 << i) != 0)
                    .map(|i| self.grades[i].as_str())
                    .collect();
                format!("[{}]", codes.join(", "))
            }
            Val::Round(r) => r.name().into(),
            Val::Org(id) => id.clone(),
        }
    }

    #[allow(clippy::type_complexity)]
    fn apply(
        &mut self,
        qi: usize,
        subjects: &[usize],
        decs: &mut [Option<Dec>],
        guard: Option<(&Vec<u32>, u32, &Vec<Option<usize>>)>,
        findings: &mut Vec<Finding>,
    ) -> R<()> {
        let q = self.quotas[qi];
        let kind = q.subject.kind;
        let qgrade = self.code(&q.grade.node);
        let mut groups: BTreeMap<String, (Option<usize>, Vec<usize>)> = BTreeMap::new();
        self.ancestor_memo.clear();
        for &i in subjects {
            let (key, org) = self.group(qi, i)?;
            // A fault names the group's organisation, else the subject.
            self.check(org.map(At::Org).unwrap_or(self.at(kind, i)))?;
            groups.entry(key).or_insert((org, Vec::new())).1.push(i);
        }
        for (key, (org, members)) in groups {
            let ratio = self.eval_at_org(&q.ratio, org)?;
            let base = self.eval_at_org(&q.base, org)?;
            let rounding = self.eval_at_org(&q.rounding, org)?;
            self.check(org.map(At::Org).unwrap_or(At::Whole))?;
            let base = match base {
                Val::Grade(g) => Val::GradeSet(1 << g),
                b => b,
            };
            let (Val::Num(ratio), Val::GradeSet(base), Val::Round(rounding)) =
                (ratio, base, rounding)
            else {
                // A cap that cannot be computed stops grading.
                return Err(Stop::NoCap {
                    quota: q.name.node.clone(),
                });
            };
            let grade_of = |s: &Self, i: usize| match kind {
                SubjectKind::Member => s.gm[i],
                SubjectKind::Organisation => s.go[i],
            };
            let base_count = members
                .iter()
                .filter(|&&i| grade_of(self, i).is_some_and(|g| base & (1 << g) != 0))
                .count() as u32;
            let holders: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| grade_of(self, i) == Some(qgrade))
                .collect();
            let exact = ratio.mul(Q::int(base_count as i128)).unwrap_or(Q::int(0));
            let cap = rounding.apply(exact).clamp(0, u32::MAX as i128) as u32;
            let count = holders.len() as u32;
            let breach = count > cap;
            let mut lowered = 0;
            if let (QuotaMode::Enforce(keys), true) = (&q.mode, breach) {
                // Best first by the keys (none last either way), then by id.
                let mut rows: Vec<(Vec<Val>, String, usize)> = Vec::new();
                let mut holders = holders.clone();
                holders.sort_by(|&a, &b| self.id(kind, a).cmp(self.id(kind, b)));
                for &i in &holders {
                    let at = self.at(kind, i);
                    let mut vals = Vec::new();
                    for k in keys {
                        vals.push(self.eval(&k.key, at)?);
                    }
                    self.check(at)?;
                    rows.push((vals, self.id(kind, i).to_string(), i));
                }
                rows.sort_by(|a, b| {
                    for (n, k) in keys.iter().enumerate() {
                        let o = match (&a.0[n], &b.0[n]) {
                            (Val::None, Val::None) => Ordering::Equal,
                            (Val::None, _) => Ordering::Greater,
                            (_, Val::None) => Ordering::Less,
                            (x, y) => {
                                let o = compare(x, y).unwrap_or(Ordering::Equal);
                                if k.descending {
                                    o.reverse()
                                } else {
                                    o
                                }
                            }
                        };
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    a.1.cmp(&b.1)
                });
                for (pos, row) in rows.iter().enumerate().skip(cap as usize) {
                    let i = row.2;
                    if let Some((heights, h, oblock)) = guard {
                        if let Some(p) = self.parent(i) {
                            if oblock[p].is_some() && heights[p] <= h {
                                return Err(Stop::QuotaOrder {
                                    quota: q.name.node.clone(),
                                });
                            }
                        }
                    }
                    let to = qgrade + 1;
                    match kind {
                        SubjectKind::Member => self.gm[i] = Some(to),
                        SubjectKind::Organisation => self.go[i] = Some(to),
                    }
                    let d = decs[i].as_mut().expect("a holder was graded");
                    d.grade = Some(self.grades[to as usize].clone());
                    d.quota = Some(format!(
                        "{}: {}→{} rank {} cap {cap}",
                        q.name.node,
                        self.grades[qgrade as usize],
                        self.grades[to as usize],
                        pos + 1
                    ));
                    lowered += 1;
                }
            }
            findings.push(Finding {
                quota: q.name.node.clone(),
                group: key,
                grade: q.grade.node.clone(),
                base_count,
                cap,
                count,
                breach,
                lowered,
            });
        }
        Ok(())
    }
}

fn out_of_scope(kind: &'static str) -> Dec {
    Dec {
        kind,
        grade: None,
        block: None,
        clause: None,
        decided: None,
        caps: Vec::new(),
        quota: None,
        to_decide: None,
    }
}

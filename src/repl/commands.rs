//! The session's commands (`:grade`, `:set`, `:diff`, …), rules typed in
//! the rules language, and expressions typed as queries.

use std::fmt::Write;
use std::path::Path;

use super::changes::{self, Key, Layer};
use super::{Baseline, Reply, Session, Status};
use crate::eval::{At, Env, Memo, NoTrace, WHOLE};
use crate::report::NumberStyle;
use crate::source::SourceMap;
use crate::syntax::ast::SubjectKind;

/// Every command: name, arguments, what it does.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (":help", "", "this list"),
    (
        ":load",
        "RULES",
        "load (or reload) a rules file; starts afresh",
    ),
    (":data", "DIR", "load (or reload) a dataset folder"),
    (
        ":grade",
        "",
        "grade and print the summary, as `xeploai grade` does",
    ),
    (
        ":set",
        "NAME VALUE",
        "override a parameter, e.g. `:set excellent_cap 30%`",
    ),
    (":unset", "NAME", "take back every override of a parameter"),
    (":params", "", "the parameters and their current values"),
    (":drop", "NAME", "remove a rule, clause, quota or test"),
    (
        ":show",
        "[NAME]",
        "the changes as source, or the current source of one rule",
    ),
    (":why", "ID", "the trail of one member or organisation"),
    (
        ":diff",
        "[ID]",
        "against the baseline: who changes grade, and why; quota findings",
    ),
    (
        ":baseline",
        "",
        "make the current rules the baseline of :diff",
    ),
    (":undo", "", "take back the last change (repeatable)"),
    (
        ":save",
        "FILE",
        "write the changes as a rules file that extends the loaded one",
    ),
    (
        ":at",
        "[ID]",
        "run queries over one organisation (no ID: over everything)",
    ),
    (":quit", "", "leave (Ctrl-D too)"),
];

impl Session {
    pub(super) fn command(&mut self, line: &str) -> Reply {
        let mut words = line.splitn(2, char::is_whitespace);
        let name = words.next().unwrap_or("");
        let arg = words.next().unwrap_or("").trim();
        match name {
            ":help" | ":h" | ":?" => Reply::ok(self.help()),
            ":quit" | ":q" | ":exit" => Reply {
                out: String::new(),
                err: String::new(),
                status: Status::Quit,
            },
            ":load" if !arg.is_empty() => self.load(Path::new(arg)),
            ":data" if !arg.is_empty() => self.load_data(Path::new(arg)),
            ":grade" => self.grade(),
            ":set" => self.set(arg),
            ":unset" if !arg.is_empty() => self.unset(arg),
            ":params" => self.params(),
            ":drop" if !arg.is_empty() => {
                self.change(&format!("remove {arg}"), &format!(":drop {arg}"))
            }
            ":show" => self.show(arg),
            ":why" if !arg.is_empty() => self.why(arg),
            ":diff" => self.diff(arg),
            ":baseline" => {
                self.set_baseline();
                Reply::ok("mốc so sánh: các quy tắc hiện tại\n")
            }
            ":undo" => match self.undo.pop() {
                Some(layers) => match self.recompile(layers) {
                    Ok(()) => Reply::ok(format!(
                        "đã hoàn tác (còn {} thay đổi)\n",
                        self.layers.len()
                    )),
                    Err(e) => Reply::fail(e),
                },
                None => Reply::ok("không còn gì để hoàn tác\n"),
            },
            ":save" if !arg.is_empty() => self.save(Path::new(arg)),
            ":at" => self.at(arg),
            _ => {
                let known: Vec<&str> = COMMANDS.iter().map(|c| c.0).collect();
                let hint = match crate::check::did_you_mean(name, known.iter().copied()) {
                    Some(s) if s != name => format!("; did you mean {s}?"),
                    _ if known.contains(&name) => format!("; {name} needs an argument"),
                    _ => String::new(),
                };
                Reply::fail(format!("unknown command {name}{hint} (:help lists them)"))
            }
        }
    }

    fn help(&self) -> String {
        let mut out = String::from("Commands:\n");
        for (name, args, what) in COMMANDS {
            let _ = writeln!(out, "  {:<22} {what}", format!("{name} {args}"));
        }
        out.push_str(
            "\nAnything else is rules or a query:\n  \
             param excellent_cap = 25%                         set a parameter (as in a rules file)\n  \
             grading members { member_good: HTTNV when … }     add or replace a clause\n  \
             member_good: HTTNV when result_level >= Tot       replace a clause of that name\n  \
             count(members, grade == HTXSNV)                   a query over the dataset (or :at ID)\n  \
             share(graded members, grade >= HTTNV)\n",
        );
        if let Some(p) = &self.current {
            out.push_str("\nParameters:\n");
            for (param, v) in p.params.iter().zip(p.default_params()) {
                let _ = writeln!(out, "  {:<24} {}", param.name, p.show_value(&v, param.ty));
            }
        }
        out
    }

    fn grade(&mut self) -> Reply {
        if let Err(e) = self.outcome() {
            return Reply::fail(e);
        }
        let (Some(p), Some(d), Some(o)) = (&self.current, &self.data, &self.outcome) else {
            return Reply::fail("nothing to grade");
        };
        Reply::ok(crate::report::table(
            p,
            d,
            o,
            &p.default_params(),
            NumberStyle::Vi,
        ))
    }

    fn params(&self) -> Reply {
        let (Some(p), Some(base)) = (&self.current, &self.base) else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        let mut out = String::new();
        for (param, v) in p.params.iter().zip(p.default_params()) {
            let was = base
                .param_index(&param.name)
                .map(|i| base.params[i].value.clone());
            let note = match was {
                Some(w) if w != v => format!("   (tệp đã nạp: {})", p.show_value(&w, param.ty)),
                None => "   (mới)".into(),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<24} {}{note}",
                param.name,
                p.show_value(&v, param.ty)
            );
        }
        Reply::ok(out)
    }

    /// `:set NAME VALUE`: a `param` line, with the value checked first.
    fn set(&mut self, arg: &str) -> Reply {
        let (name, value) = match arg.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((n, v)) if !v.trim().is_empty() => (n.trim(), v.trim()),
            _ => {
                return Reply::fail(
                    ":set takes a parameter and a value, e.g. `:set excellent_cap 30%`",
                )
            }
        };
        let Some(p) = &self.current else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        let parsed = crate::eval::params_with(p, &[(name.to_string(), value.to_string())]);
        let values = match parsed {
            Ok(v) => v,
            Err(e) => return Reply::fail(self.render_one(e)),
        };
        let i = p.param_index(name).unwrap_or(0);
        let (old, ty) = (
            p.show_value(&p.params[i].value, p.params[i].ty),
            p.params[i].ty,
        );
        let new = p.show_value(&values[i], ty);
        let reply = self.change(&format!("param {name} = {new}"), &format!(":set {name}"));
        if reply.status == Status::Done {
            return Reply {
                out: format!("{name} = {new} (trước: {old})\n"),
                ..reply
            };
        }
        reply
    }

    fn unset(&mut self, name: &str) -> Reply {
        let mut layers = self.layers.clone();
        let before: usize = layers.iter().map(|l| l.items.len()).sum();
        for l in &mut layers {
            l.items.retain(|i| i.key != Key::Param(name.to_string()));
        }
        layers.retain(|l| !l.items.is_empty());
        if layers.iter().map(|l| l.items.len()).sum::<usize>() == before {
            return Reply::fail(format!("{name} has no override in this session"));
        }
        match self.commit(layers) {
            Ok(w) => Reply {
                out: format!("{name}: trở lại giá trị của tệp đã nạp\n"),
                err: w,
                status: Status::Done,
            },
            Err(e) => Reply::fail(e),
        }
    }

    /// Rules typed as text become a new layer, if they check.
    pub(super) fn change(&mut self, text: &str, label: &str) -> Reply {
        let Some(current) = &self.current else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        self.inputs += 1;
        let name = format!("<nhập {}>", self.inputs);
        let mut sources = SourceMap::default();
        let id = sources.add(Path::new(&name), name.clone(), crate::source::nfc(text));
        let file = match crate::syntax::parse(&sources, id) {
            Ok(f) => f,
            Err(e) => return Reply::fail(self.render_one(*e)),
        };
        let items = changes::items_of(&file, &sources);
        if items.is_empty() {
            return Reply::fail("nothing to change: a session takes parameters, clauses, blocks, quotas, tests and schema additions");
        }
        let names: Vec<String> = items
            .iter()
            .filter_map(|i| i.key.name().map(str::to_string))
            .collect();
        let replaced: Vec<&String> = names
            .iter()
            .filter(|n| changes::declares(current, n))
            .collect();
        let mut layers = self.layers.clone();
        layers.push(Layer { name, items });
        match self.commit(layers) {
            Ok(warnings) => {
                let (verb, what) = match label.strip_prefix(":drop ") {
                    Some(name) => ("đã bỏ", name.to_string()),
                    None if replaced.is_empty() => ("đã thêm", names.join(", ")),
                    None => ("đã thay", names.join(", ")),
                };
                Reply {
                    out: format!("{verb}: {what}\n"),
                    err: warnings,
                    status: Status::Done,
                }
            }
            Err(e) => Reply::fail(e),
        }
    }

    /// A clause typed alone: it replaces the clause of that name in its
    /// grading block. A new clause needs its block named.
    fn bare_clause(&mut self, text: &str) -> Reply {
        let Some(p) = &self.current else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        let head = text.trim_start();
        let head = head
            .strip_prefix("replace")
            .filter(|r| r.starts_with(char::is_whitespace))
            .unwrap_or(head);
        let name = head.split(':').next().unwrap_or("").trim();
        match p.clause_index(name) {
            Some(c) => {
                let wrapped = format!(
                    "grading {} {{\n{text}\n}}",
                    p.blocks[p.clauses[c].block].name
                );
                self.change(&wrapped, text)
            }
            None => {
                let blocks: Vec<&str> = p.blocks.iter().map(|b| b.name.as_str()).collect();
                Reply::fail(format!(
                    "no clause `{name}` to replace; a new clause goes in its block, e.g. `grading {} {{ {} }}`",
                    blocks.first().copied().unwrap_or("members"),
                    text.trim()
                ))
            }
        }
    }

    /// Takes back to `layers` (for `:undo`).
    fn recompile(&mut self, layers: Vec<Layer>) -> Result<(), String> {
        self.commit(layers)?;
        // commit pushed the undone state; it is not itself undoable.
        self.undo.pop();
        Ok(())
    }

    /// Rules text, a clause alone, or a query: whichever the grammar reads
    /// (or, if none, gets furthest with, so its error is the one shown).
    pub(super) fn input(&mut self, text: &str) -> Reply {
        use crate::syntax::{read_input, InputForm, Reading};
        match read_input(text) {
            Reading::Complete(InputForm::Expr) | Reading::Invalid(InputForm::Expr) => {
                self.query(text)
            }
            Reading::Complete(InputForm::Clause) | Reading::Invalid(InputForm::Clause) => {
                self.bare_clause(text)
            }
            _ => self.change(text, text),
        }
    }

    fn query(&mut self, text: &str) -> Reply {
        if let Err(e) = self.outcome() {
            return Reply::fail(e);
        }
        let (Some(p), Some(d), Some(o)) = (&self.current, &self.data, &self.outcome) else {
            return Reply::fail("nothing loaded");
        };
        let q = match crate::check::compile_query(p, "<truy vấn>", text) {
            Ok(q) => q,
            Err(r) => return Reply::fail(self.render(&r)),
        };
        let index = match &self.scope {
            Some(id) => match d.find(p, id) {
                Some((SubjectKind::Organisation, i)) => i,
                _ => return Reply::fail(format!("no organisation {id:?}")),
            },
            None => WHOLE,
        };
        let grades = o.grades();
        let params = p.default_params();
        let env = Env::new(p, d, &params, &grades);
        let mut memo: Memo = vec![None; q.memo_slots];
        let v = env.eval(
            &q.expr,
            At {
                kind: SubjectKind::Organisation,
                index,
                top: true,
            },
            &mut memo,
            &mut NoTrace,
        );
        if let Err(e) = crate::eval::checked_query(&env, &q.sources) {
            return Reply::fail(self.render_one(e));
        }
        Reply::ok(super::show::show_query_value(p, &v, q.ty) + "\n")
    }

    fn at(&mut self, arg: &str) -> Reply {
        if arg.is_empty() {
            self.scope = None;
            return Reply::ok("truy vấn trên toàn bộ dữ liệu\n");
        }
        let (Some(p), Some(d)) = (&self.current, &self.data) else {
            return Reply::fail("chưa nạp dữ liệu: dùng :data DIR");
        };
        match d.find(p, arg) {
            Some((SubjectKind::Organisation, i)) => {
                let name = d.name(p, SubjectKind::Organisation, i).to_string();
                self.scope = Some(arg.to_string());
                Reply::ok(format!("truy vấn trên {name} [{arg}]\n"))
            }
            _ => Reply::fail(format!("no organisation {arg:?}")),
        }
    }

    fn why(&mut self, id: &str) -> Reply {
        if let Err(e) = self.outcome() {
            return Reply::fail(e);
        }
        let (Some(p), Some(d), Some(o)) = (&self.current, &self.data, &self.outcome) else {
            return Reply::fail("nothing loaded");
        };
        let Some((kind, i)) = d.find(p, id) else {
            return Reply::fail(format!("no member or organisation {id:?}"));
        };
        let params = p.default_params();
        let trail = crate::eval::explain(p, d, &params, o, kind, i);
        Reply::ok(crate::report::explain_text(p, d, &params, &trail))
    }

    fn diff(&mut self, id: &str) -> Reply {
        if let Err(e) = self
            .outcome()
            .map(|_| ())
            .and_then(|_| self.baseline_outcome())
        {
            return Reply::fail(e);
        }
        let (
            Some(p),
            Some(d),
            Some(o),
            Some(Baseline {
                program: bp,
                outcome: Some(bo),
            }),
        ) = (&self.current, &self.data, &self.outcome, &self.baseline)
        else {
            return Reply::fail("nothing to compare");
        };
        let (params, bparams) = (p.default_params(), bp.default_params());
        let before = crate::diff::Side {
            program: bp,
            params: &bparams,
            outcome: bo,
        };
        let after = crate::diff::Side {
            program: p,
            params: &params,
            outcome: o,
        };
        if id.is_empty() {
            return match crate::diff::compare(&before, &after) {
                Ok(diff) => Reply::ok(crate::diff::text(p, d, &diff, 20, NumberStyle::Vi)),
                Err(e) => Reply::fail(self.render_one(e)),
            };
        }
        let Some((kind, i)) = d.find(p, id) else {
            return Reply::fail(format!("no member or organisation {id:?}"));
        };
        let (db, da) = (
            &bo.decisions(kind)[i as usize],
            &o.decisions(kind)[i as usize],
        );
        let grade = |program: &crate::program::Program, d: &crate::eval::Decision| match d
            .verdict(program)
        {
            crate::eval::Verdict::Graded(g) => program.grade_code(g).to_string(),
            crate::eval::Verdict::ToDecide(_) => "chờ cấp có thẩm quyền".into(),
            _ => "không xếp loại".into(),
        };
        let (before, after) = (grade(bp, db), grade(p, da));
        let mut out = format!(
            "{id} {}: {before} ({}) → {after} ({})\n",
            d.name(p, kind, i),
            crate::diff::why(bp, db),
            crate::diff::why(p, da)
        );
        if before != after
            || db.clause.map(|c| &bp.clauses[c as usize].name)
                != da.clause.map(|c| &p.clauses[c as usize].name)
        {
            let trail = crate::eval::explain(p, d, &params, o, kind, i);
            out.push_str(&crate::report::explain_text(p, d, &params, &trail));
        } else {
            out.push_str("không đổi\n");
        }
        Reply::ok(out)
    }

    fn show(&self, name: &str) -> Reply {
        let (Some(rules), Some(base)) = (&self.rules, &self.base) else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        let in_base = |n: &str| changes::declares(base, n);
        if name.is_empty() {
            let items = changes::collapse(&self.layers, &in_base);
            let mut out = format!(
                "// {} — {}\nextends {:?}\n",
                base.header.name,
                rules.display(),
                rules.display().to_string()
            );
            if items.is_empty() {
                out.push_str("// (chưa có thay đổi)\n");
            } else {
                out.push('\n');
                out.push_str(&changes::render(&items, &in_base));
            }
            return Reply::ok(out);
        }
        // The latest change of the name, else its text in the loaded files.
        for layer in self.layers.iter().rev() {
            if let Some(it) = layer
                .items
                .iter()
                .rev()
                .find(|i| i.key.name() == Some(name))
            {
                return Reply::ok(format!("// {}\n{}\n", layer.name, it.body));
            }
        }
        match super::show::source_of(base, name) {
            Some(text) => Reply::ok(text),
            None => Reply::fail(format!("no rule named {name:?}")),
        }
    }
}

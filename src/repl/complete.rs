//! Tab completion: commands, parameters, rule and field names, and ids
//! where a command takes one.

use super::commands::COMMANDS;
use super::Session;
use crate::syntax::ast::SubjectKind;

impl Session {
    /// Names to complete: commands, parameters, rules, fields, and ids
    /// after `:why`, `:diff` and `:at`.
    pub fn completions(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let upto = &line[..pos.min(line.len())];
        let start = upto
            .rfind(|c: char| c.is_whitespace() || "(),[]{}".contains(c))
            .map(|i| i + 1)
            .unwrap_or(0);
        let word = &upto[start..];
        let mut candidates: Vec<String> = Vec::new();
        if start == 0 && word.starts_with(':') {
            candidates.extend(COMMANDS.iter().map(|c| c.0.to_string()));
        } else if let Some(p) = &self.current {
            let command = upto.split_whitespace().next().unwrap_or("");
            if matches!(command, ":why" | ":diff" | ":at") {
                if let Some(d) = &self.data {
                    for kind in [SubjectKind::Organisation, SubjectKind::Member] {
                        if command == ":at" && kind == SubjectKind::Member {
                            continue;
                        }
                        let col = &d.table(kind).columns[p.schema(kind).id];
                        candidates.extend(
                            (0..d.len(kind))
                                .map(|i| col.text(i))
                                .filter(|id| id.starts_with(word))
                                .take(200)
                                .map(str::to_string),
                        );
                    }
                }
            } else {
                candidates.extend(p.params.iter().map(|x| x.name.clone()));
                if !matches!(command, ":set" | ":unset") {
                    candidates.extend(p.clauses.iter().map(|c| c.name.clone()));
                    candidates.extend(p.blocks.iter().map(|b| b.name.clone()));
                    candidates.extend(p.quotas.iter().map(|q| q.name.clone()));
                    candidates.extend(
                        p.member
                            .fields
                            .iter()
                            .chain(&p.organisation.fields)
                            .map(|f| f.name.clone()),
                    );
                    candidates.extend(p.grades.iter().map(|g| g.code.clone()));
                    candidates.extend(
                        [
                            "members",
                            "suborgs",
                            "all_members",
                            "graded",
                            "count",
                            "share",
                        ]
                        .map(String::from),
                    );
                }
            }
        }
        candidates.retain(|c| c.starts_with(word));
        candidates.sort();
        candidates.dedup();
        (start, candidates)
    }
}

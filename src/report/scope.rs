//! Which entities a report covers: the whole dataset, or one
//! organisation and everything under it.

use crate::data::Dataset;
use crate::syntax::ast::SubjectKind;

/// Which entities the report covers: all, or one organisation's subtree.
pub struct Scope {
    pub organisations: Vec<bool>,
    pub members: Vec<bool>,
}

impl Scope {
    pub fn all(data: &Dataset) -> Scope {
        Scope {
            organisations: vec![true; data.organisations.len()],
            members: vec![true; data.members.len()],
        }
    }

    /// Organisation `unit` and everything under it.
    pub fn subtree(data: &Dataset, unit: u32) -> Scope {
        let mut marked = vec![false; data.organisations.len()];
        marked[unit as usize] = true;
        let organisations: Vec<bool> = nearest_marked(&data.org_parent, &marked)
            .into_iter()
            .map(|a| a == unit)
            .collect();
        let members = data
            .member_org
            .iter()
            .map(|&o| o != u32::MAX && organisations[o as usize])
            .collect();
        Scope {
            organisations,
            members,
        }
    }

    pub fn holds(&self, kind: SubjectKind, i: u32) -> bool {
        match kind {
            SubjectKind::Member => self.members[i as usize],
            SubjectKind::Organisation => self.organisations[i as usize],
        }
    }
}

/// For each organisation, its nearest ancestor-or-self that is `marked`
/// (`u32::MAX` when none is).
pub(super) fn nearest_marked(parent: &[u32], marked: &[bool]) -> Vec<u32> {
    let mut out: Vec<Option<u32>> = vec![None; parent.len()];
    for o in 0..parent.len() {
        let mut path = Vec::new();
        let mut at = o;
        let answer = loop {
            if let Some(a) = out[at] {
                break a;
            }
            if marked[at] {
                break at as u32;
            }
            path.push(at);
            match parent[at] {
                u32::MAX => break u32::MAX,
                p => at = p as usize,
            }
        };
        for p in path {
            out[p] = Some(answer);
        }
        out[o] = Some(answer);
    }
    out.into_iter().map(|a| a.unwrap_or(u32::MAX)).collect()
}

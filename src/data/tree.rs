//! The organisation tree: children lists, the bottom-up order, the checks
//! that make it a tree (one top, no circles), and the canonical order of
//! records by id, which makes grading and every output independent of the
//! order of the rows in the files.

use super::error::{DataError, Problem};
use super::{Column, Dataset, Table};
use crate::program::{Program, Ty};

/// Children of each organisation, in compressed rows: the children of `o`
/// are `items[starts[o]..starts[o + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Children {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Children {
    /// Groups `parent_of[i]` (u32::MAX = none) into per-parent lists, in
    /// index order.
    pub fn build(parents: usize, parent_of: impl Iterator<Item = u32> + Clone) -> Children {
        let mut counts = vec![0u32; parents + 1];
        for p in parent_of.clone() {
            if (p as usize) < parents {
                counts[p as usize + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let starts = counts.clone();
        let mut fill = counts;
        let mut items = vec![0u32; *starts.last().unwrap_or(&0) as usize];
        for (i, p) in parent_of.enumerate() {
            if (p as usize) < parents {
                items[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
        Children { starts, items }
    }
    #[inline]
    pub fn of(&self, o: u32) -> &[u32] {
        let o = o as usize;
        match (self.starts.get(o), self.starts.get(o + 1)) {
            (Some(&s), Some(&e)) => &self.items[s as usize..e as usize],
            _ => &[],
        }
    }
}

impl Dataset {
    /// Builds the tree from tables whose link columns already hold indexes.
    /// Fails with the organisations on a cycle.
    pub fn assemble(
        program: &Program,
        dir: std::path::PathBuf,
        members: Table,
        organisations: Table,
    ) -> Result<Dataset, Vec<u32>> {
        let n = organisations.len();
        let link = |t: &Table, slot: usize, i: usize| t.columns[slot].org(i).unwrap_or(u32::MAX);
        let member_org: Vec<u32> = (0..members.len())
            .map(|i| link(&members, program.member.link, i))
            .collect();
        let org_parent: Vec<u32> = (0..n)
            .map(|i| link(&organisations, program.organisation.link, i))
            .collect();
        let org_members = Children::build(n, member_org.iter().copied());
        let org_children = Children::build(n, org_parent.iter().copied());
        // Post-order without recursion: a child is listed before its parent.
        let mut bottom_up = Vec::with_capacity(n);
        let mut stack: Vec<(u32, usize)> = Vec::new();
        for root in (0..n as u32).filter(|&o| org_parent[o as usize] == u32::MAX) {
            stack.push((root, 0));
            while let Some((o, next)) = stack.pop() {
                let kids = org_children.of(o);
                if next < kids.len() {
                    stack.push((o, next + 1));
                    stack.push((kids[next], 0));
                } else {
                    bottom_up.push(o);
                }
            }
        }
        if bottom_up.len() < n {
            let mut reached = vec![false; n];
            for &o in &bottom_up {
                reached[o as usize] = true;
            }
            return Err((0..n as u32).filter(|&o| !reached[o as usize]).collect());
        }
        Ok(Dataset {
            dir,
            files: Vec::new(),
            warnings: Vec::new(),
            members,
            organisations,
            member_org,
            org_parent,
            org_members,
            org_children,
            bottom_up,
        })
    }
}

/// One error per cycle in the parent links, on the row of its first
/// member, naming the whole circle.
pub(super) fn cycle_errors(program: &Program, orgs: &Table) -> Vec<DataError> {
    let n = orgs.len();
    let link = &orgs.columns[program.organisation.link];
    let ids = &orgs.columns[program.organisation.id];
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; n];
    let mut errors = Vec::new();
    for start in 0..n {
        let mut walk = Vec::new();
        let mut o = start;
        let mut reached_root = false;
        while state[o] == 0 {
            state[o] = 1;
            walk.push(o);
            match link.org(o) {
                Some(p) => o = p as usize,
                None => {
                    reached_root = true;
                    break;
                }
            }
        }
        if !reached_root && state[o] == 1 {
            if let Some(pos) = walk.iter().position(|&w| w == o) {
                let circle: Vec<&str> = walk[pos..]
                    .iter()
                    .chain(std::iter::once(&o))
                    .map(|&w| ids.text(w))
                    .collect();
                let first = *walk[pos..].iter().min().unwrap_or(&o);
                errors.push(DataError::at(
                    &orgs.file,
                    orgs.lines[first] as usize,
                    Problem::Cycle {
                        path: circle.join(" → "),
                    },
                ));
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
    errors
}

/// A dataset has one top organisation. Of the organisations written with
/// no parent (`parentless`), the one with the most organisations under it
/// is the top; each other one is an error on its row. Run on a tree
/// without cycles.
pub(super) fn second_roots(
    program: &Program,
    orgs: &Table,
    parentless: &[bool],
    parent_column: &str,
) -> Vec<DataError> {
    let n = orgs.len();
    let link = &orgs.columns[program.organisation.link];
    let roots: Vec<usize> = (0..n).filter(|&o| parentless[o]).collect();
    if roots.len() < 2 {
        return Vec::new();
    }
    let mut below = vec![0usize; n];
    for start in 0..n {
        let mut o = start;
        let mut steps = 0;
        while let Some(p) = link.org(o) {
            o = p as usize;
            steps += 1;
            if steps > n {
                break;
            }
        }
        below[o] += 1;
    }
    let top = *roots
        .iter()
        .max_by(|&&a, &&b| {
            below[a]
                .cmp(&below[b])
                .then(orgs.lines[b].cmp(&orgs.lines[a]))
        })
        .unwrap_or(&roots[0]);
    let ids = &orgs.columns[program.organisation.id];
    roots
        .into_iter()
        .filter(|&o| o != top)
        .map(|o| DataError {
            file: orgs.file.clone(),
            row: Some(orgs.lines[o] as usize),
            column: Some(parent_column.to_string()),
            letter: None,
            problem: Problem::SecondRoot {
                id: ids.text(o).to_string(),
                root: ids.text(top).to_string(),
                root_row: orgs.lines[top] as usize,
                column: parent_column.to_string(),
            },
        })
        .collect()
}

/// Puts both tables in order of id (organisation references follow), so
/// the same records in any row order make the same dataset.
pub(super) fn canonical_order(program: &Program, orgs: &mut Table, members: &mut Table) {
    let org_order = id_order(orgs, program.organisation.id);
    let member_order = id_order(members, program.member.id);
    let mut new_index = vec![0u32; org_order.len()];
    for (new, &old) in org_order.iter().enumerate() {
        new_index[old as usize] = new as u32;
    }
    for (table, order) in [(orgs, &org_order), (members, &member_order)] {
        let sorted = order.windows(2).all(|w| w[0] < w[1]);
        if !sorted {
            table.permute(order);
        }
        for c in &mut table.columns {
            if let Column::Org(refs) = c {
                for r in refs.iter_mut().filter(|r| **r != u32::MAX) {
                    *r = new_index[*r as usize];
                }
            }
        }
    }
}

/// Record indexes in order of id (a stable sort: already sorted input
/// costs one pass).
fn id_order(table: &Table, id_slot: usize) -> Vec<u32> {
    let ids = &table.columns[id_slot];
    let mut order: Vec<u32> = (0..table.len() as u32).collect();
    order.sort_by(|&a, &b| ids.text(a as usize).cmp(ids.text(b as usize)));
    order
}

impl Table {
    /// Reorders the records: record `i` becomes the old record `order[i]`.
    fn permute(&mut self, order: &[u32]) {
        for c in &mut self.columns {
            c.permute(order);
        }
        self.lines = order.iter().map(|&i| self.lines[i as usize]).collect();
    }
}

impl Column {
    fn permute(&mut self, order: &[u32]) {
        fn pick<T: Copy>(v: &[T], order: &[u32]) -> Vec<T> {
            order.iter().map(|&i| v[i as usize]).collect()
        }
        match self {
            Column::Bool(v) => *v = pick(v, order),
            Column::Num(v) => *v = pick(v, order),
            Column::Date(v) => *v = pick(v, order),
            Column::Enum(v) => *v = pick(v, order),
            Column::Grade(v) => *v = pick(v, order),
            Column::Org(v) => *v = pick(v, order),
            Column::Text { .. } => {
                let mut out = Column::new(Ty::Text);
                for &i in order {
                    out.push_text(self.text(i as usize));
                }
                *self = out;
            }
        }
    }
}

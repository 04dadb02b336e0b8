//! How many members of each grade go where, so that the totals are the
//! seed report's and every organisation's target grade follows.

use crate::{Grade, Rng};

/// A group of members graded together: a cell, or a chi bộ cơ sở.
pub struct Container {
    pub org: usize,
    pub grassroots: usize,
    pub grade: Grade,
    pub agency: bool,
    pub size: usize,
    pub not_graded: usize,
    pub fail: usize,
    pub pass: usize,
    pub excellent: usize,
}

impl Container {
    pub fn graded(&self) -> usize {
        self.size - self.not_graded
    }
    /// Most pass-or-worse members the container's target grade allows:
    /// HD 21 1.3 wants 80% (excellent) or 50% (good) at HTTNV or better.
    pub fn weak_limit(&self) -> usize {
        match self.grade {
            Grade::Excellent => self.graded() / 5,
            Grade::Good => self.graded() / 2,
            _ => self.graded().saturating_sub(2),
        }
    }
}

impl Container {
    pub fn org_is_base(&self) -> bool {
        self.agency && self.grade != Grade::New && self.grassroots >= 25
    }
}

/// Turns `total` good cells into excellent ones, round the committees,
/// never more than ceil(20% × (excellent + good)) in one committee: the
/// district's reading of the cap.
pub fn excellent_cells(containers: &mut [Container], total: usize) {
    let mut remaining = total;
    let committees: Vec<usize> = {
        let mut g: Vec<usize> = containers
            .iter()
            .filter(|c| !c.org_is_base())
            .map(|c| c.grassroots)
            .collect();
        g.dedup();
        g
    };
    while remaining > 0 {
        let before = remaining;
        for &gi in &committees {
            let cells: Vec<usize> = (0..containers.len())
                .filter(|&i| containers[i].grassroots == gi && !containers[i].org_is_base())
                .collect();
            let best_or_good = cells
                .iter()
                .filter(|&&i| matches!(containers[i].grade, Grade::Excellent | Grade::Good))
                .count();
            let excellent = cells
                .iter()
                .filter(|&&i| containers[i].grade == Grade::Excellent)
                .count();
            if remaining > 0 && excellent < (best_or_good * 20).div_ceil(100) {
                if let Some(&i) = cells.iter().find(|&&i| containers[i].grade == Grade::Good) {
                    containers[i].grade = Grade::Excellent;
                    remaining -= 1;
                }
            }
        }
        assert!(remaining < before, "no room for more excellent cells");
    }
}

/// Member counts per container that give the seed's totals:
/// 4,371 members; 35 not graded; 606 / 3,375 / 320 / 35.
pub fn allocate(containers: &mut [Container], rng: &mut Rng) {
    const MEMBERS: usize = 4371;
    let base_sizes = [
        28, 31, 19, 22, 25, 17, 14, 21, 13, 12, 15, 18, 24, 16, 20, 11, 23,
    ];
    for (in_base, c) in containers
        .iter_mut()
        .filter(|c| c.org_is_base())
        .enumerate()
    {
        c.size = base_sizes[in_base % base_sizes.len()];
    }
    let cells: Vec<usize> = (0..containers.len())
        .filter(|&i| !containers[i].org_is_base())
        .collect();
    let rest = MEMBERS - containers.iter().map(|c| c.size).sum::<usize>();
    for (k, &i) in cells.iter().enumerate() {
        containers[i].size = rest / cells.len() + usize::from(k < rest % cells.len());
    }
    // Vary the cell sizes while keeping the total: move members between pairs.
    for _ in 0..cells.len() * 3 {
        let (a, b) = (cells[rng.below(cells.len())], cells[rng.below(cells.len())]);
        if a != b && containers[b].size > 7 && containers[a].size < 22 {
            containers[a].size += 1;
            containers[b].size -= 1;
        }
    }
    let len = containers.len();
    // Not graded: one in every tenth container, 35 in all.
    let mut placed = 0;
    let mut i = 3;
    while placed < 35 {
        containers[i % len].not_graded += 1;
        placed += 1;
        i += 10;
    }
    // Fail only where the container may hold it: pass cells and new cells.
    let weak: Vec<usize> = (0..len)
        .filter(|&i| matches!(containers[i].grade, Grade::Pass | Grade::New))
        .collect();
    for k in 0..35 {
        containers[weak[k % weak.len()]].fail += 1;
    }
    spread(
        containers,
        320,
        |c| (c.graded() * 12 / 100 + 1).min(c.weak_limit().saturating_sub(c.fail)),
        |c| c.weak_limit().saturating_sub(c.fail),
        |c| &mut c.pass,
    );
    // Excellent members: about 15%, more in excellent containers, never
    // over the district's reading of the cap in a grassroots organisation.
    let mut capacity = vec![0usize; 64];
    for c in containers.iter() {
        capacity[c.grassroots] += c.graded() - c.pass - c.fail;
    }
    let mut used = vec![0usize; 64];
    let order: Vec<usize> = (0..len).map(|k| (k * 37) % len).collect();
    let mut remaining = 606;
    for soft in [true, false] {
        let mut progress = true;
        while remaining > 0 && progress {
            progress = false;
            for &i in &order {
                if remaining == 0 {
                    break;
                }
                let c = &containers[i];
                let share = match c.grade {
                    Grade::Excellent => 24,
                    Grade::Good => 15,
                    _ => 6,
                };
                let room = c.graded() - c.pass - c.fail - c.excellent;
                let soft_ok = !soft || c.excellent < c.graded() * share / 100 + 1;
                // ceil(20% × (excellent + good)) for the whole grassroots organisation.
                let cap = (capacity[c.grassroots] * 20).div_ceil(100);
                if room > 1 && soft_ok && used[c.grassroots] < cap {
                    let g = c.grassroots;
                    containers[i].excellent += 1;
                    used[g] += 1;
                    remaining -= 1;
                    progress = true;
                }
            }
        }
    }
    assert_eq!(remaining, 0, "could not place every excellent member");
}

/// Adds `total` one at a time, round the containers, first up to a soft
/// limit, then up to the hard one.
fn spread(
    containers: &mut [Container],
    total: usize,
    soft: impl Fn(&Container) -> usize,
    hard: impl Fn(&Container) -> usize,
    field: impl Fn(&mut Container) -> &mut usize,
) {
    let len = containers.len();
    let mut remaining = total;
    for limit in [&soft as &dyn Fn(&Container) -> usize, &hard] {
        let mut progress = true;
        while remaining > 0 && progress {
            progress = false;
            for k in 0..len {
                let i = (k * 13) % len;
                if remaining > 0 && {
                    let c = &mut containers[i];
                    let lim = limit(c);
                    let cur = *field(c);
                    cur < lim
                } {
                    *field(&mut containers[i]) += 1;
                    remaining -= 1;
                    progress = true;
                }
            }
        }
    }
    assert_eq!(remaining, 0, "could not place every member");
}

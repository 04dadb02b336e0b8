//! Generates the synthetic 2025 dataset of a commune party committee on
//! today's tree: the đảng bộ xã Tân An (invented), directly under the
//! province since 1/7/2025, with its đảng bộ cơ sở (one with đảng bộ bộ
//! phận), chi bộ cơ sở, and the chi bộ trực thuộc hanging directly under
//! it; leaders, a leadership collective, and every input QĐ 366 and HD 43
//! ask for. Everything is invented; see the dataset's README.
//!
//! ```text
//! cargo run --release --example gen_xa_2025 -- examples/xa-tan-an-2025
//! ```
//!
//! Deterministic: the same command always writes the same bytes.

mod inputs;
mod members;
#[path = "../shared/synth.rs"]
mod synth;
mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use members::{allocate_excellent, members_of, Member};
use synth::Rng;
use tree::{Org, COMMUNE, KEY_OFFICIALS};

const USAGE: &str = "usage: gen_xa_2025 OUTPUT_DIR\n\
    Writes members.csv and organisations.csv of the synthetic Tân An commune (2025).";

/// The organisation whose committee decides on a chi bộ's members: the
/// nearest đảng bộ cơ sở, chi bộ cơ sở or đảng bộ xã at or above it.
fn deciding_committee<'a>(orgs: &HashMap<&str, &'a Org>, id: &str) -> &'a str {
    let mut at = orgs[id];
    loop {
        if matches!(at.kind, "Đảng bộ cơ sở" | "Chi bộ cơ sở") || at.id == COMMUNE {
            return &at.id;
        }
        at = orgs[at.parent.as_str()];
    }
}

fn all_members(orgs: &[Org], rng: &mut Rng) -> Vec<Member> {
    let by_id: HashMap<&str, &Org> = orgs.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut out = Vec::new();
    let mut next_no = 0;
    for o in orgs.iter().filter(|o| o.members > 0) {
        let pool = deciding_committee(&by_id, &o.id);
        out.extend(members_of(o, pool, &mut next_no, rng));
    }
    let mut pools: Vec<String> = out.iter().map(|m| m.pool.clone()).collect();
    pools.sort();
    pools.dedup();
    for pool in pools.iter().filter(|p| p.as_str() != KEY_OFFICIALS) {
        // The company is marked outstanding (25%); the police's pool is
        // written one over its cap.
        let outstanding = by_id
            .get(pool.as_str())
            .is_some_and(|o| o.outstanding && o.case == tree::OrgCase::Excellent);
        let over = pool.ends_with("-DB01");
        allocate_excellent(&mut out, pool, outstanding, over, rng);
    }
    out
}

fn writer(path: &Path) -> std::io::Result<csv::Writer<std::fs::File>> {
    let mut file = std::fs::File::create(path)?;
    // Spreadsheet exports carry a byte-order mark; keep one to show it is read.
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    Ok(csv::Writer::from_writer(file))
}

fn write(out: &Path, orgs: &[Org], members: &[Member], rng: &mut Rng) -> std::io::Result<()> {
    let mut w = writer(&out.join("organisations.csv"))?;
    w.write_record(inputs::ORG_HEADER)?;
    for o in orgs {
        w.write_record(inputs::org_record(o, rng))?;
    }
    w.flush()?;
    let mut w = writer(&out.join("members.csv"))?;
    w.write_record(inputs::MEMBER_HEADER)?;
    for m in members {
        w.write_record(inputs::member_record(m, rng))?;
    }
    w.flush()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.as_slice() {
        [a] if !a.starts_with('-') => PathBuf::from(a),
        [a] if a == "--help" || a == "-h" => {
            println!("{USAGE}");
            return Ok(());
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&out)?;
    // The review date as a number: any fixed seed would do.
    let mut rng = Rng(20_251_231);
    let orgs = tree::commune();
    let members = all_members(&orgs, &mut rng);
    write(&out, &orgs, &members, &mut rng)?;
    eprintln!(
        "wrote {} organisations and {} members to {}",
        orgs.len(),
        members.len(),
        out.display()
    );
    Ok(())
}

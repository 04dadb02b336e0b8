//! A what-if session on any lines: never a panic, whatever is typed.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A folder with the example's rules and data, made once per process (a
/// session reads files; `:save` may only write where it is pointed).
fn workspace() -> &'static std::path::PathBuf {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = std::env::temp_dir().join(format!("xeploai-fuzz-repl-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).expect("scratch");
        std::fs::copy(root.join("rules/2021.rules"), dir.join("2021.rules")).expect("rules");
        std::fs::write(dir.join("data/organisations.csv"), include_str!("common_orgs.csv"))
            .expect("organisations");
        std::fs::write(dir.join("data/members.csv"), include_str!("common_members.csv"))
            .expect("members");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = workspace();
    let mut session = xeploai::repl::Session::new();
    let _ = session.start(Some(&dir.join("2021.rules")), Some(&dir.join("data")));
    for line in text.lines().take(64) {
        // Writing files is not what this target is for.
        if line.trim_start().starts_with(":save") || line.trim_start().starts_with(":load") {
            continue;
        }
        let reply = session.eval_line(line);
        if reply.status == xeploai::repl::Status::Quit {
            break;
        }
    }
});

//! The parser and checker on any text: never a panic; every diagnostic
//! renders; a program that checks formats to a text that checks again
//! and formats to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = std::path::Path::new(".");
    match xeploai::check::check_text("fuzz.rules", dir, text) {
        Err(rejected) => {
            let _ = xeploai::render::render_all(&rejected.problems, false, 80);
        }
        Ok(checked) => {
            let _ = xeploai::render::render_all(&checked.warnings, false, 80);
            if text.contains("extends") {
                return;
            }
            let once = xeploai::fmt::format_text("fuzz.rules", text).expect("a checked program formats");
            let twice = xeploai::fmt::format_text("fuzz.rules", &once).expect("formatted text formats");
            assert_eq!(once, twice, "formatting is idempotent");
            assert!(
                xeploai::check::check_text("fuzz.rules", dir, &once).is_ok(),
                "the formatted program checks"
            );
        }
    }
});

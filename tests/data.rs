//! Loading datasets: formats, encodings, headers, and every kind of bad
//! value reported at its place.

mod common;

use common::*;
use xeploai::data::load_dir;

const RULES: &str = "tests/fixtures/check/lib/minimal.rules";

fn problems(orgs: &str, members: &str) -> String {
    let p = program(RULES);
    let dir = dataset_dir("problems", orgs, members);
    match load_dir(&p, &dir) {
        Ok(_) => "loaded".into(),
        Err(e) => e.to_string(),
    }
}

const ORGS: &str =
    "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\nC2,Chi bộ 2,D,Chi bộ\n";

#[test]
fn a_clean_small_dataset_loads_and_grades() {
    let p = program(RULES);
    let dir = dataset_dir("clean", ORGS, "id,name,organisation,level,score\nm1,An,C1,High,3\nm2,Bình,C1,Cao,\nm3,Chi,C2,Vừa,1\nm4,Dũng,C2,Low,\n");
    let d = load_dir(&p, &dir).expect("loads");
    let o = grade(&p, &d);
    assert_eq!(
        grade_of(&p, &d, &o, "m2"),
        "A",
        "an enumeration value may be written by its label"
    );
    assert_eq!(grade_of(&p, &d, &o, "C1"), "A");
    assert_eq!(grade_of(&p, &d, &o, "C2"), "C");
    assert_eq!(grade_of(&p, &d, &o, "D"), "not graded");
}

#[test]
fn every_bad_value_is_reported_at_its_place() {
    let members = "id,name,organisation,level,score\n\
        m1,An,C1,High,3\n\
        m2,Bình,C9,High,3\n\
        m3,Chi,C1,Excellent,3\n\
        m4,Dũng,C1,High,three\n\
        m5,,C1,High,1\n\
        m1,Giang,C1,High,1\n\
        m7,Hà,C1\n";
    insta::assert_snapshot!(problems(ORGS, members));
}

#[test]
fn a_missing_column_and_a_cycle() {
    insta::assert_snapshot!(problems(ORGS, "id,name,organisation\nm1,An,C1\n"));
    let cyclic = "id,name,parent,kind\nD,Huyện,,district\nA,Một,B,cell\nB,Hai,A,cell\n";
    insta::assert_snapshot!(problems(
        cyclic,
        "id,name,organisation,level\nm1,An,D,High\n"
    ));
}

#[test]
fn headers_in_any_case_nfd_text_and_a_byte_order_mark() {
    let p = program(RULES);
    // "Vừa" in decomposed form (NFD) must match the label in the rules (NFC).
    let nfd_mid = "V\u{0075}\u{031B}\u{0300}a";
    let members = format!("\u{FEFF}ID,Name,Organisation,LEVEL\nm1,An,C1,{nfd_mid}\n");
    let dir = dataset_dir("nfd", ORGS, &members);
    let d = load_dir(&p, &dir).expect("loads");
    let o = grade(&p, &d);
    assert_eq!(grade_of(&p, &d, &o, "m1"), "B");
}

#[test]
fn json_datasets_give_the_same_grades_as_csv() {
    let p = program("rules/2021.rules");
    let csv_data = yen_the(&p);
    let dir = scratch_dir("json");
    for stem in ["organisations", "members"] {
        let mut reader =
            csv::Reader::from_path(root().join(format!("examples/yen-the-2021/{stem}.csv")))
                .expect("csv");
        let headers: Vec<String> = reader
            .headers()
            .expect("headers")
            .iter()
            .map(|h| h.trim_start_matches('\u{FEFF}').to_string())
            .collect();
        let rows: Vec<serde_json::Value> = reader
            .records()
            .map(|r| {
                let r = r.expect("record");
                serde_json::Value::Object(
                    headers
                        .iter()
                        .cloned()
                        .zip(r.iter().map(|c| serde_json::Value::String(c.to_string())))
                        .collect(),
                )
            })
            .collect();
        std::fs::write(
            dir.join(format!("{stem}.json")),
            serde_json::to_string_pretty(&rows).expect("json"),
        )
        .expect("write");
    }
    let json_data = load_dir(&p, &dir).expect("json loads");
    assert_eq!(grade(&p, &json_data), grade(&p, &csv_data));
}

#[test]
fn json_problems_name_the_line_of_the_record() {
    let p = program(RULES);
    let dir = scratch_dir("json-bad");
    std::fs::write(
        dir.join("organisations.json"),
        r#"[{"id": "D", "name": "Huyện", "kind": "district"}]"#,
    )
    .expect("write");
    std::fs::write(dir.join("members.json"), "[\n  {\"id\": \"m1\", \"name\": \"An\", \"organisation\": \"D\", \"level\": \"High\"},\n  {\"id\": \"m2\", \"name\": \"Bình\", \"organisation\": \"D\", \"level\": 5}\n]").expect("write");
    let e = load_dir(&p, &dir).expect_err("bad level");
    assert_eq!(e.0.len(), 1);
    assert_eq!(
        e.0[0].to_string(),
        "members.json:3: column \"level\": \"5\" is not one of High (Cao), Mid (Vừa), Low (Thấp)"
    );
}

#[test]
fn missing_files_and_non_utf8_cells() {
    let p = program(RULES);
    let empty = scratch_dir("empty");
    let e = load_dir(&p, &empty).expect_err("no files");
    assert_eq!(e.0.len(), 2);
    let e = load_dir(&p, &empty.join("not-there")).expect_err("no folder");
    assert!(e.to_string().contains("not-there: no such folder"), "{e}");
    let dir = dataset_dir("latin1", ORGS, "");
    std::fs::write(
        dir.join("members.csv"),
        b"id,name,organisation,level\nm1,Nguy\xean,C1,High\n",
    )
    .expect("write");
    // Not UTF-8 at all: the Windows code page, said aloud.
    let d = load_dir(&p, &dir).expect("read as Windows-1258");
    assert_eq!(
        d.name(&p, xeploai::syntax::ast::SubjectKind::Member, 0),
        "Nguyên"
    );
    assert_eq!(
        d.warnings[0].to_string(),
        "members.csv: the file is not UTF-8: read as Windows-1258 (the Vietnamese Windows code page); check that the Vietnamese letters came out right, or save the file as \"CSV UTF-8\" to be sure"
    );
    // UTF-8 with one damaged byte: that cell, not the whole file.
    std::fs::write(
        dir.join("members.csv"),
        "id,name,organisation,level\nm1,Nguyễn Văn Á,C1,High\nm2,Nguy\u{FFFD},C1,High\n"
            .replace('\u{FFFD}', "\u{0}")
            .into_bytes()
            .into_iter()
            .map(|b| if b == 0 { 0xEA } else { b })
            .collect::<Vec<u8>>(),
    )
    .expect("write");
    let e = load_dir(&p, &dir).expect_err("not utf8");
    assert_eq!(
        e.0[0].to_string(),
        "members.csv:3: column \"name\": the value is not valid UTF-8 text; save the file as UTF-8"
    );
}

#[test]
fn dates_and_percents_in_both_forms() {
    let p = program("rules/2021.rules");
    let orgs = "ma_to_chuc,ten,ma_cap_tren,loai,ngay_thanh_lap,ket_qua_nhiem_vu,tieu_chi_khac\nH,Huyện,,dang_bo_huyen,,,\nC,Chi bộ,H,chi_bo_co_so,2001-05-01,Tot,Tot\n";
    let members = "ma_dang_vien,ho_ten,ma_chi_bo,ngay_ket_nap,ket_qua_nhiem_vu,tieu_chi_khac,ty_le_hoan_thanh\n\
        a,A,C,01/07/2021,Tot,Tot,100\n\
        b,B,C,2021-06-30,Tot,Tot,49%\n\
        c,C,C,30/06/2021,Tot,Tot,50\n";
    let dir = dataset_dir("forms", orgs, members);
    let d = load_dir(&p, &dir).expect("loads");
    let o = grade(&p, &d);
    assert_eq!(
        grade_of(&p, &d, &o, "a"),
        "not graded",
        "admitted 1 July 2021: five months"
    );
    assert_eq!(grade_of(&p, &d, &o, "b"), "KHTNV", "49% of tasks");
    assert_eq!(grade_of(&p, &d, &o, "c"), "HTTNV", "50 means 50%");
}

#[test]
fn skipping_bad_rows_leaves_them_out_with_what_refers_to_them() {
    let p = program(RULES);
    let orgs =
        "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\nC2,Chi bộ 2,NOPE,cell\n";
    let members = "id,name,organisation,level\nm1,An,C1,High\nm2,Bình,C2,High\nm3,Chi,C1,Excellent\nm1,Dũng,C1,Low\nm5,Giang,C1,Mid\n";
    let dir = dataset_dir("skip", orgs, members);
    assert!(
        load_dir(&p, &dir).is_err(),
        "a strict load refuses the data"
    );
    let (d, left_out) =
        xeploai::data::load_dir_skipping(&p, &dir, &Default::default()).expect("the rest loads");
    let shown: Vec<String> = left_out.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        shown,
        [
            "organisations.csv:4: unknown organisation \"NOPE\"",
            "members.csv:4: column \"level\": \"Excellent\" is not one of High (Cao), Mid (Vừa), Low (Thấp)",
            "members.csv:5: duplicate id \"m1\" (first on row 2)",
            "members.csv:3: column \"organisation\": organisation \"C2\" was left out (organisations.csv row 4), so this row is left out too",
        ]
    );
    assert_eq!((d.organisations.len(), d.members.len()), (2, 2));
    // A problem of a whole file still stops the load.
    let dir = dataset_dir("skip-column", orgs, "id,name,organisation\nm1,An,C1\n");
    assert!(xeploai::data::load_dir_skipping(&p, &dir, &Default::default()).is_err());
}

/// The example with its rows in another order (the header kept first).
fn shuffled_example(tag: &str, seed: u64) -> std::path::PathBuf {
    let dir = copy_of_example(tag);
    for f in ["organisations.csv", "members.csv"] {
        let text = std::fs::read_to_string(dir.join(f)).expect("read");
        let mut lines: Vec<&str> = text.lines().collect();
        let mut state = seed;
        for i in (2..lines.len()).rev() {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let j = 1 + (state >> 33) as usize % i;
            lines.swap(i, j);
        }
        std::fs::write(dir.join(f), lines.join("\n") + "\n").expect("write");
    }
    dir
}

#[test]
fn the_order_of_the_rows_changes_no_byte_of_the_output() {
    let p = program("rules/2021.rules");
    let json_of = |dir: &std::path::Path| {
        let d = load_dir(&p, dir).expect("loads");
        let o = grade(&p, &d);
        let report = xeploai::report::to_json(&p, &d, &o, &p.default_params());
        let csv = xeploai::report::entities_csv(&p, &d, &o).expect("csv");
        (serde_json::to_string_pretty(&report).expect("json"), csv)
    };
    let original = json_of(&root().join("examples/yen-the-2021"));
    for seed in [1, 2, 3] {
        let shuffled = json_of(&shuffled_example("shuffled", seed));
        assert!(original == shuffled, "seed {seed}: the output changed");
    }
}

#[test]
fn windows_mac_and_multi_line_files_report_the_lines_an_editor_shows() {
    let members = "id,name,organisation,level,score\n\
        m1,An,C1,High,3\n\
        m2,\"Bình\nThị\",C1,Excellent,3\n\
        m3,Chi,C1,High,three\n";
    for nl in ["\r\n", "\r", "\n"] {
        let text = members.replace('\n', nl);
        let got = problems(ORGS, &text);
        assert!(
            got.contains("members.csv:3: column \"level\""),
            "{nl:?}: {got}"
        );
        assert!(
            got.contains("members.csv:5: column \"score\""),
            "{nl:?}: {got}"
        );
    }
}

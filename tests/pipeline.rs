//! The whole pipeline: `sovcost run` on the bundled data reproduces the
//! committed reports byte for byte; verdicts flip on counter-data; bad
//! analysis files are refused without touching the reports; strings from the
//! dataset are escaped; PDF figures carry their text.

mod common;

use common::{copy_inputs, files, repo_path, temp_dir};
use sovcost::app::{run_analyses, RunArgs};
use sovcost::dataset::{csv_text, Dataset, Row};
use sovcost::panel::{treaty_records, PanelOptions};
use std::path::Path;

fn run_cli(dir: &Path, args: &[&str], threads: &str) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn committed_reports_match_a_fresh_run_whatever_the_thread_count() {
    let repo = repo_path("");
    let committed = files(&repo_path("reports"));
    assert!(committed.contains_key(Path::new("report.md")));
    for threads in ["1", "2"] {
        let out = temp_dir(&format!("fresh{threads}")).join("reports");
        let (code, stdout, err) = run_cli(&repo, &["run", "--out", out.to_str().unwrap()], threads);
        assert_eq!(code, 0, "{err}");
        assert!(
            stdout.contains("SUPPORTED") || stdout.contains("INCONCLUSIVE"),
            "{stdout}"
        );
        let fresh = files(&out);
        let names: Vec<_> = committed.keys().collect();
        assert_eq!(
            names,
            fresh.keys().collect::<Vec<_>>(),
            "the set of report files differs"
        );
        for (name, bytes) in &committed {
            assert!(
                &fresh[name] == bytes,
                "reports/{} differs from a fresh run: run `cargo run --release -- run` and commit reports/",
                name.display()
            );
        }
    }
}

#[test]
fn pdf_figures_embed_the_font_and_carry_text() {
    for (name, bytes) in files(&repo_path("reports/figures")) {
        if name.extension().is_some_and(|e| e == "pdf") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(text.starts_with("%PDF-"), "{}", name.display());
            assert!(
                text.contains("/Font"),
                "{} has no font: its text was dropped",
                name.display()
            );
            assert!(
                text.contains("/FontFile2") || text.contains("/FontFile3"),
                "{} does not embed its font",
                name.display()
            );
        }
    }
}

fn args(root: &Path, names: &[&str]) -> RunArgs {
    RunArgs {
        analyses: names.iter().map(|s| s.to_string()).collect(),
        data_dir: root.join("datasets"),
        analyses_dir: root.join("analyses"),
        out: Some(root.join("reports")),
        seed: None,
    }
}

/// Replaces every PRC action by one synthetic, verified action per instrument:
/// `choose(record, median cost)` gives the action, or `None` for no action.
fn rewrite_prc_actions(
    data: &mut Dataset,
    summary: &str,
    choose: impl Fn(&sovcost::panel::TreatyRecord, f64) -> Option<&'static str>,
) {
    let records = treaty_records(data, &PanelOptions::default());
    let mut costs: Vec<f64> = records.iter().map(|r| r.sovereignty_cost).collect();
    costs.sort_by(|a, b| a.total_cmp(b));
    let median = costs[costs.len() / 2];
    let source = data.sources.rows[0]["source_id"].clone();
    data.actions.rows.retain(|r| r["actor"] != "PRC");
    // A declaration is joined by a vote, not by an accession.
    let act = |r: &sovcost::panel::TreatyRecord| {
        choose(r, median).map(|a| {
            if a == "accession" && matches!(r.kind.as_str(), "declaration" | "resolution") {
                "vote_yes"
            } else {
                a
            }
        })
    };
    for r in &records {
        let Some(action) = act(r) else {
            continue;
        };
        let year: i32 = r.adopted[..4].parse::<i32>().unwrap().max(1972) + 1;
        let date = if r.soft_law == 1 {
            r.adopted.clone()
        } else {
            format!("{year}-06-01")
        };
        // A synthetic vote away from the adoption date says which vote it is.
        let is_vote = matches!(action, "vote_yes" | "vote_no");
        let vote_event = if is_vote && date != r.adopted {
            "endorsement"
        } else {
            ""
        };
        let mut row = Row::new();
        for (k, v) in [
            ("action_id", format!("{}-synthetic", r.treaty_id)),
            ("treaty_id", r.treaty_id.clone()),
            ("state", "CHN".into()),
            ("actor", "PRC".into()),
            ("action", action.to_string()),
            ("date", date),
            ("date_precision", "day".into()),
            ("article", String::new()),
            ("vote_event", vote_event.to_string()),
            ("summary", summary.to_string()),
            ("source_ids", source.clone()),
            ("verified", "yes".into()),
            ("note", String::new()),
        ] {
            row.insert(k.to_string(), v);
        }
        data.actions.rows.push(row);
    }
    std::fs::write(
        &data.actions.file,
        csv_text(&data.actions.header, &data.actions.rows),
    )
    .unwrap();
    // China's status follows the synthetic acts, read after the cutoff (the
    // other states' rows are left as they are).
    for st in data
        .status
        .rows
        .iter_mut()
        .filter(|st| st["state"] == "CHN")
    {
        let Some(r) = records.iter().find(|r| r.treaty_id == st["treaty_id"]) else {
            continue;
        };
        let status = match act(r) {
            Some("vote_no") => "opposed",
            Some("vote_yes") => "supported",
            Some(_) => "party",
            None => "none",
        };
        st.insert("status".into(), status.into());
        st.insert("as_of".into(), "2026-02-03".into());
        st.insert("verified".into(), "yes".into());
    }
    std::fs::write(
        &data.status.file,
        csv_text(&data.status.header, &data.status.rows),
    )
    .unwrap();
}

/// Counter-data: a strongly socialized state that joins exactly the costly
/// instruments (the upper half of the cost index), rejects soft law, and
/// avoids only the least intrusive provisions; and a seed table in which
/// Jiang's articles are mostly non-instrumental.
fn make_counter_data(data_dir: &Path) {
    let mut data = Dataset::read(data_dir).unwrap();
    rewrite_prc_actions(&mut data, "counter-data", |r, median| {
        if r.soft_law == 1 {
            Some("vote_no")
        } else if r.sovereignty_cost >= median {
            Some("accession")
        } else {
            None
        }
    });
    // Avoid only low-level mechanisms: avoidance falls with intrusiveness.
    for p in data.provisions.rows.iter_mut() {
        if matches!(p["acceptance_mode"].as_str(), "opt_out" | "opt_in") {
            let level = sovcost::dataset::mechanism_level(&p["mechanism"]);
            let pos = if level <= 2 { "avoided" } else { "accepted" };
            p.insert("china_position".into(), pos.into());
        }
    }
    for t in [&data.actions, &data.provisions] {
        std::fs::write(&t.file, csv_text(&t.header, &t.rows)).unwrap();
    }
    std::fs::write(
        data_dir.join("jiang_discourse.csv"),
        "framing,audience,articles,source_ids,note\ninstrumental,domestic,2,tao-2014,x\ninstrumental,international,3,tao-2014,x\nnot_instrumental,international,5,tao-2014,x\nnot_instrumental,domestic,16,tao-2014,x\n",
    )
    .unwrap();
    assert!(Dataset::read(data_dir).unwrap().validate().is_empty());
}

#[test]
fn verdicts_flip_on_counter_data() {
    let (root, data_dir) = copy_inputs("counter");
    make_counter_data(&data_dir);
    let results = run_analyses(&args(
        &root,
        &[
            "h1_cost_gradient",
            "h2_soft_law_benchmark",
            "h3_opt_outs",
            "h4_over_time",
            "seed_replication",
        ],
    ))
    .unwrap();
    let verdict = |name: &str| {
        results
            .analyses
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .verdict
    };
    for name in [
        "h1_cost_gradient",
        "h2_soft_law_benchmark",
        "h3_opt_outs",
        "h4_over_time",
        "seed_replication",
    ] {
        assert_eq!(
            verdict(name),
            sovcost::results::Verdict::NotSupported,
            "{name} on counter-data: {:#?}",
            results
                .analyses
                .iter()
                .find(|a| a.name == name)
                .map(|a| &a.verdict_reason)
        );
    }
}

#[test]
fn the_same_code_supports_the_claims_on_supporting_data() {
    // The mirror image of the counter-data: joins exactly the cheap half and all
    // soft law, avoids the intrusive provisions. The verdicts are "supported".
    let (root, data_dir) = copy_inputs("supporting");
    let mut data = Dataset::read(&data_dir).unwrap();
    rewrite_prc_actions(&mut data, "supporting data", |r, median| {
        if r.soft_law == 1 {
            Some("vote_yes")
        } else if r.sovereignty_cost < median {
            Some("accession")
        } else {
            None
        }
    });
    let results =
        run_analyses(&args(&root, &["h1_cost_gradient", "h2_soft_law_benchmark"])).unwrap();
    for a in &results.analyses {
        assert_eq!(
            a.verdict,
            sovcost::results::Verdict::Supported,
            "{}: {}",
            a.name,
            a.verdict_reason
        );
    }
}

#[test]
fn bad_analysis_files_are_refused_and_the_reports_kept() {
    let (root, _) = copy_inputs("badspec");
    let out = root.join("reports");
    let (code, _, err) = run_cli(&root, &["run", "--out", out.to_str().unwrap()], "2");
    assert_eq!(code, 0, "{err}");
    let before = files(&out);
    for (file, text, expect) in [
        ("zz_malformed.toml", "title = \"x\"\nkind = [", "not a valid analysis file"),
        ("zz_unknown_key.toml", "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\ncolour = 1\n", "unknown field `colour`"),
        ("zz_method.toml", "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\nmethod = \"bayes\"\n", "model.method"),
        ("zz_column.toml", "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[model]\nformula = \"joined ~ no_such_column\"\n[[hypothesis]]\nterm = \"no_such_column\"\ndirection = \"negative\"\n", "no_such_column"),
        ("zz_kind.toml", "title = \"x\"\nquestion = \"q\"\nkind = \"astrology\"\n", "unknown kind"),
    ] {
        let path = root.join("analyses").join(file);
        std::fs::write(&path, text).unwrap();
        let (code, stdout, err) = run_cli(&root, &["run", "--out", out.to_str().unwrap()], "2");
        assert_eq!(code, 2, "{file}: {err}");
        assert!(stdout.is_empty());
        assert!(err.contains(file), "{file}: {err}");
        assert!(err.contains(expect), "{file}: '{expect}' not in {err}");
        assert!(!err.contains("panicked"));
        assert_eq!(before, files(&out), "{file}: the reports changed");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn strings_from_the_dataset_are_escaped_in_every_format() {
    let (root, data_dir) = copy_inputs("escape");
    let mut data = Dataset::read(&data_dir).unwrap();
    // CAT has an avoided provision, so its name reaches the opt-out table.
    for r in data.treaties.rows.iter_mut() {
        if r["treaty_id"] == "cat" {
            r.insert(
                "short_name".into(),
                "<script>alert(1)</script> \\input{/etc/passwd} 100% & $x$".into(),
            );
        }
    }
    std::fs::write(
        &data.treaties.file,
        csv_text(&data.treaties.header, &data.treaties.rows),
    )
    .unwrap();
    let out = root.join("reports");
    let (code, _, err) = run_cli(
        &root,
        &["run", "h3_opt_outs", "--out", out.to_str().unwrap()],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>"), "raw script tag in the HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("<script>"));
    let tex = std::fs::read_to_string(out.join("tables/h3_opt_outs_opt_out_detail.tex")).unwrap();
    assert!(!tex.contains("\\input{"), "raw \\input in the LaTeX");
    assert!(
        tex.contains("\\textbackslash{}input\\{/etc/passwd\\} 100\\% \\& \\$x\\$"),
        "{tex}"
    );
}

#[test]
fn list_refuses_what_a_run_would_refuse_later() {
    // Mistakes inside a spec are found when the files are read: `sovcost list`
    // reports them (exit 2, the file and the key), not a run halfway through.
    let (root, _) = copy_inputs("listcheck");
    let h1 = std::fs::read_to_string(root.join("analyses/h1_cost_gradient.toml")).unwrap();
    for (file, text, expect) in [
        (
            "zz_alt_vcov.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\n[[model.alternatives]]\nlabel = \"a\"\nformula = \"joined ~ sovereignty_cost\"\nvcov = \"hc9\"\n",
            "model.alternatives[0].vcov",
        ),
        (
            "zz_table.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\n[outputs]\ntables = [\"modles\"]\n",
            "has no table 'modles'",
        ),
        (
            "zz_figure.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"simulation\"\n[simulation]\nuniverses = 1\ninstruments = 2\nscale = 0.1\ntau_weak = 0.4\ntau_strong = 0.8\nsoft_threshold = 0.3\nstrong_rate = 0.8\n[outputs]\nfigures = [\"timeline\"]\n",
            "has no figure 'timeline'",
        ),
        (
            "zz_curve.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\n[outputs]\nfigures = [\"probability_curve\"]\n",
            "needs the treaty frame and a model.cost_variable",
        ),
        (
            "zz_where.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[sample.where]\ncolour = \"red\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\n",
            "unknown column 'colour'",
        ),
        (
            "zz_states_treaty_frame.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"logit\"\n[sample]\nstates = \"peers\"\n[model]\nformula = \"joined ~ sovereignty_cost\"\n",
            "select the rows of a state frame",
        ),
        (
            "zz_states_word.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"state_gaps\"\n[sample]\nframe = \"state_treaty\"\nstates = \"g20\"\n",
            "unknown states 'g20' (use peers, all)",
        ),
        (
            "zz_instruments_word.toml",
            "title = \"x\"\nquestion = \"q\"\nkind = \"state_gaps\"\n[sample]\nframe = \"state_treaty\"\ninstruments = \"common\"\n",
            "unknown instruments 'common' (use all, coded_for_every_state)",
        ),
        (
            "zz_same_figure.toml",
            &h1,
            "is also drawn by",
        ),
    ] {
        let path = root.join("analyses").join(file);
        std::fs::write(&path, text).unwrap();
        let (code, stdout, err) = run_cli(&root, &["list"], "1");
        assert_eq!(code, 2, "{file}: {stdout} {err}");
        assert!(err.contains(file), "{file}: {err}");
        assert!(err.contains(expect), "{file}: '{expect}' not in {err}");
        assert!(!err.contains("panicked"));
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn outputs_lists_what_is_produced_and_nothing_else() {
    // A figure or table left out of `[outputs]` is not produced; with no
    // `tables` key every table of the kind is written.
    let (root, _) = copy_inputs("outputs");
    let h2 = root.join("analyses/h2_soft_law_benchmark.toml");
    let text = std::fs::read_to_string(&h2).unwrap();
    let narrowed = text.replace(
        "figures = [\"participation_by_cost\", \"timeline\"]",
        "figures = [\"timeline\"]\ntables = []",
    );
    assert_ne!(text, narrowed, "the h2 spec no longer lists its figures");
    std::fs::write(&h2, narrowed).unwrap();
    let out = root.join("reports");
    let (code, _, err) = run_cli(
        &root,
        &[
            "run",
            "--out",
            out.to_str().unwrap(),
            "h2_soft_law_benchmark",
            "h3_opt_outs",
        ],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    let written = files(&out);
    let has = |rel: &str| written.contains_key(Path::new(rel));
    assert!(has("figures/timeline.svg"));
    assert!(!has("figures/participation_by_cost.svg"));
    assert!(!has("figures/participation_by_cost.png"));
    assert!(!has("tables/h2_soft_law_benchmark_participation.tex"));
    // h3 has no tables key: all of its tables, and only the figure it lists.
    assert!(has("tables/h3_opt_outs_models.tex"));
    assert!(has("tables/h3_opt_outs_opt_outs.tex"));
    assert!(has("tables/h3_opt_outs_opt_out_detail.tex"));
    assert!(has("figures/opt_outs.svg"));
    assert!(!has("figures/coefficients.svg"));
    let md = std::str::from_utf8(&written[Path::new("report.md")]).unwrap();
    assert!(!md.contains("participation_by_cost"), "{md}");
}

#[test]
fn a_seed_on_the_command_line_overrides_every_stream_and_is_shown() {
    // Without --seed each analysis uses its file's seed; with it, every
    // stream uses the given seed, and the header and each analysis say so.
    let (root, _) = copy_inputs("seed");
    let out = |name: &str| root.join(name);
    let results = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
    };
    let run = |dir: &Path, extra: &[&str]| {
        let mut a = vec![
            "run",
            "--out",
            dir.to_str().unwrap(),
            "simulation",
            "robustness",
        ];
        a.extend_from_slice(extra);
        let (code, stdout, err) = run_cli(&root, &a, "2");
        assert_eq!(code, 0, "{err}");
        stdout
    };
    let by_file = out("by_file");
    let stdout = run(&by_file, &[]);
    assert!(stdout.contains("seeds from the analysis files"), "{stdout}");
    let given = out("given");
    let stdout = run(&given, &["--seed", "7"]);
    assert!(stdout.contains("seed 7 for every stream"), "{stdout}");
    let (a, b) = (results(&by_file), results(&given));
    assert_eq!(b["seed"], 7);
    assert_eq!(b["seed_overrides_specs"], true);
    for k in 0..2 {
        assert_eq!(
            a["analyses"][k]["seed"], 20141010,
            "{}",
            a["analyses"][k]["name"]
        );
        assert_eq!(b["analyses"][k]["seed"], 7, "{}", b["analyses"][k]["name"]);
    }
    // The seed changes the draws: the simulation's rates and the permutation
    // p-value differ, and the report names the seed used.
    assert_ne!(a["analyses"][1]["numbers"], b["analyses"][1]["numbers"]);
    let md = std::fs::read_to_string(given.join("report.md")).unwrap();
    assert!(md.contains("seed 7 for every stream"));
    assert!(md.contains("seed 7)"), "{md}");
    assert!(
        md.contains("Permutation test (999 permutations, seed 7)"),
        "{md}"
    );
}

#[test]
fn strings_from_the_dataset_stay_inert_in_every_report_format() {
    // An instrument named with markup of each output format: the reports
    // show the name as text and never execute, include or break on it.
    let (root, data_dir) = copy_inputs("inert");
    let mut data = Dataset::read(&data_dir).unwrap();
    let hostile =
        "CAT <script>alert(1)</script> \\input{/etc/passwd} | ]]> *x* [a](b) & 'q\" $x$ % #";
    let i = data
        .treaties
        .rows
        .iter()
        .position(|r| r["treaty_id"] == "cat")
        .unwrap();
    data.treaties.rows[i].insert("short_name".into(), hostile.into());
    std::fs::write(
        &data.treaties.file,
        csv_text(&data.treaties.header, &data.treaties.rows),
    )
    .unwrap();
    let out = root.join("out");
    let (code, _, err) = run_cli(
        &root,
        &[
            "run",
            "--out",
            out.to_str().unwrap(),
            "h3_opt_outs",
            "h2_soft_law_benchmark",
        ],
        "2",
    );
    assert_eq!(code, 0, "{err}");
    let written = files(&out);
    let text = |rel: &str| String::from_utf8(written[Path::new(rel)].clone()).unwrap();
    // The name reaches the reports (the opt-out detail table lists CAT's provisions).
    let md = text("report.md");
    assert!(
        md.contains("\\<script") || md.contains("&lt;script"),
        "the name is not in report.md"
    );
    for (rel, body) in &written {
        let name = rel.to_string_lossy();
        let Ok(body) = std::str::from_utf8(body) else {
            continue; // PNG and PDF
        };
        if name.ends_with(".html") || name.ends_with(".svg") || name.ends_with(".md") {
            assert!(!body.contains("<script"), "{name}: raw <script>");
        }
        if name.ends_with(".svg") || name.ends_with(".html") {
            assert!(!body.contains("]]>"), "{name}: raw ]]>");
        }
        if name.ends_with(".tex") {
            assert!(!body.contains("\\input{"), "{name}: raw \\input");
            assert!(!body.contains(" $x$"), "{name}: raw math");
        }
    }
    // Markdown table rows keep their column count: the '|' in the name is escaped.
    for line in md
        .lines()
        .filter(|l| l.starts_with('|') && l.contains("alert(1)"))
    {
        assert!(line.contains("\\|"), "{line}");
    }
}

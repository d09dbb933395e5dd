//! Bootstrap intervals against R's boot.ci on the same replicates, and the
//! determinism and coverage properties of the resampling code.

mod common;

use common::{assert_close, repo_path, sovcost, split_csv_line, temp_dir};
use sovcost::models::inference::VcovType;
use sovcost::models::resampling::{bca_interval, percentile_interval};
use sovcost::models::{fit_table, FitSpec, Method};
use sovcost::table::Table;

fn column(path: &str) -> Vec<f64> {
    std::fs::read_to_string(repo_path(path))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| split_csv_line(l)[1].parse().unwrap())
        .collect()
}

#[test]
fn percentile_and_bca_intervals_match_boot_ci() {
    // R's replicates (boot, seed 20141010) of the spontaneous coefficient in
    // case ~ spontaneous + induced on infert, and the leave-one-out values.
    let t = column("tests/reference/bootstrap_replicates.csv");
    let jack = column("tests/reference/bootstrap_jackknife.csv");
    let text = std::fs::read_to_string(repo_path("tests/reference/bootstrap.csv")).unwrap();
    let get = |q: &str| -> f64 {
        text.lines()
            .map(split_csv_line)
            .find(|f| f[0] == q)
            .unwrap_or_else(|| panic!("no {q}"))[1]
            .parse()
            .unwrap()
    };
    let t0 = get("t0");
    assert_eq!(t.len(), 999);
    assert_eq!(jack.len(), 248);
    for (level, tag) in [(0.95, "95"), (0.90, "90")] {
        let (lo, hi) = percentile_interval(&t, level);
        assert_close(lo, get(&format!("perc{tag}_low")), 1e-9, "perc low");
        assert_close(hi, get(&format!("perc{tag}_high")), 1e-9, "perc high");
        let (lo, hi) = bca_interval(&t, t0, &jack, level).unwrap();
        assert_close(lo, get(&format!("bca{tag}_low")), 1e-9, "bca low");
        assert_close(hi, get(&format!("bca{tag}_high")), 1e-9, "bca high");
    }
}

#[test]
fn resampling_output_is_identical_whatever_the_thread_count() {
    let dir = temp_dir("threads");
    let data = repo_path("tests/data/infert.csv").display().to_string();
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
            .args([
                "fit",
                "--data",
                &data,
                "--formula",
                "case ~ spontaneous + induced",
                "--method",
                "firth",
                "--bootstrap",
                "200",
                "--bootstrap-cluster",
                "stratum",
                "--permutation",
                "100",
                "--seed",
                "7",
                "--format",
                "json",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
    let (code, _, _) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data,
            "--formula",
            "case ~ spontaneous",
            "--bootstrap-cluster",
            "stratum",
        ],
    );
    assert_eq!(code, 2);
}

#[test]
fn firth_cluster_robust_errors_agree_with_a_cluster_bootstrap() {
    // The sandwich for Firth's estimator (modified scores summed by cluster,
    // G/(G-1)) against the standard deviation of 999 cluster-bootstrap
    // replicates: the two estimate the same quantity, so they should agree to
    // within Monte Carlo and small-sample error (here within 15%).
    let table = Table::read_csv(&repo_path("tests/data/infert.csv")).unwrap();
    let mut spec = FitSpec::new("case ~ spontaneous + induced + age");
    spec.method = Method::Firth;
    spec.vcov = VcovType::Cluster("stratum".into());
    spec.bootstrap = 999;
    spec.bootstrap_cluster = Some("stratum".into());
    spec.seed = 2014;
    let fit = fit_table(&table, &spec).unwrap();
    let boot = fit.bootstrap.unwrap();
    assert_eq!(boot.kind, "cluster:stratum");
    assert_eq!(boot.failed, 0);
    for (c, b) in fit.coefficients.iter().zip(&boot.coefficients) {
        let ratio = c.std_error / b.std_error;
        assert!(
            (0.85..1.15).contains(&ratio),
            "{}: sandwich {} vs bootstrap {}",
            c.term,
            c.std_error,
            b.std_error
        );
        assert!(b.perc_low < c.estimate && c.estimate < b.perc_high);
        assert!(b.bca_low.unwrap() < b.bca_high.unwrap());
    }
}

#[test]
fn permutation_p_values_have_monte_carlo_errors() {
    let table = Table::read_csv(&repo_path("tests/data/weisiger.csv")).unwrap();
    let mut spec = FitSpec::new("resist ~ lndist + coord + terrain");
    spec.permutation = 400;
    spec.seed = 3;
    let fit = fit_table(&table, &spec).unwrap();
    assert_eq!(fit.permutation.len(), 3);
    for p in &fit.permutation {
        assert!(p.p_value > 0.0 && p.p_value <= 1.0);
        let want = (p.p_value * (1.0 - p.p_value) / 400.0).sqrt();
        assert!((p.monte_carlo_se - want).abs() < 1e-15);
    }
    // terrain has no effect in the model (LR p about 0.4): its permutation p
    // is large; lndist's is small.
    let by = |t: &str| {
        fit.permutation
            .iter()
            .find(|p| p.term == t)
            .unwrap()
            .p_value
    };
    assert!(by("terrain") > 0.1);
    assert!(by("lndist") < 0.05);
}

//! The report: one document model built from `RunResults`, rendered as
//! Markdown, self-contained HTML (figures inline) and LaTeX tables (booktabs,
//! one `\input`-able file per table). Every number in the prose is read from
//! the results; strings from the dataset are escaped for each format.

use crate::report::format::{fixed, num, pval, whole_percent, with_interval};
use crate::report::regression::{coefficient_cells, models_table, ModelColumn};
use crate::results::RunResults;
use crate::results::{AnalysisResult, Kind, TableOut};

pub enum Block {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(TableOut),
    Figure { name: String, caption: String },
}

/// Side-by-side regression table (as modelsummary): for each term (in
/// words) the estimate, its standard error in parentheses and the interval,
/// each at the estimate's precision; then N, log-likelihood, AIC, estimator,
/// interval and test methods.
pub fn regression_table(a: &AnalysisResult) -> Option<TableOut> {
    if a.models_table && !a.ordinal_fits.is_empty() {
        return Some(ordinal_regression_table(a));
    }
    if !a.models_table || a.fits.is_empty() {
        return None;
    }
    let columns: Vec<ModelColumn> = a
        .fits
        .iter()
        .map(|f| ModelColumn::from_fit(&f.label, &f.fit))
        .collect();
    let level = a
        .checks
        .first()
        .map(|c| whole_percent(1.0 - c.alpha))
        .unwrap_or(95.0);
    Some(TableOut {
        name: format!("{}_models", a.name),
        caption: format!(
            "{}: coefficients, standard errors (in parentheses) and {level} % intervals",
            a.title
        ),
        ..models_table(&columns, false)
    })
}

/// The side-by-side table of an analysis's ordered-logit fits.
fn ordinal_regression_table(a: &AnalysisResult) -> TableOut {
    let fits: Vec<(&str, &crate::results::OrdinalFitResult)> = a
        .ordinal_fits
        .iter()
        .map(|f| (f.label.as_str(), &f.fit))
        .collect();
    let level = a
        .checks
        .first()
        .map(|c| whole_percent(1.0 - c.alpha))
        .unwrap_or(95.0);
    TableOut {
        name: format!("{}_models", a.name),
        caption: format!(
            "{}: ordered-logit coefficients and thresholds, standard errors (in parentheses) and {level} % intervals",
            a.title
        ),
        ..ordinal_models_table(&fits)
    }
}

/// The regression table of ordered-logit fits, side by side (as
/// [`models_table`]): the coefficients (log cumulative odds of a deeper
/// level), then the thresholds `k/k+1`, N, log-likelihood, AIC, the
/// proportional-odds test of each term (LR statistic, df and p) and the
/// interval method.
pub fn ordinal_models_table(fits: &[(&str, &crate::results::OrdinalFitResult)]) -> TableOut {
    let mut terms: Vec<String> = Vec::new();
    for (_, f) in fits {
        for c in f.coefficients.iter().chain(&f.thresholds) {
            if !terms.contains(&c.term) {
                terms.push(c.term.clone());
            }
        }
    }
    let mut rows = Vec::new();
    for t in &terms {
        let words = match t.split_once('|') {
            Some((a, b)) => format!("Threshold {a}/{b}"),
            None => crate::results::term_words(t),
        };
        let mut est = vec![words];
        let mut se = vec![String::new()];
        let mut ci = vec![String::new()];
        for (_, f) in fits {
            let cells = f
                .coefficients
                .iter()
                .chain(&f.thresholds)
                .find(|c| &c.term == t)
                .map(|c| coefficient_cells(c, false))
                .unwrap_or_default();
            est.push(cells.0);
            se.push(cells.1);
            ci.push(cells.2);
        }
        rows.extend([est, se, ci]);
    }
    let stat = |label: &str, f: &dyn Fn(&crate::results::OrdinalFitResult) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(fits.iter().map(|(_, x)| f(x)));
        r
    };
    rows.push(stat("N", &|f| f.n.to_string()));
    rows.push(stat("Log-likelihood", &|f| fixed(f.log_likelihood, 2)));
    rows.push(stat("AIC", &|f| fixed(f.aic, 2)));
    let mut po_terms: Vec<String> = Vec::new();
    for (_, f) in fits {
        for t in &f.proportional_odds_tests {
            if !po_terms.contains(&t.term) {
                po_terms.push(t.term.clone());
            }
        }
    }
    for term in &po_terms {
        let label = format!(
            "Proportional odds, {}: LR (df), p",
            crate::results::term_words(term).to_lowercase()
        );
        rows.push(stat(&label, &|f| {
            f.proportional_odds_tests
                .iter()
                .find(|t| &t.term == term)
                .map(|t| {
                    if t.statistic.is_nan() {
                        "NA".to_string()
                    } else {
                        format!("{} ({}), {}", fixed(t.statistic, 2), t.df, pval(t.p_value))
                    }
                })
                .unwrap_or_default()
        }));
    }
    rows.push(stat("Estimator", &|_| "ML, ordered logit".into()));
    rows.push(stat("Interval", &|f| f.ci_method.as_str().to_string()));
    rows.push(stat("Test", &|_| "Wald".into()));
    let mut header = vec![String::new()];
    header.extend(fits.iter().map(|(label, _)| label.to_string()));
    TableOut {
        name: "models".into(),
        caption: "Ordered logit: estimates, standard errors (in parentheses) and intervals".into(),
        header,
        rows,
    }
}

/// The document.
pub fn build(r: &RunResults, figure_names: &[(String, String)]) -> Vec<Block> {
    let mut doc = Vec::new();
    preamble(&mut doc, r);
    verdicts(&mut doc, r);
    data_quality(&mut doc, &r.data_quality, &r.analyses);
    methods(&mut doc, r);
    for a in &r.analyses {
        analysis(&mut doc, a, &r.analyses, figure_names);
    }
    doc
}

/// The title, the provenance of the run and the question.
fn preamble(doc: &mut Vec<Block>, r: &RunResults) {
    doc.push(Block::Heading(
        1,
        "Is China only weakly socialized into the international human-rights regime?".into(),
    ));
    doc.push(Block::Para(format!(
        "sovcost {} · dataset SHA-256 {} · analyses SHA-256 {} · {} · {} instruments, {} actions in the dataset.",
        r.sovcost_version,
        &r.dataset_sha256[..16],
        &r.analyses_sha256[..16],
        seed_words(r),
        r.instruments,
        r.actions
    )));
    doc.push(Block::Para(
        "The question, after Jing Tao (2014): does China join international instruments when their sovereignty costs are low (soft law) and reject or opt out of them when costs are high (hard law, such as the Rome Statute of the International Criminal Court), and do studies that look only at soft law overstate China's socialization? Each verdict below is computed by a test on the data; the same code returns \"not supported\" on data that do not support the claim.".into(),
    ));
}

/// The verdicts table: each analysis's verdict and its key number.
fn verdicts(doc: &mut Vec<Block>, r: &RunResults) {
    doc.push(Block::Heading(2, "Verdicts".into()));
    let rows: Vec<Vec<String>> = r.analyses.iter().map(verdict_row).collect();
    doc.push(Block::Table(TableOut {
        name: "verdicts".into(),
        caption: "Verdicts and the numbers behind them".into(),
        header: vec!["Hypothesis".into(), "Verdict".into(), "Key number".into()],
        rows,
    }));
}

/// An analysis's title, verdict and key number.
fn verdict_row(a: &AnalysisResult) -> Vec<String> {
    // The test behind the verdict, except for models, whose first
    // number (the odds ratio per SD, a rate) reads more easily.
    let check = a.checks.first().map(|c| {
        let p = if c.p_value.is_nan() {
            String::new()
        } else {
            format!(" (p = {})", pval(c.p_value))
        };
        format!(
            "{} = {}{p}",
            c.term,
            with_interval(c.estimate, c.conf_low, c.conf_high)
        )
    });
    let first = a
        .numbers
        .first()
        .map(|n| format!("{}: {}", n.label, with_interval(n.value, n.low, n.high)));
    let changed = a
        .checks
        .iter()
        .find(|c| a.checks.first().is_some_and(|f| f.outcome != c.outcome))
        .map(|c| format!("{} gives {}", c.model, c.outcome));
    let key = if a.kind == Kind::Robustness {
        changed.or(first)
    } else if matches!(a.kind, Kind::Logit | Kind::OptOut) {
        first.or(check)
    } else {
        check.or(first)
    }
    .unwrap_or_default();
    vec![a.title.clone(), a.verdict.to_string(), key]
}

fn methods(doc: &mut Vec<Block>, r: &RunResults) {
    doc.push(Block::Heading(2, "Methods".into()));
    doc.push(Block::List(vec![
        format!("Data: {} instruments open to China (treaties, protocols and soft-law declarations across issue areas) and {} recorded actions, every fact with a cited source and excerpt (datasets/, datasets/CODEBOOK.md). Outcomes use verified facts unless an analysis says otherwise; the cutoff is given per analysis.", r.instruments, r.actions),
        "Sovereignty cost: the mean of eight codings scaled to [0, 1] — obligation, precision, the delegation a party cannot avoid, who can trigger proceedings, review of national proceedings, a bar on reservations, reach over non-parties, and coverage of domestic conduct (datasets/CODEBOOK.md). Core-sovereignty exposure is kept out of the index and used as a moderator. Soft law: declarations and resolutions (obligation 0); the hard-law end: instruments above the analysis's cost threshold.".into(),
        "Joining: signature or consent to be bound by the People's Republic of China (for declarations, a yes vote or joining a consensus) by the cutoff; a vote on a treaty's text never joins it, and acts of the Republic of China do not count. Whether an act happened comes from China's participation status, read on a participant list (datasets/status.csv); its date places it against the cutoff. Where the facts do not settle the outcome at the cutoff, the instrument is left out of the analyses that need it and named, never counted as not joined.".into(),
        "Models: logistic regression by maximum likelihood, or Firth's penalized likelihood when the data are separated or have fewer than 10 events per parameter (method auto), with profile penalized-likelihood intervals and penalized likelihood-ratio tests; exact (Clopper-Pearson, Fisher) intervals for proportions and tables; Newcombe's interval for differences of proportions.".into(),
        "Verdicts: supported when the estimate has the expected sign and its test rejects at the stated level; not supported when the estimate has the opposite sign (or, for a 'not positive' hypothesis, is significantly positive); inconclusive otherwise.".into(),
    ]));
}

/// One analysis's section: question, verdict, numbers, notes, tables and
/// the figures it owns.
fn analysis(
    doc: &mut Vec<Block>,
    a: &AnalysisResult,
    analyses: &[AnalysisResult],
    figure_names: &[(String, String)],
) {
    doc.push(Block::Heading(2, a.title.clone()));
    let sample = match (&a.frame, &a.cutoff) {
        (Some(frame), Some(cutoff)) => format!(
            "frame: {frame}, N = {}, cutoff {cutoff}{}",
            a.n,
            if a.include_unverified {
                ", unverified facts included"
            } else {
                ""
            }
        ),
        _ => format!("N = {}", a.n),
    };
    doc.push(Block::Para(format!(
        "{} ({}; {sample}{})",
        a.question,
        a.file,
        a.seed.map(|s| format!(", seed {s}")).unwrap_or_default()
    )));
    doc.push(Block::Para(format!(
        "Verdict: {}. {}",
        a.verdict.as_str().to_uppercase(),
        a.verdict_reason
    )));
    if !a.numbers.is_empty() {
        doc.push(Block::List(
            a.numbers
                .iter()
                .map(|n| {
                    let note = if n.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", n.note)
                    };
                    format!(
                        "{}: {}{}",
                        n.label,
                        with_interval(n.value, n.low, n.high),
                        note
                    )
                })
                .collect(),
        ));
    }
    if !a.notes.is_empty() {
        doc.push(Block::List(a.notes.clone()));
    }
    if let Some(t) = regression_table(a) {
        doc.push(Block::Table(t));
    }
    for t in &a.tables {
        let mut t = t.clone();
        t.name = format!("{}_{}", a.name, t.name);
        doc.push(Block::Table(t));
    }
    for (fig, caption) in figure_names {
        if owner_of(fig, analyses).is_some_and(|o| std::ptr::eq(o, a)) {
            doc.push(Block::Figure {
                name: fig.clone(),
                caption: caption.clone(),
            });
        }
    }
}

/// Which seeds the run used, for the header.
pub fn seed_words(r: &RunResults) -> String {
    if r.seed_overrides_specs {
        format!("seed {} for every stream (--seed)", r.seed)
    } else {
        format!(
            "seeds from the analysis files ({} where a file gives none)",
            r.seed
        )
    }
}

/// The analysis whose section shows a figure: the one that carries it.
fn owner_of<'a>(figure: &str, analyses: &'a [AnalysisResult]) -> Option<&'a AnalysisResult> {
    analyses
        .iter()
        .find(|a| a.figures.iter().any(|f| f.name().as_str() == figure))
}

pub fn escape_md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('*', "\\*")
        .replace('_', "\\_")
        .replace('`', "\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn markdown(doc: &[Block]) -> String {
    let mut s = String::new();
    for b in doc {
        match b {
            Block::Heading(level, text) => {
                s.push_str(&format!(
                    "{} {}\n\n",
                    "#".repeat(*level as usize),
                    escape_md(text)
                ));
            }
            Block::Para(text) => s.push_str(&format!("{}\n\n", escape_md(text))),
            Block::List(items) => {
                for i in items {
                    s.push_str(&format!("- {}\n", escape_md(i)));
                }
                s.push('\n');
            }
            Block::Table(t) => {
                s.push_str(&format!("*{}*\n\n", escape_md(&t.caption)));
                let head: Vec<String> = t.header.iter().map(|h| escape_md(h)).collect();
                s.push_str(&format!("| {} |\n", head.join(" | ")));
                s.push_str(&format!("|{}\n", " --- |".repeat(t.header.len())));
                for r in &t.rows {
                    let cells: Vec<String> = r.iter().map(|c| escape_md(c)).collect();
                    s.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                s.push('\n');
            }
            Block::Figure { name, caption } => {
                s.push_str(&format!(
                    "![{}](figures/{name}.svg)\n\n*Figure: {}* (PNG: figures/{name}.png; PDF: figures/{name}.pdf)\n\n",
                    escape_md(caption),
                    escape_md(caption)
                ));
            }
        }
    }
    s
}

pub fn html(doc: &[Block], svgs: &[(String, String)]) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sovcost report</title>\n<style>\nbody{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}\ntable{border-collapse:collapse;margin:1em 0;font-size:0.9em}\nth,td{border-top:1px solid #999;border-bottom:1px solid #999;padding:0.25em 0.6em;text-align:left;vertical-align:top}\ncaption{caption-side:top;font-style:italic;text-align:left;padding-bottom:0.3em}\nfigure{margin:1.5em 0}\nfigcaption{font-style:italic;font-size:0.9em}\nfigure svg{max-width:100%;height:auto}\n</style>\n</head>\n<body>\n",
    );
    for b in doc {
        match b {
            Block::Heading(level, text) => {
                s.push_str(&format!("<h{level}>{}</h{level}>\n", escape_html(text)))
            }
            Block::Para(text) => s.push_str(&format!("<p>{}</p>\n", escape_html(text))),
            Block::List(items) => {
                s.push_str("<ul>\n");
                for i in items {
                    s.push_str(&format!("<li>{}</li>\n", escape_html(i)));
                }
                s.push_str("</ul>\n");
            }
            Block::Table(t) => {
                s.push_str(&format!(
                    "<table>\n<caption>{}</caption>\n<thead><tr>",
                    escape_html(&t.caption)
                ));
                for h in &t.header {
                    s.push_str(&format!("<th>{}</th>", escape_html(h)));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for r in &t.rows {
                    s.push_str("<tr>");
                    for c in r {
                        s.push_str(&format!("<td>{}</td>", escape_html(c)));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { name, caption } => {
                let svg = svgs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("");
                // The SVG is our own output (escaped text inside); drop its XML declaration.
                let svg = svg.trim_start_matches(|c| c != '<');
                let svg = if svg.starts_with("<?xml") {
                    svg.split_once("?>").map(|x| x.1).unwrap_or(svg)
                } else {
                    svg
                };
                s.push_str(&format!(
                    "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
                    escape_html(caption)
                ));
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// The data-quality section: how certain the facts behind the results are.
fn data_quality(
    doc: &mut Vec<Block>,
    q: &crate::results::DataQuality,
    analyses: &[AnalysisResult],
) {
    doc.push(Block::Heading(2, "Data quality".into()));
    doc.push(Block::Para(format!(
        "How certain the facts are, at the default cutoff ({}). Every fact cites a source with the excerpt read (datasets/sources.csv); `sovcost validate --unverified` lists each unverified one.",
        q.cutoff
    )));
    doc.push(Block::Table(TableOut {
        name: "data_quality_verified".into(),
        caption: "Facts verified, by kind".into(),
        header: vec!["Facts".into(), "Verified".into(), "Total".into()],
        rows: q
            .verified_by_kind
            .iter()
            .map(|c| vec![c.fact.clone(), c.verified.to_string(), c.total.to_string()])
            .collect(),
    }));
    if !q.states.is_empty() {
        doc.push(Block::Table(TableOut {
            name: "data_quality_states".into(),
            caption: "Facts by state (the state × instrument panel of the comparative analyses)"
                .into(),
            header: ["State", "Instruments", "Status known", "Joined unknown"]
                .map(String::from)
                .to_vec(),
            rows: state_fact_rows(&q.states),
        }));
    }
    let share = if q.dates_total > 0 {
        100.0 * q.dates_day_verified as f64 / q.dates_total as f64
    } else {
        f64::NAN
    };
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join("; ")
        }
    };
    doc.push(Block::List(vec![
        format!(
            "China's signature and consent dates at day precision and verified: {} of {} ({share:.1}%). The others: {}.",
            q.dates_day_verified,
            q.dates_total,
            list(&q.reduced_dates)
        ),
        format!(
            "Statuses that rest on one source ({}): {}.",
            q.single_source_status.len(),
            list(&q.single_source_status)
        ),
        format!(
            "Statuses that rest on secondary sources only ({}): {}.",
            q.secondary_only_status.len(),
            list(&q.secondary_only_status)
        ),
        format!(
            "Outcomes unknown at the cutoff ({}), left out of the analyses that need them: {}.",
            q.unknown_outcomes.len(),
            list(&q.unknown_outcomes)
        ),
    ]));
    if !q.main_result.is_empty() {
        doc.push(Block::Table(TableOut {
            name: "data_quality_main_result".into(),
            caption: format!(
                "The main result ({}: the coefficient of {}) with and without the least certain facts",
                analyses
                    .iter()
                    .find(|a| a.name == q.main_analysis)
                    .map(|a| a.title.as_str())
                    .unwrap_or(&q.main_analysis),
                crate::results::term_words(&q.main_term).to_lowercase()
            ),
            header: vec![
                "Sample".into(),
                "N".into(),
                "Estimate".into(),
                "p".into(),
                "Outcome".into(),
            ],
            rows: q
                .main_result
                .iter()
                .map(|v| {
                    vec![
                        v.label.clone(),
                        v.n.to_string(),
                        num(v.estimate),
                        pval(v.p_value),
                        v.outcome.clone(),
                    ]
                })
                .collect(),
        }));
    }
}

/// The facts-by-state rows: China and its peers one by one, every other
/// state summed in one row (results.json keeps each state's).
fn state_fact_rows(states: &[crate::results::StateFacts]) -> Vec<Vec<String>> {
    let row = |name: String, n: usize, known: usize, unknown: usize| {
        vec![name, n.to_string(), known.to_string(), unknown.to_string()]
    };
    let (group, others): (Vec<_>, Vec<_>) = states.iter().partition(|f| f.peer_group);
    let mut rows: Vec<Vec<String>> = group
        .iter()
        .map(|f| {
            row(
                f.state.clone(),
                f.instruments,
                f.known_status,
                f.unknown_outcomes,
            )
        })
        .collect();
    if !others.is_empty() {
        let sum = |g: fn(&crate::results::StateFacts) -> usize| others.iter().map(|f| g(f)).sum();
        rows.push(row(
            format!("{} other states (summed)", others.len()),
            sum(|f| f.instruments),
            sum(|f| f.known_status),
            sum(|f| f.unknown_outcomes),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_from_the_dataset_are_escaped() {
        assert_eq!(
            escape_html("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert!(!escape_md("<b>|x|</b>").contains('<'));
        assert!(escape_md("a|b").contains("\\|"));
    }
}

//! Number formatting for every report: numbers in prose and their
//! intervals, significant digits and p-values (as R prints them), levels as
//! percentages.

/// A number for prose: integers without decimals, others to 3 significant
/// decimals.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NA".into()
        } else if x > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    if x == x.round() && x.abs() < 1e9 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// An interval for prose, ` [low, high]` (a missing bound is infinite), or
/// nothing without bounds.
pub fn interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!(" [{}, {}]", num(l), num(h)),
        (None, Some(h)) => format!(" [-∞, {}]", num(h)),
        (Some(l), None) => format!(" [{}, ∞]", num(l)),
        _ => String::new(),
    }
}

/// The decimals `num` gives a number: none for integers, one from 100 up,
/// three below.
fn natural_decimals(x: f64) -> usize {
    if !x.is_finite() || (x == x.round() && x.abs() < 1e9) {
        0
    } else if x.abs() >= 100.0 {
        1
    } else {
        3
    }
}

/// A number at `decimals` places, with a true minus sign; infinities as ∞.
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return num(x).replace('-', "−");
    }
    let t = format!("{x:.decimals$}");
    // No "-0.000".
    let t = if t
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        t.trim_start_matches('-').to_string()
    } else {
        t
    };
    t.replace('-', "−")
}

/// An estimate and its interval for prose, all three at the same precision
/// (the finest `num` would give any of them), with true minus signs:
/// `−7.098 [−12.071, −2.989]`, `1.000 [0.999, 1.000]`.
pub fn with_interval(value: f64, low: Option<f64>, high: Option<f64>) -> String {
    let d = [Some(value), low, high]
        .into_iter()
        .flatten()
        .map(natural_decimals)
        .max()
        .unwrap_or(0);
    let bound = |b: Option<f64>, inf: &str| b.map(|b| fixed(b, d)).unwrap_or_else(|| inf.into());
    match (low, high) {
        (None, None) => fixed(value, d),
        _ => format!(
            "{} [{}, {}]",
            fixed(value, d),
            bound(low, "−∞"),
            bound(high, "∞")
        ),
    }
}

/// The decimals `sig` gives a number at `digits` significant digits (three
/// where it would switch to scientific notation).
pub fn sig_decimals(x: f64, digits: usize) -> usize {
    if !x.is_finite() || x == 0.0 {
        return digits.saturating_sub(1);
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..=7).contains(&mag) {
        return 3;
    }
    (digits as i32 - 1 - mag).max(0) as usize
}

/// Formats a number with `digits` significant digits, switching to
/// scientific notation for very small or large magnitudes.
pub fn sig(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NA".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..=7).contains(&mag) {
        return format!("{:.*e}", digits.saturating_sub(1), x);
    }
    let decimals = (digits as i32 - 1 - mag).max(0) as usize;
    format!("{:.*}", decimals, x)
}

/// `sig`, or `NA` for a missing value.
pub fn sig_or_na(x: Option<f64>, digits: usize) -> String {
    x.map(|x| sig(x, digits)).unwrap_or_else(|| "NA".into())
}

/// An interval bound to 5 significant digits; a missing one is infinite.
pub fn bound(b: Option<f64>, low: bool) -> String {
    match b {
        Some(v) => sig(v, 5),
        None => if low { "-Inf" } else { "Inf" }.into(),
    }
}

/// A p-value as R's `format.pval`: tiny values as `< 2e-16`.
pub fn pval(p: f64) -> String {
    if p.is_nan() {
        "NA".into()
    } else if p < 2e-16 {
        "< 2e-16".into()
    } else {
        sig(p, 3)
    }
}

/// R's significance stars for a p-value.
pub fn stars(p: f64) -> &'static str {
    if p.is_nan() {
        ""
    } else if p < 0.001 {
        "***"
    } else if p < 0.01 {
        "**"
    } else if p < 0.05 {
        "*"
    } else if p < 0.1 {
        "."
    } else {
        ""
    }
}

/// A number in whole units (an axis tick label).
pub fn whole(x: &f64) -> String {
    format!("{x:.0}")
}

/// A level as a percentage, e.g. `95 %`.
pub fn pct(q: f64) -> String {
    let t = format!("{:.3}", q * 100.0);
    let t = t.trim_end_matches('0').trim_end_matches('.').to_string();
    format!("{t} %")
}

/// A level as a whole percentage, e.g. `95` for 0.95.
pub fn whole_percent(level: f64) -> f64 {
    (level * 100.0).round()
}

/// A length or coordinate written into an SVG: up to 4 decimals, trailing
/// zeros dropped (`3.5`, `268.8`, `336`).
pub fn svg_number(x: f64) -> String {
    let t = format!("{x:.4}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" {
        "0".into()
    } else {
        t.to_string()
    }
}

/// A figure's number with `decimals` decimals and a true minus sign
/// (U+2212, `−10.0`), never a hyphen or a negative zero.
pub fn figure_num(x: f64, decimals: usize) -> String {
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let t = format!("{x:.decimals$}");
    match t.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("\u{2212}{rest}")
        }
        Some(rest) => rest.to_string(),
        None => t,
    }
}

/// An axis tick label: `figure_num` with the decimals the tick spacing
/// `step` needs (none for 1 or more, one for 0.1, ...).
pub fn tick(x: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().max(0.0) as usize
    };
    figure_num(x, decimals)
}

/// An estimate and its interval as a figure annotates it, `−3.0 [−70.2,
/// 27.1]` (a missing bound is infinite), to one decimal.
pub fn figure_estimate(estimate: f64, low: Option<f64>, high: Option<f64>) -> String {
    let b = |v: Option<f64>, inf: f64| figure_num(v.unwrap_or(inf), 1);
    format!(
        "{} [{}, {}]",
        figure_num(estimate, 1),
        b(low, f64::NEG_INFINITY),
        b(high, f64::INFINITY)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1.23456789, 5), "1.2346");
        assert_eq!(sig(-0.000123456, 3), "-0.000123");
        assert_eq!(sig(1.5e-9, 3), "1.50e-9");
        assert_eq!(pval(1e-20), "< 2e-16");
        assert_eq!(stars(0.02), "*");
    }

    #[test]
    fn figure_numbers_use_a_true_minus() {
        assert_eq!(figure_num(-10.0, 1), "\u{2212}10.0");
        assert_eq!(figure_num(-0.01, 1), "0.0");
        assert_eq!(tick(-0.2, 0.2), "\u{2212}0.2");
        assert_eq!(tick(1980.0, 10.0), "1980");
        assert_eq!(
            figure_estimate(-3.03, Some(-70.23), None),
            "\u{2212}3.0 [\u{2212}70.2, ∞]"
        );
        assert_eq!(svg_number(2.8 * 96.0), "268.8");
        assert_eq!(svg_number(336.0), "336");
    }
}

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
}

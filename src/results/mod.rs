//! Results as plain serde structs: what `sovcost fit --format json` prints,
//! what `sovcost run` writes to `results.json`, and what the reports read.
//! Field names are part of the documented interface.

// Closed sets of words shared by the result modules.
/// Declares a closed set of words: an enum serialised as its word, with the
/// word list for messages.
macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $w:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $w)] $v),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The word in specs, results and reports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $w),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }
            /// In words, underscores as spaces ("not positive").
            pub fn words(self) -> String {
                self.as_str().replace('_', " ")
            }
            /// The words, for messages ("a, b, c").
            pub fn choices() -> String {
                let w: Vec<&str> = Self::ALL.iter().map(|x| x.as_str()).collect();
                w.join(", ")
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod analysis;
mod fit;
mod ordinal;
mod quality;

use serde::Serialize;

pub use analysis::*;
pub use fit::*;
pub use ordinal::*;
pub use quality::*;

/// Everything a run writes to `reports/results.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunResults {
    pub sovcost_version: String,
    /// SHA-256 of the dataset files (name and bytes, in name order).
    pub dataset_sha256: String,
    /// SHA-256 of the analysis files run.
    pub analyses_sha256: String,
    /// The seed given with `--seed`, or the default seed.
    pub seed: u64,
    /// `--seed` was given: every stream used it, whatever the analysis files say.
    pub seed_overrides_specs: bool,
    pub instruments: usize,
    pub actions: usize,
    pub analyses: Vec<AnalysisResult>,
    /// How certain the facts behind the results are.
    pub data_quality: DataQuality,
}

/// A model term in words, for captions and tables: underscores as spaces,
/// an interaction `a:b` as `a × b`, a factor level `f[level]` as `f: level`,
/// the first letter capitalised (`sovereignty_cost:core_sovereignty` →
/// `Sovereignty cost × core sovereignty`).
pub fn term_words(term: &str) -> String {
    if term == "(Intercept)" {
        return "Intercept".into();
    }
    let part = |p: &str| -> String {
        let p = p.replace('_', " ");
        match p.split_once('[') {
            Some((name, level)) => format!("{}: {}", name.trim(), level.trim_end_matches(']')),
            None => p,
        }
    };
    let words: Vec<String> = term.split(':').map(part).collect();
    let mut s = words.join(" × ");
    if let Some(first) = s.chars().next() {
        s = first.to_uppercase().chain(s.chars().skip(1)).collect();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::term_words;

    #[test]
    fn terms_in_words() {
        assert_eq!(
            term_words("sovereignty_cost:core_sovereignty"),
            "Sovereignty cost × core sovereignty"
        );
        assert_eq!(
            term_words("issue_area[arms_control]"),
            "Issue area: arms control"
        );
        assert_eq!(term_words("(Intercept)"), "Intercept");
    }
}

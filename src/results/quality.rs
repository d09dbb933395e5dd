//! The data-quality section of a run: how certain the facts behind the
//! results are.

use serde::Serialize;

/// Verified and total facts of one kind.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VerifiedCount {
    pub fact: String,
    pub total: usize,
    pub verified: usize,
}

/// The main result on samples that differ in how certain their facts are.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    pub label: String,
    pub n: usize,
    pub estimate: f64,
    pub p_value: f64,
    pub outcome: String,
}

/// One state's facts in the state × instrument panel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StateFacts {
    pub state: String,
    /// China or one of its peers (the P5 and the G20 states).
    pub peer_group: bool,
    /// Instruments of the treaty-level frame.
    pub instruments: usize,
    /// Of them, those with a status row whose status is established (not
    /// missing, not `unknown`).
    pub known_status: usize,
    /// Of them, those whose `joined` outcome is unknown at the cutoff.
    pub unknown_outcomes: usize,
}

/// The data-quality section of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataQuality {
    pub cutoff: String,
    pub verified_by_kind: Vec<VerifiedCount>,
    /// China's signature and consent dates (PRC acts) at day precision and
    /// verified, of all of them.
    pub dates_day_verified: usize,
    pub dates_total: usize,
    /// Acts whose date is at reduced precision or unverified.
    pub reduced_dates: Vec<String>,
    /// Instruments whose status rests on one source.
    pub single_source_status: Vec<String>,
    /// Instruments whose status rests only on secondary sources.
    pub secondary_only_status: Vec<String>,
    /// Instruments whose outcome is unknown at the cutoff, and why.
    pub unknown_outcomes: Vec<String>,
    /// The main result on the default sample, without the least certain
    /// statuses, and with unverified facts.
    pub main_result: Vec<Variant>,
    /// Which analysis the main result comes from.
    pub main_analysis: String,
    pub main_term: String,
    /// Each state's facts in the state panel (the comparative analyses).
    pub states: Vec<StateFacts>,
}

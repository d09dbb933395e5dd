//! The outcome rules, in one place (datasets/CODEBOOK.md, section 11): which
//! acts join or bind a state to an instrument, by kind of instrument, and how a
//! state's participation status (`status.csv`) and the dates of its acts give
//! `joined` and `bound` at a cutoff date.
//!
//! Two facts are kept apart. The *status* (party, signatory, none, ...) says
//! whether an act happened; it is read on a participant list, which shows the
//! status even where a copy cuts the day off. The *date* of an act says when;
//! it has its own precision and verification. An unknown or unverified date
//! never turns a party into a non-party: the act is then known to have
//! happened by the status's `as_of` date, and is placed against a cutoff by
//! that date. Where neither settles the question, the outcome is unknown
//! (`None`) and the instrument is left out of the analyses that need it, with
//! a note — it never becomes "no".

use serde::Serialize;

/// Kind of instrument (`treaties.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    Treaty,
    Protocol,
    Amendment,
    Declaration,
    Resolution,
}

impl InstrumentKind {
    pub const ALL: [InstrumentKind; 5] = [
        InstrumentKind::Treaty,
        InstrumentKind::Protocol,
        InstrumentKind::Amendment,
        InstrumentKind::Declaration,
        InstrumentKind::Resolution,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "treaty",
        "protocol",
        "amendment",
        "declaration",
        "resolution",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(text: &str) -> Option<InstrumentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Treaties, protocols and amendments bind those who consent to them;
    /// declarations and resolutions are joined by voting for them.
    pub fn is_binding(self) -> bool {
        matches!(
            self,
            InstrumentKind::Treaty | InstrumentKind::Protocol | InstrumentKind::Amendment
        )
    }
}

/// Kind of act (`actions.action`), the codebook's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    VoteYes,
    VoteNo,
    Abstention,
    ConsensusAdoption,
    Signature,
    Ratification,
    Accession,
    Acceptance,
    Approval,
    Succession,
    Notification,
    /// Consent to be bound whose form (ratification, accession, succession,
    /// ...) the source does not give.
    Consent,
    DomesticApproval,
    Reservation,
    Declaration,
    WithdrawalOfReservation,
    Objection,
    Denunciation,
    Withdrawal,
    SignatureWithdrawal,
}

impl ActionKind {
    pub const NAMES: &'static [&'static str] = &[
        "vote_yes",
        "vote_no",
        "abstention",
        "consensus_adoption",
        "signature",
        "ratification",
        "accession",
        "acceptance",
        "approval",
        "succession",
        "notification",
        "consent",
        "domestic_approval",
        "reservation",
        "declaration",
        "withdrawal_of_reservation",
        "objection",
        "denunciation",
        "withdrawal",
        "signature_withdrawal",
    ];
    const ALL: [ActionKind; 20] = [
        ActionKind::VoteYes,
        ActionKind::VoteNo,
        ActionKind::Abstention,
        ActionKind::ConsensusAdoption,
        ActionKind::Signature,
        ActionKind::Ratification,
        ActionKind::Accession,
        ActionKind::Acceptance,
        ActionKind::Approval,
        ActionKind::Succession,
        ActionKind::Notification,
        ActionKind::Consent,
        ActionKind::DomesticApproval,
        ActionKind::Reservation,
        ActionKind::Declaration,
        ActionKind::WithdrawalOfReservation,
        ActionKind::Objection,
        ActionKind::Denunciation,
        ActionKind::Withdrawal,
        ActionKind::SignatureWithdrawal,
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(text: &str) -> Option<ActionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// A vote (or consensus) at the adoption of the text.
    pub fn is_adoption_vote(self) -> bool {
        matches!(
            self,
            ActionKind::VoteYes
                | ActionKind::VoteNo
                | ActionKind::Abstention
                | ActionKind::ConsensusAdoption
        )
    }

    /// What the act means for participation in an instrument of `kind`.
    pub fn role(self, kind: InstrumentKind) -> Role {
        use ActionKind as A;
        if kind.is_binding() {
            match self {
                // Recorded, but a General Assembly (or conference) vote on a
                // treaty's text never joins the treaty.
                a if a.is_adoption_vote() => Role::AdoptionVote,
                A::Signature => Role::Signature,
                A::Ratification
                | A::Accession
                | A::Acceptance
                | A::Approval
                | A::Succession
                | A::Notification
                | A::Consent => Role::Consent,
                A::Denunciation | A::Withdrawal => Role::Exit,
                A::SignatureWithdrawal => Role::SignatureWithdrawal,
                _ => Role::Other,
            }
        } else {
            match self {
                A::VoteYes | A::ConsensusAdoption => Role::Support,
                A::VoteNo => Role::Oppose,
                A::Abstention => Role::Abstain,
                _ => Role::Other,
            }
        }
    }
}

/// What an act does to a state's participation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Signature of a treaty.
    Signature,
    /// Consent to be bound (ratification, accession, acceptance, approval,
    /// succession, a notification with effect under the instrument).
    Consent,
    /// Denunciation of, or withdrawal from, a treaty.
    Exit,
    /// A notice that the state no longer intends to become a party.
    SignatureWithdrawal,
    /// A vote on the adoption of a treaty's text (never joins).
    AdoptionVote,
    /// A yes vote on, or joining the consensus adopting, a declaration.
    Support,
    Oppose,
    Abstain,
    /// Domestic approvals, reservations, declarations, objections.
    Other,
}

/// A state's participation status in an instrument (`status.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Party,
    Signatory,
    None,
    Withdrawn,
    SignatureWithdrawn,
    Supported,
    Opposed,
    Abstained,
    /// No source in reach gives the state's status: every outcome is
    /// unknown (`NA`), never "no" (codebook, section 11).
    Unknown,
}

impl Status {
    pub const NAMES: &'static [&'static str] = &[
        "party",
        "signatory",
        "none",
        "withdrawn",
        "signature_withdrawn",
        "supported",
        "opposed",
        "abstained",
        "unknown",
    ];
    const ALL: [Status; 9] = [
        Status::Party,
        Status::Signatory,
        Status::None,
        Status::Withdrawn,
        Status::SignatureWithdrawn,
        Status::Supported,
        Status::Opposed,
        Status::Abstained,
        Status::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(text: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The statuses an instrument of `kind` can have.
    pub fn allowed(kind: InstrumentKind) -> &'static [&'static str] {
        if kind.is_binding() {
            &[
                "party",
                "signatory",
                "none",
                "withdrawn",
                "signature_withdrawn",
                "unknown",
            ]
        } else {
            &["supported", "opposed", "abstained", "none", "unknown"]
        }
    }

    /// The acts the status requires and forbids among the state's acts: a
    /// rule broken is a contradiction between `status.csv` and `actions.csv`.
    pub fn contradiction(self, roles: &[Role]) -> Option<String> {
        let has = |r: Role| roles.contains(&r);
        let need = |r: Role, what: &str| (!has(r)).then(|| format!("requires {what}"));
        let forbid = |r: Role, what: &str| has(r).then(|| format!("contradicts {what}"));
        match self {
            // A party may have left and rejoined: the order of its exits and
            // consents is checked on their dates (`Status::sequence_problem`).
            Status::Party => need(Role::Consent, "an act of consent to be bound in actions.csv"),
            Status::Signatory => need(Role::Signature, "a signature in actions.csv")
                .or_else(|| forbid(Role::Consent, "the act of consent to be bound in actions.csv (status party)"))
                .or_else(|| forbid(Role::SignatureWithdrawal, "the withdrawal of the signature in actions.csv (status signature_withdrawn)")),
            Status::None => forbid(Role::Signature, "the signature in actions.csv")
                .or_else(|| forbid(Role::Consent, "the act of consent to be bound in actions.csv"))
                .or_else(|| forbid(Role::Support, "the yes vote or consensus in actions.csv"))
                .or_else(|| forbid(Role::Oppose, "the no vote in actions.csv"))
                .or_else(|| forbid(Role::Abstain, "the abstention in actions.csv")),
            Status::Withdrawn => need(Role::Consent, "an act of consent to be bound in actions.csv")
                .or_else(|| need(Role::Exit, "a denunciation or withdrawal in actions.csv")),
            Status::SignatureWithdrawn => need(Role::Signature, "a signature in actions.csv")
                .or_else(|| need(Role::SignatureWithdrawal, "a signature_withdrawal in actions.csv"))
                .or_else(|| forbid(Role::Consent, "the act of consent to be bound in actions.csv")),
            Status::Supported => need(Role::Support, "a vote_yes or consensus_adoption in actions.csv"),
            Status::Opposed => need(Role::Oppose, "a vote_no in actions.csv")
                .or_else(|| forbid(Role::Support, "the yes vote or consensus in actions.csv")),
            Status::Abstained => need(Role::Abstain, "an abstention in actions.csv")
                .or_else(|| forbid(Role::Support, "the yes vote or consensus in actions.csv")),
            // Acts may be known (a signature's date) while the status is not.
            Status::Unknown => None,
        }
    }

    /// A party or withdrawn state's consents and exits in date order: a
    /// `party` with an exit must have consented again after its last exit,
    /// and a `withdrawn` state's last act of the two must be an exit. Every
    /// consent and exit must then be dated (to compare them).
    pub fn sequence_problem(self, acts: &[(Role, Option<DateSpan>)]) -> Option<String> {
        let relevant: Vec<&(Role, Option<DateSpan>)> = acts
            .iter()
            .filter(|(r, _)| matches!(r, Role::Consent | Role::Exit))
            .collect();
        let has_exit = relevant.iter().any(|(r, _)| *r == Role::Exit);
        if !matches!(self, Status::Party | Status::Withdrawn) || !has_exit {
            return None;
        }
        let consents = relevant.iter().filter(|(r, _)| *r == Role::Consent).count();
        if self == Status::Withdrawn && consents == 1 {
            // One consent, then the exit(s): the order needs no dates.
            return None;
        }
        if relevant.iter().any(|(_, d)| d.is_none()) {
            return Some("has a denunciation or withdrawal, so every consent and exit must be dated to order them".into());
        }
        let last = relevant
            .iter()
            .max_by(|a, b| {
                a.1.as_ref()
                    .map(|d| &d.last)
                    .cmp(&b.1.as_ref().map(|d| &d.last))
            })
            .map(|(r, _)| *r);
        match (self, last) {
            (Status::Party, Some(Role::Exit)) => Some(
                "contradicts the denunciation or withdrawal in actions.csv, which is not followed by a new consent (status withdrawn)".into(),
            ),
            (Status::Withdrawn, Some(Role::Consent)) => Some(
                "contradicts the consent in actions.csv that follows the last denunciation or withdrawal (status party)".into(),
            ),
            _ => None,
        }
    }
}

/// Whether an actor's acts count for a state: for China, only the People's
/// Republic's (acts of the Republic of China are kept in the data but do not
/// count; codebook, section 11); for any other state, all its acts.
pub fn counts_for(state: &str, actor: &str) -> bool {
    Actor::parse(actor).is_some_and(|a| a.counts_for(state))
}

/// Who did an act (`actions.actor`): for China the People's Republic or the
/// Republic of China; for Russia the USSR (continuity); for Germany the
/// Federal Republic (before 3 October 1990) or the German Democratic
/// Republic; for every other state the state itself, by its alpha-3 code
/// (codebook, section 11, successor states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    Prc,
    Roc,
    Ussr,
    Frg,
    Gdr,
    /// The state named in the row's `state` column, acting itself.
    State(&'a str),
}

impl<'a> Actor<'a> {
    /// The historical actors, by name.
    pub const NAMES: &'static [&'static str] = &["PRC", "ROC", "USSR", "FRG", "GDR"];

    /// An actor's name: one of [`Actor::NAMES`] or an alpha-3 code.
    pub fn parse(text: &'a str) -> Option<Actor<'a>> {
        Some(match text {
            "PRC" => Actor::Prc,
            "ROC" => Actor::Roc,
            "USSR" => Actor::Ussr,
            "FRG" => Actor::Frg,
            "GDR" => Actor::Gdr,
            t if t.len() == 3 && t.chars().all(|c| c.is_ascii_uppercase()) => Actor::State(t),
            _ => return None,
        })
    }

    /// The only state whose rows this actor may appear in.
    pub fn state(self) -> &'a str {
        match self {
            Actor::Prc | Actor::Roc => "CHN",
            Actor::Ussr => "RUS",
            Actor::Frg | Actor::Gdr => "DEU",
            Actor::State(s) => s,
        }
    }

    /// Whether the act counts for `state`: the PRC's for China (never the
    /// ROC's); the USSR's for Russia, its continuator; the Federal
    /// Republic's for Germany (never the GDR's); a state's own acts.
    pub fn counts_for(self, state: &str) -> bool {
        match self {
            Actor::Roc | Actor::Gdr => false,
            Actor::State("CHN") => false,
            a => a.state() == state,
        }
    }
}

/// A date known to the day, the month or the year, as the span of days it
/// may stand for (`YYYY-MM-DD` strings, which compare as dates).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DateSpan {
    pub text: String,
    pub first: String,
    pub last: String,
}

impl DateSpan {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (already validated); `None` if empty.
    pub fn parse(text: &str) -> Option<DateSpan> {
        let t = text.trim();
        let (first, last) = match t.len() {
            10 => (t.to_string(), t.to_string()),
            7 => {
                let (y, m): (i32, u32) = (t[..4].parse().ok()?, t[5..7].parse().ok()?);
                (format!("{t}-01"), format!("{t}-{:02}", days_in_month(y, m)))
            }
            4 => (format!("{t}-01-01"), format!("{t}-12-31")),
            _ => return None,
        };
        Some(DateSpan {
            text: t.to_string(),
            first,
            last,
        })
    }

    pub fn year(&self) -> Option<i32> {
        self.first.get(..4)?.parse().ok()
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One act as the outcome rule sees it: its role and its date, `None` when
/// the date is unknown or not counted (unverified, by default).
#[derive(Debug, Clone)]
pub struct Act {
    pub role: Role,
    pub date: Option<DateSpan>,
}

/// Whether an act of one of `roles` happened on or before `cutoff`: `Some`
/// when the dates and the status's `as_of` date settle it, `None` when they
/// do not (an act whose date straddles the cutoff, an act of unknown date
/// with `as_of` after the cutoff, or no act while the status is older than
/// the cutoff).
fn happened_by(acts: &[Act], roles: &[Role], as_of: &str, cutoff: &str) -> Option<bool> {
    let mine: Vec<&Act> = acts.iter().filter(|a| roles.contains(&a.role)).collect();
    let mut undecided = false;
    for a in &mine {
        match &a.date {
            Some(d) if d.last.as_str() <= cutoff => return Some(true),
            Some(d) if d.first.as_str() > cutoff => {}
            Some(_) => undecided = true,
            // Known to have happened (the status shows it) by `as_of`.
            None if as_of <= cutoff => return Some(true),
            None => undecided = true,
        }
    }
    if undecided {
        return None;
    }
    // No act by the cutoff among those recorded: certain only if the status
    // was read on or after the cutoff (a later act could otherwise be missed).
    (as_of >= cutoff).then_some(false)
}

/// Exits are recorded acts (they make the status withdrawn or
/// signature_withdrawn): where none is recorded, there is none, whenever the
/// status was read. Passed as the `as_of` of [`happened_by`] for them.
const EXITS_ALL_RECORDED: &str = "9999-12-31";

fn and_not(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(true)) => Some(false),
        (Some(true), Some(false)) => Some(true),
        _ => None,
    }
}

/// `joined` and `bound` of a state that left an instrument (and may have
/// rejoined), every consent and exit dated: bound if the last of them by the
/// cutoff is a consent; joined if bound, or signed (and not unsigned) with no
/// consent or exit yet. A date that straddles the cutoff leaves it unknown.
fn spells(acts: &[Act], as_of: &str, cutoff: &str) -> (Option<bool>, Option<bool>) {
    let mut events: Vec<&Act> = acts
        .iter()
        .filter(|a| matches!(a.role, Role::Consent | Role::Exit))
        .collect();
    if events
        .iter()
        .filter_map(|a| a.date.as_ref())
        .any(|d| d.first.as_str() <= cutoff && d.last.as_str() > cutoff)
    {
        return (None, None);
    }
    events.retain(|a| a.date.as_ref().is_some_and(|d| d.last.as_str() <= cutoff));
    let last = events
        .iter()
        .max_by(|a, b| {
            a.date
                .as_ref()
                .map(|d| &d.last)
                .cmp(&b.date.as_ref().map(|d| &d.last))
        })
        .map(|a| a.role);
    match last {
        Some(Role::Consent) => (Some(true), Some(true)),
        Some(_) => (Some(false), Some(false)),
        None => {
            let signed = and_not(
                happened_by(acts, &[Role::Signature], as_of, cutoff),
                happened_by(
                    acts,
                    &[Role::SignatureWithdrawal],
                    EXITS_ALL_RECORDED,
                    cutoff,
                ),
            );
            (signed, Some(false))
        }
    }
}

/// A state's outcome on one instrument at a cutoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Signed or consented (declarations: voted yes or joined the consensus)
    /// by the cutoff, and not withdrawn by then; `None` when unknown.
    pub joined: Option<bool>,
    /// Consented to be bound by the cutoff (declarations: as `joined`).
    pub bound: Option<bool>,
    /// The first act that joined, when its date is known (and no joining act
    /// of unknown date could be earlier).
    pub join_date: Option<DateSpan>,
    /// Why an outcome is unknown, in words (empty when both are known).
    pub unknown_because: String,
}

/// The outcome rule: the status, its `as_of` date and the state's acts
/// (dates as counted) give `joined` and `bound` at `cutoff`.
pub fn outcome(
    kind: InstrumentKind,
    status: Status,
    as_of: &str,
    acts: &[Act],
    cutoff: &str,
) -> Outcome {
    let joining: &[Role] = if kind.is_binding() {
        &[Role::Signature, Role::Consent]
    } else {
        &[Role::Support]
    };
    let (joined, bound) = match status {
        // A declaration's vote is cast once, at adoption: a position on it
        // does not change later.
        Status::None | Status::Opposed | Status::Abstained if !kind.is_binding() => {
            (Some(false), Some(false))
        }
        Status::None | Status::Opposed | Status::Abstained => {
            let no = (as_of >= cutoff).then_some(false);
            (no, no)
        }
        Status::Supported => {
            let j = happened_by(acts, &[Role::Support], as_of, cutoff);
            (j, j)
        }
        Status::Unknown => (None, None),
        Status::Party | Status::Withdrawn
            if acts.iter().any(|a| a.role == Role::Exit)
                && acts
                    .iter()
                    .filter(|a| matches!(a.role, Role::Consent | Role::Exit))
                    .all(|a| a.date.is_some()) =>
        {
            spells(acts, as_of, cutoff)
        }
        Status::Party | Status::Signatory | Status::Withdrawn | Status::SignatureWithdrawn => {
            let exit = happened_by(acts, &[Role::Exit], EXITS_ALL_RECORDED, cutoff);
            let unsigned = happened_by(
                acts,
                &[Role::SignatureWithdrawal],
                EXITS_ALL_RECORDED,
                cutoff,
            );
            let consent = happened_by(acts, &[Role::Consent], as_of, cutoff);
            let bound = and_not(consent, exit);
            let signed = and_not(
                happened_by(acts, &[Role::Signature], as_of, cutoff),
                unsigned,
            );
            let joined = match (bound, signed) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            (and_not(joined, exit), bound)
        }
    };
    let join_acts: Vec<&Act> = acts.iter().filter(|a| joining.contains(&a.role)).collect();
    let join_date = if joined == Some(true) && join_acts.iter().all(|a| a.date.is_some()) {
        join_acts
            .iter()
            .filter_map(|a| a.date.clone())
            .min_by(|a, b| a.first.cmp(&b.first))
    } else {
        None
    };
    let mut why = Vec::new();
    if joined.is_none() || bound.is_none() {
        let which = match (joined.is_none(), bound.is_none()) {
            (true, true) => "joined and bound",
            (true, false) => "joined",
            _ => "bound",
        };
        why.push(if status == Status::Unknown {
            format!("{which} unknown at {cutoff}: no source in reach gives the status (searched as of {as_of})")
        } else {
            format!(
                "{which} unknown at {cutoff}: the status ({}) was read as of {as_of}, and the dates recorded do not settle it",
                status.as_str()
            )
        });
    }
    Outcome {
        joined,
        bound,
        join_date,
        unknown_because: why.join("; "),
    }
}

/// Depth of commitment to a binding instrument at the cutoff
/// (datasets/CODEBOOK.md, section 11, *Depth of commitment*): an ordered
/// outcome derived from `joined`, `bound` and the delegation provisions
/// China reserved away, never typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Neither signed nor bound (a signature withdrawn, or consent
    /// denounced, by the cutoff counts here).
    NoCommitment = 0,
    /// Signed, not (yet) bound.
    SignedOnly = 1,
    /// Bound, with a reservation or declaration excluding a delegation
    /// provision that would otherwise apply.
    BoundWithOptOut = 2,
    /// Bound, without such a reservation.
    BoundFully = 3,
}

impl Depth {
    pub const NAMES: [&'static str; 4] = [
        "none",
        "signed only",
        "bound with an opt-out",
        "bound without an opt-out",
    ];
    pub fn level(self) -> u8 {
        self as u8
    }
    pub fn from_level(level: u8) -> Option<Depth> {
        Some(match level {
            0 => Depth::NoCommitment,
            1 => Depth::SignedOnly,
            2 => Depth::BoundWithOptOut,
            3 => Depth::BoundFully,
            _ => return None,
        })
    }
    pub fn words(self) -> &'static str {
        Depth::NAMES[self as usize]
    }
}

/// The depth of commitment from the outcomes at the cutoff. `opted_out` is
/// whether a reservation against a delegation provision is recorded
/// (`None`: not known, e.g. for a state whose provisions are not coded).
/// Defined for treaties, protocols and amendments only (a declaration has no
/// signature, consent or reservation to tell the levels apart); unknown
/// facts give `None`, never level 0.
pub fn depth(
    kind: InstrumentKind,
    joined: Option<bool>,
    bound: Option<bool>,
    opted_out: Option<bool>,
) -> Option<Depth> {
    if !kind.is_binding() {
        return None;
    }
    match (joined?, bound?) {
        (false, _) => Some(Depth::NoCommitment),
        (true, false) => Some(Depth::SignedOnly),
        (true, true) => Some(if opted_out? {
            Depth::BoundWithOptOut
        } else {
            Depth::BoundFully
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(role: Role, date: Option<&str>) -> Act {
        Act {
            role,
            date: date.and_then(DateSpan::parse),
        }
    }

    #[test]
    fn a_vote_never_joins_a_treaty() {
        for kind in [
            InstrumentKind::Treaty,
            InstrumentKind::Protocol,
            InstrumentKind::Amendment,
        ] {
            for a in [
                ActionKind::VoteYes,
                ActionKind::ConsensusAdoption,
                ActionKind::VoteNo,
                ActionKind::Abstention,
            ] {
                assert_eq!(a.role(kind), Role::AdoptionVote);
            }
        }
        assert_eq!(
            ActionKind::ConsensusAdoption.role(InstrumentKind::Declaration),
            Role::Support
        );
        assert_eq!(
            ActionKind::Signature.role(InstrumentKind::Resolution),
            Role::Other
        );
    }

    #[test]
    fn an_unknown_date_never_makes_a_party_a_non_party() {
        let acts = [act(Role::Consent, None)];
        let o = outcome(
            InstrumentKind::Treaty,
            Status::Party,
            "2026-02-03",
            &acts,
            "2026-12-31",
        );
        assert_eq!((o.joined, o.bound), (Some(true), Some(true)));
        assert!(o.join_date.is_none());
        // Before the status was read, the act may not have happened yet:
        // unknown, never "no".
        let o = outcome(
            InstrumentKind::Treaty,
            Status::Party,
            "2026-02-03",
            &acts,
            "2000-12-31",
        );
        assert_eq!((o.joined, o.bound), (None, None));
        assert!(!o.unknown_because.is_empty());
    }

    #[test]
    fn partial_dates_are_placed_against_the_cutoff() {
        let acts = [
            act(Role::Signature, Some("1999")),
            act(Role::Consent, Some("2005-03")),
        ];
        let at = |cutoff| {
            let o = outcome(
                InstrumentKind::Treaty,
                Status::Party,
                "2015-03-14",
                &acts,
                cutoff,
            );
            (o.joined, o.bound)
        };
        assert_eq!(at("1998-12-31"), (Some(false), Some(false)));
        assert_eq!(at("1999-06-30"), (None, Some(false)));
        assert_eq!(at("2005-03-15"), (Some(true), None));
        assert_eq!(at("2005-03-31"), (Some(true), Some(true)));
    }

    #[test]
    fn an_old_status_cannot_show_that_nothing_happened_later() {
        let acts = [act(Role::Signature, Some("1987-10-21"))];
        let o = outcome(
            InstrumentKind::Treaty,
            Status::Signatory,
            "2015-03-14",
            &acts,
            "2025-12-31",
        );
        assert_eq!((o.joined, o.bound), (Some(true), None));
        let o = outcome(
            InstrumentKind::Treaty,
            Status::Signatory,
            "2026-02-03",
            &acts,
            "2025-12-31",
        );
        assert_eq!((o.joined, o.bound), (Some(true), Some(false)));
        let o = outcome(
            InstrumentKind::Treaty,
            Status::None,
            "2015-03-14",
            &[],
            "2025-12-31",
        );
        assert_eq!((o.joined, o.bound), (None, None));
    }

    #[test]
    fn withdrawals_end_participation() {
        let acts = [
            act(Role::Signature, Some("2000-09-13")),
            act(Role::SignatureWithdrawal, Some("2016-11-30")),
        ];
        let o = |cutoff| {
            let o = outcome(
                InstrumentKind::Treaty,
                Status::SignatureWithdrawn,
                "2026-02-03",
                &acts,
                cutoff,
            );
            (o.joined, o.bound)
        };
        assert_eq!(o("2010-12-31"), (Some(true), Some(false)));
        assert_eq!(o("2020-12-31"), (Some(false), Some(false)));
    }

    #[test]
    fn an_unknown_status_is_never_a_zero() {
        for kind in InstrumentKind::ALL {
            for cutoff in ["1950-12-31", "2025-12-31", "2999-12-31"] {
                for acts in [vec![], vec![act(Role::Signature, Some("1990-01-01"))]] {
                    let o = outcome(kind, Status::Unknown, "2026-12-01", &acts, cutoff);
                    assert_eq!((o.joined, o.bound), (None, None));
                    assert!(o.unknown_because.contains("no source"));
                }
            }
            assert!(Status::allowed(kind).contains(&"unknown"));
        }
        assert!(Status::Unknown.contradiction(&[Role::Consent]).is_none());
    }

    #[test]
    fn a_state_that_left_and_rejoined_is_bound_in_its_spells() {
        let acts = [
            act(Role::Signature, Some("2016-04-22")),
            act(Role::Consent, Some("2016-09-03")),
            act(Role::Exit, Some("2019-11-04")),
            act(Role::Consent, Some("2021-01-20")),
        ];
        let at = |cutoff| {
            let o = outcome(
                InstrumentKind::Treaty,
                Status::Party,
                "2026-01-23",
                &acts,
                cutoff,
            );
            (o.joined, o.bound)
        };
        assert_eq!(at("2016-05-01"), (Some(true), Some(false)));
        assert_eq!(at("2017-12-31"), (Some(true), Some(true)));
        assert_eq!(at("2020-12-31"), (Some(false), Some(false)));
        assert_eq!(at("2025-12-31"), (Some(true), Some(true)));
        let dated: Vec<(Role, Option<DateSpan>)> =
            acts.iter().map(|a| (a.role, a.date.clone())).collect();
        assert!(Status::Party.sequence_problem(&dated).is_none());
        assert!(Status::Withdrawn.sequence_problem(&dated).is_some());
        assert!(Status::Withdrawn.sequence_problem(&dated[..3]).is_none());
        assert!(Status::Party.sequence_problem(&dated[..3]).is_some());
    }

    #[test]
    fn successor_states_and_the_roc() {
        assert!(counts_for("CHN", "PRC"));
        assert!(!counts_for("CHN", "ROC"));
        assert!(!counts_for("CHN", "CHN"));
        assert!(counts_for("RUS", "USSR"));
        assert!(counts_for("RUS", "RUS"));
        assert!(counts_for("DEU", "FRG"));
        assert!(!counts_for("DEU", "GDR"));
        assert!(counts_for("USA", "USA"));
        assert!(!counts_for("USA", "GBR"));
        assert!(!counts_for("USA", "USSR"));
        assert!(!counts_for("USA", "usa"));
    }

    #[test]
    fn status_and_acts_must_agree() {
        assert!(Status::Party.contradiction(&[Role::Signature]).is_some());
        assert!(Status::Party.contradiction(&[Role::Consent]).is_none());
        assert!(Status::Signatory
            .contradiction(&[Role::Signature, Role::Consent])
            .is_some());
        assert!(Status::None.contradiction(&[Role::AdoptionVote]).is_none());
        assert!(Status::None.contradiction(&[Role::Signature]).is_some());
        assert!(Status::Supported.contradiction(&[Role::Oppose]).is_some());
    }
}

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
        "domestic_approval",
        "reservation",
        "declaration",
        "withdrawal_of_reservation",
        "objection",
        "denunciation",
        "withdrawal",
        "signature_withdrawal",
    ];
    const ALL: [ActionKind; 19] = [
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
                | A::Notification => Role::Consent,
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
    ];
    const ALL: [Status; 8] = [
        Status::Party,
        Status::Signatory,
        Status::None,
        Status::Withdrawn,
        Status::SignatureWithdrawn,
        Status::Supported,
        Status::Opposed,
        Status::Abstained,
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
            &Self::NAMES[..5]
        } else {
            &["supported", "opposed", "abstained", "none"]
        }
    }

    /// The acts the status requires and forbids among the state's acts: a
    /// rule broken is a contradiction between `status.csv` and `actions.csv`.
    pub fn contradiction(self, roles: &[Role]) -> Option<String> {
        let has = |r: Role| roles.contains(&r);
        let need = |r: Role, what: &str| (!has(r)).then(|| format!("requires {what}"));
        let forbid = |r: Role, what: &str| has(r).then(|| format!("contradicts {what}"));
        match self {
            Status::Party => need(Role::Consent, "an act of consent to be bound in actions.csv")
                .or_else(|| forbid(Role::Exit, "the denunciation or withdrawal in actions.csv (status withdrawn)")),
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
        }
    }
}

/// Whether an actor's acts count for a state: for China, only the People's
/// Republic's (acts of the Republic of China are kept in the data but do not
/// count; codebook, section 11); for any other state, all its acts.
pub fn counts_for(state: &str, actor: &str) -> bool {
    state != "CHN" || actor == "PRC"
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
        why.push(format!(
            "{which} unknown at {cutoff}: the status ({}) was read as of {as_of}, and the dates recorded do not settle it",
            status.as_str()
        ));
    }
    Outcome {
        joined,
        bound,
        join_date,
        unknown_because: why.join("; "),
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

//! An analysis's sample: the instruments its filters keep, less those whose
//! outcome at the cutoff is unknown (named in a note, never counted as
//! "no"), and the table of its frame that the models read.

use super::spec::{Filter, FilterColumn, Outcome, Spec};
use super::Context;
use crate::error::Result;
use crate::panel::{self, PanelOptions, TreatyRecord};
use crate::results::Frame;
use crate::table::Table;

/// The panel options of a spec's sample.
pub fn options(spec: &Spec) -> PanelOptions {
    PanelOptions {
        cutoff: spec.sample.cutoff.clone(),
        include_unverified: spec.sample.include_unverified,
    }
}

/// Whether a record meets every condition of a filter.
pub fn matches(record: &TreatyRecord, filter: &Filter) -> bool {
    filter.0.iter().all(|(column, want)| {
        let got = match column {
            FilterColumn::Kind => record.kind.clone(),
            FilterColumn::IssueArea => record.issue_area.clone(),
            FilterColumn::SoftLaw => record.soft_law.to_string(),
            FilterColumn::HardLaw => record.hard_law.to_string(),
            FilterColumn::CoreSovereignty => record.core_sovereignty.to_string(),
        };
        &got == want
    })
}

/// Which outcome a sample needs known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needed {
    Outcome(Outcome),
    /// `joined` with its year (the treaty-year frame).
    JoinYear,
}

/// The model's left-hand side on the treaty frame, the participation
/// outcome, `joined` with its year on the treaty-year frame, `bound` on the
/// provision frame.
fn needed_outcome(spec: &Spec) -> Option<Needed> {
    match spec.sample.frame {
        // The comparative analyses select their own rows (state_panel).
        Frame::StateTreaty | Frame::StateTreatyYear => None,
        Frame::TreatyYear => Some(Needed::JoinYear),
        Frame::Provision => Some(Needed::Outcome(Outcome::Bound)),
        Frame::Treaty => {
            if let super::spec::Body::Participation(p) = &spec.body {
                return Some(Needed::Outcome(p.outcome));
            }
            match spec.model()?.fit.formula.response.as_str() {
                "joined" => Some(Needed::Outcome(Outcome::Joined)),
                "bound" => Some(Needed::Outcome(Outcome::Bound)),
                _ => None,
            }
        }
    }
}

/// The sample's records, and a note naming every instrument left out because
/// its outcome at the cutoff is unknown (it is never counted as "no").
pub fn with_notes(ctx: &Context, spec: &Spec) -> (Vec<TreatyRecord>, Vec<String>) {
    let all = panel::treaty_records(ctx.data, &options(spec));
    let need = needed_outcome(spec);
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for r in all {
        if !matches(&r, &spec.sample.filter) {
            continue;
        }
        let unknown = match need {
            Some(Needed::Outcome(Outcome::Joined)) => {
                r.joined.is_none().then(|| r.unknown_because.clone())
            }
            Some(Needed::Outcome(Outcome::Bound)) => {
                r.bound.is_none().then(|| r.unknown_because.clone())
            }
            Some(Needed::JoinYear) => panel::treaty_year_left_out(&r),
            None => None,
        };
        match unknown {
            Some(why) => left_out.push(format!("{} ({why})", r.short_name)),
            None => out.push(r),
        }
    }
    let notes = if left_out.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "Left out because the outcome is unknown at the cutoff ({} instrument{}): {}.",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" },
            left_out.join("; ")
        )]
    };
    (out, notes)
}

/// The treaty records of a spec's sample.
pub fn records(ctx: &Context, spec: &Spec) -> Vec<TreatyRecord> {
    with_notes(ctx, spec).0
}

/// The table of the spec's frame over the given records, and its row count.
pub fn frame_table(ctx: &Context, spec: &Spec, records: &[TreatyRecord]) -> Result<(Table, usize)> {
    match spec.sample.frame {
        Frame::Provision => {
            let p = panel::provision_records(ctx.data, records, &options(spec));
            Ok((panel::provision_table(&p)?, p.len()))
        }
        Frame::TreatyYear => {
            let t = panel::treaty_year_table(records, &options(spec))?;
            let n = t.n_rows();
            Ok((t, n))
        }
        Frame::Treaty => Ok((panel::treaty_table(records)?, records.len())),
        Frame::StateTreaty | Frame::StateTreatyYear => Err(crate::error::Error::internal(
            "the state frames are built by the comparative analyses (src/analysis/comparative.rs)",
        )),
    }
}

//! Validation of the dataset: every problem reported with file, row, column
//! and rule.

use std::collections::{BTreeMap, BTreeSet};

use crate::dataset::{
    action_columns, col, provision_columns, source_columns, source_id_list, status_columns,
    treaty_columns, ColumnSpec, Dataset, Problem, RawTable, Row, Rule, VOTE_ACTIONS,
    VOTE_ADOPTION_DAYS, VOTE_EVENTS, YES_NO,
};

impl Dataset {
    /// Every problem in the dataset, sorted by file, row and column.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let source_ids = self.sources.values("source_id");
        for (table, spec) in [
            (&self.treaties, treaty_columns()),
            (&self.actions, action_columns()),
            (&self.provisions, provision_columns()),
            (&self.sources, source_columns()),
            (&self.status, status_columns()),
        ] {
            check_table(table, &spec, &source_ids, &mut problems);
        }
        self.check_references(&mut problems);
        self.check_status(&mut problems);
        self.check_small_tables(&source_ids, &mut problems);
        problems.sort();
        problems.dedup();
        problems
    }

    /// The two small tables used by the seed replication, when present:
    /// `votes.csv` and `jiang_discourse.csv`.
    fn check_small_tables(&self, source_ids: &BTreeSet<&str>, problems: &mut Vec<Problem>) {
        let treaty_ids = self.treaties.values("treaty_id");
        let counts = |n: &'static str| col(n, Rule::Integer(u8::MAX));
        let votes = [
            col("treaty_id", Rule::Id),
            col("date", Rule::Date),
            counts("yes"),
            counts("no"),
            counts("abstentions"),
            col("recorded", Rule::Enum(YES_NO)),
            col("source_ids", Rule::SourceIds),
            col("note", Rule::Text),
        ];
        let jiang = [
            col("framing", Rule::Enum(&["instrumental", "not_instrumental"])),
            col("audience", Rule::Enum(&["domestic", "international"])),
            counts("articles"),
            col("source_ids", Rule::SourceIds),
            col("note", Rule::Text),
        ];
        for (file, spec) in [
            ("votes.csv", &votes[..]),
            ("jiang_discourse.csv", &jiang[..]),
        ] {
            let path = self.dir.join(file);
            if !path.exists() {
                continue;
            }
            match RawTable::read_file(&path) {
                Ok(table) => {
                    check_table(&table, spec, source_ids, problems);
                    if file == "votes.csv" {
                        for (i, r) in table.rows.iter().enumerate() {
                            let id = table.get(r, "treaty_id");
                            if !treaty_ids.contains(id) {
                                problems.push(Problem {
                                    file: table.file.clone(),
                                    row: i + 1,
                                    column: "treaty_id".into(),
                                    rule: format!("'{id}' is not a treaty_id in treaties.csv"),
                                });
                            }
                        }
                    }
                }
                Err(e) => problems.push(Problem {
                    file: path.display().to_string(),
                    row: 0,
                    column: String::new(),
                    rule: e.to_string(),
                }),
            }
        }
    }

    fn check_references(&self, problems: &mut Vec<Problem>) {
        let t = &self.treaties;
        let adopted: BTreeMap<&str, &str> = t
            .rows
            .iter()
            .map(|r| (t.get(r, "treaty_id"), t.get(r, "adopted")))
            .collect();
        self.check_treaty_rows(&adopted, problems);
        self.check_action_dates(&adopted, problems);
        self.check_sources_read(problems);
        self.check_actors(problems);
        let mut push = |file: &str, row: usize, column: &str, rule: String| {
            report(problems, file, row, column, rule)
        };
        let p = &self.provisions;
        for (i, r) in p.rows.iter().enumerate() {
            let treaty = p.get(r, "treaty_id");
            if !adopted.contains_key(treaty) {
                push(
                    &p.file,
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                );
            }
        }
    }

    /// Parents, delegation levels and entry into force of the instruments.
    fn check_treaty_rows(&self, adopted: &BTreeMap<&str, &str>, problems: &mut Vec<Problem>) {
        let t = &self.treaties;
        let mut push = |file: &str, row: usize, column: &str, rule: String| {
            report(problems, file, row, column, rule)
        };
        for (i, r) in t.rows.iter().enumerate() {
            let parent = t.get(r, "parent_id");
            if !parent.is_empty() && !adopted.contains_key(parent) {
                push(
                    &t.file,
                    i + 1,
                    "parent_id",
                    format!("parent '{parent}' is not a treaty_id in treaties.csv"),
                );
            }
            if parent == t.get(r, "treaty_id") && !parent.is_empty() {
                push(
                    &t.file,
                    i + 1,
                    "parent_id",
                    "an instrument cannot be its own parent".into(),
                );
            }
            let int = |c: &str| t.get(r, c).parse::<u8>().ok();
            if let (Some(d), Some(m)) = (int("delegation_default"), int("delegation_max")) {
                if d > m {
                    push(
                        &t.file,
                        i + 1,
                        "delegation_max",
                        format!("delegation_max ({m}) is below delegation_default ({d})"),
                    );
                }
            }
            let (a, e) = (t.get(r, "adopted"), t.get(r, "entry_into_force"));
            if !a.is_empty() && !e.is_empty() && e < a {
                push(
                    &t.file,
                    i + 1,
                    "entry_into_force",
                    format!("entry into force {e} is before adoption {a}"),
                );
            }
        }
    }

    /// The actions' instruments and dates: an act dated at its precision, not
    /// before the instrument's adoption (votes aside), consent to be bound not
    /// before signature.
    fn check_action_dates(&self, adopted: &BTreeMap<&str, &str>, problems: &mut Vec<Problem>) {
        let mut push = |file: &str, row: usize, column: &str, rule: String| {
            report(problems, file, row, column, rule)
        };
        let a = &self.actions;
        // Earliest signature and earliest consent to be bound, per treaty and actor.
        let mut signed: BTreeMap<(&str, &str), (&str, usize)> = BTreeMap::new();
        let mut bound: BTreeMap<(&str, &str), (&str, usize)> = BTreeMap::new();
        for (i, r) in a.rows.iter().enumerate() {
            let treaty = a.get(r, "treaty_id");
            let date = a.get(r, "date");
            let precision = a.get(r, "date_precision");
            match adopted.get(treaty) {
                None => push(
                    &a.file,
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                ),
                Some(adoption) => {
                    if let Err(rule) = check_dated(date, precision) {
                        push(&a.file, i + 1, "date", rule);
                    } else if !date.is_empty() && !adoption.is_empty() {
                        // Compare at the action's precision.
                        let cut = &adoption[..date.len().min(adoption.len())];
                        let action = a.get(r, "action");
                        if date < cut && !VOTE_ACTIONS.contains(&action) {
                            push(
                                &a.file,
                                i + 1,
                                "date",
                                format!("{date} is before the instrument's adoption ({adoption})"),
                            );
                        }
                    }
                }
            }
            if let Some(rule) = vote_event_problem(
                a.get(r, "action"),
                date,
                adopted.get(treaty).copied().unwrap_or(""),
                a.get(r, "vote_event"),
            ) {
                push(&a.file, i + 1, "vote_event", rule);
            }
            if date.len() == 10 {
                let key = (treaty, a.get(r, "actor"));
                match a.get(r, "action") {
                    "signature" => {
                        let e = signed.entry(key).or_insert((date, i + 1));
                        if date < e.0 {
                            *e = (date, i + 1);
                        }
                    }
                    "ratification" | "acceptance" | "approval" => {
                        let e = bound.entry(key).or_insert((date, i + 1));
                        if date < e.0 {
                            *e = (date, i + 1);
                        }
                    }
                    _ => {}
                }
            }
        }
        for (key, (bdate, brow)) in &bound {
            if let Some((sdate, _)) = signed.get(key) {
                if bdate < sdate {
                    push(&a.file, *brow, "date", format!("consent to be bound ({bdate}) precedes signature ({sdate}) for {} by {}", key.0, key.1));
                }
            }
        }
    }

    /// Each action's state and actor: an ISO alpha-3 state; an actor that
    /// is the state itself or one of its historical actors (PRC and ROC for
    /// China, USSR for Russia, FRG and GDR for Germany); and a status row
    /// for the state in the instrument.
    fn check_actors(&self, problems: &mut Vec<Problem>) {
        use crate::outcome::Actor;
        let a = &self.actions;
        let st = &self.status;
        let with_status: BTreeSet<(&str, &str)> = st
            .rows
            .iter()
            .map(|r| (st.get(r, "state"), st.get(r, "treaty_id")))
            .collect();
        for (i, r) in a.rows.iter().enumerate() {
            let state = a.get(r, "state");
            let actor = a.get(r, "actor");
            if !is_alpha3(state) {
                report(
                    problems,
                    &a.file,
                    i + 1,
                    "state",
                    format!("'{state}' is not an ISO 3166 alpha-3 code (three capital letters)"),
                );
                continue;
            }
            match Actor::parse(actor) {
                None => report(
                    problems,
                    &a.file,
                    i + 1,
                    "actor",
                    format!(
                        "'{actor}' is not one of: {} (or the row's own state, {state})",
                        crate::dataset::ACTORS.join(", ")
                    ),
                ),
                Some(x) if x.state() != state => report(
                    problems,
                    &a.file,
                    i + 1,
                    "actor",
                    format!(
                        "actor '{actor}' cannot act for {state}: its acts belong to {}",
                        x.state()
                    ),
                ),
                Some(Actor::State("CHN")) => report(
                    problems,
                    &a.file,
                    i + 1,
                    "actor",
                    "China's acts are the PRC's or the ROC's: write PRC or ROC, not CHN".into(),
                ),
                Some(_) => {}
            }
            let treaty = a.get(r, "treaty_id");
            if !with_status.contains(&(state, treaty)) {
                report(
                    problems,
                    &a.file,
                    i + 1,
                    "state",
                    format!(
                        "{state} has an act in '{treaty}' but no status row in status.csv for it"
                    ),
                );
            }
        }
    }

    fn check_sources_read(&self, problems: &mut Vec<Problem>) {
        let mut push = |file: &str, row: usize, column: &str, rule: String| {
            report(problems, file, row, column, rule)
        };
        // Sources: an excerpt is required, except for treaty articles cited
        // without having been read (kind treaty_text_unverified); a fact
        // marked verified must cite at least one source that was read.
        let s = &self.sources;
        let mut read: BTreeMap<&str, bool> = BTreeMap::new();
        for (i, r) in s.rows.iter().enumerate() {
            let unread = s.get(r, "kind") == "treaty_text_unverified";
            read.insert(s.get(r, "source_id"), !unread);
            if !unread && s.get(r, "excerpt").trim().is_empty() {
                push(
                    &s.file,
                    i + 1,
                    "excerpt",
                    "no excerpt: a source that was read must quote the text that proves the fact"
                        .into(),
                );
            }
        }
        for table in [
            &self.treaties,
            &self.actions,
            &self.provisions,
            &self.status,
        ] {
            for (i, r) in table.rows.iter().enumerate() {
                if table.get(r, "verified") != "yes" {
                    continue;
                }
                let ids = source_id_list(table.get(r, "source_ids"));
                if !ids.is_empty() && ids.iter().all(|id| read.get(id) == Some(&false)) {
                    push(&table.file, i + 1, "verified", "marked verified, but every source cited is a treaty article not read (treaty_text_unverified)".into());
                }
            }
        }
    }
}

impl Dataset {
    /// `status.csv` against the instruments and the acts: one row per state
    /// and instrument (every instrument has one for China), a status the
    /// instrument's kind allows, no contradiction with the state's acts in
    /// `actions.csv`, and no act dated after the date the status was read.
    fn check_status(&self, problems: &mut Vec<Problem>) {
        use crate::outcome::{InstrumentKind, Status};
        let st = &self.status;
        let t = &self.treaties;
        let kinds: BTreeMap<&str, Option<InstrumentKind>> = t
            .rows
            .iter()
            .map(|r| {
                (
                    t.get(r, "treaty_id"),
                    InstrumentKind::parse(t.get(r, "kind")),
                )
            })
            .collect();
        let mut push = |row: usize, column: &str, rule: String| {
            problems.push(Problem {
                file: st.file.clone(),
                row,
                column: column.to_string(),
                rule,
            })
        };
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let acts_index = self.acts_by_state_and_instrument();
        for (i, r) in st.rows.iter().enumerate() {
            let state = st.get(r, "state");
            let treaty = st.get(r, "treaty_id");
            if !state.is_empty() && !is_alpha3(state) {
                push(
                    i + 1,
                    "state",
                    format!("'{state}' is not an ISO 3166 alpha-3 code (three capital letters)"),
                );
            }
            if st.get(r, "as_of").is_empty() {
                push(
                    i + 1,
                    "as_of",
                    "must not be empty: the date the status was read on its source".into(),
                );
            }
            if let Some(first) = seen.insert((state, treaty), i + 1) {
                push(
                    i + 1,
                    "treaty_id",
                    format!("a second status row for {state} and '{treaty}' (also row {first})"),
                );
            }
            let Some(kind) = kinds.get(treaty) else {
                push(
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                );
                continue;
            };
            let (Some(kind), Some(status)) = (*kind, Status::parse(st.get(r, "status"))) else {
                continue;
            };
            let no_sources = crate::dataset::source_id_list(st.get(r, "source_ids")).is_empty();
            if status == Status::Unknown {
                if st.get(r, "verified") != "no" {
                    push(
                        i + 1,
                        "verified",
                        "status unknown is not a fact read on a source: verified must be 'no'"
                            .into(),
                    );
                }
                if st.get(r, "note").trim().is_empty() {
                    push(i + 1, "note", "status unknown needs a note saying which sources were searched and why none gives the status".into());
                }
                if state == "CHN" {
                    push(i + 1, "status", "China's status must be known in every instrument (unknown is for other states)".into());
                }
            } else if no_sources {
                push(
                    i + 1,
                    "source_ids",
                    "no source: every status other than unknown needs a source a reader can check"
                        .into(),
                );
            }
            if !Status::allowed(kind).contains(&status.as_str()) {
                push(
                    i + 1,
                    "status",
                    format!(
                        "'{}' is not a status of a {} (allowed: {})",
                        status.as_str(),
                        kind.as_str(),
                        Status::allowed(kind).join(", ")
                    ),
                );
                continue;
            }
            let acts = acts_index
                .get(&(state, treaty))
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            self.check_status_acts(i, r, status, kind, acts, &mut push);
        }
        for (id, _) in kinds {
            if !seen.contains_key(&("CHN", id)) {
                push(
                    0,
                    "treaty_id",
                    format!("no status row for CHN in '{id}': every instrument needs China's status with its source"),
                );
            }
        }
    }

    /// A status row against the acts of its state that count in its
    /// instrument: no contradiction, and no act dated after the date the
    /// status was read.
    fn check_status_acts(
        &self,
        i: usize,
        r: &Row,
        status: crate::outcome::Status,
        kind: crate::outcome::InstrumentKind,
        counting: &[&Row],
        push: &mut dyn FnMut(usize, &str, String),
    ) {
        use crate::outcome::{ActionKind, DateSpan, Role};
        let st = &self.status;
        let state = st.get(r, "state");
        let treaty = st.get(r, "treaty_id");
        let acts: Vec<(Role, &str)> = counting
            .iter()
            .filter_map(|x| {
                let role = ActionKind::parse(self.actions.get(x, "action"))?.role(kind);
                Some((role, self.actions.get(x, "date")))
            })
            .collect();
        let roles: Vec<Role> = acts.iter().map(|(r, _)| *r).collect();
        let dated: Vec<(Role, Option<DateSpan>)> =
            acts.iter().map(|(r, d)| (*r, DateSpan::parse(d))).collect();
        if let Some(why) = status
            .contradiction(&roles)
            .or_else(|| status.sequence_problem(&dated))
        {
            push(
                i + 1,
                "status",
                format!(
                    "status '{}' of {state} in '{treaty}' {why}",
                    status.as_str()
                ),
            );
        }
        let as_of = st.get(r, "as_of");
        for (role, date) in &acts {
            let participation = matches!(
                role,
                Role::Signature
                    | Role::Consent
                    | Role::Exit
                    | Role::SignatureWithdrawal
                    | Role::Support
            );
            if let Some(d) = DateSpan::parse(date) {
                if participation && !as_of.is_empty() && d.first.as_str() > as_of {
                    push(i + 1, "as_of", format!("the status was read as of {as_of}, before an act of {state} in '{treaty}' dated {date}: a source that cannot show the act cannot give the status"));
                }
            }
        }
    }
}

/// Checks a date string against its precision.
pub fn check_dated(date: &str, precision: &str) -> std::result::Result<(), String> {
    let want = match precision {
        "day" => 10,
        "month" => 7,
        "year" => 4,
        "unknown" => 0,
        _ => return Ok(()), // reported by the enumeration rule
    };
    if date.len() != want {
        return Err(if want == 0 {
            format!("date '{date}' is given but date_precision is 'unknown'")
        } else {
            format!(
                "date '{date}' does not match date_precision '{precision}' (expected {})",
                ["YYYY", "YYYY-MM", "YYYY-MM-DD"]
                    [[4, 7, 10].iter().position(|&w| w == want).unwrap_or(0)]
            )
        });
    }
    if want > 0 {
        parse_partial_date(date).map_err(|e| format!("date '{date}': {e}"))?;
    }
    Ok(())
}

/// Validates YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date).
pub fn parse_partial_date(text: &str) -> std::result::Result<(i32, u32, u32), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| -> std::result::Result<u32, String> {
        if s.len() != len || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err("not an ISO date (YYYY-MM-DD)".into());
        }
        s.parse().map_err(|_| "not an ISO date".to_string())
    };
    let year = num(parts[0], 4)? as i32;
    let month = if parts.len() > 1 {
        num(parts[1], 2)?
    } else {
        1
    };
    let day = if parts.len() > 2 {
        num(parts[2], 2)?
    } else {
        1
    };
    if parts.len() > 3 || !(1..=12).contains(&month) {
        return Err("not a valid month".into());
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month as usize - 1];
    if day == 0 || day > days {
        return Err("not a valid day of the month".into());
    }
    Ok((year, month, day))
}

fn check_table(
    table: &RawTable,
    spec: &[ColumnSpec],
    source_ids: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let mut push = |row: usize, column: &str, rule: String| {
        problems.push(Problem {
            file: table.file.clone(),
            row,
            column: column.to_string(),
            rule,
        })
    };
    let expected: Vec<&str> = spec.iter().map(|c| c.name).collect();
    for name in &expected {
        if !table.header.iter().any(|h| h == name) {
            push(0, name, "required column is missing from the header".into());
        }
    }
    for h in &table.header {
        if !expected.contains(&h.as_str()) {
            push(
                0,
                h,
                format!("unknown column (the columns are: {})", expected.join(", ")),
            );
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        for c in spec {
            let Some(value) = row.get(c.name) else {
                continue;
            };
            check_cell(c, value.as_str(), i, &mut seen, source_ids, &mut push);
        }
    }
}

/// One cell against its column's rule (`seen` holds the ids met so far).
fn check_cell(
    c: &ColumnSpec,
    v: &str,
    i: usize,
    seen: &mut BTreeMap<String, usize>,
    source_ids: &BTreeSet<&str>,
    push: &mut dyn FnMut(usize, &str, String),
) {
    match c.rule {
        Rule::Id => {
            if v.is_empty() {
                push(i + 1, c.name, "id is empty".into());
            } else if !v
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "_-.:".contains(ch))
            {
                push(
                    i + 1,
                    c.name,
                    format!("id '{v}' may contain only letters, digits and _ - . :"),
                );
            } else if let Some(first) = seen.insert(v.to_string(), i + 1) {
                push(
                    i + 1,
                    c.name,
                    format!("id '{v}' is not unique (also row {first})"),
                );
            }
        }
        Rule::Text => {}
        Rule::Required => {
            if v.trim().is_empty() {
                push(i + 1, c.name, "must not be empty".into());
            }
        }
        Rule::EnumOrEmpty(allowed) => {
            if !v.is_empty() && !allowed.contains(&v) {
                push(
                    i + 1,
                    c.name,
                    format!("'{v}' is not one of: {} (or empty)", allowed.join(", ")),
                );
            }
        }
        Rule::Enum(allowed) => {
            if !allowed.contains(&v) {
                push(
                    i + 1,
                    c.name,
                    format!("'{v}' is not one of: {}", allowed.join(", ")),
                );
            }
        }
        Rule::Integer(max) => match v.parse::<u8>() {
            Ok(x) if x <= max => {}
            _ => push(
                i + 1,
                c.name,
                format!("'{v}' is not a whole number from 0 to {max}"),
            ),
        },
        Rule::Date => {
            if !v.is_empty() {
                if v.len() != 10 {
                    push(
                        i + 1,
                        c.name,
                        format!("'{v}' is not a full ISO date (YYYY-MM-DD)"),
                    );
                } else if let Err(e) = parse_partial_date(v) {
                    push(i + 1, c.name, format!("'{v}': {e}"));
                }
            }
        }
        Rule::SourceIds | Rule::SourceIdsOrEmpty => {
            let ids = source_id_list(v);
            if ids.is_empty() && c.rule == Rule::SourceIds {
                push(
                    i + 1,
                    c.name,
                    "no source: every fact needs a source a reader can check".into(),
                );
            }
            for id in ids {
                if !source_ids.contains(id) {
                    push(
                        i + 1,
                        c.name,
                        format!("source '{id}' is not a source_id in sources.csv"),
                    );
                }
            }
        }
    }
}

/// An ISO 3166 alpha-3 code's form: three capital letters.
fn is_alpha3(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// Records one problem.
fn report(problems: &mut Vec<Problem>, file: &str, row: usize, column: &str, rule: String) {
    problems.push(Problem {
        file: file.to_string(),
        row,
        column: column.to_string(),
        rule,
    })
}

/// A vote row's date against the instrument's adoption: a vote dated more
/// than [`VOTE_ADOPTION_DAYS`] from the `adopted` date must say in
/// `vote_event` which vote it was; a row that is not a vote has none.
fn vote_event_problem(action: &str, date: &str, adopted: &str, event: &str) -> Option<String> {
    if !VOTE_ACTIONS.contains(&action) {
        return (!event.is_empty())
            .then(|| format!("'{action}' is not a vote: vote_event is for votes only"));
    }
    if !event.is_empty() || date.len() != 10 || adopted.len() != 10 {
        return None;
    }
    let days = |d: &str| -> Option<i64> {
        let (y, m, d) = parse_partial_date(d).ok()?;
        Some(days_from_civil(i64::from(y), i64::from(m), i64::from(d)))
    };
    let gap = (days(date)? - days(adopted)?).abs();
    (gap > VOTE_ADOPTION_DAYS).then(|| {
        format!(
            "a vote dated {date} is {gap} days from the instrument's adoption ({adopted}): say which vote it was in vote_event ({})",
            VOTE_EVENTS.join(", ")
        )
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

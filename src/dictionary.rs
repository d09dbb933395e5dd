//! The data dictionary of the exported panels (`dictionary.csv`, written by
//! `sovcost export` beside them): one row per file and column with its type,
//! meaning and allowed values. Types are `string`, `integer` (0/1 flags
//! included) or `number`; `NA` marks an unknown value in any column.

use crate::dataset::{ACCEPTANCE_MODES, CODINGS, ISSUE_AREAS, KINDS, MECHANISMS};
use crate::error::{Error, Result};

/// One column of an exported panel.
pub struct Entry {
    pub column: String,
    pub kind: &'static str,
    pub meaning: String,
    pub allowed: String,
}

fn entry(column: &str, kind: &'static str, meaning: &str, allowed: &str) -> Entry {
    Entry {
        column: column.into(),
        kind,
        meaning: meaning.into(),
        allowed: allowed.into(),
    }
}

fn one_of(values: &[&str]) -> String {
    values.join(" | ")
}

const FLAG: &str = "0 | 1";

/// The columns shared by several panels, and the codings of treaties.csv.
fn common(column: &str) -> Option<Entry> {
    let e = match column {
        "treaty_id" => entry(column, "string", "The instrument (treaties.csv treaty_id).", "a treaty_id"),
        "issue_area" => entry(column, "string", "Subject area (CODEBOOK.md section 4).", &one_of(ISSUE_AREAS)),
        "soft_law" => entry(column, "integer", "1 for a non-binding declaration or resolution.", FLAG),
        "sovereignty_cost" => entry(column, "number", "The composite sovereignty-cost index, mean of eight scaled components (CODEBOOK.md section 10).", "0 to 1"),
        "core_sovereignty" => entry(column, "integer", "1 if the instrument reaches territorial integrity or regime security (9.11); the moderator.", FLAG),
        _ => {
            let (name, max) = CODINGS.iter().find(|(n, _)| *n == column)?;
            let allowed = if *max == 1 { FLAG.to_string() } else { format!("0 to {max}") };
            entry(name, "integer", "A coding of the instrument's text (CODEBOOK.md section 9).", &allowed)
        }
    };
    Some(e)
}

fn treaty_panel(column: &str) -> Option<Entry> {
    let e = match column {
        "short_name" => entry(column, "string", "Usual short name.", ""),
        "kind" => entry(column, "string", "Form of the instrument.", &one_of(KINDS)),
        "adopted_year" => entry(column, "integer", "Year of adoption or of opening for signature.", "a year"),
        "delegation_unavoidable" => entry(column, "integer", "Strongest delegation China cannot avoid on joining (CODEBOOK.md section 10).", "0 to 4"),
        "delegation_only" => entry(column, "number", "delegation_unavoidable / 4.", "0 to 1"),
        "hard_law" => entry(column, "integer", "1 if obligation = 2 and delegation_unavoidable >= 3.", FLAG),
        "sovereignty_cost_max" => entry(column, "number", "sovereignty_cost with delegation_max in place of delegation_unavoidable.", "0 to 1"),
        "joined" => entry(column, "integer", "China signed or consented (declarations: voted yes or joined the consensus) by the cutoff; NA if unknown.", "0 | 1 | NA"),
        "bound" => entry(column, "integer", "China consented to be bound by the cutoff; NA if unknown.", "0 | 1 | NA"),
        "status" => entry(column, "string", "China's participation status (status.csv).", &one_of(crate::outcome::Status::NAMES)),
        "voted_no" => entry(column, "integer", "China voted against the text by the cutoff.", FLAG),
        "opted_out" => entry(column, "integer", "China avoided at least one delegation provision of the instrument.", FLAG),
        "join_year" => entry(column, "integer", "Year of the first joining act; NA if not joined or not known.", "a year | NA"),
        "depth" => entry(column, "integer", "China's depth of commitment at the cutoff (CODEBOOK.md section 11, Depth of commitment): 0 none (not signed, not bound; a withdrawn signature or denounced consent included), 1 signed only, 2 bound with a reservation or declaration excluding a delegation provision, 3 bound without one; NA if unknown, and for declarations and resolutions (not defined).", "0 | 1 | 2 | 3 | NA"),
        _ => return common(column),
    };
    Some(e)
}

fn provision_panel(column: &str) -> Option<Entry> {
    let e = match column {
        "provision_id" => entry(column, "string", "The delegation provision (provisions.csv provision_id).", "a provision_id"),
        "mechanism" => entry(column, "string", "Type of mechanism.", &one_of(MECHANISMS)),
        "level" => entry(column, "integer", "Delegation level of the mechanism (CODEBOOK.md section 9.3).", "0 to 4"),
        "acceptance_mode" => entry(column, "string", "How the provision applies to a party (opt_out or opt_in in this panel).", &one_of(ACCEPTANCE_MODES)),
        "opt_out_mode" => entry(column, "integer", "1 if acceptance_mode is opt_out.", FLAG),
        "avoided" => entry(column, "integer", "1 if China avoided the provision (opt_out: a reservation; opt_in: no accepting declaration).", FLAG),
        _ => return common(column),
    };
    Some(e)
}

fn treaty_year_panel(column: &str) -> Option<Entry> {
    let e = match column {
        "year" => entry(
            column,
            "integer",
            "Calendar year of the risk set row.",
            "a year",
        ),
        "duration" => entry(
            column,
            "integer",
            "Years at risk so far (1 in the first year).",
            "1 or more",
        ),
        "log_duration" => entry(column, "number", "Natural log of duration.", "0 or more"),
        "event" => entry(column, "integer", "1 in the year China joined.", FLAG),
        "after_1998" => entry(column, "integer", "1 from 1998.", FLAG),
        "after_2001" => entry(column, "integer", "1 from 2002.", FLAG),
        "period" => entry(
            column,
            "string",
            "Period of the year.",
            "before_1998 | 1998_2001 | from_2002",
        ),
        _ => return common(column),
    };
    Some(e)
}

fn state_panel(column: &str) -> Option<Entry> {
    let e = match column {
        "state" => entry(column, "string", "The state (ISO 3166-1 alpha-3 code, as in status.csv).", "a state code"),
        "china" => entry(column, "integer", "1 for China (CHN).", FLAG),
        "joined" => entry(column, "integer", "The state signed or consented (declarations: voted yes or joined the consensus) by the cutoff; NA if unknown (no status row, status unknown or unverified, or dates that do not settle it).", "0 | 1 | NA"),
        "consented" => entry(column, "integer", "The state consented to be bound by the cutoff; NA if unknown.", "0 | 1 | NA"),
        "status" => entry(column, "string", "The state's participation status (status.csv; empty without a status row).", "a status.csv status | empty"),
        "join_year" => entry(column, "integer", "Year of the state's first joining act; NA if not joined or not known.", "a year | NA"),
        "depth" => entry(column, "integer", "Depth of commitment at the cutoff (CODEBOOK.md section 11, Depth of commitment): China's as in the treaty panel; a peer's 0 (none) or 1 (signed only), and NA where it is bound, because provisions.csv codes China's opt-outs only and a peer's levels 2 and 3 cannot be told apart; NA if unknown and for declarations and resolutions.", "0 | 1 | 2 | 3 | NA"),
        _ => return treaty_panel(column),
    };
    Some(e)
}

fn state_year_panel(column: &str) -> Option<Entry> {
    let e = match column {
        "state" | "china" => return state_panel(column),
        "event" => entry(column, "integer", "1 in the year the state joined.", FLAG),
        "hard_law" => return treaty_panel(column),
        _ => return treaty_year_panel(column),
    };
    Some(e)
}

/// The entry of a panel's column (`panel` is the file stem, e.g. `treaty_panel`).
pub fn lookup(panel: &str, column: &str) -> Result<Entry> {
    let found = match panel {
        "treaty_panel" => treaty_panel(column),
        "provision_panel" => provision_panel(column),
        "treaty_year_panel" => treaty_year_panel(column),
        "state_panel" => state_panel(column),
        "state_year_panel" => state_year_panel(column),
        _ => None,
    };
    found.ok_or_else(|| {
        Error::internal(format!(
            "the data dictionary has no entry for {panel}.{column}"
        ))
    })
}

/// `dictionary.csv` for the given files and their headers.
pub fn dictionary_csv(files: &[(String, Vec<String>)]) -> Result<String> {
    let header: Vec<String> = ["file", "column", "type", "meaning", "allowed_values"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut rows = Vec::new();
    for (file, columns) in files {
        let stem = file.split('.').next().unwrap_or(file);
        for column in columns {
            let e = lookup(stem, column)?;
            let values = [
                file.clone(),
                e.column,
                e.kind.to_string(),
                e.meaning,
                e.allowed,
            ];
            rows.push(header.iter().cloned().zip(values).collect());
        }
    }
    Ok(crate::dataset::csv_text(&header, &rows))
}

/// A field's constraints from its allowed values: `a | b | c` is an
/// enumeration (numbers for numeric fields), `A to B` a range; other
/// descriptions ("a treaty_id") give none.
fn constraints(kind: &str, allowed: &str) -> Option<serde_json::Value> {
    let numeric = kind != "string";
    let value = |v: &str| -> serde_json::Value {
        match (numeric, v.parse::<i64>(), v.parse::<f64>()) {
            (true, Ok(i), _) => serde_json::json!(i),
            (true, _, Ok(x)) => serde_json::json!(x),
            _ => serde_json::json!(v),
        }
    };
    if allowed.contains(" | ") {
        // `NA` is a missing value, not a level; a description among the
        // alternatives ("a year | NA") is no enumeration.
        let values: Vec<&str> = allowed
            .split(" | ")
            .map(str::trim)
            .filter(|v| *v != "NA")
            .collect();
        if values.iter().any(|v| v.contains(' ')) {
            return None;
        }
        let values: Vec<serde_json::Value> = values.into_iter().map(value).collect();
        return Some(serde_json::json!({ "enum": values }));
    }
    let (low, high) = allowed.split_once(" to ")?;
    let (low, high) = (low.trim(), high.trim());
    if numeric && low.parse::<f64>().is_ok() && high.parse::<f64>().is_ok() {
        return Some(serde_json::json!({ "minimum": value(low), "maximum": value(high) }));
    }
    None
}

/// `datapackage.json` (Frictionless Data Package, tabular profile) for the
/// exported files and their headers: each file a resource with its schema
/// (field names, types, descriptions, enumerations and ranges from the
/// dictionary; `NA` is missing). `sovcost` holds the options that produced
/// the files.
pub fn datapackage_json(
    files: &[(String, Vec<String>)],
    format: &str,
    sovcost: serde_json::Value,
) -> Result<serde_json::Value> {
    let mut resources = Vec::new();
    for (file, columns) in files {
        let stem = file.split('.').next().unwrap_or(file);
        let mut fields = Vec::new();
        for column in columns {
            let e = lookup(stem, column)?;
            let mut field = serde_json::json!({
                "name": e.column,
                "type": e.kind,
                "description": e.meaning,
            });
            if let Some(c) = constraints(e.kind, &e.allowed) {
                field["constraints"] = c;
            }
            fields.push(field);
        }
        let mut resource = serde_json::json!({
            "name": stem,
            "path": file,
            "encoding": "utf-8",
            "schema": { "fields": fields, "missingValues": ["NA"] },
        });
        if format == "csv" {
            resource["profile"] = "tabular-data-resource".into();
            resource["format"] = "csv".into();
            resource["mediatype"] = "text/csv".into();
            resource["dialect"] =
                serde_json::json!({ "delimiter": ",", "header": true, "quoteChar": "\"" });
        } else {
            resource["profile"] = "data-resource".into();
            resource["format"] = "json".into();
            resource["mediatype"] = "application/json".into();
        }
        resources.push(resource);
    }
    Ok(serde_json::json!({
        "profile": if format == "csv" { "tabular-data-package" } else { "data-package" },
        "name": "sovcost-panels",
        "title": "sovcost analysis panels",
        "description": "The analysis panels of sovcost, derived from the sourced dataset (datasets/, CODEBOOK.md); see dictionary.csv and export.json.",
        "licenses": [{ "name": "MIT", "title": "MIT License" }],
        "sovcost": sovcost,
        "resources": resources,
    }))
}

//! LaTeX tables: one `\input`-able file per table, for a journal page
//! (`\textwidth` 6.5 in) with `booktabs`, `siunitx`, `tabularx` and `array`.
//!
//! The layout is read off the cells, so every table (of any analysis kind)
//! gets it: a column whose cells are mostly numbers is a `siunitx` `S` column
//! aligned on the decimal point (a number in parentheses keeps its place;
//! other cells, such as intervals, are centred over it); a text column with
//! long cells wraps (`tabularx` `X`, ragged right); the font steps down from
//! `\small` to `\footnotesize` and `\scriptsize` (7 pt) when the estimated
//! width of the table exceeds the text width. `tests/latex_tables.rs`
//! compiles every table with pdflatex and fails on an overfull box.

use crate::results::TableOut;

/// The preamble a document needs for these tables.
pub const PREAMBLE: &str =
    "\\usepackage{booktabs}\n\\usepackage{siunitx}\n\\usepackage{tabularx}\n\\usepackage{array}\n";

/// What one cell holds.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    /// A plain decimal number (ASCII minus), with its integer and decimal digits.
    Number {
        text: String,
        int: usize,
        dec: usize,
        negative: bool,
    },
    /// A number in parentheses, e.g. a standard error.
    Parenthesized {
        text: String,
        int: usize,
        dec: usize,
        negative: bool,
    },
    Text(String),
}

fn parse_number(s: &str) -> Option<(String, usize, usize, bool)> {
    let t = s.replace('−', "-");
    let negative = t.starts_with('-');
    let body = t.strip_prefix('-').unwrap_or(&t);
    let (int, dec) = body.split_once('.').unwrap_or((body, ""));
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || !(dec.is_empty() || digits(dec)) || (body.contains('.') && dec.is_empty()) {
        return None;
    }
    Some((t.clone(), int.len(), dec.len(), negative))
}

fn classify(s: &str) -> Cell {
    let s = s.trim();
    if s.is_empty() {
        return Cell::Empty;
    }
    if let Some((text, int, dec, negative)) = parse_number(s) {
        return Cell::Number {
            text,
            int,
            dec,
            negative,
        };
    }
    if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        if let Some((text, int, dec, negative)) = parse_number(inner) {
            return Cell::Parenthesized {
                text,
                int,
                dec,
                negative,
            };
        }
    }
    Cell::Text(s.to_string())
}

/// How a column is set.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// Decimal-aligned: integer and decimal digits, a minus sign, parentheses.
    Numeric {
        int: usize,
        dec: usize,
        negative: bool,
        parens: bool,
    },
    /// Short text, left-aligned.
    Left,
    /// Long text, wrapped.
    Wrapped,
}

/// Text longer than this wraps.
const WRAP_AT: usize = 28;

fn column_layout(cells: &[Cell]) -> Column {
    let numeric = cells
        .iter()
        .filter(|c| matches!(c, Cell::Number { .. } | Cell::Parenthesized { .. }))
        .count();
    let text: Vec<&String> = cells
        .iter()
        .filter_map(|c| match c {
            Cell::Text(t) => Some(t),
            _ => None,
        })
        .collect();
    if numeric > 0 && numeric >= text.len() {
        let (mut int, mut dec, mut negative, mut parens) = (1, 0, false, false);
        for c in cells {
            if let Cell::Number {
                int: i,
                dec: d,
                negative: n,
                ..
            }
            | Cell::Parenthesized {
                int: i,
                dec: d,
                negative: n,
                ..
            } = c
            {
                int = int.max(*i);
                dec = dec.max(*d);
                negative |= *n;
                parens |= matches!(c, Cell::Parenthesized { .. });
            }
        }
        Column::Numeric {
            int,
            dec,
            negative,
            parens,
        }
    } else if text.iter().any(|t| t.chars().count() > WRAP_AT) {
        Column::Wrapped
    } else {
        Column::Left
    }
}

fn column_spec(c: &Column) -> String {
    match c {
        Column::Numeric {
            int,
            dec,
            negative,
            parens,
        } => {
            let sign = if *negative { "-" } else { "" };
            let format = if *dec > 0 {
                format!("{sign}{int}.{dec}")
            } else {
                format!("{sign}{int}")
            };
            let space = if *parens {
                ", table-space-text-pre={(}, table-space-text-post={)}, table-align-text-before=false, table-align-text-after=false"
            } else {
                ""
            };
            format!("S[table-format={format}{space}]")
        }
        Column::Left => "l".into(),
        Column::Wrapped => ">{\\raggedright\\arraybackslash}X".into(),
    }
}

/// A cell as LaTeX in its column.
fn cell_tex(cell: &Cell, column: &Column) -> String {
    let numeric = matches!(column, Column::Numeric { .. });
    match cell {
        Cell::Empty => String::new(),
        Cell::Number { text, .. } if numeric => text.clone(),
        Cell::Parenthesized { text, .. } if numeric => format!("{{(}}{text}{{)}}"),
        Cell::Number { text, .. } => escape(text),
        Cell::Parenthesized { text, .. } => format!("({})", escape(text)),
        Cell::Text(t) if numeric => format!("\\multicolumn{{1}}{{c}}{{{}}}", escape(t)),
        Cell::Text(t) => escape(t),
    }
}

/// Text as LaTeX: specials escaped, symbols in math mode, a true minus.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '#' | '_' | '%' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '∞' => out.push_str("$\\infty$"),
            '≤' => out.push_str("$\\le$"),
            '≥' => out.push_str("$\\ge$"),
            'α' => out.push_str("$\\alpha$"),
            'τ' => out.push_str("$\\tau$"),
            '×' => out.push_str("$\\times$"),
            '→' => out.push_str("$\\to$"),
            '·' => out.push_str("$\\cdot$"),
            '±' => out.push_str("$\\pm$"),
            '−' => out.push_str("$-$"),
            '–' | '—' => out.push_str("--"),
            _ => out.push(c),
        }
    }
    out
}

/// The text width in points and the font steps tried, with their size in
/// points (for the width estimate).
const TEXT_WIDTH_PT: f64 = 6.5 * 72.27;
const FONTS: [(&str, f64); 3] = [
    ("\\small", 9.0),
    ("\\footnotesize", 8.0),
    ("\\scriptsize", 7.0),
];

/// The width of a text in ems, by character class (Computer Modern: digits
/// half an em, punctuation and spaces about a third, capitals wider).
fn text_ems(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            '0'..='9' => 0.5,
            '.' | ',' | ':' | ';' | '(' | ')' | '[' | ']' | ' ' | '\'' | 'i' | 'l' | 'j' | 't'
            | 'f' => 0.3,
            '−' | '×' | '→' | 'm' | 'w' | 'M' | 'W' => 0.85,
            'A'..='Z' => 0.7,
            _ => 0.5,
        })
        .sum()
}

/// The width a column would take at `size` points (widest cell plus the
/// column separation); a wrapped column at 14 ems.
fn column_width(rows: &[Vec<String>], j: usize, wrapped: bool, size: f64, sep: f64) -> f64 {
    let ems = if wrapped {
        14.0
    } else {
        rows.iter()
            .filter_map(|r| r.get(j))
            .map(|c| text_ems(c))
            .fold(0.0, f64::max)
    };
    // A margin of 20 % on the estimate (checked by compiling every table).
    1.2 * ems * size + 2.0 * sep
}

fn table_width(rows: &[Vec<String>], layout: &[Column], size: f64, sep: f64) -> f64 {
    layout
        .iter()
        .enumerate()
        .map(|(j, c)| column_width(rows, j, *c == Column::Wrapped, size, sep))
        .sum()
}

/// The column separation (`\tabcolsep`, points): LaTeX's default, then a
/// tighter one.
const SEPARATIONS: [f64; 2] = [6.0, 4.0];

/// A table's rows as set, its font and its column layout.
struct Setting {
    rows: Vec<Vec<String>>,
    font: &'static str,
    /// `\tabcolsep` in points.
    sep: f64,
    layout: Vec<Column>,
}

/// Folds the first column: each row label is broken at spaces into lines of
/// at most `ems`, the lines going into the empty first cells of the rows
/// that follow it (a regression table's standard-error and interval rows).
/// None when a label needs more lines than it has rows.
fn fold_first_column(rows: &[Vec<String>], ems: f64) -> Option<Vec<Vec<String>>> {
    let mut out: Vec<Vec<String>> = rows.to_vec();
    let mut i = 0;
    while i < rows.len() {
        let span = 1 + rows[i + 1..]
            .iter()
            .take_while(|r| r.first().is_none_or(|c| c.trim().is_empty()))
            .count();
        let mut lines: Vec<String> = Vec::new();
        for word in rows[i].first().map(String::as_str).unwrap_or("").split(' ') {
            match lines.last_mut() {
                Some(l) if text_ems(&format!("{l} {word}")) <= ems => {
                    l.push(' ');
                    l.push_str(word);
                }
                _ => lines.push(word.to_string()),
            }
        }
        if lines.len() > span {
            return None;
        }
        for (k, line) in lines.into_iter().enumerate() {
            if let Some(c) = out[i + k].first_mut() {
                *c = line;
            }
        }
        i += span;
    }
    Some(out)
}

/// The largest font at which the table fits the page, trying in turn: long
/// text unwrapped (where it runs less than half the page); the first column
/// folded into the rows below each label; long text wrapped.
fn fit_to_page(header: &[String], rows: &[Vec<String>], layout: &[Column]) -> Setting {
    let unwrapped: Vec<Column> = layout
        .iter()
        .enumerate()
        .map(|(j, c)| match c {
            Column::Wrapped if column_width(rows, j, false, 7.0, 4.0) < TEXT_WIDTH_PT / 2.0 => {
                Column::Left
            }
            c => c.clone(),
        })
        .collect();
    let mut candidates = vec![(rows.to_vec(), unwrapped.clone())];
    if let Some(folded) = fold_first_column(rows, 9.0) {
        candidates.push((folded, unwrapped));
    }
    candidates.push((rows.to_vec(), layout.to_vec()));
    for (rows, layout) in &candidates {
        let mut all = vec![header.to_vec()];
        all.extend(rows.iter().cloned());
        for (font, size) in FONTS {
            for sep in SEPARATIONS {
                if table_width(&all, layout, size, sep) <= TEXT_WIDTH_PT {
                    return Setting {
                        rows: rows.clone(),
                        font,
                        sep,
                        layout: layout.clone(),
                    };
                }
            }
        }
    }
    let (rows, layout) = candidates.pop().expect("three candidates");
    Setting {
        rows,
        font: FONTS[FONTS.len() - 1].0,
        sep: 4.0,
        layout,
    }
}

/// One table, `\input`-able.
pub fn table(t: &TableOut) -> String {
    let ncol = t.header.len();
    let cells_of = |rows: &[Vec<String>]| -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|r| {
                (0..ncol)
                    .map(|j| classify(r.get(j).map(String::as_str).unwrap_or("")))
                    .collect()
            })
            .collect()
    };
    let cells = cells_of(&t.rows);
    let layout: Vec<Column> = (0..ncol)
        .map(|j| {
            let col: Vec<Cell> = cells.iter().map(|r| r[j].clone()).collect();
            match column_layout(&col) {
                // The first column names the rows.
                Column::Numeric { .. } if j == 0 => Column::Left,
                c => c,
            }
        })
        .collect();
    let Setting {
        rows,
        font,
        sep,
        layout,
    } = fit_to_page(&t.header, &t.rows, &layout);
    let font = if sep == SEPARATIONS[0] {
        font.to_string()
    } else {
        format!("{font}\n\\setlength{{\\tabcolsep}}{{{sep}pt}}")
    };
    let cells = cells_of(&rows);
    let wraps = layout.contains(&Column::Wrapped);
    let spec: String = layout.iter().map(column_spec).collect::<Vec<_>>().join("");
    let (begin, end) = if wraps {
        (
            format!("\\begin{{tabularx}}{{\\textwidth}}{{{spec}}}"),
            "\\end{tabularx}",
        )
    } else {
        (format!("\\begin{{tabular}}{{{spec}}}"), "\\end{tabular}")
    };
    let mut s = format!(
        "% Generated by sovcost; needs {}.\n\\begin{{table}}[htbp]\n\\centering\n{font}\n\\caption{{{}}}\n\\label{{tab:{}}}\n{begin}\n\\toprule\n",
        PREAMBLE.trim_end().replace('\n', " "),
        escape(&t.caption),
        t.name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "-"),
    );
    let head: Vec<String> = t
        .header
        .iter()
        .zip(&layout)
        .map(|(h, c)| match c {
            Column::Numeric { .. } if !h.is_empty() => format!("{{{}}}", escape(h)),
            _ => escape(h),
        })
        .collect();
    s.push_str(&format!("{} \\\\\n\\midrule\n", head.join(" & ")));
    for row in &cells {
        let tex: Vec<String> = row
            .iter()
            .zip(&layout)
            .map(|(c, l)| cell_tex(c, l))
            .collect();
        s.push_str(&format!("{} \\\\\n", tex.join(" & ")));
    }
    s.push_str(&format!("\\bottomrule\n{end}\n\\end{{table}}\n"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_as_numbers_or_text() {
        assert_eq!(
            classify("−7.10"),
            Cell::Number {
                text: "-7.10".into(),
                int: 1,
                dec: 2,
                negative: true
            }
        );
        assert!(matches!(
            classify("(2.29)"),
            Cell::Parenthesized { dec: 2, .. }
        ));
        assert!(matches!(classify("[0.40, 52.50]"), Cell::Text(_)));
        assert!(matches!(classify("1."), Cell::Text(_)));
        assert_eq!(
            escape("\\input{x} 50% & $ −1"),
            "\\textbackslash{}input\\{x\\} 50\\% \\& \\$ $-$1"
        );
    }

    #[test]
    fn a_numeric_column_is_aligned_and_its_text_centred() {
        let t = TableOut {
            name: "t".into(),
            caption: "A table".into(),
            header: vec!["".into(), "main".into()],
            rows: vec![
                vec!["Cost".into(), "−7.10".into()],
                vec!["".into(), "(2.29)".into()],
                vec!["".into(), "[−12.07, −2.99]".into()],
            ],
        };
        let tex = table(&t);
        assert!(tex.contains("S[table-format=-1.2, table-space-text-pre={(}, table-space-text-post={)}, table-align-text-before=false, table-align-text-after=false]"));
        assert!(tex.contains("\\multicolumn{1}{c}{[$-$12.07, $-$2.99]}"));
        assert!(tex.contains("{(}2.29{)}"));
        assert!(tex.contains("& {main} \\\\"));
    }
}

//! The structure of a CSV file, checked before any cell is read: UTF-8 text,
//! the delimiter, a header of distinct non-empty names, and every record with
//! as many fields as the header (a ragged row is an error with its line, never
//! a row whose values shift). Quoting is RFC 4180's: a field that starts with
//! `"` runs to the next lone `"` (`""` is a quote inside it, and it may span
//! lines); a `"` inside an unquoted field is a plain character. Blank lines
//! are skipped, as R's `read.csv` does.

/// Delimiters recognised in a header when none is given.
pub const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// A structural problem: the line (1-based), the data row when there is one,
/// and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub line: usize,
    pub row: Option<usize>,
    pub rule: String,
}

fn fail<T>(line: usize, row: Option<usize>, rule: impl Into<String>) -> Result<T, ScanError> {
    Err(ScanError {
        line,
        row,
        rule: rule.into(),
    })
}

/// A delimiter's name in messages.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        b',' => "',' (comma)".into(),
        b';' => "';' (semicolon)".into(),
        other => format!("'{}'", other as char),
    }
}

/// The delimiter of a file whose first line is `header`: the one candidate
/// found in it outside quotes; `fallback` when there is none (a one-column
/// file). Several candidates are an error: the file must say which it uses.
pub fn detect_delimiter(header: &[u8], fallback: u8) -> Result<u8, String> {
    let mut quoted = false;
    let mut found = [false; CANDIDATES.len()];
    for &b in header {
        if b == b'\n' {
            break;
        }
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                found[k] = true;
            }
        }
    }
    let present: Vec<u8> = (0..CANDIDATES.len())
        .filter(|&k| found[k])
        .map(|k| CANDIDATES[k])
        .collect();
    match present.as_slice() {
        [] => Ok(fallback),
        [one] => Ok(*one),
        several => Err(format!(
            "the header line holds more than one possible delimiter ({}); say which one \
             separates the fields with --delimiter",
            several
                .iter()
                .map(|&d| delimiter_name(d))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A file read by [`scan`].
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    pub header: Vec<String>,
    pub n_rows: usize,
    /// The line on which each data row starts, when some row is not on line
    /// `row + 1`; `None` otherwise.
    pub row_lines: Option<Vec<usize>>,
    /// The cells column by column (`None` for an empty cell), when asked for.
    pub columns: Vec<Vec<Option<String>>>,
}

/// One field of a record: its byte range and whether it was quoted.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    quoted: bool,
}

/// Checks the structure of `bytes` (a whole file) with `delimiter`, and
/// collects its cells when `collect` is set.
pub fn scan(bytes: &[u8], delimiter: u8, collect: bool) -> Result<Scanned, ScanError> {
    let text = utf8(bytes)?;
    let b = text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes();
    let mut reader = Records {
        b,
        pos: 0,
        line: 1,
        delimiter,
    };
    let mut fields = Vec::new();
    let Some(header_line) = reader.next(&mut fields)? else {
        return fail(1, None, "the file is empty (no header row)");
    };
    let header = header_names(b, &fields, header_line)?;
    let mut out = Scanned {
        columns: if collect {
            vec![Vec::new(); header.len()]
        } else {
            vec![]
        },
        header,
        ..Default::default()
    };
    while let Some(line) = reader.next(&mut fields)? {
        let row = out.n_rows + 1;
        if fields.len() != out.header.len() {
            return fail(
                line,
                Some(row),
                format!(
                    "the row has {} fields, but the header has {} (a field missing or one \
                     too many; a cell holding the delimiter must be quoted)",
                    fields.len(),
                    out.header.len()
                ),
            );
        }
        if out.row_lines.is_none() && line != row + 1 {
            out.row_lines = Some((1..row).map(|r| r + 1).collect());
        }
        if let Some(lines) = &mut out.row_lines {
            lines.push(line);
        }
        if collect {
            for (column, span) in out.columns.iter_mut().zip(&fields) {
                let cell = cell_text(b, *span);
                column.push((!cell.is_empty()).then_some(cell));
            }
        }
        out.n_rows = row;
    }
    Ok(out)
}

fn utf8(bytes: &[u8]) -> Result<&str, ScanError> {
    std::str::from_utf8(bytes).or_else(|e| {
        let at = e.valid_up_to();
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
        fail(
            line,
            None,
            format!(
                "the file is not UTF-8 text (byte 0x{:02X}); save it as UTF-8 (CSV UTF-8 in Excel)",
                bytes[at]
            ),
        )
    })
}

fn header_names(b: &[u8], fields: &[Span], line: usize) -> Result<Vec<String>, ScanError> {
    let names: Vec<String> = fields.iter().map(|&s| cell_text(b, s)).collect();
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return fail(
                line,
                None,
                format!("field {} of the header (the column names) is empty", i + 1),
            );
        }
        if let Some(j) = names[..i].iter().position(|n| n == name) {
            return fail(
                line,
                None,
                format!(
                    "the column name '{name}' appears twice in the header (fields {} and {}); \
                     rename one, since a model could otherwise use the wrong column",
                    j + 1,
                    i + 1
                ),
            );
        }
    }
    Ok(names)
}

fn cell_text(b: &[u8], span: Span) -> String {
    // The spans end on ASCII bytes of valid UTF-8 text.
    let raw = String::from_utf8_lossy(&b[span.start..span.end]);
    if span.quoted {
        raw.replace("\"\"", "\"")
    } else {
        raw.into_owned()
    }
}

/// Records of a file, one at a time.
struct Records<'a> {
    b: &'a [u8],
    pos: usize,
    line: usize,
    delimiter: u8,
}

impl Records<'_> {
    /// The next non-blank record's fields into `fields`; its first line, or
    /// `None` at the end.
    fn next(&mut self, fields: &mut Vec<Span>) -> Result<Option<usize>, ScanError> {
        loop {
            if self.pos >= self.b.len() {
                return Ok(None);
            }
            let start_line = self.line;
            fields.clear();
            self.record(fields)?;
            let blank = fields.len() == 1 && !fields[0].quoted && fields[0].start == fields[0].end;
            if !blank {
                return Ok(Some(start_line));
            }
        }
    }

    fn record(&mut self, fields: &mut Vec<Span>) -> Result<(), ScanError> {
        let (b, d) = (self.b, self.delimiter);
        loop {
            let span = if b.get(self.pos) == Some(&b'"') {
                self.quoted()?
            } else {
                let start = self.pos;
                let end = memchr::memchr2(d, b'\n', &b[start..]).map_or(b.len(), |i| start + i);
                self.pos = end;
                let trimmed = if b.get(end) != Some(&d) && end > start && b[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                Span {
                    start,
                    end: trimmed,
                    quoted: false,
                }
            };
            fields.push(span);
            match b.get(self.pos) {
                Some(&c) if c == d => self.pos += 1,
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return Ok(());
                }
                Some(b'\r') if b.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                    return Ok(());
                }
                None => return Ok(()),
                Some(_) => {
                    return fail(
                        self.line,
                        None,
                        "text follows the closing quote of a quoted cell (a quote inside a \
                         quoted cell is written twice: \"\")",
                    )
                }
            }
        }
    }

    /// A quoted field starting at `pos`; leaves `pos` after its closing quote.
    fn quoted(&mut self) -> Result<Span, ScanError> {
        let b = self.b;
        let open_line = self.line;
        let start = self.pos + 1;
        let mut at = start;
        loop {
            let Some(i) = memchr::memchr(b'"', &b[at..]) else {
                return fail(
                    open_line,
                    None,
                    "a quoted cell that starts on this line is never closed (unbalanced quotes)",
                );
            };
            self.line += memchr::memchr_iter(b'\n', &b[at..at + i]).count();
            at += i;
            if b.get(at + 1) == Some(&b'"') {
                at += 2;
                continue;
            }
            self.pos = at + 1;
            return Ok(Span {
                start,
                end: at,
                quoted: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_blank_lines_and_ragged_rows() {
        let s = scan(
            b"a,b\r\n\"x,\"\"y\",2\r\n\r\n3,\"multi\nline\"\n4,5",
            b',',
            true,
        )
        .unwrap();
        assert_eq!(s.header, vec!["a", "b"]);
        assert_eq!(s.n_rows, 3);
        assert_eq!(s.columns[0][0].as_deref(), Some("x,\"y"));
        assert_eq!(s.columns[1][1].as_deref(), Some("multi\nline"));
        assert_eq!(s.row_lines, Some(vec![2, 4, 6]));
        let e = scan(b"a,b\n1,2\n3\n", b',', false).unwrap_err();
        assert_eq!((e.line, e.row), (3, Some(2)));
        let e = scan(b"a,b\n1,\"2\n", b',', false).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(scan(b"a,a\n1,2\n", b',', false).is_err());
        assert!(scan(b"a,\n1,2\n", b',', false).is_err());
        assert!(scan(b"a,b\n1,\"2\"x\n", b',', false).is_err());
        assert!(scan(b"a,b\n1,\xff\n", b',', false).is_err());
    }

    #[test]
    fn detects_one_delimiter() {
        assert_eq!(detect_delimiter(b"y;x\n1;2", b','), Ok(b';'));
        assert_eq!(detect_delimiter(b"y\tx", b','), Ok(b'\t'));
        assert_eq!(detect_delimiter(b"\"a;b\",c", b','), Ok(b','));
        assert_eq!(detect_delimiter(b"y", b';'), Ok(b';'));
        assert!(detect_delimiter(b"y;x,z", b',').is_err());
    }
}

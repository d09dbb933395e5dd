//! A fast reader for the common large input: a plain CSV file whose model
//! columns hold only numbers. It reads the file in large pieces, splits each
//! piece at line ends and parses the pieces in parallel, keeping only the
//! wanted columns. Anything it does not understand (a quote character, a
//! ragged line, a cell that is not a plain decimal number or `NA`/empty, a
//! header problem) makes it give up and return `None`; the caller then reads
//! the file through polars, and finally through the text reader that reports
//! the row and column of a bad cell. Numbers are parsed exactly (correctly
//! rounded, as Rust's own `f64` parser, which handles every cell the fast
//! path below does not).

use std::path::Path;

use rayon::prelude::*;

/// Bytes per parallel task.
const TASK_BYTES: usize = 1 << 20;

/// The wanted columns of the file as numbers (`NaN` for an empty or `NA`
/// cell), in the order asked; `None` if the fast path does not apply.
pub fn read(path: &Path, wanted: &[String]) -> Option<Vec<Vec<f64>>> {
    let layout = Layout {
        widths: vec![1; wanted.len()],
        places: (0..wanted.len()).map(|k| (k, 0)).collect(),
        constants: vec![],
    };
    read_into(path, wanted, &layout).map(|r| r.buffers)
}

/// What [`read_into`] read.
#[derive(Debug)]
pub struct NumericRead {
    /// The buffers of the layout, filled.
    pub buffers: Vec<Vec<f64>>,
    /// Whether any wanted cell was missing (empty or `NA`, read as `NaN`).
    pub any_missing: bool,
}

/// Where the wanted columns go: into row-major buffers of the given widths
/// (values per row), wanted column k at `places[k] = (buffer, offset in the
/// row)`; `constants` are `(buffer, offset, value)` slots filled with a
/// constant (an intercept column).
#[derive(Debug, Clone)]
pub struct Layout {
    pub widths: Vec<usize>,
    pub places: Vec<(usize, usize)>,
    pub constants: Vec<(usize, usize, f64)>,
}

/// Reads the wanted columns into the buffers of `layout`; `None` if the fast
/// path does not apply.
///
/// The file is memory-mapped (not pre-faulted: the parallel tasks fault in
/// their own pages, which measured faster than one thread mapping the whole
/// file up front); the data lines are cut into tasks of about a
/// megabyte at line ends, the lines of each task are counted, the buffers
/// are allocated once at their final length, and each task parses its lines
/// straight into its own rows of every buffer.
pub fn read_into(path: &Path, wanted: &[String], layout: &Layout) -> Option<NumericRead> {
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() == 0 {
        return None;
    }
    // SAFETY: the map is only read; a file changed by another process while
    // it is being read could give wrong numbers, as it would for any reader.
    let map = unsafe { memmap2::MmapOptions::new().map(&file).ok()? };
    let bytes: &[u8] = &map;
    let header_end = memchr::memchr(b'\n', bytes)?;
    let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
    let header = header.strip_prefix('\u{feff}').unwrap_or(header);
    let names: Vec<&str> = header.trim_end_matches('\r').split(',').collect();
    // A one-column file (blank lines), another delimiter or a quote: the
    // general reader decides (see `csv_scan`).
    if header.contains(['"', ';', '\t'])
        || names.len() < 2
        || names.iter().any(|n| n.trim().is_empty())
    {
        return None;
    }
    let distinct: std::collections::BTreeSet<&&str> = names.iter().collect();
    if distinct.len() != names.len() {
        return None;
    }
    let n_fields = names.len();
    // For each field, where it goes (if wanted).
    let mut slot: Vec<Option<(usize, usize)>> = vec![None; n_fields];
    for (k, w) in wanted.iter().enumerate() {
        let f = names.iter().position(|n| n == w)?;
        slot[f] = Some(layout.places[k]);
    }
    let body = &bytes[header_end + 1..];
    // Tasks: whole lines, about TASK_BYTES each.
    let mut bounds = vec![0];
    while *bounds.last().expect("non-empty") < body.len() {
        let start = *bounds.last().expect("non-empty");
        let target = start + TASK_BYTES;
        let end = if target >= body.len() {
            body.len()
        } else {
            match memchr::memchr(b'\n', &body[target..]) {
                Some(i) => target + i + 1,
                None => body.len(),
            }
        };
        bounds.push(end);
    }
    let tasks: Vec<&[u8]> = bounds.windows(2).map(|w| &body[w[0]..w[1]]).collect();
    let rows: Vec<usize> = tasks.par_iter().map(|t| count_lines(t)).collect();
    let total: usize = rows.iter().sum();
    let mut buffers: Vec<Vec<f64>> = layout
        .widths
        .iter()
        .map(|&w| vec![0.0; total * w])
        .collect();
    // Each task's rows of every buffer.
    let mut parts: Vec<Vec<&mut [f64]>> = (0..tasks.len()).map(|_| Vec::new()).collect();
    for (buffer, &width) in buffers.iter_mut().zip(&layout.widths) {
        let mut rest: &mut [f64] = buffer;
        for (t, &r) in rows.iter().enumerate() {
            let (mine, later) = rest.split_at_mut(r * width);
            parts[t].push(mine);
            rest = later;
        }
    }
    let missing: Option<Vec<bool>> = tasks
        .par_iter()
        .zip(parts.par_iter_mut())
        .map(|(text, out)| {
            // Text that is not UTF-8 (in any column) is refused by the
            // general reader, so it is not read here either.
            if !text.is_ascii() && std::str::from_utf8(text).is_err() {
                return None;
            }
            for &(b, offset, value) in &layout.constants {
                let width = layout.widths[b];
                out[b]
                    .iter_mut()
                    .skip(offset)
                    .step_by(width)
                    .for_each(|v| *v = value);
            }
            parse_lines(text, &slot, &layout.widths, out)
        })
        .collect();
    let any_missing = missing?.into_iter().any(|m| m);
    Some(NumericRead {
        buffers,
        any_missing,
    })
}

/// Lines (a last line may lack its line end).
fn count_lines(text: &[u8]) -> usize {
    let ends = memchr::memchr_iter(b'\n', text).count();
    ends + usize::from(text.last().is_some_and(|&b| b != b'\n'))
}

/// Bytes equal to `byte` in an 8-byte word: 0x80 in each such byte and 0
/// elsewhere (exact, no false positives).
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Bit `i` set where byte `i` of the 16 bytes is ',' or '\n'.
#[cfg(target_arch = "x86_64")]
#[inline]
fn delimiter_bits(chunk: &[u8; 16]) -> u64 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline, and the load is unaligned
    // from a 16-byte array.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr() as *const __m128i);
        let comma = _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8));
        let newline = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
        _mm_movemask_epi8(_mm_or_si128(comma, newline)) as u32 as u64
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn delimiter_bits(chunk: &[u8; 16]) -> u64 {
    let mut bits = 0;
    for (i, &b) in chunk.iter().enumerate() {
        if b == b',' || b == b'\n' {
            bits |= 1 << i;
        }
    }
    bits
}

/// Bytes per delimiter block: the delimiters of 64 bytes are found at once,
/// so the refill branch runs about once every six cells.
const BLOCK: usize = 64;

/// Positions of ',' and '\n' in order, found 64 bytes at a time.
struct Delimiters<'a> {
    text: &'a [u8],
    /// Start of the current block.
    base: usize,
    /// Delimiter bits of the current block not yet returned.
    mask: u64,
}

impl<'a> Delimiters<'a> {
    fn new(text: &'a [u8]) -> Self {
        let mut d = Delimiters {
            text,
            base: 0,
            mask: 0,
        };
        d.mask = d.block_mask(0);
        d
    }

    #[inline]
    fn block_mask(&self, base: usize) -> u64 {
        let bits = |block: &[u8; BLOCK]| -> u64 {
            let mut mask = 0;
            for (k, chunk) in block.chunks_exact(16).enumerate() {
                mask |= delimiter_bits(chunk.try_into().expect("sixteen bytes")) << (16 * k);
            }
            mask
        };
        match self.text.get(base..base + BLOCK) {
            Some(block) => bits(block.try_into().expect("a block")),
            None => {
                let rest = &self.text[base.min(self.text.len())..];
                let mut buf = [0u8; BLOCK];
                buf[..rest.len()].copy_from_slice(rest);
                bits(&buf)
            }
        }
    }

    /// The next delimiter position, or `None` at the end of the text.
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += BLOCK;
            if self.base >= self.text.len() {
                return None;
            }
            self.mask = self.block_mask(self.base);
        }
        let pos = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        (pos < self.text.len()).then_some(pos)
    }
}

/// Parses the lines of one task into `out` (one slice per wanted column),
/// and says whether a wanted cell was missing. An empty line, a line with
/// too few or too many fields, a quote character or a cell that is not a
/// plain number gives `None`.
fn parse_lines(
    text: &[u8],
    slot: &[Option<(usize, usize)>],
    widths: &[usize],
    out: &mut [&mut [f64]],
) -> Option<bool> {
    if memchr::memchr(b'"', text).is_some() {
        return None;
    }
    let n_fields = slot.len();
    let len = text.len();
    let mut delimiters = Delimiters::new(text);
    let mut start = 0;
    let mut row = 0;
    let mut any_missing = false;
    while start < len {
        for (field, target) in slot.iter().enumerate() {
            let end = delimiters.next().unwrap_or(len);
            let last = field + 1 == n_fields;
            // A field must end with ',' unless it is the last of its line.
            let at_comma = end < len && text[end] == b',';
            if at_comma == last {
                return None;
            }
            if let Some((b, offset)) = *target {
                let mut cell_end = end;
                if last && cell_end > start && text[cell_end - 1] == b'\r' {
                    cell_end -= 1;
                }
                let value = parse_cell_in(text, start, cell_end)?;
                any_missing |= value.is_nan();
                *out[b].get_mut(row * widths[b] + offset)? = value;
            }
            start = end + 1;
        }
        row += 1;
    }
    let expected = out
        .first()
        .map(|b| b.len() / widths[0].max(1))
        .unwrap_or(row);
    (row == expected).then_some(any_missing)
}

/// Powers of ten that are exact in binary64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Eight ASCII digits (first digit in the lowest byte) as a number; the
/// classic SWAR reduction in three multiplications.
#[inline]
fn eight_digits(word: u64) -> u64 {
    const MASK: u64 = 0x0000_00ff_0000_00ff;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let mut v = word.wrapping_sub(0x3030_3030_3030_3030);
    v = v.wrapping_mul(10).wrapping_add(v >> 8);
    ((v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2)))
        >> 32
}

#[inline]
fn all_digits(word: u64) -> bool {
    (word.wrapping_add(0x4646_4646_4646_4646) | word.wrapping_sub(0x3030_3030_3030_3030))
        & 0x8080_8080_8080_8080
        == 0
}

/// The common cell `[digits].[digits]` of at most eight bytes, without
/// branches on its digits: the bytes are padded with '0' to a word, the point
/// is cut out and the eight digits are reduced at once. The value is
/// `M / 10^k` with `M < 10^8` and `k <= 8`, both exact, so the quotient is the
/// correctly rounded decimal.
#[inline]
fn short_decimal(digits: &[u8]) -> Option<f64> {
    if digits.len() < 2 || digits.len() > 8 {
        return None;
    }
    let mut buf = [b'0'; 8];
    buf[..digits.len()].copy_from_slice(digits);
    short_decimal_word(u64::from_le_bytes(buf))
}

/// [`short_decimal`] on the cell's bytes already padded with '0' to a word.
#[inline]
fn short_decimal_word(word: u64) -> Option<f64> {
    let dots = bytes_equal(word, b'.');
    if dots.count_ones() != 1 {
        return None;
    }
    let d = (dots.trailing_zeros() / 8) as usize;
    let low = if d == 0 { 0 } else { u64::MAX >> (64 - 8 * d) };
    let packed = (word & low) | ((word >> 8) & !low) | (0x30u64 << 56);
    if !all_digits(packed) {
        return None;
    }
    Some(eight_digits(packed) as f64 / POW10[8 - d])
}

/// The cell `text[start..end]`, as [`parse_cell`]; the common short decimal
/// is read as one word straight from the text (no copy).
#[inline]
fn parse_cell_in(text: &[u8], start: usize, end: usize) -> Option<f64> {
    let len = end - start;
    if len >= 3 && start + 9 <= text.len() {
        // No branch on the sign: half the cells of centred data are negative.
        let negative = text[start] == b'-';
        let from = start + usize::from(negative);
        let digits = end - from;
        if (2..=8).contains(&digits) {
            let raw = u64::from_le_bytes(text[from..from + 8].try_into().expect("eight bytes"));
            // Keep the cell's bytes; fill the rest with '0'.
            let keep = if digits == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * digits)) - 1
            };
            let word = (raw & keep) | (0x3030_3030_3030_3030 & !keep);
            if let Some(v) = short_decimal_word(word) {
                return Some(f64::from_bits(v.to_bits() | (u64::from(negative) << 63)));
            }
        }
    }
    parse_cell(&text[start..end])
}

/// One cell: `NaN` for a missing cell, the number for a plain decimal, `None`
/// for anything else (including infinite values).
pub fn parse_cell(cell: &[u8]) -> Option<f64> {
    if cell.is_empty() || cell == b"NA" {
        return Some(f64::NAN);
    }
    let (negative, digits) = match cell[0] {
        b'-' => (true, &cell[1..]),
        b'+' => (false, &cell[1..]),
        _ => (false, cell),
    };
    if let Some(v) = short_decimal(digits) {
        return Some(if negative { -v } else { v });
    }
    let mut mantissa: u64 = 0;
    let mut n_digits = 0usize;
    let mut scale: i64 = 0;
    let mut i = 0;
    let mut seen_digit = false;
    // Digits from the first non-zero one on (more than 15 take the slow path,
    // so the wrapping arithmetic never matters).
    let take = |d: u8, mantissa: &mut u64, n_digits: &mut usize| {
        if d != b'0' || *n_digits > 0 {
            *n_digits += 1;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add((d - b'0') as u64);
    };
    while i < digits.len() && digits[i].is_ascii_digit() {
        take(digits[i], &mut mantissa, &mut n_digits);
        seen_digit = true;
        i += 1;
    }
    if i < digits.len() && digits[i] == b'.' {
        i += 1;
        while i < digits.len() && digits[i].is_ascii_digit() {
            take(digits[i], &mut mantissa, &mut n_digits);
            scale -= 1;
            seen_digit = true;
            i += 1;
        }
    }
    if !seen_digit {
        return None;
    }
    if i < digits.len() && (digits[i] == b'e' || digits[i] == b'E') {
        return slow_parse(cell);
    }
    if i != digits.len() {
        return None;
    }
    // Clinger's fast path: an integer mantissa below 2^53 and a power of ten
    // that is exact give a correctly rounded quotient or product.
    if n_digits > 15 || mantissa >= (1u64 << 53) || scale < -22 {
        return slow_parse(cell);
    }
    let m = mantissa as f64;
    let v = if scale < 0 {
        m / POW10[(-scale) as usize]
    } else {
        m
    };
    Some(if negative { -v } else { v })
}

fn slow_parse(cell: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(cell).ok()?;
    let v: f64 = text.parse().ok()?;
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_as_rust_parses_them() {
        for text in [
            "0",
            "1",
            "-0.5",
            "+2.25",
            "0.304717",
            "-1.039984",
            "123456789012345",
            "1.5e3",
            "-2E-5",
            ".5",
            "5.",
            "0.1",
            "3.141592653589793",
            "1234567890.1234567",
            "0.000000000000000000000001",
            "9007199254740993",
        ] {
            let want: f64 = text.parse().unwrap();
            let got = parse_cell(text.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
        }
        assert!(parse_cell(b"").unwrap().is_nan());
        assert!(parse_cell(b"NA").unwrap().is_nan());
        for bad in [
            "abc", "1.2.3", " 1", "1 ", "TRUE", "inf", "NaN", "-", ".", "1e", "1e999",
        ] {
            assert!(parse_cell(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn random_decimals_parse_bit_for_bit() {
        let mut state = 12345u64;
        for _ in 0..200_000 {
            let r = crate::rng::splitmix64(&mut state);
            let digits = (r % 12) as usize;
            let mag = ((r >> 8) % 1_000_000_000) as f64 / 10f64.powi(((r >> 40) % 10) as i32);
            let v = if r & (1 << 50) != 0 { -mag } else { mag };
            let text = format!("{v:.digits$}");
            let want: f64 = text.parse().unwrap();
            let got = parse_cell(text.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
        }
    }

    #[test]
    fn reads_wanted_columns_and_gives_up_on_what_it_does_not_know() {
        let dir = std::env::temp_dir().join(format!("sovcost-numeric-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        std::fs::write(&path, "y,a,b\r\n1,2.5,x\r\n0,NA,y\r\n1,,z").unwrap();
        let got = read(&path, &["a".into(), "y".into()]).unwrap();
        assert_eq!(got[1], vec![1.0, 0.0, 1.0]);
        assert_eq!(got[0][0], 2.5);
        assert!(got[0][1].is_nan() && got[0][2].is_nan());
        std::fs::write(&path, "y,a\n1,\"2\"\n").unwrap();
        assert!(read(&path, &["a".into()]).is_none());
        std::fs::write(&path, "y,a\n1,2,3\n").unwrap();
        assert!(read(&path, &["a".into()]).is_none());
        std::fs::write(&path, "y,a\n1,TRUE\n").unwrap();
        assert!(read(&path, &["a".into()]).is_none());
        assert!(read(&path, &["nope".into()]).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

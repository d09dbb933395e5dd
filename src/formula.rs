//! An R-style model formula: `y ~ a + b`, interactions `a:b` and `a*b`,
//! categorical terms `C(area)` / `C(area, ref=human_rights)`, and `- 1` (or
//! `+ 0`) for a model without intercept. Names with other characters can be
//! written in backticks: `` `cost index` ``.
//!
//! Terms are ordered as R orders them: by the number of variables in the term
//! (main effects, then two-way interactions, ...), and otherwise as written.

use std::fmt;

use crate::error::{Error, Result};

/// One variable inside a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Factor {
    /// A numeric covariate, used as it is.
    Numeric(String),
    /// A categorical covariate, expanded into indicator columns with
    /// treatment coding against `reference` (the first level if `None`).
    Categorical {
        name: String,
        reference: Option<String>,
    },
}

impl Factor {
    pub fn variable(&self) -> &str {
        match self {
            Factor::Numeric(n) => n,
            Factor::Categorical { name, .. } => name,
        }
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Factor::Numeric(n) => write!(f, "{n}"),
            Factor::Categorical { name, reference } => match reference {
                Some(r) => write!(f, "C({name}, ref={r})"),
                None => write!(f, "C({name})"),
            },
        }
    }
}

/// A term: one variable, or an interaction of several.
#[derive(Debug, Clone)]
pub struct Term {
    pub factors: Vec<Factor>,
}

impl Term {
    /// The term's label as R writes it (`a`, `a:b`).
    pub fn label(&self) -> String {
        self.factors
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join(":")
    }

    fn variables_sorted(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.factors.iter().map(|f| f.variable()).collect();
        v.sort_unstable();
        v
    }

    /// Same set of variables (`a:b` is `b:a`).
    pub fn same_as(&self, other: &Term) -> bool {
        self.variables_sorted() == other.variables_sorted()
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        self.same_as(other)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub response: String,
    pub intercept: bool,
    pub terms: Vec<Term>,
    text: String,
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.text)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(String),
    Tilde,
    Plus,
    Minus,
    Colon,
    Star,
    LParen,
    RParen,
    Comma,
    Equals,
}

fn single_char_token(c: char) -> Option<Token> {
    Some(match c {
        '~' => Token::Tilde,
        '+' => Token::Plus,
        '-' => Token::Minus,
        ':' => Token::Colon,
        '*' => Token::Star,
        '(' => Token::LParen,
        ')' => Token::RParen,
        ',' => Token::Comma,
        '=' => Token::Equals,
        _ => return None,
    })
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            c if single_char_token(c).is_some() => {
                tokens.extend(single_char_token(c));
                i += 1
            }
            '`' | '"' | '\'' => {
                let close = c;
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != close {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(Error::usage(format!(
                        "formula '{text}': unclosed {close} quote"
                    )));
                }
                let name: String = chars[start..j].iter().collect();
                if name.is_empty() {
                    return Err(Error::usage(format!("formula '{text}': empty quoted name")));
                }
                tokens.push(Token::Name(name));
                i = j + 1;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                // A name may start with digits only if letters follow (e.g. 2nd): keep R's rule
                // that names start with a letter or a dot; digits alone are a number.
                if i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '_') {
                    return Err(Error::usage(format!(
                        "formula '{text}': a name cannot start with a digit (quote it in backticks)"
                    )));
                }
                tokens.push(Token::Number(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '.' || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => {
                return Err(Error::usage(format!(
                    "formula '{text}': unexpected character '{other}'"
                )))
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    text: &'a str,
}

/// One operand of `+`/`-`: either a set of terms or an intercept marker.
enum Operand {
    Terms(Vec<Term>),
    Intercept(bool),
}

impl<'a> Parser<'a> {
    fn error(&self, msg: &str) -> Error {
        Error::usage(format!("formula '{}': {msg}", self.text))
    }
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, want: Token, what: &str) -> Result<()> {
        match self.next() {
            Some(t) if t == want => Ok(()),
            _ => Err(self.error(&format!("expected {what}"))),
        }
    }

    fn factor(&mut self) -> Result<Factor> {
        match self.next() {
            Some(Token::Name(name)) => {
                if name == "C" && self.peek() == Some(&Token::LParen) {
                    self.next();
                    let var = match self.next() {
                        Some(Token::Name(v)) => v,
                        _ => return Err(self.error("C( must be followed by a column name")),
                    };
                    let mut reference = None;
                    if self.peek() == Some(&Token::Comma) {
                        self.next();
                        match self.next() {
                            Some(Token::Name(k)) if k == "ref" || k == "reference" => {}
                            _ => return Err(self.error("expected ref=LEVEL inside C(...)")),
                        }
                        self.expect(Token::Equals, "'=' after ref")?;
                        reference = match self.next() {
                            Some(Token::Name(v)) | Some(Token::Number(v)) => Some(v),
                            _ => return Err(self.error("expected a level after ref=")),
                        };
                    }
                    self.expect(Token::RParen, "')' to close C(...)")?;
                    Ok(Factor::Categorical {
                        name: var,
                        reference,
                    })
                } else if self.peek() == Some(&Token::LParen) {
                    Err(self.error(&format!(
                        "function {name}(...) is not supported (only C(...)); compute the column in the data"
                    )))
                } else {
                    Ok(Factor::Numeric(name))
                }
            }
            Some(Token::LParen) => Err(self.error("parentheses are not supported in formulas")),
            _ => Err(self.error("expected a variable name")),
        }
    }

    /// `a:b:c`
    fn interaction(&mut self) -> Result<Vec<Factor>> {
        let mut factors = vec![self.factor()?];
        while self.peek() == Some(&Token::Colon) {
            self.next();
            factors.push(self.factor()?);
        }
        Ok(factors)
    }

    /// `a:b * c` : products expand to all sub-interactions.
    fn operand(&mut self) -> Result<Operand> {
        if let Some(Token::Number(n)) = self.peek().cloned() {
            self.next();
            return match n.as_str() {
                "1" => Ok(Operand::Intercept(true)),
                "0" => Ok(Operand::Intercept(false)),
                _ => Err(self.error(&format!("the number {n} is not a term (use 1 or 0)"))),
            };
        }
        let mut groups = vec![self.interaction()?];
        while self.peek() == Some(&Token::Star) {
            self.next();
            groups.push(self.interaction()?);
        }
        // Expand a*b*c into every non-empty product of the groups, in R's order.
        let mut terms: Vec<Term> = Vec::new();
        let k = groups.len();
        for mask in 1u32..(1u32 << k) {
            let mut factors = Vec::new();
            for (g, group) in groups.iter().enumerate() {
                if mask & (1 << g) != 0 {
                    for f in group {
                        if !factors
                            .iter()
                            .any(|x: &Factor| x.variable() == f.variable())
                        {
                            factors.push(f.clone());
                        }
                    }
                }
            }
            let term = Term { factors };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        Ok(Operand::Terms(terms))
    }
}

/// Parses a formula.
pub fn parse(text: &str) -> Result<Formula> {
    let tokens = tokenize(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        text,
    };
    let response = match p.next() {
        Some(Token::Name(n)) => n,
        _ => return Err(p.error("must start with the outcome column, as in 'y ~ x'")),
    };
    p.expect(Token::Tilde, "'~' after the outcome")?;
    let mut terms: Vec<Term> = Vec::new();
    let mut intercept = true;
    let mut sign_plus = true;
    let mut first = true;
    loop {
        if !first || matches!(p.peek(), Some(Token::Minus) | Some(Token::Plus)) {
            match p.next() {
                Some(Token::Plus) => sign_plus = true,
                Some(Token::Minus) => sign_plus = false,
                None if !first => break,
                _ => return Err(p.error("expected '+' or '-' between terms")),
            }
        }
        first = false;
        if p.peek().is_none() {
            return Err(p.error("ends with an operator"));
        }
        match p.operand()? {
            Operand::Intercept(one) => intercept = if sign_plus { one } else { !one },
            Operand::Terms(new) => {
                for t in new {
                    if sign_plus {
                        if !terms.contains(&t) {
                            terms.push(t);
                        }
                    } else {
                        terms.retain(|x| x != &t);
                    }
                }
            }
        }
    }
    for t in &terms {
        if t.factors.iter().any(|f| f.variable() == response) {
            return Err(p.error(&format!(
                "the outcome '{response}' also appears on the right-hand side"
            )));
        }
    }
    // R orders terms by their degree; stable within a degree.
    terms.sort_by_key(|t| t.factors.len());
    // A variable must be used consistently: numeric or categorical, one reference.
    let mut kinds: Vec<&Factor> = Vec::new();
    for t in &terms {
        for f in &t.factors {
            if let Some(prev) = kinds.iter().find(|k| k.variable() == f.variable()) {
                if *prev != f {
                    return Err(p.error(&format!(
                        "'{}' is used both as {} and as {}",
                        f.variable(),
                        prev,
                        f
                    )));
                }
            } else {
                kinds.push(f);
            }
        }
    }
    if terms.is_empty() && !intercept {
        return Err(p.error("the model has no terms and no intercept"));
    }
    Ok(Formula {
        response,
        intercept,
        terms,
        text: text.trim().to_string(),
    })
}

impl Formula {
    /// Every variable the formula reads from the data, outcome first.
    pub fn variables(&self) -> Vec<String> {
        let mut vars = vec![self.response.clone()];
        for t in &self.terms {
            for f in &t.factors {
                if !vars.iter().any(|v| v == f.variable()) {
                    vars.push(f.variable().to_string());
                }
            }
        }
        vars
    }

    /// The same formula without one term (for likelihood-ratio tests).
    pub fn without_term(&self, index: usize) -> Formula {
        let mut f = self.clone();
        let removed = f.terms.remove(index);
        f.text = format!("{} - {}", self.text, removed.label());
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(f: &Formula) -> Vec<String> {
        f.terms.iter().map(|t| t.label()).collect()
    }

    #[test]
    fn main_effects_and_interactions() {
        let f = parse("y ~ a*b + c").unwrap();
        assert_eq!(labels(&f), vec!["a", "b", "c", "a:b"]);
        assert!(f.intercept);
        let f = parse("y ~ a + b - 1").unwrap();
        assert!(!f.intercept);
        let f = parse("y ~ 0 + a").unwrap();
        assert!(!f.intercept);
        let f = parse("y ~ a*b - a:b").unwrap();
        assert_eq!(labels(&f), vec!["a", "b"]);
        let f = parse("y ~ a*b*c").unwrap();
        assert_eq!(
            labels(&f),
            vec!["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"]
        );
    }

    #[test]
    fn categorical_terms() {
        let f = parse("y ~ C(area, ref=human_rights) + x:C(area, ref=human_rights)").unwrap();
        assert_eq!(
            f.terms[0].factors[0],
            Factor::Categorical {
                name: "area".into(),
                reference: Some("human_rights".into())
            }
        );
        assert!(parse("y ~ C(area) + x:C(area, ref=b)").is_err());
        assert_eq!(f.variables(), vec!["y", "area", "x"]);
    }

    #[test]
    fn bad_formulas_are_errors() {
        for bad in [
            "",
            "~ x",
            "y x",
            "y ~",
            "y ~ x +",
            "y ~ log(x)",
            "y ~ y + x",
            "y ~ (a + b):c",
            "y ~ 2",
            "y ~ x $ z",
            "y ~ -1",
        ] {
            assert!(parse(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn backticks_and_dots() {
        let f = parse("`my y` ~ `cost index` + x.1").unwrap();
        assert_eq!(f.response, "my y");
        assert_eq!(labels(&f), vec!["cost index", "x.1"]);
    }
}

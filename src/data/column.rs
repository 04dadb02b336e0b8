//! Typed, compact columns: one vector per field, `None` as a sentinel, so
//! a million members fit in a few hundred bytes each.

use std::sync::Arc;

use crate::program::Ty;
use crate::value::{Rat, Value};

#[derive(Debug, Clone)]
pub enum Column {
    /// 0 = false, 1 = true, 2 = none.
    Bool(Vec<u8>),
    /// (numerator, denominator); denominator 0 = none.
    Num(Vec<(i64, i64)>),
    /// Days since 1970-01-01; `i32::MIN` = none.
    Date(Vec<i32>),
    /// All texts end to end; text i is `data[ends[i-1]..ends[i]]`; empty = none.
    Text { data: String, ends: Vec<usize> },
    /// `u16::MAX` = none.
    Enum(Vec<u16>),
    /// `u8::MAX` = none.
    Grade(Vec<u8>),
    /// Organisation index; `u32::MAX` = none.
    Org(Vec<u32>),
}

impl Column {
    pub fn new(ty: Ty) -> Column {
        match ty {
            Ty::Bool => Column::Bool(Vec::new()),
            Ty::Int | Ty::Number | Ty::Percent => Column::Num(Vec::new()),
            Ty::Date => Column::Date(Vec::new()),
            Ty::Enum(_) => Column::Enum(Vec::new()),
            Ty::Grade => Column::Grade(Vec::new()),
            Ty::Org => Column::Org(Vec::new()),
            Ty::Text | Ty::GradeSet | Ty::Rounding | Ty::Null => Column::Text {
                data: String::new(),
                ends: Vec::new(),
            },
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Text { ends, .. } => ends.len(),
            Column::Enum(v) => v.len(),
            Column::Grade(v) => v.len(),
            Column::Org(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a value; a value of another type is stored as none (the
    /// loader and the checker make sure that does not happen).
    pub fn push(&mut self, v: &Value) {
        match self {
            Column::Bool(c) => c.push(match v {
                Value::Bool(b) => *b as u8,
                _ => 2,
            }),
            Column::Num(c) => c.push(match v {
                Value::Num(r) => {
                    let r = r.reduced();
                    match (i64::try_from(r.num), i64::try_from(r.den)) {
                        (Ok(n), Ok(d)) => (n, d),
                        _ => (0, 0),
                    }
                }
                _ => (0, 0),
            }),
            Column::Date(c) => c.push(match v {
                Value::Date(d) => *d,
                _ => i32::MIN,
            }),
            Column::Text { data, ends } => {
                if let Value::Text(t) = v {
                    data.push_str(t);
                }
                ends.push(data.len());
            }
            Column::Enum(c) => c.push(match v {
                Value::Enum(e) => *e,
                _ => u16::MAX,
            }),
            Column::Grade(c) => c.push(match v {
                Value::Grade(g) => *g,
                _ => u8::MAX,
            }),
            Column::Org(c) => c.push(match v {
                Value::Org(o) => *o,
                _ => u32::MAX,
            }),
        }
    }

    /// Appends a text (to a text column).
    pub fn push_text(&mut self, t: &str) {
        if let Column::Text { data, ends } = self {
            data.push_str(t);
            ends.push(data.len());
        }
    }

    pub fn text(&self, i: usize) -> &str {
        match self {
            Column::Text { data, ends } => {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                &data[start..ends[i]]
            }
            _ => "",
        }
    }

    pub fn org(&self, i: usize) -> Option<u32> {
        match self {
            Column::Org(c) => c.get(i).copied().filter(|&o| o != u32::MAX),
            _ => None,
        }
    }

    pub fn set_org(&mut self, i: usize, org: u32) {
        if let Column::Org(c) = self {
            c[i] = org;
        }
    }

    /// The value in row `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Value {
        match self {
            Column::Bool(c) => match c[i] {
                2 => Value::None,
                b => Value::Bool(b == 1),
            },
            Column::Num(c) => match c[i] {
                (_, 0) => Value::None,
                (n, d) => Value::Num(Rat {
                    num: n as i128,
                    den: d as i128,
                }),
            },
            Column::Date(c) => match c[i] {
                i32::MIN => Value::None,
                d => Value::Date(d),
            },
            Column::Text { .. } => {
                let t = self.text(i);
                if t.is_empty() {
                    Value::None
                } else {
                    Value::Text(Arc::from(t))
                }
            }
            Column::Enum(c) => match c[i] {
                u16::MAX => Value::None,
                e => Value::Enum(e),
            },
            Column::Grade(c) => match c[i] {
                u8::MAX => Value::None,
                g => Value::Grade(g),
            },
            Column::Org(c) => match c[i] {
                u32::MAX => Value::None,
                o => Value::Org(o),
            },
        }
    }
}

//! The crafting error: which layer, which field, and (for spec strings) which column.

/// Why a packet could not be composed or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CraftError {
    /// The spec string is not valid expression syntax.
    #[error("at column {col}: {msg}")]
    Syntax { col: usize, msg: String },
    /// A name that is not one of Strata's layers (Scapy classes).
    #[error("at column {col}: unknown layer '{name}'{hint}")]
    UnknownLayer {
        col: usize,
        name: String,
        hint: String,
    },
    /// A keyword argument the layer does not have.
    #[error("{}{layer} has no field '{field}'{hint}", at(*col))]
    UnknownField {
        col: Option<usize>,
        layer: &'static str,
        field: String,
        hint: String,
    },
    /// A value the field cannot take (wrong type, out of range, not an address ...).
    #[error("{}{layer}.{field}: {msg}", at(*col))]
    BadValue {
        col: Option<usize>,
        layer: &'static str,
        field: String,
        msg: String,
    },
    /// The spec expands into more packets than Strata will make at once.
    #[error("the spec expands to more than {max} packets")]
    TooManyPackets { max: usize },
    /// A layer that cannot be built as stacked (e.g. an option too long for its length byte).
    #[error("{layer}: {msg}")]
    Build { layer: &'static str, msg: String },
}

fn at(col: Option<usize>) -> String {
    match col {
        Some(c) => format!("at column {c}: "),
        None => String::new(),
    }
}

impl CraftError {
    /// Attaches a spec column to a field error raised by a layer's setter.
    pub(crate) fn at_column(self, c: usize) -> CraftError {
        match self {
            CraftError::UnknownField {
                layer, field, hint, ..
            } => CraftError::UnknownField {
                col: Some(c),
                layer,
                field,
                hint,
            },
            CraftError::BadValue {
                layer, field, msg, ..
            } => CraftError::BadValue {
                col: Some(c),
                layer,
                field,
                msg,
            },
            e => e,
        }
    }
}

pub type Result<T> = core::result::Result<T, CraftError>;

/// " (did you mean 'dst'?)" when one candidate is within two edits of `name`.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let best = candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, c)) => format!(" (did you mean '{c}'?)"),
        None => String::new(),
    }
}

/// Edit distance with transpositions (optimal string alignment), case-insensitive: `TPC` is
/// one edit from `TCP`. Short names only, so O(n*m) is fine.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("dstt", ["src", "dst"]),
            " (did you mean 'dst'?)"
        );
        assert_eq!(did_you_mean("window", ["src", "dst"]), "");
    }
}

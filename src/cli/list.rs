//! `jazu --list`: one line per scheme with its id, an example conversion and its description,
//! in aligned columns (the description, the longest, comes last).

use std::io::{self, Write};

use jazu::{Scheme, Source, Transliterator};

/// Writes the list of [`Scheme::all`] to `out`.
pub fn write_list(out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 3]> = Scheme::all()
        .map(|scheme| {
            let word = scheme.example();
            let converted = match Transliterator::new(Source::Auto, scheme) {
                Ok(t) => t.convert(word).into_owned(),
                Err(_) => word.to_string(),
            };
            [
                scheme.id().to_string(),
                format!("{word} → {converted}"),
                scheme.description().to_string(),
            ]
        })
        .collect();
    let id_width = rows.iter().map(|r| width(&r[0])).max().unwrap_or(0);
    let example_width = rows.iter().map(|r| width(&r[1])).max().unwrap_or(0);
    for [id, example, description] in &rows {
        let id_pad = " ".repeat(id_width - width(id));
        let example_pad = " ".repeat(example_width - width(example));
        writeln!(out, "{id}{id_pad}  {example}{example_pad}  {description}")?;
    }
    Ok(())
}

/// Terminal columns taken by `text`: its characters, not counting combining marks (the tie of
/// `t͡s` takes no column of its own).
fn width(text: &str) -> usize {
    text.chars().filter(|&c| !is_combining(c)).count()
}

/// The blocks of combining diacritical marks.
fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("Şymkent"), 7);
        assert_eq!(width("n\u{0361}g"), 2);
    }
}

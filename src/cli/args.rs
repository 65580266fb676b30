//! The command line of `jazu`: options declared with clap's derive API, and the parsers of the
//! values that clap cannot parse by itself (scheme ids, `--map` rules).

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::builder::{PossibleValue, RangedU64ValueParser, StringValueParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use clap_complete::Shell;
use jazu::{Scheme, Source, UnknownScheme};

/// Shown at the end of `jazu --help`.
const AFTER_LONG_HELP: &str = "\
Several files:
  The files are converted in the order given and written one after the other, like cat does.
  When one of them cannot be converted (missing, unreadable, a directory, not UTF-8), jazu prints
  an error line for it, goes on with the others, and exits with status 2 at the end.

Exit status:
  0  success, also when the reader of the output goes away early (jazu big.txt | head -1)
  1  --check found something to repair
  2  any error: a bad option, an unknown scheme or an unsupported pair, a malformed --map or
     --table, an input that cannot be read or is not UTF-8, an output that cannot be written

Examples:
  echo 'Қазақстан' | jazu                        prints Qazaqstan
  jazu news.txt > news.latn.txt                  the 2021 Latin alphabet
  jazu -t bgn-pcgn -o out.txt in.txt             BGN/PCGN romanization into out.txt
  jazu -i chapter1.md chapter2.md                rewrite files in place
  jazu --html page.html > page.latn.html         leave tags and attribute values alone
  jazu --map 'Ц=Ts' --map 'ц=ts' notes.txt       write Ц as Ts instead of the table's S
  jazu -f cyrl -t cyrl notes.txt                 normalize: look-alikes, keyboard, spelling
  jazu -f cyrl -t cyrl --check notes.txt         list what would be repaired, exit 1 if any
  jazu --spelling --report json news.txt         Авраам → Ibrahim, each repair on stderr
  jazu --list                                    the schemes, with an example each
  jazu --completions bash > ~/.local/share/bash-completion/completions/jazu";

/// The most threads `--threads` takes.
pub const MAX_THREADS: usize = 256;

/// Converts Kazakh Cyrillic text to a Latin alphabet (or another romanization).
///
/// Reads the FILEs in order, or standard input when there are none or for `-`, and writes the
/// converted text to standard output. Only Kazakh Cyrillic letters change: URLs, e-mail
/// addresses, @handles, English words, numbers, markup and line endings are copied as they are.
/// Input is streamed in constant memory, so files of any size work.
#[derive(Debug, Parser)]
#[command(
    name = "jazu",
    version,
    about,
    long_about,
    after_long_help = AFTER_LONG_HELP,
    max_term_width = 100
)]
pub struct Args {
    /// Files to convert, in order; `-` or none reads standard input
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Script of the input (`auto`: convert every Kazakh Cyrillic word)
    #[arg(short, long, value_name = "ID", default_value = "auto", value_parser = IdParser::<Source>::new())]
    pub from: Source,

    /// Scheme to convert to
    #[arg(short, long, value_name = "ID", default_value = "latn-2021", value_parser = IdParser::<Scheme>::new())]
    pub to: Scheme,

    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,

    /// Rewrite each FILE with its conversion
    ///
    /// Each file is converted into a temporary file in the same directory, which is synced and
    /// then renamed over the original, keeping its permissions. When anything fails the
    /// temporary file is removed and the original is left untouched.
    #[arg(short, long, requires = "files")]
    pub in_place: bool,

    /// List the schemes, with a description and an example each
    #[arg(long, exclusive = true)]
    pub list: bool,

    /// Replace invalid UTF-8 with U+FFFD instead of stopping with an error
    #[arg(long)]
    pub lossy: bool,

    /// HTML input: leave tags, attribute values, comments, code and scripts alone
    ///
    /// Text between tags and the `alt` and `title` attributes are converted; tags, other
    /// attribute values, comments and the contents of <code>, <pre>, <script> and <style> are
    /// copied as they are.
    #[arg(long)]
    pub html: bool,

    /// Override a rule: FROM becomes TO, optionally only in CONTEXT
    ///
    /// Repeatable. CONTEXT takes the conditions of a rule table (`caps`, `start`, `end`,
    /// `after:CLASS`, `before:CLASS`; see tables/README.md). A key given with --map loses all
    /// its bundled rules, so a rule with a context needs a default next to it:
    /// `--map 'Ш=SH;caps' --map 'Ш=Sh'`. More examples: `--map 'Ц=Ts'`, `--map 'ъ='` (drop
    /// the letter). A --map rule wins over a --table row for the same key and context.
    #[arg(long, value_name = "FROM=TO[;CONTEXT]", value_parser = parse_map)]
    pub map: Vec<MapRule>,

    /// Load rules from a table FILE (TSV, format of tables/README.md)
    ///
    /// Repeatable. Every key a table names replaces the bundled rules of that key; where two
    /// tables have a row for the same key and context, the later one wins.
    #[arg(long, value_name = "FILE")]
    pub table: Vec<PathBuf>,

    /// Don't repair look-alike letters of the other script inside words
    #[arg(long)]
    pub no_repair: bool,

    /// Don't protect URLs, e-mail addresses and @handles: convert them like other text
    #[arg(long)]
    pub no_protect: bool,

    /// Unify spelling variants: Авраамның → Ибраһимнің, Токаев → Тоқаев (tables/variants.tsv)
    ///
    /// `kazakh` (the default value) writes the Kazakh form of each pair, `variant` the other
    /// spelling. On by default from cyrl to cyrl (normalization); off by default otherwise.
    #[arg(long, value_name = "SIDE", num_args = 0..=1, default_missing_value = "kazakh", value_parser = ["kazakh", "variant"])]
    pub spelling: Option<String>,

    /// Leave spelling variants alone, also from cyrl to cyrl
    #[arg(long, conflicts_with = "spelling")]
    pub no_spelling: bool,

    /// More spelling variants: a TSV file with the header `kazakh<TAB>variants<TAB>source`
    /// (variants separated by `|`), repeatable
    #[arg(long, value_name = "FILE")]
    pub variants: Vec<PathBuf>,

    /// Read back Kazakh typed on a Russian keyboard (Казакстан → Қазақстан) in Kazakh sentences
    ///
    /// On by default from cyrl to cyrl (normalization). It looks every word up in a lexicon,
    /// which makes a conversion many times slower.
    #[arg(long, conflicts_with = "no_keyboard")]
    pub keyboard: bool,

    /// Don't read back Russian-keyboard stand-ins, also from cyrl to cyrl
    #[arg(long)]
    pub no_keyboard: bool,

    /// Write each repair to standard error as a line of JSON (offset, line, column, before,
    /// after, repair), or to --report-file
    #[arg(long, value_name = "FORMAT", value_parser = ["json"])]
    pub report: Option<String>,

    /// Write the --report lines to FILE instead of standard error
    #[arg(long, value_name = "FILE", requires = "report")]
    pub report_file: Option<PathBuf>,

    /// Don't convert: list what would be repaired (FILE:LINE:COLUMN: repair: before -> after)
    /// and exit with status 1 if anything would change
    #[arg(long, conflicts_with_all = ["output", "in_place", "report"])]
    pub check: bool,

    /// Words to read from Latin to Cyrillic before the bundled lexicon: a TSV file with the
    /// header `latin<TAB>cyrillic` (repeatable)
    #[arg(long, value_name = "FILE")]
    pub exceptions: Vec<PathBuf>,

    /// Read Latin back to Cyrillic with the letter rules only, without the bundled lexicon
    #[arg(long)]
    pub no_lexicon: bool,

    /// Print shell completions for SHELL and exit
    #[arg(long, value_name = "SHELL", exclusive = true)]
    pub completions: Option<Shell>,

    /// Don't show a progress bar (shown on a terminal for inputs of 8 MiB and more)
    #[arg(short, long)]
    pub quiet: bool,

    /// Convert on N threads, at most 256 (0: one per available core) [default: one per core
    /// for a file of 1 MiB or more, 1 for other input]
    ///
    /// With more than one, each input is read in blocks of 512 KiB cut at line ends, the
    /// blocks are converted in parallel and written in order; the output is the same as with
    /// one thread, byte for byte. Input that arrives slowly comes out a block at a time, so a
    /// pipe or a terminal is streamed on one thread unless --threads says otherwise.
    /// --html input is converted on one thread (markup can span lines), and so is the rest of
    /// an input from about its first line of 512 KiB or more.
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<usize>::new().range(0..=MAX_THREADS as u64))]
    pub threads: Option<usize>,
}

impl Args {
    /// Parses the command line, exiting with clap's message and status 2 on a usage error.
    pub fn parse_checked() -> Args {
        let args = Args::parse();
        if args.in_place && args.files.iter().any(|f| is_stdin(f)) {
            Args::command()
                .error(
                    ErrorKind::ArgumentConflict,
                    "--in-place rewrites files; standard input (`-`) cannot be rewritten",
                )
                .exit();
        }
        args
    }
}

/// Whether a FILE argument stands for standard input.
pub fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "-"
}

/// One `--map FROM=TO[;CONTEXT]` rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapRule {
    /// The Cyrillic text the rule matches.
    pub from: String,
    /// What it becomes (may be empty).
    pub to: String,
    /// Conditions of the rule, as in a rule table; `None` for the default rule.
    pub context: Option<String>,
}

/// Parses `FROM=TO` or `FROM=TO;CONTEXT`. TO may be empty; FROM may not.
pub fn parse_map(spec: &str) -> Result<MapRule, String> {
    let (from, rest) = spec
        .split_once('=')
        .ok_or_else(|| "expected FROM=TO or FROM=TO;CONTEXT".to_string())?;
    if from.is_empty() {
        return Err("FROM is empty; expected FROM=TO or FROM=TO;CONTEXT".to_string());
    }
    let (to, context) = match rest.split_once(';') {
        Some((to, context)) => (to, Some(context.to_string())),
        None => (rest, None),
    };
    Ok(MapRule {
        from: from.to_string(),
        to: to.to_string(),
        context,
    })
}

/// Parses a scheme id (or `auto`, for [`Source`]) with the library's `FromStr`, so an unknown
/// id is answered with the list of valid ids, and offers the ids of [`Scheme::all`] to shell
/// completions and `--help`.
#[derive(Clone, Debug)]
struct IdParser<T>(PhantomData<fn() -> T>);

impl<T> IdParser<T> {
    fn new() -> Self {
        IdParser(PhantomData)
    }
}

/// What [`IdParser`] needs of the type it parses.
trait SchemeId: FromStr<Err = UnknownScheme> + Clone + Send + Sync + 'static {
    /// Whether `auto` is a valid value.
    const AUTO: bool;
}

impl SchemeId for Scheme {
    const AUTO: bool = false;
}

impl SchemeId for Source {
    const AUTO: bool = true;
}

impl<T: SchemeId> TypedValueParser for IdParser<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<T, clap::Error> {
        StringValueParser::new()
            .try_map(|s| s.parse::<T>())
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let auto = T::AUTO.then(|| PossibleValue::new("auto").help("detect: convert Kazakh Cyrillic words"));
        let ids = Scheme::all().map(|s| PossibleValue::new(s.id()).help(s.name()));
        Some(Box::new(auto.into_iter().chain(ids)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_specs() {
        let rule = |from: &str, to: &str, context: Option<&str>| MapRule {
            from: from.to_string(),
            to: to.to_string(),
            context: context.map(str::to_string),
        };
        assert_eq!(parse_map("Ц=Ts"), Ok(rule("Ц", "Ts", None)));
        assert_eq!(parse_map("ъ="), Ok(rule("ъ", "", None)));
        assert_eq!(parse_map("Ш=SH;caps"), Ok(rule("Ш", "SH", Some("caps"))));
        assert_eq!(
            parse_map("е=ye;start after:vowel"),
            Ok(rule("е", "ye", Some("start after:vowel")))
        );
        assert!(parse_map("Ц").is_err());
        assert!(parse_map("=x").is_err());
    }

    #[test]
    fn command_is_consistent() {
        Args::command().debug_assert();
    }
}

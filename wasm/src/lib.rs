//! WebAssembly bindings of [`jazu`] for browsers and Node.
//!
//! A thin layer over the library: it reads the JavaScript arguments, calls [`jazu`], and turns
//! the results into plain JavaScript objects. Byte offsets of the library become UTF-16
//! code-unit offsets, the unit of JavaScript strings. No conversion rule lives here.
//!
//! The exports, as JavaScript sees them:
//!
//! - `convert(text, from, to, options?)` → `string`
//! - `convertWithChanges(text, from, to, options?)` → `{ text, changes }`
//! - `normalize(text, options?)` → `{ text, changes? }`
//! - `detect(text)` → `string | null`
//! - `schemes()` → `[{ id, name, description, example, exampleLatin? }]`
//!
//! Bad arguments (an unknown scheme id, a malformed option, an unsupported pair of schemes)
//! throw a JavaScript `Error` whose message says what is wrong; for ids it lists the valid ones.

#![deny(missing_docs)]
#![deny(unsafe_code)]

use std::borrow::Cow;
use std::cell::RefCell;

use jazu::{Change, Scheme, Source, Spelling, Transliterator};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A scheme id: `cyrl` or one of the Latin schemes. */
export type SchemeId =
  | "cyrl" | "latn-2021" | "latn-2018" | "latn-2017"
  | "bgn-pcgn" | "iso9" | "ala-lc" | "wiki-latn";

/** Options of `convert` and `convertWithChanges`. Every field is optional. */
export interface ConvertOptions {
  /** Unify spelling variants (Авраамның → Ибраһимнің, Токаев → Тоқаев): `true` or
   *  `"kazakh"` writes the Kazakh form, `"variant"` the other spelling, `false` leaves them.
   *  Default `false`, except from `cyrl` to `cyrl` (normalization), where it is `"kazakh"`. */
  spelling?: boolean | "kazakh" | "variant";
  /** Your own spelling variants: a TSV table with the header `kazakh	variants	source`
   *  (variants separated by `|`), added to the bundled table. */
  variants?: string;
  /** Read back Kazakh typed on a Russian keyboard (Казакстан → Қазақстан). This package leaves
   *  out the lexicon that needs (600 KB gzipped): `true` throws; `false` is accepted. The jazu
   *  crate and command line have it. */
  keyboard?: boolean;
  /** HTML mode: tags, attribute values (except `alt` and `title`), comments and the contents of
   *  `<code>`, `<pre>`, `<script>` and `<style>` are copied untouched. Default `false`. */
  html?: boolean;
  /** Repair look-alike letters of the other script inside a word (`Аxios` with a Cyrillic А
   *  becomes `Axios`). Default `true`. */
  repair?: boolean;
  /** Copy URLs, e-mail addresses and @handles untouched. Default `true`. */
  protect?: boolean;
  /** Your own rules, which replace the bundled rules for the same text: `{ "ц": "ts" }`. */
  map?: Record<string, string>;
  /** A table of rules in the TSV format of the library's `tables/README.md` (header
   *  `from	to	context	note`), applied over the bundled table. */
  exceptions?: string;
}

/** One repair made while converting or normalizing. */
export interface Change {
  /** Offset of the changed text in the input, in UTF-16 code units (JavaScript string index). */
  offset: number;
  /** Length of the changed text in the input, in UTF-16 code units. */
  length: number;
  /** Offset of the converted text of the change in the output, in UTF-16 code units, or `null`
   *  when it cannot be told apart (HTML mode, or a word whose conversion depends on its
   *  neighbours). */
  outputOffset: number | null;
  /** Length of that text in the output, in UTF-16 code units, or `null` with `outputOffset`. */
  outputLength: number | null;
  /** The text as it was in the input. */
  before: string;
  /** The text after the repair, before any conversion to another script. */
  after: string;
  /** Which repair: `"nfc"` (put in Unicode NFC), `"lookalike"` (a letter of the other
   *  script), `"keyboard"` (Russian-keyboard stand-ins), `"spelling"` (a spelling variant), or
   *  `"ambiguous"` (no change: a word left as it is that reads as other words too). */
  repair: "nfc" | "lookalike" | "keyboard" | "spelling" | "ambiguous";
  /** A short explanation for people. */
  description: string;
  /** The other words the input reads as (with the Russian-keyboard lexicon, which this
   *  package leaves out; else empty). */
  alternatives: string[];
}

/** The result of `convertWithChanges`. */
export interface Converted {
  /** The converted text. */
  text: string;
  /** The repairs, in input order. */
  changes: Change[];
}

/** Options of `normalize`. */
export interface NormalizeOptions {
  /** Also return the list of changes. Default `false`. */
  changes?: boolean;
}

/** The result of `normalize`. */
export interface Normalized {
  /** The normalized text, in the same script as the input. */
  text: string;
  /** The repairs, when `options.changes` was `true`. */
  changes?: Change[];
}

/** A scheme, as listed by `schemes()`. */
export interface SchemeInfo {
  /** The stable id, such as `latn-2021`. */
  id: SchemeId;
  /** A human-readable name. */
  name: string;
  /** A one-line description. */
  description: string;
  /** A Cyrillic example word. */
  example: string;
  /** The example converted to this scheme (Latin schemes only). */
  exampleLatin?: string;
}
"#;

/// Options of `convert` and `convertWithChanges`, read from the JavaScript object.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Options {
    spelling: Option<Spelling>,
    variants: Option<String>,
    keyboard: Option<bool>,
    html: bool,
    repair: bool,
    protect: bool,
    map: Vec<(String, String)>,
    exceptions: Option<String>,
}

/// The option names `convert` accepts, for error messages.
const CONVERT_OPTIONS: &[&str] = &[
    "spelling",
    "variants",
    "keyboard",
    "html",
    "repair",
    "protect",
    "map",
    "exceptions",
];

/// The option names `normalize` accepts.
const NORMALIZE_OPTIONS: &[&str] = &["changes"];

thread_local! {
    /// The last transliterator built, with what it was built from: typing in a page converts
    /// the same pair with the same options again and again.
    static LAST: RefCell<Option<(Source, Scheme, Options, Transliterator)>> = const { RefCell::new(None) };
}

fn error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

fn parse_source(from: &str) -> Result<Source, JsValue> {
    from.parse::<Source>().map_err(|e| error(format!("from: {e}")))
}

fn parse_scheme(to: &str) -> Result<Scheme, JsValue> {
    to.parse::<Scheme>().map_err(|e| error(format!("to: {e}")))
}

/// Checks that `options` is `undefined`, `null` or an object whose keys are all in `known`.
fn options_object(options: &JsValue, known: &[&str]) -> Result<Option<Object>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(error("options must be an object"));
    }
    let object: Object = options.clone().unchecked_into();
    for key in Object::keys(&object) {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(error(format!(
                "unknown option {key:?}; valid options: {}",
                known.join(", ")
            )));
        }
    }
    Ok(Some(object))
}

fn get(object: &Object, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(object, &JsValue::from_str(key))
}

/// Reads a boolean option; `undefined` gives `default`.
fn flag(object: &Object, key: &str, default: bool) -> Result<bool, JsValue> {
    let value = get(object, key)?;
    if value.is_undefined() {
        Ok(default)
    } else {
        value
            .as_bool()
            .ok_or_else(|| error(format!("option {key:?} must be true or false")))
    }
}

fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    let mut out = Options {
        repair: true,
        protect: true,
        ..Options::default()
    };
    let Some(object) = options_object(options, CONVERT_OPTIONS)? else {
        return Ok(out);
    };
    let spelling = get(&object, "spelling")?;
    out.spelling = match (spelling.as_bool(), spelling.as_string().as_deref()) {
        _ if spelling.is_undefined() || spelling.is_null() => None,
        (Some(true), _) | (_, Some("kazakh")) => Some(Spelling::Kazakh),
        (Some(false), _) => Some(Spelling::Off),
        (_, Some("variant")) => Some(Spelling::Variant),
        _ => {
            return Err(error(
                "option \"spelling\" must be true, false, \"kazakh\" or \"variant\"",
            ))
        }
    };
    if !get(&object, "keyboard")?.is_undefined() {
        let keyboard = flag(&object, "keyboard", false)?;
        if keyboard && !jazu::Builder::has_keyboard_lexicon() {
            return Err(error(
                "option \"keyboard\": this package leaves out the Russian-keyboard lexicon (600 KB \
                 gzipped); use the jazu crate or command line for it",
            ));
        }
        out.keyboard = Some(keyboard);
    }
    let variants = get(&object, "variants")?;
    if !variants.is_undefined() && !variants.is_null() {
        out.variants = Some(
            variants
                .as_string()
                .ok_or_else(|| error("option \"variants\" must be a string (a TSV table)"))?,
        );
    }
    out.html = flag(&object, "html", false)?;
    out.repair = flag(&object, "repair", true)?;
    out.protect = flag(&object, "protect", true)?;
    let map = get(&object, "map")?;
    if !map.is_undefined() && !map.is_null() {
        if !map.is_object() || Array::is_array(&map) {
            return Err(error(
                "option \"map\" must be an object of strings, such as { \"ц\": \"ts\" }",
            ));
        }
        for entry in Object::entries(&map.unchecked_into()) {
            let pair: Array = entry.unchecked_into();
            let from = pair.get(0).as_string().unwrap_or_default();
            let to = pair
                .get(1)
                .as_string()
                .ok_or_else(|| error(format!("option \"map\": the value for {from:?} must be a string")))?;
            out.map.push((from, to));
        }
    }
    let exceptions = get(&object, "exceptions")?;
    if !exceptions.is_undefined() && !exceptions.is_null() {
        out.exceptions = Some(
            exceptions
                .as_string()
                .ok_or_else(|| error("option \"exceptions\" must be a string (a TSV table)"))?,
        );
    }
    Ok(out)
}

fn build(from: Source, to: Scheme, options: &Options) -> Result<Transliterator, jazu::BuildError> {
    let mut builder = Transliterator::builder(from, to)
        .html(options.html)
        .repair_lookalikes(options.repair)
        .protect_links(options.protect);
    if let Some(keyboard) = options.keyboard {
        builder = builder.repair_keyboard(keyboard);
    }
    if let Some(spelling) = options.spelling {
        builder = builder.spelling(spelling);
    }
    if let Some(tsv) = &options.variants {
        builder = builder.variants("variants", tsv);
    }
    for (k, v) in &options.map {
        builder = builder.map(k, v);
    }
    if let Some(tsv) = &options.exceptions {
        builder = builder.table("exceptions", tsv);
    }
    builder.build()
}

/// Runs `f` with the transliterator for these arguments, built or reused.
fn with_transliterator<R>(
    from: &str,
    to: &str,
    options: &JsValue,
    f: impl FnOnce(&Transliterator) -> R,
) -> Result<R, JsValue> {
    let from = parse_source(from)?;
    let to = parse_scheme(to)?;
    let options = read_options(options)?;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let fresh = !matches!(&*last, Some((f, t, o, _)) if *f == from && *t == to && *o == options);
        if fresh {
            let t = build(from, to, &options).map_err(|e| error(e.to_string()))?;
            *last = Some((from, to, options, t));
        }
        let (_, _, _, t) = last.as_ref().expect("set above");
        Ok(f(t))
    })
}

/// Number of UTF-16 code units of `s`.
fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Where a change sits, in UTF-16 code units: in the input, and in the output when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    offset: usize,
    length: usize,
    output: Option<(usize, usize)>,
}

/// UTF-16 spans of `changes` (byte offsets into `input`, in input order).
///
/// The place of a change in `output` is found by converting the input in pieces cut at the
/// start and end of every change with `convert`, and is only reported when the pieces put
/// together give `output` exactly; otherwise every output place is `None`.
fn spans(input: &str, output: &str, changes: &[Change], convert: impl Fn(&str) -> String) -> Vec<Span> {
    let mut spans = Vec::with_capacity(changes.len());
    let mut byte = 0;
    let mut unit = 0;
    let mut ordered = true;
    for change in changes {
        let start = change.offset();
        let end = start + change.before().len();
        if start < byte || end > input.len() || !input.is_char_boundary(start) || !input.is_char_boundary(end) {
            // Not in input order or not on the input: report what can be told.
            spans.push(Span {
                offset: utf16_len(input.get(..start).unwrap_or("")),
                length: utf16_len(change.before()),
                output: None,
            });
            ordered = false;
            continue;
        }
        unit += utf16_len(&input[byte..start]);
        let length = utf16_len(&input[start..end]);
        spans.push(Span {
            offset: unit,
            length,
            output: None,
        });
        unit += length;
        byte = end;
    }
    if changes.is_empty() || !ordered {
        return spans;
    }
    // Output places: convert the pieces between and of the changes.
    let mut rebuilt = String::with_capacity(output.len());
    let mut places = Vec::with_capacity(changes.len());
    let mut byte = 0;
    let mut unit = 0;
    for change in changes {
        let start = change.offset();
        let end = start + change.before().len();
        let gap = convert(&input[byte..start]);
        unit += utf16_len(&gap);
        rebuilt.push_str(&gap);
        let word = convert(&input[start..end]);
        let length = utf16_len(&word);
        rebuilt.push_str(&word);
        places.push((unit, length));
        unit += length;
        byte = end;
    }
    rebuilt.push_str(&convert(&input[byte..]));
    if rebuilt == output {
        for (span, place) in spans.iter_mut().zip(places) {
            span.output = Some(place);
        }
    }
    spans
}

#[wasm_bindgen]
extern "C" {
    /// The global `TextDecoder` (browsers, Node).
    type TextDecoder;
    #[wasm_bindgen(constructor)]
    fn new(label: &str) -> TextDecoder;
    #[wasm_bindgen(method)]
    fn decode(this: &TextDecoder, units: &[u16]) -> JsValue;

    /// Node's global `Buffer`.
    type Buffer;
    #[wasm_bindgen(static_method_of = Buffer, js_name = from)]
    fn from_memory(memory: &JsValue, offset: u32, length: u32) -> Buffer;
    #[wasm_bindgen(method, js_name = toString)]
    fn to_string_in(this: &Buffer, encoding: &str) -> JsValue;
}

thread_local! {
    /// Whether this runs in Node (`process.versions.node` is set), where `Buffer` is there.
    static IN_NODE: bool = {
        let get = |object: &JsValue, key: &str| Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let versions = get(&get(&js_sys::global(), "process"), "versions");
        !versions.is_undefined() && get(&versions, "node").is_string()
    };
    /// A UTF-16 decoder, made once.
    static UTF16: TextDecoder = TextDecoder::new("utf-16le");
}

/// `text` as a JavaScript string. It is handed over as UTF-16, the form of JavaScript strings:
/// engines build a string from UTF-8 with letters beyond Latin-1 (Kazakh Latin's ğ ş ı, or
/// Cyrillic) several times slower than from UTF-16 (in Node 20, 170 MB/s against 360 MB/s
/// through `TextDecoder` and 900 MB/s through `Buffer`), and that step would otherwise take
/// most of the time of a conversion.
fn js_text(text: &str) -> JsValue {
    let units = utf16(text);
    if IN_NODE.with(|node| *node) {
        let memory = Reflect::get(&wasm_bindgen::memory(), &JsValue::from_str("buffer")).unwrap_or(JsValue::UNDEFINED);
        let bytes = u32::try_from(units.len() * 2).unwrap_or(u32::MAX);
        Buffer::from_memory(&memory, units.as_ptr() as u32, bytes).to_string_in("utf16le")
    } else {
        UTF16.with(|decoder| decoder.decode(&units))
    }
}

/// `text` in UTF-16, with quick paths for the one- and two-byte UTF-8 sequences of Kazakh text
/// (`str::encode_utf16` is several times slower in WebAssembly).
fn utf16(text: &str) -> Vec<u16> {
    let b = text.as_bytes();
    // A UTF-8 text never has more UTF-16 code units than bytes.
    let mut units = vec![0u16; b.len()];
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        match b[i] {
            c @ 0..=0x7F => {
                units[n] = u16::from(c);
                i += 1;
                n += 1;
            }
            c @ 0xC0..=0xDF => {
                units[n] = (u16::from(c & 0x1F) << 6) | u16::from(b[i + 1] & 0x3F);
                i += 2;
                n += 1;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                n += c.encode_utf16(&mut units[n..]).len();
                i += c.len_utf8();
            }
        }
    }
    units.truncate(n);
    units
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a property of a plain new object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

fn changes_array(input: &str, output: &str, changes: &[Change], convert: impl Fn(&str) -> String) -> Array {
    let array = Array::new();
    for (change, span) in changes.iter().zip(spans(input, output, changes, convert)) {
        let object = Object::new();
        set(&object, "offset", span.offset as f64);
        set(&object, "length", span.length as f64);
        match span.output {
            Some((offset, length)) => {
                set(&object, "outputOffset", offset as f64);
                set(&object, "outputLength", length as f64);
            }
            None => {
                set(&object, "outputOffset", JsValue::NULL);
                set(&object, "outputLength", JsValue::NULL);
            }
        }
        set(&object, "before", change.before());
        set(&object, "after", change.after());
        set(&object, "repair", change.repair().id());
        set(&object, "description", change.repair().description());
        let alternatives: Array = change.alternatives().iter().map(|a| JsValue::from_str(a)).collect();
        set(&object, "alternatives", alternatives);
        array.push(&object);
    }
    array
}

/// Converts Kazakh text from one script to another.
///
/// `from` is `auto`, `cyrl`, or (to normalize text within one scheme) the same id as `to`;
/// `to` is one of `cyrl`, `latn-2021`, `latn-2018`, `latn-2017`, `bgn-pcgn`, `iso9`, `ala-lc`,
/// `wiki-latn` (`latn` is short for `latn-2021`; case is ignored). Only Kazakh Cyrillic letters
/// are converted: URLs, e-mail addresses, @handles, English, emoji, numbers and line endings
/// pass through unchanged. The input is put in Unicode NFC, and a look-alike letter of the
/// other script inside a word is repaired.
///
/// `options`: `{ html?, repair?, protect?, map?, exceptions?, spelling? }` (see `ConvertOptions`).
///
/// Throws an `Error` for an unknown id (the message lists the valid ids), a malformed option or
/// table, or a pair that is not available (a romanization read back to Cyrillic).
///
/// ```js
/// convert("Қазақстан Республикасы", "cyrl", "latn-2021"); // "Qazaqstan Respublikasy"
/// ```
#[wasm_bindgen(unchecked_return_type = "string")]
pub fn convert(
    text: &str,
    from: &str,
    to: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "ConvertOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    with_transliterator(from, to, &options, |t| js_text(&t.convert(text)))
}

/// Converts like `convert` and also reports every repair made on the way (Unicode NFC,
/// look-alike letters), in input order.
///
/// Returns `{ text, changes }`; each change is `{ offset, length, outputOffset, outputLength,
/// before, after, repair, description }`. `offset` and `length` are in UTF-16 code units of the
/// input (JavaScript string indices), so `input.slice(offset, offset + length) === before`.
/// `outputOffset` and `outputLength` locate the converted word in `text`, or are `null` when
/// that place cannot be told (HTML mode, or a word whose conversion depends on its neighbours).
/// `repair` is `"nfc"` or `"lookalike"`; `description` explains it in English.
///
/// Throws like `convert`.
#[wasm_bindgen(js_name = convertWithChanges, unchecked_return_type = "Converted")]
pub fn convert_with_changes(
    text: &str,
    from: &str,
    to: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "ConvertOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    with_transliterator(from, to, &options, |t| {
        let (output, changes) = t.convert_with_changes(text);
        let changes = changes_array(text, &output, &changes, |piece| t.convert(piece).into_owned());
        let result = Object::new();
        set(&result, "text", js_text(&output));
        set(&result, "changes", changes);
        result.into()
    })
}

/// Normalizes text without changing its script: Unicode NFC, and look-alike letters of the
/// other script inside a word repaired (`жаhан` with a Latin h becomes `жаһан`).
///
/// Returns `{ text }`, or `{ text, changes }` when `options.changes` is `true` (changes as in
/// `convertWithChanges`; their output places refer to the normalized text).
#[wasm_bindgen(unchecked_return_type = "Normalized")]
pub fn normalize(
    text: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "NormalizeOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let want_changes = match options_object(&options, NORMALIZE_OPTIONS)? {
        Some(object) => flag(&object, "changes", false)?,
        None => false,
    };
    let (output, changes) = jazu::normalize(text);
    let result = Object::new();
    set(&result, "text", js_text(&output));
    if want_changes {
        let array = changes_array(text, &output, &changes, |piece| match jazu::normalize(piece).0 {
            Cow::Borrowed(s) => s.to_owned(),
            Cow::Owned(s) => s,
        });
        set(&result, "changes", array);
    }
    Ok(result.into())
}

/// Guesses the scheme `text` is written in: `"cyrl"` when Cyrillic letters are at least as
/// many as Latin ones, otherwise the Latin scheme whose own letters occur most (ties go to
/// `"latn-2021"`). `null` when the text has no letters of either script.
#[wasm_bindgen(unchecked_return_type = "SchemeId | null")]
pub fn detect(text: &str) -> JsValue {
    match jazu::detect(text) {
        Some(scheme) => JsValue::from_str(scheme.id()),
        None => JsValue::NULL,
    }
}

/// Lists every scheme: `[{ id, name, description, example, exampleLatin? }]`, Cyrillic first.
/// `example` is a Cyrillic word; `exampleLatin` is that word in the scheme (Latin schemes only).
#[wasm_bindgen(unchecked_return_type = "SchemeInfo[]")]
pub fn schemes() -> Array {
    let array = Array::new();
    for scheme in Scheme::all() {
        let object = Object::new();
        set(&object, "id", scheme.id());
        set(&object, "name", scheme.name());
        set(&object, "description", scheme.description());
        set(&object, "example", scheme.example());
        if scheme.is_latin() {
            if let Ok(t) = Transliterator::new(Scheme::Cyrl, scheme) {
                set(&object, "exampleLatin", t.convert(scheme.example()).as_ref());
            }
        }
        array.push(&object);
    }
    array
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_2021(s: &str) -> String {
        Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)
            .expect("supported")
            .convert(s)
            .into_owned()
    }

    #[test]
    fn utf16_is_encode_utf16() {
        for text in [
            "",
            "a",
            "Қазақстан — Qazaqstan 🇰🇿 ǵ ı ṅ \u{10FFFF} €",
            "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}",
        ] {
            assert_eq!(utf16(text), text.encode_utf16().collect::<Vec<u16>>(), "{text:?}");
        }
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let input = "🇰🇿 мемлекеттiк";
        let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).expect("supported");
        let (output, changes) = t.convert_with_changes(input);
        let s = spans(input, &output, &changes, to_2021);
        assert_eq!(s.len(), 1);
        // Two regional indicators are two surrogate pairs: 4 units, then a space.
        assert_eq!(s[0].offset, 5);
        assert_eq!(s[0].length, "мемлекеттiк".chars().count());
        let (at, len) = s[0].output.expect("place in the output");
        let units: Vec<u16> = output.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&units[at..at + len]).expect("utf-16"),
            to_2021("мемлекеттік")
        );
    }

    #[test]
    fn output_places_dropped_when_pieces_disagree() {
        let input = "ab";
        let changes = jazu::normalize("x Аxios").1;
        // A change that does not sit on this input: nothing panics, no output place.
        let s = spans(input, "ab", &changes, |p| p.to_owned());
        assert!(s.iter().all(|s| s.output.is_none()));
        // Pieces that do not rebuild the output give no output places.
        let input = "x Аxios";
        let s = spans(input, "x Axios", &changes, |p| format!("{p}!"));
        assert_eq!(s[0].offset, 2);
        assert_eq!(s[0].output, None);
    }
}

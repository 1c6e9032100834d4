//! Neutralising what a repository puts in a report. File names, bucket
//! names, messages quoting values and source lines come from the
//! repository; a terminal or a CI log must not take them as commands:
//! control characters (escape sequences, carriage returns), bidirectional
//! overrides, and lines a CI system executes (`::error ...` and
//! `::stop-commands::` on GitHub, `##[...]` and `##vso[...]` on Azure
//! Pipelines, `##teamcity[...]`).

use std::borrow::Cow;
use std::io::{self, Write};

/// Characters shown as `\u{..}` instead of being written: control
/// characters but newline and tab, and the bidirectional controls that can
/// make text read differently from what it is.
pub fn hazardous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every hazardous character (see [`hazardous`]) written as a
/// visible escape; newlines are kept.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hazardous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hazardous(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` on one line: newlines too are escaped.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') {
        return visible(s);
    }
    Cow::Owned(visible(s).replace('\n', "\\n"))
}

/// Whether a CI system would take this line as a command: it starts,
/// after blanks, with `::` or `##`.
fn runs_in_ci(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("::") || t.starts_with("##")
}

/// A writer for terminal and log output. Each line is checked as a whole:
/// hazardous characters become visible escapes, except the colour codes
/// bucketlint writes itself when colour is on (`ESC [ digits m`); a line
/// that a CI system would run gets a leading `\`.
pub struct Neutral<'a> {
    out: &'a mut dyn Write,
    colour: bool,
    line: Vec<u8>,
}

impl<'a> Neutral<'a> {
    pub fn new(out: &'a mut dyn Write, colour: bool) -> Neutral<'a> {
        Neutral {
            out,
            colour,
            line: Vec::new(),
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        let raw = std::mem::take(&mut self.line);
        let text = String::from_utf8_lossy(&raw);
        let plain = text
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t');
        if plain && !runs_in_ci(&text) {
            return self.out.write_all(&raw);
        }
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\u{1b}' && self.colour {
                let sgr = sgr_len(&text[i..]);
                if sgr > 0 {
                    out.push_str(&text[i..i + sgr]);
                    while chars.peek().is_some_and(|&(j, _)| j < i + sgr) {
                        chars.next();
                    }
                    continue;
                }
            }
            if hazardous(c) {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            } else {
                out.push(c);
            }
        }
        if runs_in_ci(strip_sgr(&out)) {
            out.insert(0, '\\');
        }
        self.out.write_all(out.as_bytes())
    }
}

/// The length of a colour code (`ESC [ digits ; ... m`) at the start of
/// `s`, or 0.
fn sgr_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() < 3 || b[0] != 0x1b || b[1] != b'[' {
        return 0;
    }
    let mut i = 2;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b';') {
        i += 1;
    }
    if i < b.len() && b[i] == b'm' {
        i + 1
    } else {
        0
    }
}

/// `s` without the colour codes it starts with.
fn strip_sgr(mut s: &str) -> &str {
    loop {
        let n = sgr_len(s);
        if n == 0 {
            return s;
        }
        s = &s[n..];
    }
}

impl Write for Neutral<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=at]);
            self.emit()?;
            rest = &rest[at + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.emit()?;
        }
        self.out.flush()
    }
}

impl Drop for Neutral<'_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// A Markdown table cell: one line, with what Markdown or GitHub would
/// interpret (pipes, code spans, links and images, emphasis, HTML,
/// mentions) escaped.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in visible(s).chars() {
        match c {
            '\n' => out.push(' '),
            '|' | '`' | '[' | ']' | '<' | '>' | '*' | '_' | '~' | '\\' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A name as a Markdown code span in a table cell: nothing in it is
/// Markdown; the fence is longer than any run of backticks in it, and
/// pipes are escaped as GitHub's tables require even in code.
pub fn code_cell(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let text = visible(s).replace('\n', " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = match text.starts_with('`') || text.ends_with('`') {
        true => " ",
        false => "",
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A CSV field that a spreadsheet would not run as a formula: a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` before it.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        // A lone dash (bucketlint's "not set") is no formula.
        Some('-') if s.len() == 1 => Cow::Borrowed(s),
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Text XML 1.0 allows: the characters it forbids (most control
/// characters, unpaired surrogates cannot occur in Rust strings,
/// U+FFFE and U+FFFF) are written as `\u{..}` text.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    let forbidden = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    if !s.chars().any(forbidden) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match forbidden(c) {
                true => format!("\\u{{{:x}}}", c as u32),
                false => c.to_string(),
            })
            .collect(),
    )
}

/// A path as an RFC 3986 URI reference: each segment percent-encoded but
/// for unreserved characters, `/` kept between segments.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(text: &str, colour: bool) -> String {
        let mut buf = Vec::new();
        {
            let mut w = Neutral::new(&mut buf, colour);
            w.write_all(text.as_bytes()).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn terminal_output_shows_controls_and_runs_nothing() {
        assert_eq!(through("a.yaml:1:1: ok\n", false), "a.yaml:1:1: ok\n");
        assert_eq!(
            through("x\u{1b}]52;c;cHdu\u{7}y\r\n", false),
            "x\\u{1b}]52;c;cHdu\\u{7}y\\u{d}\n"
        );
        assert_eq!(
            through(
                "::error file=a::pwned\n  ::stop-commands::x\n##vso[task.setvariable]x",
                false
            ),
            "\\::error file=a::pwned\n\\  ::stop-commands::x\n\\##vso[task.setvariable]x"
        );
        // bucketlint's own colours are kept; anything else is shown.
        assert_eq!(
            through("\u{1b}[1;31m::x\u{1b}[0m \u{1b}]8;;h\u{1b}\\\n", true),
            "\\\u{1b}[1;31m::x\u{1b}[0m \\u{1b}]8;;h\\u{1b}\\\n"
        );
        assert_eq!(through("a\u{202e}b\n", false), "a\\u{202e}b\n");
    }

    /// Strings built from the pieces attacks are made of, many times over
    /// (a fixed generator, so a failure repeats): each neutraliser keeps
    /// its promise whatever the mix.
    #[test]
    fn neutralisers_hold_for_any_mix_of_hostile_pieces() {
        const PIECES: [&str; 16] = [
            "::error::",
            "##vso[",
            "\u{1b}]52;c;x\u{7}",
            "\r",
            "\n",
            "`",
            "``",
            "|",
            "[a](b)",
            "![i](j)",
            "\\",
            "=cmd",
            "@team",
            "\u{202e}",
            "plain",
            " ",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5_000 {
            let n = (next() % 8) as usize + 1;
            let s: String = (0..n).map(|_| PIECES[(next() % 16) as usize]).collect();
            let shown = through(&s, false);
            assert!(!shown.chars().any(hazardous), "{s:?} -> {shown:?}");
            for line in shown.lines() {
                assert!(!runs_in_ci(line), "{s:?} -> {line:?}");
            }
            let cell = markdown_cell(&s);
            assert!(
                !cell.contains('\n') && !cell.chars().any(hazardous),
                "{cell:?}"
            );
            // Every pipe, backtick and bracket is escaped.
            let bytes = cell.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if b"|`[]".contains(b) {
                    let escapes = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
                    assert!(escapes % 2 == 1, "{s:?} -> {cell:?}");
                }
            }
            let code = code_cell(&s);
            if code.is_empty() {
                continue;
            }
            let fence = code.len() - code.trim_start_matches('`').len();
            let inner = &code[fence..code.len() - fence];
            assert!(!inner.contains(&"`".repeat(fence)), "{code:?}");
            assert!(!csv_text(&s).starts_with(['=', '+', '@']), "{s:?}");
            assert!(uri_path(&s).bytes().all(|b| b.is_ascii_graphic()), "{s:?}");
        }
    }

    #[test]
    fn cells_fields_and_uris() {
        assert_eq!(
            markdown_cell("a|b`c\n# h [x](y) ![i](z) @team"),
            "a\\|b\\`c # h \\[x\\](y) !\\[i\\](z) \\@team"
        );
        assert_eq!(code_cell("site"), "`site`");
        assert_eq!(code_cell(""), "");
        assert_eq!(code_cell("a``b|c"), "```a``b\\|c```");
        assert_eq!(code_cell("`x"), "`` `x ``");
        assert_eq!(csv_text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_text("-1+2"), "'-1+2");
        assert_eq!(csv_text("bucket"), "bucket");
        assert_eq!(csv_text("-"), "-");
        assert_eq!(xml_text("a\u{1}b\u{ffff}"), "a\\u{1}b\\u{ffff}");
        assert_eq!(uri_path("a b/ü\u{1b}.yaml"), "a%20b/%C3%BC%1B.yaml");
    }
}

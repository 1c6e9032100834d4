//! The inventory as one self-contained HTML page: no network, no external
//! script, style or font. A summary (counts by exposure, source and
//! severity, a bar chart), then the table: sortable by any column,
//! filterable by text and exposure, each bucket opening onto its exposure
//! and its findings with the source lines they point at.

use std::io::{self, Write};

use super::{Cut, by_level, findings_cell, fit, pab_cell, summary, versioning_cell};
use crate::inventory::{Bucket, Elsewhere, Level, Noted, Setting};
use crate::source::Location;

fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

/// Text as the terminal shows it, made HTML: `code` spans in backticks
/// become `<code>`, the rest is escaped.
fn rendered(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (k, part) in text.split('`').enumerate() {
        // An odd count of backticks leaves the last one as written.
        let closed = k % 2 == 1 && text.split('`').count() > k + 1;
        match (k % 2 == 1, closed) {
            (true, true) => out.push_str(&format!("<code>{}</code>", esc(part))),
            (true, false) => out.push_str(&format!("`{}", esc(part))),
            _ => out.push_str(&esc(part)),
        }
    }
    out
}

/// A cell cut to `width` characters where `cut` says, the whole text on
/// hover.
fn cut_cell(text: &str, width: usize, cut: Cut) -> String {
    let shown = fit(text, width, cut);
    if shown == text {
        return format!("<code>{}</code>", esc(text));
    }
    format!("<code title=\"{}\">{}</code>", esc(text), esc(&shown))
}

fn value(s: &Setting) -> String {
    match s {
        Setting::Absent => "-".into(),
        Setting::Known(v) => esc(v),
        Setting::Unknown(why) => {
            format!("<span class=\"unk\" title=\"{}\">unknown</span>", esc(why))
        }
    }
}

/// The lines around a finding (those the report kept), its own line marked.
fn excerpt(at: &Location) -> String {
    let mut out = String::new();
    for (k, line) in at.file.text.lines().enumerate() {
        let n = at.file.first_line + k + 1;
        if n + 1 < at.line || n > at.line + 1 {
            continue;
        }
        let mark = if n == at.line { " class=\"hit\"" } else { "" };
        out.push_str(&format!("<span{mark}><i>{n:>4}</i> {}</span>\n", esc(line)));
    }
    out
}

const STYLE: &str = r#"
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#fff; --panel:#f7f8fa;
  --public:#c0262d; --unknown:#b7791f; --blocked:#2b6cb0; --cross-account:#805ad5; --private:#2f855a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.lead { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 170px; }
.card h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
.card ul { list-style: none; margin: 0; padding: 0; }
.card li { display: flex; justify-content: space-between; gap: 16px; }
.chart .bar { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.chart .bar span:first-child { width: 110px; white-space: nowrap; }
.chart .fill { height: 12px; border-radius: 3px; }
.controls { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.controls input { width: 320px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; }
.controls select { padding: 5px; border: 1px solid var(--line); border-radius: 6px; }
#shown { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 12px; color: var(--muted); border-bottom: 2px solid var(--line); padding: 6px; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td { border-bottom: 1px solid var(--line); padding: 6px; vertical-align: top; overflow-wrap: break-word; }
td.wrap { overflow-wrap: anywhere; }
td.name, td.place { white-space: nowrap; }
code[title], span[title] { cursor: help; }
.counts { white-space: nowrap; }
.finding code, p code { background: var(--panel); border-radius: 3px; padding: 0 2px; }
tr.row { cursor: pointer; }
tr.row:hover { background: var(--panel); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.level { font-weight: 600; padding: 1px 6px; border-radius: 10px; color: #fff; font-size: 12px; white-space: nowrap; }
.level.public { background: var(--public); } .level.unknown { background: var(--unknown); }
.level.blocked { background: var(--blocked); } .level.cross-account { background: var(--cross-account); }
.level.private { background: var(--private); }
.unk { color: var(--unknown); border-bottom: 1px dotted var(--unknown); }
tr.details td { background: var(--panel); }
.finding { margin: 8px 0; }
.sev { font-weight: 600; } .sev.high { color: var(--public); } .sev.medium { color: var(--unknown); } .sev.low, .sev.info { color: var(--muted); }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre i { color: var(--muted); font-style: normal; }
pre .hit { background: #fff3c4; display: inline-block; min-width: 100%; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dt { color: var(--muted); }
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('buckets');
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var bodies = function () { return Array.prototype.slice.call(table.tBodies); };
  var text = document.getElementById('filter');
  var level = document.getElementById('exposure');
  var shown = document.getElementById('shown');
  var sort = { column: -1, down: false };
  // The view is kept in the address (#exposure=public&q=logs&sort=1&desc),
  // so a link opens the same filtered, sorted table.
  function save() {
    var parts = [];
    if (level.value) { parts.push('exposure=' + encodeURIComponent(level.value)); }
    if (text.value) { parts.push('q=' + encodeURIComponent(text.value)); }
    if (sort.column >= 0) { parts.push('sort=' + sort.column + (sort.down ? '&desc' : '')); }
    history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
  }
  function filter() {
    var q = text.value.trim().toLowerCase();
    var l = level.value;
    var n = 0;
    bodies().forEach(function (b) {
      var ok = (!l || b.dataset.exposure === l) && (!q || b.dataset.search.indexOf(q) !== -1);
      b.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + bodies().length + ' buckets';
  }
  function order() {
    heads.forEach(function (o) { o.removeAttribute('aria-sort'); });
    if (sort.column < 0) { return; }
    var th = heads[sort.column];
    th.setAttribute('aria-sort', sort.down ? 'descending' : 'ascending');
    var key = function (b) { var c = b.rows[0].cells[sort.column]; return c.dataset.sort || c.textContent; };
    var numeric = th.dataset.numeric === 'true';
    bodies().sort(function (a, b) {
      var x = key(a), y = key(b);
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
      return sort.down ? -c : c;
    }).forEach(function (b) { table.appendChild(b); });
  }
  text.addEventListener('input', function () { filter(); save(); });
  level.addEventListener('change', function () { filter(); save(); });
  heads.forEach(function (th, column) {
    th.addEventListener('click', function () {
      sort.down = sort.column === column && !sort.down;
      sort.column = column;
      order();
      save();
    });
  });
  bodies().forEach(function (b) {
    b.rows[0].addEventListener('click', function () {
      var d = b.rows[1];
      d.hidden = !d.hidden;
      b.rows[0].setAttribute('aria-expanded', String(!d.hidden));
    });
  });
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var i = kv.indexOf('=');
    var k = i < 0 ? kv : kv.slice(0, i);
    var v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
    if (k === 'exposure') { level.value = v; }
    if (k === 'q') { text.value = v; }
    if (k === 'sort') { sort.column = Math.min(Number(v) || 0, heads.length - 1); }
    if (k === 'desc') { sort.down = true; }
    if (k === 'open') {
      bodies().forEach(function (b) { if (b.dataset.id === v) { b.rows[1].hidden = false; b.rows[0].setAttribute('aria-expanded', 'true'); } });
    }
  });
  order();
  filter();
  // `#measure` counts the rows that fit in the first screen, for tests
  // that look at the page the way a reader does.
  if (/(^#|&)measure(&|$)/.test(location.hash)) {
    var fit = 0;
    bodies().forEach(function (b) {
      if (!b.hidden && b.rows[0].getBoundingClientRect().bottom <= window.innerHeight) { fit += 1; }
    });
    document.body.setAttribute('data-rows-in-view', String(fit));
  }
})();
"#;

fn rank(level: Level) -> usize {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(4)
}

fn bucket(b: &Bucket, out: &mut String) {
    let s = &b.settings;
    let level = b.exposure.level.as_str();
    let [h, m, l, i] = b.counts();
    // Sorting by findings puts the most severe first: a weighted count.
    let weight = h * 1_000_000 + m * 1_000 + l + i;
    let search = format!(
        "{} {} {} {} {}",
        b.label(),
        b.id,
        super::where_cell(b),
        b.source.as_str(),
        b.codes().join(" ")
    )
    .to_lowercase();
    out.push_str(&format!(
        "<tbody data-exposure=\"{level}\" data-id=\"{}\" data-search=\"{}\">\n<tr class=\"row\" aria-expanded=\"false\">",
        esc(&b.id),
        esc(&search)
    ));
    // Counts in short ("1H 2M"), in words and with the rule codes on
    // hover: a row keeps to one line.
    let short: Vec<String> = [(h, 'H'), (m, 'M'), (l, 'L'), (i, 'I')]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, c)| format!("{n}{c}"))
        .collect();
    let findings = match b.codes().is_empty() {
        true => esc(&findings_cell(b)),
        false => format!(
            "<span class=\"counts\" title=\"{}: {}\">{}</span>",
            esc(&findings_cell(b)),
            b.codes().join(" "),
            short.join(" ")
        ),
    };
    // Long names lose their middle and places their start (the whole text
    // on hover), so that a row keeps to one line; account ids are never
    // broken.
    let encryption = match &s.encryption {
        Setting::Known(v) => match v.split_once(' ') {
            Some((short, _)) => format!("<span title=\"{}\">{}</span>", esc(v), esc(short)),
            None => esc(v),
        },
        other => value(other),
    };
    let cells = [
        (cut_cell(b.label(), 40, Cut::Middle), None),
        (cut_cell(&super::where_cell(b), 44, Cut::Start), None),
        (b.source.as_str().to_string(), None),
        (
            format!("<span class=\"level {level}\">{level}</span>"),
            Some(rank(b.exposure.level).to_string()),
        ),
        (encryption, None),
        (esc(&versioning_cell(b)), None),
        (value(&s.logging), None),
        (value(&s.tls_only), None),
        (esc(&pab_cell(&s.pab)), None),
        (findings, Some(weight.to_string())),
    ];
    for (k, (html, sort)) in cells.into_iter().enumerate() {
        // Names and places keep to one line; logging targets may break.
        let class = match k {
            0 => " class=\"name\"",
            1 => " class=\"place\"",
            6 => " class=\"wrap\"",
            _ => "",
        };
        match sort {
            Some(key) => out.push_str(&format!("<td{class} data-sort=\"{key}\">{html}</td>")),
            None => out.push_str(&format!("<td{class}>{html}</td>")),
        }
    }
    out.push_str("</tr>\n<tr class=\"details\" hidden><td colspan=\"10\">");
    out.push_str(&format!(
        "<p><strong>{}</strong>{}</p><dl><dt>id</dt><dd><code>{}</code></dd><dt>encryption</dt><dd>{}</dd><dt>object ownership</dt><dd>{}</dd><dt>account Block Public Access</dt><dd>{}</dd><dt>bucket key</dt><dd>{}</dd><dt>object lock</dt><dd>{}</dd><dt>lifecycle</dt><dd>{}</dd><dt>replication</dt><dd>{}</dd></dl>",
        rendered(&b.exposure.summary()),
        b.condition
            .as_deref()
            .filter(|c| !b.exposure.summary().contains(c))
            .map(|c| format!(" ({})", rendered(c)))
            .unwrap_or_default(),
        esc(&b.id),
        value(&s.encryption),
        value(&s.ownership),
        esc(&pab_cell(&s.account_pab)),
        value(&s.bucket_key),
        value(&s.object_lock),
        value(&s.lifecycle),
        value(&s.replication),
    ));
    for f in &b.findings {
        out.push_str(&finding(f, f.severity.as_str(), Some(excerpt(&f.location))));
    }
    for f in &b.accepted {
        out.push_str(&finding(f, "accepted", None));
    }
    out.push_str("</td></tr>\n</tbody>\n");
}

/// A finding in a bucket's details: its label ("high", "accepted"), rule,
/// message, place, and the lines around it when given.
fn finding(f: &Noted, label: &str, lines: Option<String>) -> String {
    format!(
        "<div class=\"finding\"><span class=\"sev {label}\">{label}</span> <code>{} {}</code> {}<br><code>{}:{}</code>{}</div>",
        f.rule.code,
        f.rule.name,
        rendered(&f.message),
        esc(&f.location.file.path.to_string_lossy().replace('\\', "/")),
        f.location.line,
        lines.map(|l| format!("<pre>{l}</pre>")).unwrap_or_default(),
    )
}

fn card(title: &str, items: &[(String, usize)]) -> String {
    let mut s = format!("<div class=\"card\"><h2>{}</h2><ul>", esc(title));
    for (name, n) in items {
        s.push_str(&format!("<li><span>{}</span><b>{n}</b></li>", esc(name)));
    }
    s.push_str("</ul></div>");
    s
}

pub fn render(rows: &[&Bucket], elsewhere: &Elsewhere, out: &mut dyn Write) -> io::Result<()> {
    let mut html = String::new();
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>bucketlint inventory</title>\n<style>");
    html.push_str(STYLE);
    html.push_str("</style>\n</head>\n<body>\n<h1>bucketlint inventory</h1>\n");
    html.push_str(&format!(
        "<p class=\"lead\" id=\"summary\">{}. bucketlint {}.</p>\n",
        esc(&summary(rows)),
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(note) = elsewhere.sentence() {
        html.push_str(&format!(
            "<p class=\"lead\" id=\"elsewhere\">{}</p>\n",
            rendered(&note)
        ));
    }
    let levels = by_level(rows);
    let mut sources: Vec<(String, usize)> = Vec::new();
    for b in rows {
        match sources.iter_mut().find(|(s, _)| s == b.source.as_str()) {
            Some((_, n)) => *n += 1,
            None => sources.push((b.source.as_str().to_string(), 1)),
        }
    }
    let severity = super::by_severity(rows);
    let max = levels.iter().copied().max().unwrap_or(0).max(1);
    let mut chart = String::from("<div class=\"card chart\"><h2>Exposure</h2>");
    for (l, n) in Level::ALL.iter().zip(levels) {
        let width = 1 + n * 240 / max;
        chart.push_str(&format!(
            "<div class=\"bar\"><span>{}</span><span class=\"fill\" style=\"width:{width}px;background:var(--{})\"></span><b>{n}</b></div>",
            l.as_str(),
            l.as_str()
        ));
    }
    chart.push_str("</div>");
    html.push_str("<div class=\"cards\">");
    html.push_str(&chart);
    html.push_str(&card("Source", &sources));
    html.push_str(&card(
        "Findings",
        &[
            ("high".into(), severity[0]),
            ("medium".into(), severity[1]),
            ("low".into(), severity[2]),
            ("info".into(), severity[3]),
        ],
    ));
    html.push_str("</div>\n");
    html.push_str("<div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter by name, file, source or rule\" aria-label=\"Filter\"><select id=\"exposure\" aria-label=\"Exposure\"><option value=\"\">every exposure</option>");
    for l in Level::ALL {
        html.push_str(&format!("<option value=\"{0}\">{0}</option>", l.as_str()));
    }
    html.push_str("</select><span id=\"shown\"></span></div>\n");
    html.push_str("<table id=\"buckets\">\n<thead><tr><th>Bucket</th><th>Where</th><th>Source</th><th data-numeric=\"true\">Exposure</th><th>Encryption</th><th>Versioning</th><th>Logging</th><th>TLS only</th><th>Block Public Access</th><th data-numeric=\"true\">Findings</th></tr></thead>\n");
    for b in rows {
        bucket(b, &mut html);
    }
    html.push_str("</table>\n<script>");
    html.push_str(SCRIPT);
    html.push_str("</script>\n</body>\n</html>\n");
    out.write_all(html.as_bytes())
}

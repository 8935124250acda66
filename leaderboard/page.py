"""The leaderboard web page: one self-contained HTML file (data embedded as JSON, no fetch),
so it opens from the file system as well as from any static host."""
from __future__ import annotations

import json

from voebench.benchmark.metrics import ALPHA, EFFECT_WINDOW, MIN_EFFECT
from voebench.scenes.design import CELLS, PRINCIPLES

# Spelled out in the page's prose ("the seven principles"); any other count as a number.
NUMBER_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}

TEMPLATE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>voebench leaderboard — __SUITE__</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1280px; }
h1 { margin-bottom: 4px; } .sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 12px 0 28px; font-size: 14px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; cursor: pointer; user-select: none; position: sticky; top: 0; }
th.sorted-asc::after { content: " ▲"; } th.sorted-desc::after { content: " ▼"; }
td.name, th.name { text-align: left; } td.name small { color: #777; }
.heat td.cell { width: 46px; text-align: center; color: #000; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 18px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px; }
.card img { max-width: 100%; image-rendering: pixelated; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
svg text { font-size: 10px; fill: #444; }
tr.human td { background: #fff4dc; font-style: italic; }
</style>
</head>
<body>
<h1>voebench leaderboard</h1>
<p class="sub">Suite <b>__SUITE__</b> (content hash <code>__HASH__</code>). __DESCRIPTION__<br>
Headline: quadruplet relative accuracy with <b>mean</b> aggregation (ties count ½), macro average over the __N_PRINCIPLES__
principles, 95 % bootstrap CI. A cell is <b>detected</b> when a sign test over its quadruplets rejects chance
(exact, ties count as wrong, Holm-corrected over the __N_CELLS__ cells, α = __ALPHA__) <i>and</i> its median effect is at least
__MIN_EFFECT__; effect = the impossible clips' surprise excess in the __EFFECT_WINDOW__ frames from the reveal, in units of the model's own
per-frame surprise spread on possible clips (unchanged by rescaling or shifting a model's scores). The row ranked
<b>ceiling</b> is a hand-built physics tracker (frames only, not learned): what the suite can measure, against
which the learned models are read. Rows marked <b>people</b> (shaded) are human baselines measured with
<code>voebench human-study</code>: the mean rating of the participants kept by the study's attention rule, one
score per clip, so effect and detection do not apply; they are never ranked among the models. Click a column to sort.</p>
<table id="board"><thead><tr></tr></thead><tbody></tbody></table>
<h2>Principle × condition</h2>
<p class="sub">Accuracy % per cell; colour from red (0) through white (50) to green (100); * = detected.</p>
<table class="heat" id="heat"><thead></thead><tbody></tbody></table>
<div id="sweeps"></div>
<h2>Example quadruplets</h2>
<p class="sub">Each animation shows the two possible clips and the two impossible clips spliced from them. Below it,
each model's surprise on the impossible clips minus the possible clips they were spliced from, frame by frame around
the reveal (grey line), in units of that model's own per-frame surprise spread on the cell's possible clips: a model
that notices the violation rises above zero just after the line; the number is its peak in the __EFFECT_WINDOW__ frames from the
reveal (the effect window).</p>
<div class="gallery" id="gallery"></div>
<script id="data" type="application/json">__DATA__</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const pct = x => (x === null || x === undefined) ? "–" : (100 * x).toFixed(0);
const COLUMNS = [
  ["rank", "#", r => r.rank], ["model", "model", r => r.model],
  ["accuracy", "accuracy [CI]", r => r.accuracy], ["effect", "effect", r => r.effect],
  ["visible", "visible", r => r.visible], ["occluded", "occluded", r => r.occluded],
  ...DATA.principles.map(p => [p, p.slice(0, 5), r => r[p]]),
  ["localisation", "localis.", r => r.localisation], ["detected_cells", "detected", r => r.detected_cells],
  ["parameters", "params", r => r.parameters], ["date", "date", r => r.date]];
function ciBar(r) {
  const w = 90, x = v => 2 + v * (w - 4);
  return `<svg width="${w}" height="12" role="img" aria-label="CI"><line x1="${x(0.5)}" x2="${x(0.5)}" y1="0" y2="12" stroke="#999" stroke-dasharray="2"/>` +
    `<line x1="${x(r.ci_low)}" x2="${x(r.ci_high)}" y1="6" y2="6" stroke="#345" stroke-width="2"/>` +
    `<circle cx="${x(r.accuracy)}" cy="6" r="3" fill="#c33"/></svg>`;
}
function cellText(key, r) {
  if (key === "model") return (r.link ? `<a href="${esc(r.link)}">${esc(r.model)}</a>` : `<b>${esc(r.model)}</b>`) +
    ` <small>v${r.version} · ${esc(r.authors)}${r.kind && r.kind !== "–" ? " · " + esc(r.kind) : ""}</small>`;
  if (key === "accuracy") return `${pct(r.accuracy)} [${pct(r.ci_low)}, ${pct(r.ci_high)}] ${ciBar(r)}`;
  if (key === "effect") return r.effect === null ? "–" : (r.effect >= 0 ? "+" : "") + r.effect.toFixed(2);
  if (key === "detected_cells") return r.detected_cells === null ? "n/a" : `${r.detected_cells}/__N_CELLS__`;
  if (key === "parameters") return r.parameters ? (r.parameters / 1e6).toFixed(1) + " M" : "–";
  // a hand-built control and human baselines are shown apart, not ranked among the models
  if (key === "rank") return r.rank === 0 ? "ceiling" : r.rank === -1 ? "people" : esc(r.rank);
  if (key === "date") return esc(r[key]);
  return pct(r[key]);
}
let sortKey = "rank", sortDir = 1;
function renderBoard() {
  const head = document.querySelector("#board thead tr");
  head.innerHTML = COLUMNS.map(([k, label]) => `<th data-key="${k}" class="${k === "model" ? "name" : ""}` +
    `${k === sortKey ? (sortDir > 0 ? " sorted-asc" : " sorted-desc") : ""}">${label}</th>`).join("");
  const get = COLUMNS.find(c => c[0] === sortKey)[2];
  const rows = [...DATA.rows].sort((a, b) => {
    const x = get(a), y = get(b);
    if (x === y) return a.rank - b.rank;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sortDir;
  });
  document.querySelector("#board tbody").innerHTML = rows.map(r => `<tr class="${r.human ? "human" : ""}">` + COLUMNS.map(([k]) =>
    `<td class="${k === "model" ? "name" : ""}">${cellText(k, r)}</td>`).join("") + "</tr>").join("");
  head.querySelectorAll("th").forEach(th => th.addEventListener("click", () => {
    const k = th.dataset.key;
    sortDir = (k === sortKey) ? -sortDir : (k === "model" || k === "rank" ? 1 : -1);
    sortKey = k;
    renderBoard();
  }));
}
function heatColour(a) {
  if (a === null || a === undefined) return "#eee";
  const t = Math.max(-1, Math.min(1, (a - 0.5) * 2));
  const c = v => Math.round(255 - 155 * Math.abs(v));
  return t >= 0 ? `rgb(${c(t)},255,${c(t)})` : `rgb(255,${c(t)},${c(t)})`;
}
function renderHeat() {
  const cells = DATA.principles.flatMap(p => DATA.conditions.map(c => [p, c]));
  document.querySelector("#heat thead").innerHTML = "<tr><th class='name'>model</th>" +
    DATA.principles.map(p => `<th colspan="2">${p}</th>`).join("") + "</tr><tr><th></th>" +
    cells.map(([, c]) => `<th>${c.slice(0, 3)}</th>`).join("") + "</tr>";
  document.querySelector("#heat tbody").innerHTML = DATA.rows.map(r => `<tr class="${r.human ? "human" : ""}"><td class="name">${esc(r.model)}</td>` +
    cells.map(([p, c]) => { const x = (r.cells[p] || {})[c] || {};
      return `<td class="cell" style="background:${heatColour(x.acc)}" title="${p} ${c}: effect ${x.effect}">` +
        `${pct(x.acc)}${x.detected ? "*" : ""}</td>`; }).join("") + "</tr>").join("");
}
const MIN_EFFECT = __MIN_EFFECT__;
function excessPanel(item) {
  // One row per model: its impossible-minus-possible surprise around the reveal, in units of its
  // own spread, all rows on one scale, so a reader sees which models notice the violation and when.
  const offsets = item.offsets || [], rows = DATA.rows.filter(r => (item.excess || {})[r.slug]);
  if (!offsets.length || !rows.length) return "<p class='sub'>(no surprise scores for this quadruplet)</p>";
  const finite = rows.flatMap(r => item.excess[r.slug].filter(v => v !== null).map(Math.abs));
  const Y = Math.min(4, Math.max(1, ...finite)), W = 260, H = 22, L = 150;
  const x = k => L + (k / (offsets.length - 1)) * (W - 8), y = v => H / 2 - Math.max(-Y, Math.min(Y, v)) / Y * (H / 2 - 2);
  const x0 = x(offsets.indexOf(0));
  let out = `<div class="sub" style="font-size:12px">Impossible minus possible surprise, frames ${offsets[0]}..+${offsets[offsets.length - 1]}` +
    ` around the reveal (grey line), in units of each model's own spread; scale ±${Y.toFixed(1)}; red: peak in the __EFFECT_WINDOW__ frames` +
    ` from the reveal at least ${MIN_EFFECT} (the detection rule's effect bar).</div>`;
  rows.forEach((r, i) => {
    const v = item.excess[r.slug];
    const pts = v.map((e, k) => e === null ? null : `${x(k).toFixed(1)},${y(e).toFixed(1)}`).filter(Boolean).join(" ");
    const after = v.slice(offsets.indexOf(0), offsets.indexOf(0) + __EFFECT_WINDOW__).filter(e => e !== null);
    const peak = after.length ? Math.max(...after) : null;
    out += `<svg width="${L + W + 44}" height="${H}" role="img" aria-label="surprise excess ${esc(r.model)}">` +
      `<text x="2" y="${H / 2 + 4}">${esc(r.model).slice(0, 24)}</text>` +
      `<line x1="${L}" x2="${L + W - 8}" y1="${H / 2}" y2="${H / 2}" stroke="#ccc"/>` +
      `<line x1="${x0}" x2="${x0}" y1="0" y2="${H}" stroke="#aaa"/>` +
      `<polyline points="${pts}" fill="none" stroke="${peak !== null && peak >= MIN_EFFECT ? "#c33" : "#345"}" stroke-width="1.4"/>` +
      `<text x="${L + W + 40}" y="${H / 2 + 4}" text-anchor="end">${peak === null ? "" : (peak >= 0 ? "+" : "") + peak.toFixed(1)}</text></svg><br>`;
  });
  return out;
}
function renderGallery() {
  document.getElementById("gallery").innerHTML = DATA.gallery.map(item =>
    `<div class="card"><b>${item.principle}</b> — ${item.condition} <small>${item.quad_id}</small><br>` +
    (item.gif ? `<img src="${item.gif}" alt="quadruplet ${item.quad_id}">` : "<i>(preview not bundled)</i>") +
    excessPanel(item) + "</div>").join("");
}
function renderSweeps() {
  document.getElementById("sweeps").innerHTML = (DATA.sweeps || []).map(sw =>
    `<h2>Where models break: ${esc(sw.axis)} (suite ${esc(sw.suite)})</h2>` +
    `<p class="sub">A controlled sweep: the same matched design at the levels ${esc((sw.levels || []).join(", "))} of ` +
    `<b>${esc(sw.axis)}</b> (for hidden_frames: how many frames the object is out of sight), the rest sampled as usual. ` +
    `Quadruplet accuracy per level with 95 % CIs and a fitted psychometric curve (chance 50 %); the 75 % point is the ` +
    `level at which a model is half-way to chance — for hidden frames, its memory span.</p>` +
    `<img src="${esc(sw.figure)}" alt="accuracy against ${esc(sw.axis)}" style="max-width:100%">` +
    `<table><thead><tr><th class="name">model</th>${sw.cells.map(c => `<th>${esc(c)}: accuracy per level</th><th>75 % point</th>`).join("")}` +
    `</tr></thead><tbody>${sw.rows.map(r => `<tr><td class="name">${esc(r.model)}</td>` + sw.cells.map(c => {
      const x = r.cells[c]; return x ? `<td>${x.levels.map(([l, a]) => pct(a)).join(" ")}</td><td>${esc(x.point)}</td>` : "<td>–</td><td>–</td>";
    }).join("") + "</tr>").join("")}</tbody></table>`).join("");
}
renderBoard(); renderHeat(); renderSweeps(); renderGallery();
</script>
</body>
</html>
"""


def render(data: dict) -> str:
    import html

    blob = json.dumps(data, allow_nan=False).replace("</", "<\\/")
    return (TEMPLATE.replace("__SUITE__", html.escape(data["suite"])).replace("__HASH__", html.escape(data["suite_hash"][:16]))
            .replace("__DESCRIPTION__", html.escape(data["description"])).replace("__N_CELLS__", str(len(CELLS)))
            .replace("__N_PRINCIPLES__", NUMBER_WORDS.get(len(PRINCIPLES), str(len(PRINCIPLES))))
            .replace("__ALPHA__", repr(ALPHA)).replace("__EFFECT_WINDOW__", str(EFFECT_WINDOW))
            .replace("__MIN_EFFECT__", repr(MIN_EFFECT)).replace("__DATA__", blob))

"""The participant's page: one self-contained HTML file (no server, no network, no library) that
works from file:// or any static host. It shows a form's clips one at a time from PNG frame
strips (lossless, so a spliced clip holds exactly its partner's pixels, and no video codec is
needed), asks the IntPhys question, records the rating and the response time, and offers the
answers as a JSON download at the end.

What it embeds is what a participant may see: opaque stimulus names per form, the scale, the
frame rate. Which clip is impossible, and which trials are attention checks, stay in study.json.
The answers carry a CRC-32 of their content so that an edited file is caught (an integrity check
against accidents, not a signature).
"""
from __future__ import annotations

import json

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Could this happen? A short study</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f1; color: #222; }
  main { max-width: 760px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 1.5em; }
  .screen { display: none; }
  body[data-state="intro"] #intro, body[data-state="done"] #done { display: block; }
  body[data-state="fixation"] #trial, body[data-state="playing"] #trial, body[data-state="respond"] #trial { display: block; }
  #stage { position: relative; width: 384px; height: 384px; margin: 12px auto; background: #ccc; }
  #clip { width: 384px; height: 384px; display: block; }
  #cross { position: absolute; inset: 0; display: none; align-items: center; justify-content: center; font-size: 48px; }
  body[data-state="fixation"] #cross { display: flex; }
  body[data-state="fixation"] #clip { visibility: hidden; }
  #question { text-align: center; visibility: hidden; }
  body[data-state="respond"] #question { visibility: visible; }
  .answers { display: flex; gap: 8px; justify-content: center; flex-wrap: wrap; margin-top: 8px; }
  .answers button { font-size: 1.05em; padding: 8px 12px; min-width: 64px; cursor: pointer; }
  .answers small { display: block; color: #666; }
  .bar { height: 10px; background: #ddd; border-radius: 5px; overflow: hidden; }
  .bar div { height: 100%; width: 0; background: #4C72B0; }
  kbd { border: 1px solid #999; border-radius: 3px; padding: 0 4px; background: #fff; }
  #start:disabled { opacity: 0.5; }
  .note { color: #555; font-size: 0.92em; }
</style>
</head>
<body data-state="intro" data-trial="0">
<main>
<section class="screen" id="intro">
  <h1>Could this happen in the real world?</h1>
  <p>You will watch <b id="n-trials"></b> short silent clips of simple objects (balls, blocks,
  screens) moving on a table, one at a time. Each clip plays <b>once</b>. After it ends, answer one
  question: <b>could what you saw happen in the real world?</b></p>
  <p id="scale-help"></p>
  <p>Sometimes an object passes behind a screen. Watch the whole clip: what matters is whether
  everything you saw could really happen. There are no tricks in the question and no right speed;
  answer with your first impression. A few clips come back twice.</p>
  <p>It takes about <b id="minutes"></b> minutes. A bar at the top shows how far you are.</p>
  <p class="note">Nothing that identifies you is recorded: only your answers, how long each took,
  and a random code for this session. At the end you save a small file with your answers; send it
  to the person who gave you this study.</p>
  <p id="loading" class="note">Loading clips…</p>
  <p><button id="start" disabled>Start (<kbd>Space</kbd>)</button></p>
</section>
<section class="screen" id="trial">
  <div class="bar"><div id="progress"></div></div>
  <p class="note" id="count"></p>
  <div id="stage"><canvas id="clip" width="384" height="384"></canvas><div id="cross">+</div></div>
  <div id="question">
    <p><b>Could this happen in the real world?</b></p>
    <div class="answers" id="buttons"></div>
  </div>
</section>
<section class="screen" id="done">
  <h1>Thank you!</h1>
  <p>Your answers are ready: press <kbd>D</kbd> or the button to save them as a small file, and send the
  file to the person who gave you this study. Nothing is sent anywhere by this page.</p>
  <p><button id="download">Download my answers (<kbd>D</kbd>)</button></p>
</section>
</main>
<script id="study" type="application/json">__STUDY__</script>
<script>
"use strict";
const S = JSON.parse(document.getElementById("study").textContent);
const body = document.body;

// The form: ?form=K from the experimenter (to balance forms over participants), else drawn at random.
function randomInt(n) { const a = new Uint32Array(1); crypto.getRandomValues(a); return a[0] % n; }
const asked = parseInt(new URLSearchParams(location.search).get("form"), 10);
const form = Number.isInteger(asked) && asked >= 0 && asked < S.forms.length ? asked : randomInt(S.forms.length);
const sequence = S.forms[form];
const session = Array.from(crypto.getRandomValues(new Uint8Array(8)), b => b.toString(16).padStart(2, "0")).join("");

const SCALE = S.scale === "1-6"
  ? [1, 2, 3, 4, 5, 6].map(v => ({value: v, key: String(v), label: String(v),
      hint: {1: "certainly not", 2: "probably not", 3: "maybe not", 4: "maybe yes", 5: "probably yes", 6: "certainly yes"}[v]}))
  : [{value: 0, key: "n", label: "No", hint: "N"}, {value: 1, key: "y", label: "Yes", hint: "Y"}];
document.getElementById("scale-help").innerHTML = S.scale === "1-6"
  ? "Answer on a scale from <b>1 = certainly not</b> to <b>6 = certainly yes</b>, with the keys <kbd>1</kbd>–<kbd>6</kbd> (or click)."
  : "Answer <b>Yes</b> (<kbd>Y</kbd>) or <b>No</b> (<kbd>N</kbd>) (or click).";
document.getElementById("n-trials").textContent = sequence.length;
document.getElementById("minutes").textContent = Math.max(1, Math.round(sequence.length * (S.frames / S.fps + 2.5) / 60));
const buttons = document.getElementById("buttons");
for (const option of SCALE) {
  const b = document.createElement("button");
  b.innerHTML = option.label + "<small>" + option.hint + "</small>";
  b.addEventListener("click", () => respond(option.value));
  buttons.appendChild(b);
}

// Preload every clip of the form before the start button is enabled.
const images = {};
let loaded = 0;
const names = [...new Set(sequence)];
for (const name of names) {
  const img = new Image();
  img.onload = () => { loaded += 1; if (loaded === names.length) ready(); };
  img.onerror = () => { document.getElementById("loading").textContent = "Could not load clip " + name + ": keep this page next to its clips/ folder."; };
  img.src = "clips/" + name + ".png";
  images[name] = img;
}
function ready() {
  document.getElementById("loading").textContent = "";
  document.getElementById("start").disabled = false;
}

const canvas = document.getElementById("clip");
const ctx = canvas.getContext("2d");
const trials = [];
let trial = 0, shownAt = 0, timer = null;

function draw(name, frame) {
  const img = images[name], h = img.naturalHeight / S.frames;
  ctx.drawImage(img, 0, frame * h, img.naturalWidth, h, 0, 0, canvas.width, canvas.height);
}
function setState(state) { body.dataset.state = state; body.dataset.trial = String(trial); }
function begin() {
  if (document.getElementById("start").disabled) return;
  next();
}
function next() {
  const done = trial / sequence.length;
  document.getElementById("progress").style.width = (100 * done).toFixed(1) + "%";
  document.getElementById("count").textContent = "Clip " + (trial + 1) + " of " + sequence.length;
  setState("fixation");
  timer = setTimeout(play, 500);
}
function play() {
  const name = sequence[trial], start = performance.now();
  setState("playing");
  (function tick() {
    const frame = Math.floor((performance.now() - start) * S.fps / 1000);
    if (frame >= S.frames) {
      draw(name, S.frames - 1);  // the last frame stays while the participant answers
      shownAt = performance.now();
      setState("respond");
      return;
    }
    draw(name, frame);
    timer = setTimeout(tick, Math.max(1, 1000 / S.fps / 2));
  })();
}
function respond(value) {
  if (body.dataset.state !== "respond") return;  // only once the clip has been seen to its end
  trials.push([sequence[trial], value, Math.round(performance.now() - shownAt)]);
  trial += 1;
  if (trial < sequence.length) next(); else finish();
}

// CRC-32 (IEEE) of the answers' content, as Python's zlib.crc32 computes it.
const CRC = Array.from({length: 256}, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
function crc32(text) {
  let c = 0xFFFFFFFF;
  for (const b of new TextEncoder().encode(text)) c = CRC[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}
let answers = null;
function finish() {
  document.getElementById("progress").style.width = "100%";
  answers = {schema: "voebench.human-answers/1", study_id: S.study_id, form: form, session: session, scale: S.scale, trials: trials};
  answers.crc32 = crc32(JSON.stringify([answers.study_id, answers.form, answers.session, answers.scale, answers.trials]));
  setState("done");
}
function download() {
  if (!answers) return;
  const blob = new Blob([JSON.stringify(answers, null, 1) + "\n"], {type: "application/json"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "answers-" + S.study_id.slice(0, 8) + "-form" + form + "-" + session.slice(0, 6) + ".json";
  document.body.appendChild(a);
  a.click();
  a.remove();
}
document.getElementById("start").addEventListener("click", begin);
document.getElementById("download").addEventListener("click", download);
document.addEventListener("keydown", event => {
  const state = body.dataset.state, key = event.key.toLowerCase();
  if (state === "intro" && (key === " " || key === "enter")) { event.preventDefault(); begin(); }
  else if (state === "respond") { const option = SCALE.find(o => o.key === key); if (option) respond(option.value); }
  else if (state === "done" && key === "d") download();
});
</script>
</body>
</html>
"""


def render(public: dict) -> str:
    """The page for a study's public part: study_id, scale, fps, frames and forms (stimulus names)."""
    data = json.dumps(public, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return TEMPLATE.replace("__STUDY__", data)

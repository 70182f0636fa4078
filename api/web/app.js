// OnRecord web page: search, claim timeline, review queue. Plain JS over the /v1 API; no build step.
"use strict";

const $ = (sel) => document.querySelector(sel);
let apiKey = localStorage.getItem("onrecord-key") || "";
let streams = [];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function showError(msg) {
  const box = $("#error");
  box.textContent = msg || "";
  box.hidden = !msg;
}

async function api(path, opts = {}) {
  const headers = Object.assign({ "X-API-Key": apiKey }, opts.headers || {});
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  if (!res.ok) {
    let detail = res.statusText;
    try { const body = await res.json(); detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (e) { /* not JSON */ }
    throw new Error(`${res.status}: ${detail}`);
  }
  return res;
}

const fmtT = (t) => { const m = Math.floor(t / 60); return `${String(m).padStart(2, "0")}:${(t - m * 60).toFixed(1).padStart(4, "0")}`; };
const fmtAt = (at) => (at ? new Date(at).toLocaleString() : "");

// The clip is fetched with the key (a <video src> cannot send headers) and played from the moment:
// the API says where the clip really starts (stream copy starts at a keyframe) in X-Clip-Start.
async function play(container, stream, t0, t1, pad = 2) {
  container.replaceChildren($("#player-tpl").content.cloneNode(true));
  const video = container.querySelector("video");
  const start = Math.max(0, t0 - pad);
  const res = await api(`/v1/streams/${encodeURIComponent(stream)}/clip?start=${start.toFixed(2)}&end=${(t1 + pad).toFixed(2)}`);
  const clipStart = parseFloat(res.headers.get("X-Clip-Start") || String(start));
  video.src = URL.createObjectURL(await res.blob());
  video.dataset.moment = String(Math.max(0, t0 - clipStart));
  video.addEventListener("loadedmetadata", () => { video.currentTime = parseFloat(video.dataset.moment); }, { once: true });
  return video;
}

function claimBadges(claim) {
  const out = [];
  if (claim) {
    out.push(el("span", { class: "badge" }, claim.type));
    for (const r of claim.risks || []) out.push(el("span", { class: "badge risk", title: r.basis || "" }, r.rule));
  }
  return out;
}

async function search(ev) {
  ev && ev.preventDefault();
  showError("");
  const p = new URLSearchParams({ q: $("#q").value, k: "10" });
  for (const [id, name] of [["#f-stream", "stream"], ["#f-type", "type"], ["#f-product", "product"]]) {
    if ($(id).value) p.set(name, $(id).value);
  }
  if ($("#f-risky").checked) p.set("risky", "true");
  const list = $("#results");
  list.replaceChildren();
  try {
    const hits = await (await api(`/v1/search?${p}`)).json();
    if (!hits.length) list.append(el("li", { class: "card" }, "No results."));
    hits.forEach((h, i) => {
      const holder = el("div");
      const card = el("li", { class: "card result" },
        el("div", { class: "quote" }, h.quote),
        el("div", { class: "meta" }, ...claimBadges(h.claim), `${h.stream} · ${fmtT(h.t0)} · ${fmtAt(h.at)} · score ${h.score.toFixed(3)}`),
        el("div", { class: "actions" }, el("button", { type: "button", onclick: () => play(holder, h.stream, h.t0, h.t1).catch((e) => showError(e.message)) }, "▶ Play")),
        holder);
      list.append(card);
      if (i === 0) play(holder, h.stream, h.t0, h.t1).catch((e) => showError(e.message));
    });
  } catch (e) { showError(e.message); }
}

async function loadStreams() {
  streams = await (await api("/v1/streams")).json();
  for (const sel of ["#f-stream", "#r-stream"]) {
    const s = $(sel);
    s.replaceChildren(el("option", { value: "" }, "all streams"), ...streams.map((x) => el("option", { value: x.stream.id }, x.stream.id)));
  }
  $("#stream-list").replaceChildren(...streams.map((x) => el("li", { class: "card" },
    el("a", { class: "stream", onclick: () => timeline(x) }, x.stream.title || x.stream.id),
    el("div", { class: "meta" }, `${x.live ? "● live" : x.stream.status} · ${fmtAt(x.stream.started_at)} · ${fmtT(x.duration_s)} · coverage ${(x.coverage * 100).toFixed(1)}% · ${x.gaps.length} gaps · ${x.claims} claims (${x.risky_claims} risky)${x.legal_hold ? " · legal hold" : ""}`))));
}

async function timeline(info) {
  showError("");
  const id = info.stream.id;
  const [claims, comments] = await Promise.all([
    api(`/v1/streams/${encodeURIComponent(id)}/claims`).then((r) => r.json()),
    api(`/v1/streams/${encodeURIComponent(id)}/comments?kind=comment&limit=5000`).then((r) => r.json()),
  ]);
  const dur = Math.max(info.duration_s, 1);
  $("#timeline-wrap").hidden = false;
  $("#timeline-title").textContent = `${info.stream.title || id} — ${claims.length} claims, ${comments.length} comments`;
  const bar = $("#timeline");
  const holder = el("div");
  bar.replaceChildren(
    ...info.gaps.map((g) => el("div", { class: "gap", title: g.reason, style: `left:${(100 * g.t0) / dur}%;width:${(100 * (g.t1 - g.t0)) / dur}%` })),
    ...comments.map((c) => el("div", { class: "chat", title: `${fmtT(c.t)} ${c.user_name}: ${c.text}`, style: `left:${(100 * c.t) / dur}%` })),
    ...claims.map((c) => el("div", { class: `mark${c.risks.length ? " risky" : ""}`, title: `${fmtT(c.t0)} ${c.type}: ${c.quote}`, style: `left:${(100 * c.t0) / dur}%`,
      onclick: () => play(holder, id, c.t0, c.t1).catch((e) => showError(e.message)) })));
  $("#timeline-claims").replaceChildren(holder, ...claims.map((c) => el("li", { class: "card claim" },
    el("div", { class: "quote" }, c.quote),
    el("div", { class: "meta" }, ...claimBadges(c), `${fmtT(c.t0)} · ${fmtAt(c.at)}${c.product ? " · " + c.product : ""}`))));
}

function reviewCard(item) {
  const c = item.claim;
  const note = el("input", { placeholder: "note", "aria-label": "note", value: item.note || "" });
  const holder = el("div");
  const card = el("li", { class: "card review-item", "data-claim": c.id });
  const decide = (status) => api(`/v1/review/${encodeURIComponent(c.id)}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status, note: note.value }),
  }).then((r) => r.json()).then((updated) => card.replaceWith(reviewCard(updated))).catch((e) => showError(e.message));
  card.append(
    el("div", { class: "quote" }, c.quote),
    el("div", { class: "meta" }, ...claimBadges(c), `${c.stream_id} · ${fmtT(c.t0)} · ${fmtAt(c.at)} · `, el("span", { class: `status ${item.status}` }, item.status),
      item.reviewer ? ` by ${item.reviewer}` : ""),
    el("div", { class: "actions" }, note,
      el("button", { type: "button", onclick: () => decide("confirmed") }, "Confirm"),
      el("button", { type: "button", onclick: () => decide("dismissed") }, "Dismiss"),
      el("button", { type: "button", onclick: () => decide("escalated") }, "Escalate"),
      el("button", { type: "button", onclick: () => play(holder, c.stream_id, c.t0, c.t1).catch((e) => showError(e.message)) }, "▶")),
    holder);
  return card;
}

async function loadQueue(ev) {
  ev && ev.preventDefault();
  showError("");
  const p = new URLSearchParams();
  if ($("#r-stream").value) p.set("stream", $("#r-stream").value);
  if ($("#r-status").value) p.set("status", $("#r-status").value);
  try {
    const items = await (await api(`/v1/review?${p}`)).json();
    $("#queue").replaceChildren(...(items.length ? items.map(reviewCard) : [el("li", { class: "card" }, "Nothing to review.")]));
  } catch (e) { showError(e.message); }
}

function showTab(name) {
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const s of document.querySelectorAll("section")) s.hidden = s.id !== `tab-${name}`;
  if (name === "review") loadQueue();
}

async function start() {
  if (!apiKey) { $("#who").textContent = "enter an API key"; return; }
  try {
    const me = await (await api("/v1/me")).json();
    $("#who").textContent = `${me.role} · ${me.merchant}`;
    document.body.dataset.ready = "1";
    await loadStreams();
  } catch (e) { showError(e.message); }
}

$("#key-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  apiKey = $("#api-key").value.trim();
  localStorage.setItem("onrecord-key", apiKey);
  start();
});
$("#search-form").addEventListener("submit", search);
$("#review-form").addEventListener("submit", loadQueue);
for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => showTab(b.dataset.tab));
start();

/* The SPARQL editor: a textarea with a highlighted copy behind it, prefix completion,
   Ctrl+Enter to run. No dependencies; the page works without it (a plain textarea and form). */
(function () {
  "use strict";
  var area = document.getElementById("query");
  var box = document.getElementById("code-editor");
  var pre = document.getElementById("highlight");
  var list = document.getElementById("completions");
  var form = document.getElementById("editor-form");
  if (!area || !box || !pre || !list || !form) { return; }
  var code = pre.querySelector("code");
  var prefixes = {};
  try { prefixes = JSON.parse(area.getAttribute("data-prefixes") || "{}"); } catch (e) { prefixes = {}; }

  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED OPTIONAL " +
    "FILTER UNION MINUS GRAPH SERVICE BIND VALUES AS GROUP BY ORDER HAVING LIMIT OFFSET ASC DESC " +
    "NOT EXISTS IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE " +
    "BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS " +
    "STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS NOW COALESCE IF " +
    "SUBSTR REPLACE REGEX ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC SAMETERM TRUE FALSE A").split(" ");
  var KW = {};
  KEYWORDS.forEach(function (k) { KW[k] = true; });

  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                   // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                      // 3 IRI
    "([?$][A-Za-z0-9_\\u00C0-\\u024F]+)",            // 4 variable
    "([A-Za-z][\\w.-]*)?:([\\w\\u00C0-\\u024F-]*)",  // 5,6 prefixed name
    "(\\b[A-Za-z_]+\\b)",                            // 7 word
    "(\\b\\d+(?:\\.\\d+)?\\b)"                        // 8 number
  ].join("|"), "g");

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function highlight() {
    var text = area.value;
    var frag = document.createDocumentFragment();
    var last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) { frag.appendChild(document.createTextNode(text.slice(last, m.index))); }
      var cls = m[1] ? "tok-cmt" : m[2] ? "tok-str" : m[3] ? "tok-iri" : m[4] ? "tok-var" :
        (m[5] !== undefined || m[6] !== undefined) ? "tok-pn" :
        m[7] ? (KW[m[7].toUpperCase()] ? "tok-kw" : null) : m[8] ? "tok-num" : null;
      frag.appendChild(cls ? span(cls, m[0]) : document.createTextNode(m[0]));
      last = TOKEN.lastIndex;
    }
    if (last < text.length) { frag.appendChild(document.createTextNode(text.slice(last))); }
    frag.appendChild(document.createTextNode("\n"));
    code.textContent = "";
    code.appendChild(frag);
    pre.scrollTop = area.scrollTop;
  }

  // --- prefix completion ---------------------------------------------------------------
  var items = [], active = -1, word = null;

  function currentWord() {
    var pos = area.selectionStart;
    if (pos !== area.selectionEnd) { return null; }
    var before = area.value.slice(0, pos);
    var m = /([A-Za-z][\w-]*)$/.exec(before);
    if (!m || m[1].length < 2) { return null; }
    var start = pos - m[1].length;
    var prev = start > 0 ? before.charAt(start - 1) : "";
    if (/[?$:<"'\w#]/.test(prev)) { return null; }
    if (area.value.charAt(pos) === ":") { return null; }
    var lineStart = before.lastIndexOf("\n") + 1;
    var line = before.slice(lineStart, start);
    if (line.indexOf("#") >= 0) { return null; }
    return { text: m[1], start: start, end: pos, declaring: /^\s*PREFIX\s+$/i.test(line) };
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    items = []; active = -1; word = null;
    area.removeAttribute("aria-activedescendant");
  }

  function select(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
      if (j === i) {
        area.setAttribute("aria-activedescendant", li.id);
        if (li.scrollIntoView) { li.scrollIntoView({ block: "nearest" }); }
      }
    });
  }

  function caretPosition(pos) {
    var before = area.value.slice(0, pos);
    var lines = before.split("\n");
    var probe = document.createElement("span");
    probe.textContent = "MMMMMMMMMM";
    probe.className = "visually-hidden";
    box.appendChild(probe);
    var style = window.getComputedStyle(area);
    var charWidth = probe.getBoundingClientRect().width / 10 || 8;
    box.removeChild(probe);
    var lineHeight = parseFloat(style.lineHeight) || 20;
    var padTop = parseFloat(style.paddingTop) || 8, padLeft = parseFloat(style.paddingLeft) || 8;
    var col = lines[lines.length - 1].length;
    return { top: padTop + lines.length * lineHeight - area.scrollTop + 2,
             left: Math.min(padLeft + col * charWidth, area.clientWidth - 200) };
  }

  function open() {
    word = currentWord();
    if (!word) { close(); return; }
    items = Object.keys(prefixes).filter(function (p) {
      return p.indexOf(word.text) === 0 && p !== word.text + "";
    }).concat(Object.keys(prefixes).filter(function (p) { return p === word.text; })).sort();
    if (!items.length) { close(); return; }
    list.textContent = "";
    items.forEach(function (p, i) {
      var li = document.createElement("li");
      li.id = "completion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-prefix", p);
      li.appendChild(document.createTextNode(p + ":"));
      li.appendChild(span("ns", prefixes[p]));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); accept(i); });
      list.appendChild(li);
    });
    var at = caretPosition(word.end);
    list.style.top = at.top + "px";
    list.style.left = Math.max(0, at.left) + "px";
    list.hidden = false;
    select(0);
  }

  function declared(name) {
    return new RegExp("^\\s*PREFIX\\s+" + name + ":", "im").test(area.value);
  }

  function accept(i) {
    if (!word || i < 0 || i >= items.length) { close(); return; }
    var name = items[i];
    var value = area.value;
    var insert = word.declaring ? name + ": <" + prefixes[name] + ">" : name + ":";
    var text = value.slice(0, word.start) + insert + value.slice(word.end);
    var caret = word.start + insert.length;
    if (!word.declaring && !declared(name)) {
      var declaration = "PREFIX " + name + ": <" + prefixes[name] + ">\n";
      var m = /^(?:\s*(?:PREFIX|BASE)[^\n]*\n)*/i.exec(text);
      var at = m ? m[0].length : 0;
      text = text.slice(0, at) + declaration + text.slice(at);
      caret += declaration.length;
    }
    area.value = text;
    area.setSelectionRange(caret, caret);
    close();
    highlight();
  }

  area.addEventListener("input", function () { highlight(); open(); });
  area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; });
  area.addEventListener("blur", function () { window.setTimeout(close, 100); });
  area.addEventListener("click", close);
  area.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") {
      ev.preventDefault();
      close();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    if (list.hidden) { return; }
    if (ev.key === "ArrowDown") { ev.preventDefault(); select((active + 1) % items.length); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); select((active - 1 + items.length) % items.length); }
    else if (ev.key === "Enter" || ev.key === "Tab") { ev.preventDefault(); accept(active); }
    else if (ev.key === "Escape") { ev.preventDefault(); close(); }
  });

  box.classList.add("enhanced");
  highlight();

  var share = document.getElementById("share-link");
  if (share) { share.addEventListener("focus", function () { share.select(); }); }
}());

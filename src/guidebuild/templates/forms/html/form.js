/* The checklist form: live scores, checks, "Save answers" as a scheme YAML file, and
 * loading a file it saved. Everything happens in the page; nothing is sent anywhere.
 *
 * Text from the user only ever reaches the page through textContent and form values, and
 * the saved file through yamlString(), which quotes and escapes every value.
 */
(function () {
  "use strict";

  var FRAMEWORK = JSON.parse(document.getElementById("gb-framework").textContent);
  var ITEMS = [];
  FRAMEWORK.domains.forEach(function (domain) {
    domain.items.forEach(function (item) { ITEMS.push(item); });
  });
  var ITEM_BY_ID = {};
  ITEMS.forEach(function (item) { ITEM_BY_ID[item.id] = item; });
  var SCHEME_KEYS = FRAMEWORK.scheme_fields.map(function (f) { return f.key; });
  var FLAGS = FRAMEWORK.red_flags.map(function (f) { return f.id; });
  var LABELS = {
    "absent": "absent", "weak": "weak", "adequate": "adequate", "strong": "strong",
    "n/a": "n/a", "not-yet-due": "not yet due", "not-assessable": "not assessable",
    "practised": "done, not written down", "not-known": "not known",
    "exemplary": "exemplary", "meets": "meets", "partially-meets": "partially meets",
    "does-not-meet": "does not meet"
  };
  var MONTHS = {
    january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5,
    june: 6, jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9,
    october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12
  };
  var form = document.getElementById("gb-form");
  var tried = false;   // after a failed save, the checks run again as the user types
  var liveTimer = null;

  function byId(id) { return document.getElementById(id); }
  function label(value) { return Object.prototype.hasOwnProperty.call(LABELS, value) ? LABELS[value] : value; }
  function pct(value) { return value === null ? "not assessable" : value.toFixed(1) + "%"; }
  var strip = GuidebuildScoring.pyStrip;

  // --- reading the form ---------------------------------------------------------------

  function evidenceLines(text) {
    return text.replace(/\r\n?/g, "\n").split("\n").map(strip).filter(function (line) {
      return line !== "";
    });
  }

  function ratingOf(itemId) {
    var checked = form.querySelector('input[name="' + itemId + '-rating"]:checked');
    return checked ? checked.value : "";
  }

  /* The answers as the scoring and the saved file see them. */
  function collect() {
    var scheme = {};
    SCHEME_KEYS.forEach(function (key) { scheme[key] = strip(byId("scheme-" + key).value); });
    var flags = FLAGS.filter(function (id) { return byId("redflag-" + id).checked; });
    var answers = {};
    ITEMS.forEach(function (item) {
      answers[item.id] = {
        rating: ratingOf(item.id),
        evidence: evidenceLines(byId(item.id + "-evidence").value),
        note: strip(byId(item.id + "-note").value),
        reason: strip(byId(item.id + "-reason").value)
      };
    });
    return { scheme: scheme, answers: answers, red_flags: flags };
  }

  // --- live scores ----------------------------------------------------------------------

  function itemStatus(result, answer, item) {
    if (result.forced_by.length) {
      return "Counts as absent: the red flag you ticked contradicts it.";
    }
    if (result.unanswered) return "";  // "Not rated yet" says it: no need to repeat it
    if (result.no_evidence) {
      return "Counts as " + label(result.counted_as) + ": " + label(result.rating) + " needs evidence.";
    }
    if (result.practice_only) {
      return "Counts as " + label(result.counted_as) + ": the evidence is a practice seen, not a document or a record.";
    }
    if (result.not_known) return "Not known: counts as absent. Find out, then rate it.";
    if (answer.rating === "n/a") return "Not applicable: left out of the domain's score.";
    if (answer.rating === "not-yet-due") return "Not yet due: left out of the score, which is provisional.";
    if (item.must_meet && result.score < 2) return "Must meet, and below adequate.";
    return "";
  }

  function remarks(domain) {
    var notes = [];
    if (domain.verdict === "not-assessable") notes.push("more than half of its items are n/a, or none applies yet");
    if (domain.capped) notes.push("limited to weak: a must-meet item is below adequate");
    if (domain.provisional) notes.push("provisional: an item is not yet due");
    return notes.join("; ");
  }

  function update() {
    var state = collect();
    var result = GuidebuildScoring.assess(FRAMEWORK, state.answers, state.red_flags);
    // The red-flag warning comes first, above the result.
    var warning = byId("gb-red-flag-warning");
    if (warning) {
      warning.hidden = result.red_flags.length === 0;
      var list = byId("gb-red-flag-list");
      list.textContent = "";
      result.red_flags.forEach(function (id) {
        FRAMEWORK.red_flags.forEach(function (flag) {
          if (flag.id !== id) return;
          var li = document.createElement("li");
          li.textContent = flag.text + " (" + flag.forces.join(", ") + " counted as absent)";
          list.appendChild(li);
        });
      });
    }
    byId("gb-not-known").textContent = result.not_known.length
      ? "Find out (not known, counted as absent): " + result.not_known.join(", ") + "."
      : "";
    byId("gb-uncertain").textContent = result.overall.uncertain
      ? "The band is uncertain: too much is not known. If the items not known were all strong, the band would be " +
        label(result.overall.band_if_not_known_were_strong) + "."
      : "";
    result.domains.forEach(function (domain) {
      domain.items.forEach(function (item) {
        var status = byId(item.id + "-status");
        var text = itemStatus(item, state.answers[item.id], ITEM_BY_ID[item.id]);
        status.textContent = text;
        status.hidden = text === "";
      });
      var value = pct(domain.percent) + (domain.percent === null ? "" : ", " + label(domain.verdict));
      if (domain.provisional) value += " (provisional)";
      byId("domain-" + domain.id + "-score").querySelector(".gb-domain-score__value").textContent = value;
      var row = byId("result-" + domain.id);
      row.querySelector('[data-cell="percent"]').textContent = pct(domain.percent);
      row.querySelector('[data-cell="verdict"]').textContent = label(domain.verdict);
      row.querySelector('[data-cell="remarks"]').textContent = remarks(domain);
    });
    byId("gb-overall-percent").textContent = result.overall.percent.toFixed(1) + "%";
    byId("gb-overall-band").textContent = label(result.overall.band);
    byId("gb-overall-provisional").textContent =
      (result.overall.uncertain ? " (uncertain: too much is not known)" : "") +
      (result.overall.provisional ? " (provisional: some items are not yet due)" : "");
    var failures = result.must_meet_failures;
    byId("gb-must-meet").textContent = failures.length
      ? "Must-meet items below adequate: " + failures.join(", ") + "."
      : "Every must-meet item is at least adequate.";
    var actions = result.actions;
    byId("gb-actions").textContent = actions.length
      ? actions.length + " item" + (actions.length === 1 ? " is" : "s are") +
        " below adequate and will be on the action plan: " +
        actions.map(function (a) { return a.item; }).join(", ") + "."
      : "No item is below adequate.";
    return result;
  }

  /* A short spoken summary after a change, once the user pauses. */
  function announce(itemId) {
    window.clearTimeout(liveTimer);
    liveTimer = window.setTimeout(function () {
      var state = collect();
      var result = GuidebuildScoring.assess(FRAMEWORK, state.answers, state.red_flags);
      var text = "";
      if (itemId) {
        var domainId = null;
        FRAMEWORK.domains.forEach(function (d) {
          if (d.items.some(function (i) { return i.id === itemId; })) domainId = d.id;
        });
        result.domains.forEach(function (d) {
          if (d.id === domainId) {
            text = d.title + ": " + pct(d.percent) +
              (d.percent === null ? "" : ", " + label(d.verdict)) + ". ";
          }
        });
      }
      text += "Overall " + result.overall.percent.toFixed(1) + "%, " + label(result.overall.band) + ".";
      byId("gb-live").textContent = text;
    }, 600);
  }

  // --- checks ---------------------------------------------------------------------------

  function realDay(y, m, d) {
    var date = new Date(Date.UTC(y, m - 1, d));
    return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }

  function iso(y, m, d) {
    var out = String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0");
    return d === null ? out : out + "-" + String(d).padStart(2, "0");
  }

  /* A date as people type it (as guidebuild.answers.dates): "14 February 2005",
   * "14/02/2005", "2005-02-14", or a month: "February 2005", "2005-02". Returns the ISO
   * text ("2005-02-14" or "2005-02"), or null. Numeric dates are read day first. */
  function parseDate(text) {
    var v = strip(text).toLowerCase().split(/\s+/).join(" "), m;
    var day = function (y, mo, d) { return mo >= 1 && mo <= 12 && realDay(y, mo, d) ? iso(y, mo, d) : null; };
    var month = function (name) { return Object.prototype.hasOwnProperty.call(MONTHS, name) ? MONTHS[name] : 0; };
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v))) return day(+m[1], +m[2], +m[3]);
    if ((m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(v))) return day(+m[3], +m[2], +m[1]);
    if ((m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$/.exec(v))) return day(+m[3], month(m[2]), +m[1]);
    if ((m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(v))) return day(+m[3], month(m[1]), +m[2]);
    var found = null;
    if ((m = /^(\d{4})-(\d{1,2})$/.exec(v))) found = [+m[1], +m[2]];
    else if ((m = /^(\d{1,2})\/(\d{4})$/.exec(v))) found = [+m[2], +m[1]];
    else if ((m = /^([a-z]+)\.?,?\s+(\d{4})$/.exec(v))) found = [+m[2], month(m[1])];
    if (found && found[1] >= 1 && found[1] <= 12 && found[0] >= 1) return iso(found[0], found[1], null);
    return null;
  }

  function validDate(text) { return parseDate(text) !== null; }

  /* The earliest and the latest day an ISO date or month can mean, as "YYYY-MM-DD". */
  function earliest(isoText) { return isoText.length === 7 ? isoText + "-01" : isoText; }
  function latest(isoText) {
    if (isoText.length !== 7) return isoText;
    var y = +isoText.slice(0, 4), mo = +isoText.slice(5, 7);
    var last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    return isoText + "-" + String(last).padStart(2, "0");
  }

  /* Every problem that would make `guidebuild assess` refuse the file: [{field, message}]. */
  function problems(state) {
    var found = [];
    var s = state.scheme;
    FRAMEWORK.scheme_fields.forEach(function (field) {
      var value = s[field.key];
      if (field.required && value === "") {
        found.push({ field: "scheme-" + field.key, message: "Enter the " + field.label.toLowerCase() });
      } else if (field.date && value !== "" && !validDate(value)) {
        found.push({ field: "scheme-" + field.key, message: field.label + " must be a date, for example 14 February 2005, or February 2005" });
      }
    });
    var ok = function (key) { return s[key] !== "" && validDate(s[key]); };
    var date = function (key) { return parseDate(s[key]); };
    if (ok("started_on") && ok("assessed_on") && earliest(date("started_on")) > latest(date("assessed_on"))) {
      found.push({ field: "scheme-started_on", message: "The date the scheme started must not be after the date of this assessment" });
    }
    if (ok("started_on") && ok("first_cycle_ends") && earliest(date("first_cycle_ends")) <= earliest(date("started_on"))) {
      found.push({ field: "scheme-first_cycle_ends", message: "The date the first full cycle ends must be after the date the scheme started" });
    }
    var running = ok("first_cycle_ends") && ok("assessed_on") &&
      earliest(date("first_cycle_ends")) > latest(date("assessed_on"));
    var rules = FRAMEWORK.rules;
    ITEMS.forEach(function (item) {
      var answer = state.answers[item.id];
      if (answer.rating === "n/a" && answer.reason === "") {
        found.push({ field: item.id + "-reason", message: item.id + ": give the reason why the item does not apply" });
      } else if (answer.rating === "not-yet-due" && rules.needs_reason.indexOf("not-yet-due") >= 0 && answer.reason === "") {
        found.push({ field: item.id + "-reason", message: item.id + ": say under Reason what will be done, and when" });
      } else if (answer.rating === "not-yet-due" && !running) {
        found.push({
          field: item.id + "-rating-not-yet-due",
          group: "item-" + item.id,
          message: item.id + ": not yet due is only for a scheme whose first full cycle ends after the date of this assessment: give that date, or choose another rating"
        });
      }
      if (rules.evidence_kinds.length) {
        var untyped = answer.evidence.filter(function (line) {
          return GuidebuildScoring.kindOf(rules, line) === null || strip(line.slice(line.indexOf(":") + 1)) === "";
        });
        if (untyped.length) {
          found.push({
            field: item.id + "-evidence",
            message: item.id + ": start each line of evidence with its kind: " +
              rules.evidence_kinds.map(function (k) { return k.label + ":"; }).join(", ")
          });
        }
      }
    });
    return found;
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".gb-error-message"), function (node) {
      node.parentNode.removeChild(node);
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) {
      node.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".gb-field--error, .gb-item--error"), function (node) {
      node.classList.remove("gb-field--error", "gb-item--error");
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-described]"), function (node) {
      node.setAttribute("aria-describedby", node.getAttribute("data-described"));
      if (!node.getAttribute("aria-describedby")) node.removeAttribute("aria-describedby");
      node.removeAttribute("data-described");
    });
  }

  function describe(node, id) {
    if (!node.hasAttribute("data-described")) {
      node.setAttribute("data-described", node.getAttribute("aria-describedby") || "");
    }
    var ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    ids.unshift(id);
    node.setAttribute("aria-describedby", ids.join(" "));
  }

  function showErrors(found, focus) {
    clearErrors();
    var summary = byId("gb-errors");
    var list = byId("gb-errors-list");
    list.textContent = "";
    found.forEach(function (problem, index) {
      var field = byId(problem.field);
      var errorId = "gb-error-" + index;
      var message = document.createElement("p");
      message.className = "gb-error-message";
      message.id = errorId;
      var hidden = document.createElement("span");
      hidden.className = "gb-visually-hidden";
      hidden.textContent = "Error: ";
      message.appendChild(hidden);
      message.appendChild(document.createTextNode(problem.message));
      if (problem.group) {
        var group = byId(problem.group);
        var rating = group.querySelector(".gb-rating");
        rating.insertBefore(message, rating.querySelector(".gb-radios"));
        describe(rating, errorId);
        group.classList.add("gb-item--error");
      } else {
        var wrapper = field.closest(".gb-field");
        var anchor = wrapper.querySelector("input, textarea");
        wrapper.insertBefore(message, anchor);
        wrapper.classList.add("gb-field--error");
        field.setAttribute("aria-invalid", "true");
        describe(field, errorId);
      }
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem.field;
      link.textContent = problem.message;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        field.focus();
        var target = problem.group ? byId(problem.group) : field.closest(".gb-field");
        target.scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      });
      li.appendChild(link);
      list.appendChild(li);
    });
    summary.hidden = found.length === 0;
    if (found.length && focus) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  // --- the saved file ---------------------------------------------------------------------

  function hex(code, width) {
    var text = code.toString(16).toUpperCase();
    while (text.length < width) text = "0" + text;
    return text;
  }

  /* A YAML double-quoted scalar that PyYAML reads back as exactly `text`. Characters YAML
   * does not allow in a file, and line breaks of any kind, are escaped; a lone surrogate
   * (not a character at all) becomes U+FFFD. */
  function yamlString(text) {
    var out = '"';
    for (var i = 0; i < text.length; i += 1) {
      var code = text.charCodeAt(i);
      var ch = text.charAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          out += ch + text.charAt(i + 1);
          i += 1;
          continue;
        }
      }
      if (code >= 0xd800 && code <= 0xdfff) out += "\uFFFD";
      else if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (code >= 0x20 && code <= 0x7e) out += ch;
      else if (code === 0x0a) out += "\\n";
      else if (code === 0x09) out += "\\t";
      else if (printable(code)) out += ch;
      else out += "\\u" + hex(code, 4);
    }
    return out + '"';
  }

  /* Characters other than ASCII that YAML allows as they are; line separators are not. */
  function printable(code) {
    if (code === 0x2028 || code === 0x2029 || code === 0xfeff) return false;
    return (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd);
  }

  var YAML_WORDS = /^(?:y|yes|n|no|true|false|on|off|null|~)$/i;

  function yamlKey(text) {
    return /^[A-Za-z][A-Za-z0-9-]*$/.test(text) && !YAML_WORDS.test(text) ? text : yamlString(text);
  }

  function toYaml(state) {
    var lines = [
      "# Self-assessment: " + FRAMEWORK.title.replace(/[\r\n\u0085\u2028\u2029]+/g, " "),
      "# Saved from the HTML checklist form.",
      "framework: " + yamlString(FRAMEWORK.key),
      "scheme:"
    ];
    FRAMEWORK.scheme_fields.forEach(function (field) {
      var value = state.scheme[field.key];
      if (value === "") return;
      // Dates are saved normalised: 2005-02-14, or 2005-02 (quoted: a month is text).
      lines.push("  " + field.key + ": " + (field.date && validDate(value) ? yamlString(parseDate(value)) : yamlString(value)));
    });
    if (state.red_flags.length) {
      lines.push("red_flags: [" + state.red_flags.map(yamlString).join(", ") + "]");
    }
    var answered = [];
    ITEMS.forEach(function (item) {
      var a = state.answers[item.id];
      var body = [];
      if (a.rating) body.push("    rating: " + yamlString(a.rating));
      if (a.evidence.length) {
        body.push("    evidence:");
        a.evidence.forEach(function (line) { body.push("      - " + yamlString(line)); });
      }
      if (a.note) body.push("    note: " + yamlString(a.note));
      if (a.reason) body.push("    reason: " + yamlString(a.reason));
      if (body.length) answered.push("  " + yamlKey(item.id) + ":", ...body);
    });
    if (answered.length) {
      lines.push("answers:");
      lines = lines.concat(answered);
    } else {
      lines.push("answers: {}");
    }
    return lines.join("\n") + "\n";
  }

  function fileName(state) {
    var slug = state.scheme.name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
    return (slug || "scheme") + (validDate(state.scheme.assessed_on) ? "-" + parseDate(state.scheme.assessed_on) : "") + ".yaml";
  }

  function save(event) {
    event.preventDefault();
    var state = collect();
    var found = problems(state);
    tried = true;
    showErrors(found, true);
    var status = byId("gb-save-status");
    if (found.length) {
      status.textContent = "";
      return;
    }
    var blob = new Blob([toYaml(state)], { type: "application/x-yaml;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    var name = fileName(state);
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    status.textContent = "Saved as " + name + " in your downloads folder.";
  }

  // --- loading a saved file -----------------------------------------------------------------

  var ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029"
  };
  var HEX_LENGTH = { x: 2, u: 4, U: 8 };

  function LoadError(line, message) {
    this.line = line;
    this.message = message;
  }

  /* One scalar as this form writes it, or as people often type it: "double", 'single' or
   * plain text, with an optional # comment after it. Returns [value, rest]. */
  function scalar(text, line) {
    text = text.replace(/^\s+/, "");
    var value = "", i;
    if (text.charAt(0) === '"') {
      for (i = 1; i < text.length; i += 1) {
        var ch = text.charAt(i);
        if (ch === '"') return [value, text.slice(i + 1)];
        if (ch === "\\") {
          var e = text.charAt(i + 1);
          if (Object.prototype.hasOwnProperty.call(HEX_LENGTH, e)) {
            var digits = text.substr(i + 2, HEX_LENGTH[e]);
            if (!/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== HEX_LENGTH[e]) {
              throw new LoadError(line, "a \\" + e + " escape needs " + HEX_LENGTH[e] + " hexadecimal digits");
            }
            value += String.fromCodePoint(parseInt(digits, 16));
            i += 1 + HEX_LENGTH[e];
          } else if (Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
            value += ESCAPES[e];
            i += 1;
          } else {
            throw new LoadError(line, "unknown escape \\" + e);
          }
        } else {
          value += ch;
        }
      }
      throw new LoadError(line, "a quoted value must end on the same line");
    }
    if (text.charAt(0) === "'") {
      for (i = 1; i < text.length; i += 1) {
        if (text.charAt(i) === "'") {
          if (text.charAt(i + 1) === "'") { value += "'"; i += 1; continue; }
          return [value, text.slice(i + 1)];
        }
        value += text.charAt(i);
      }
      throw new LoadError(line, "a quoted value must end on the same line");
    }
    if (/^[[{|>&*!%@`]/.test(text)) {
      throw new LoadError(line, "this form reads only plain and quoted values, not " + text.charAt(0));
    }
    var hash = text.search(/(^|\s)#/);
    value = (hash < 0 ? text : text.slice(0, hash)).replace(/\s+$/, "");
    if (/^(?:~|null|Null|NULL)?$/.test(value)) return [null, ""];
    return [value, ""];
  }

  function rest(remainder, line) {
    if (!/^\s*(?:#.*)?$/.test(remainder)) throw new LoadError(line, "unexpected text after a value");
  }

  /* Parse a scheme file saved by this form (a small, strict subset of YAML). */
  function parseSaved(text) {
    var data = { framework: null, scheme: {}, answers: {}, red_flags: [] };
    var section = null, item = null, list = null;
    text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/).forEach(function (raw, index) {
      var line = index + 1;
      if (/^\s*(#.*)?$/.test(raw) || raw === "---") return;
      if (/\t/.test(raw.match(/^\s*/)[0])) throw new LoadError(line, "indent with spaces, not tabs");
      var indent = raw.match(/^ */)[0].length;
      var body = raw.slice(indent);
      if (body.charAt(0) === "-" && /^-(\s|$)/.test(body)) {
        if (list === null || indent <= 4) throw new LoadError(line, "a list item is only expected under evidence");
        var entry = scalar(body.slice(1), line);
        rest(entry[1], line);
        if (entry[0] !== null) list.push(entry[0]);
        return;
      }
      var keyMatch = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#'"][^:]*?)\s*:(?:\s+|$)(.*)$/.exec(body);
      if (!keyMatch) throw new LoadError(line, "expected key: value");
      if (indent === 0 && keyMatch[1] === "red_flags") {
        // A flow list of flag IDs: red_flags: [a, "b"]
        var flow = /^\[(.*)\]\s*(?:#.*)?$/.exec(keyMatch[2].trim());
        if (!flow) throw new LoadError(line, "red_flags must be a list such as [" + (FLAGS[0] || "") + "]");
        flow[1].split(",").map(function (part) { return scalar(part, line)[0]; }).forEach(function (id) {
          if (id === null || id === "") return;
          if (FLAGS.indexOf(id) < 0) throw new LoadError(line, "unknown red flag " + id);
          data.red_flags.push(id);
        });
        section = null;
        item = null;
        list = null;
        return;
      }
      var key = keyMatch[1].charAt(0) === '"' || keyMatch[1].charAt(0) === "'" ? scalar(keyMatch[1], line)[0] : keyMatch[1];
      var value = scalar(keyMatch[2], line);
      rest(value[1], line);
      value = value[0];
      if (indent === 0) {
        section = key;
        item = null;
        list = null;
        if (key === "framework") data.framework = value;
        else if (key !== "scheme" && key !== "answers") throw new LoadError(line, "unknown key " + key);
        else if (value !== null && !(key === "answers" && value === "{}")) throw new LoadError(line, key + " must be followed by indented lines");
      } else if (indent === 2 && section === "scheme") {
        if (SCHEME_KEYS.indexOf(key) < 0) throw new LoadError(line, "unknown scheme detail " + key);
        data.scheme[key] = value === null ? "" : value;
      } else if (indent === 2 && section === "answers") {
        if (!Object.prototype.hasOwnProperty.call(ITEM_BY_ID, key)) {
          throw new LoadError(line, "item " + key + " is not in " + FRAMEWORK.key);
        }
        item = { rating: "", evidence: [], note: "", reason: "" };
        data.answers[key] = item;
        list = null;
        if (value !== null) throw new LoadError(line, "the answer to " + key + " must be followed by indented lines");
      } else if (indent === 4 && item !== null) {
        list = null;
        if (key === "evidence") {
          if (value === null) list = item.evidence;
          else item.evidence.push(value);
        } else if (key === "rating" || key === "note" || key === "reason") {
          item[key] = value === null ? "" : value;
        } else if (key !== "owner" && key !== "due") {
          throw new LoadError(line, "unknown key " + key + " in an answer");
        }
      } else {
        throw new LoadError(line, "this line is not indented as a saved file's would be");
      }
    });
    if (data.framework !== FRAMEWORK.key) {
      throw new LoadError(1, "the file is for framework " + (data.framework || "(none given)") + ", not " + FRAMEWORK.key);
    }
    return data;
  }

  function fill(data) {
    // Check every rating before changing anything, so a bad file leaves the form as it was.
    var radios = {};
    ITEMS.forEach(function (item) {
      var a = data.answers[item.id];
      var rating = a && a.rating ? strip(a.rating).toLowerCase() : "";
      radios[item.id] = Array.prototype.filter.call(
        form.querySelectorAll('input[name="' + item.id + '-rating"]'),
        function (r) { return r.value === rating; }
      )[0];
      if (!radios[item.id]) throw new LoadError(null, item.id + " does not allow the rating " + a.rating);
    });
    SCHEME_KEYS.forEach(function (key) {
      byId("scheme-" + key).value = Object.prototype.hasOwnProperty.call(data.scheme, key) ? data.scheme[key] : "";
    });
    FLAGS.forEach(function (id) { byId("redflag-" + id).checked = data.red_flags.indexOf(id) >= 0; });
    ITEMS.forEach(function (item) {
      var a = data.answers[item.id] || { rating: "", evidence: [], note: "", reason: "" };
      radios[item.id].checked = true;
      byId(item.id + "-evidence").value = a.evidence.join("\n");
      byId(item.id + "-note").value = a.note;
      byId(item.id + "-reason").value = a.reason;
    });
  }

  function load(event) {
    var input = event.target;
    var status = byId("gb-load-status");
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      var data;
      try {
        data = parseSaved(String(reader.result));
        fill(data);
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        status.textContent = "Could not load " + file.name + (error.line ? ", line " + error.line : "") +
          ": " + error.message + ". Nothing was changed. (guidebuild assess reads any scheme file.)";
        status.className = "gb-load__status gb-load__status--error";
        return;
      }
      status.textContent = "Loaded the answers from " + file.name + ".";
      status.className = "gb-load__status";
      if (tried) showErrors(problems(collect()), false);
      update();
    };
    reader.onerror = function () {
      status.textContent = "Could not read " + file.name + ".";
      status.className = "gb-load__status gb-load__status--error";
    };
    reader.readAsText(file, "utf-8");
  }

  // --- wiring -----------------------------------------------------------------------------

  function changed(event) {
    var fieldset = event.target.closest ? event.target.closest(".gb-item") : null;
    var itemId = fieldset ? fieldset.getAttribute("data-item") : null;
    update();
    announce(itemId);
    if (tried) showErrors(problems(collect()), false);
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  form.addEventListener("submit", save);
  byId("gb-load-file").addEventListener("change", load);
  document.documentElement.classList.add("gb-js");
  update();

  // For tests and for anyone scripting the page: the same functions the form uses.
  window.guidebuildForm = {
    assess: function (answers, flags) { return GuidebuildScoring.assess(FRAMEWORK, answers, flags); },
    parseDate: parseDate,
    collect: collect,
    toYaml: toYaml,
    parseSaved: parseSaved
  };
}());

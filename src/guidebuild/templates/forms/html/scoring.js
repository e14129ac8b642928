/* Scoring: a line-by-line port of guidebuild.framework.scoring, so that the form shows
 * exactly what `guidebuild assess` will say. Keep the two in step: tests/test_forms_html.py
 * compares them on hundreds of random answer sets.
 *
 * Every number of the rules (scores, weights, thresholds, band numbers) is the
 * framework's: it comes in `framework.rules`, never from this file.
 *
 * Sums are whole numbers (BigInt for the overall, whose common denominator can be large),
 * every threshold is compared exactly, and percents are rounded *down* to one decimal, as
 * in Python: 79.99 % is never shown as 80 % nor treated as strong.
 */
var GuidebuildScoring = (function () {
  "use strict";

  var RANK = { strong: 3, adequate: 2, weak: 1, absent: 0, "not-assessable": -1 };
  // Python's str.strip() removes exactly these characters (str.isspace); JavaScript's trim()
  // differs (it keeps U+001C-U+001F and U+0085, and removes U+FEFF).
  var PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a" +
    "\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");

  function pyStrip(text) {
    return String(text == null ? "" : text).replace(STRIP, "");
  }

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function scoreOf(rules, rating) {
    return has(rules.scores, rating) ? rules.scores[rating] : null;
  }

  /* 100 * n / d rounded down to one decimal place, exactly (n, d: BigInt, d > 0). */
  function floorPercent(n, d) {
    return Number((BigInt(1000) * n) / d) / 10;
  }

  /* Whether 100 * n / d >= percent, with no rounding (percent: a whole number). */
  function atLeast(n, d, percent) {
    return BigInt(100) * n >= BigInt(percent) * d;
  }

  function evidenceLines(answer) {
    var evidence = answer.evidence;
    if (evidence == null) return [];
    if (!Array.isArray(evidence)) evidence = [evidence];
    return evidence.map(pyStrip).filter(function (line) { return line !== ""; });
  }

  /* The kind a line of evidence names ("document: ..."), or null; as the Python reader. */
  function kindOf(rules, line) {
    var colon = line.indexOf(":");
    if (colon < 0) return null;
    var prefix = pyStrip(line.slice(0, colon)).toLowerCase();
    var found = null;
    rules.evidence_kinds.forEach(function (k) {
      if (prefix === k.kind.toLowerCase() || prefix === k.label.toLowerCase()) found = k;
    });
    return found;
  }

  /* The red flags and the evidence rule: a red flag forces the items it contradicts to
   * absent; adequate or strong without evidence counts as the framework says (weak), and
   * on evidence of unwritten kinds only as its unwritten_only rating (practised). */
  function scoreItem(rules, item, answer, forcedBy) {
    var base = { item: item, unanswered: false, noEvidence: false, practiceOnly: false,
      forcedBy: forcedBy || [], notKnown: false };
    if (base.forcedBy.length) {
      base.unanswered = !answer || !answer.rating;
      base.rating = base.unanswered ? "absent" : answer.rating;
      base.counted = "absent";
      return base;
    }
    if (!answer || !answer.rating) {
      base.unanswered = true;
      base.rating = "absent";
      base.counted = "absent";
      return base;
    }
    var rating = answer.rating;
    base.rating = rating;
    base.counted = rating;
    base.notKnown = rating === "not-known";
    if (rules.needs_evidence.indexOf(rating) >= 0) {
      var lines = evidenceLines(answer);
      if (rules.evidence_kinds.length) {
        // "document:" with nothing after it is no evidence (as the Python reader).
        lines = lines.filter(function (line) {
          return kindOf(rules, line) === null || pyStrip(line.slice(line.indexOf(":") + 1)) !== "";
        });
      }
      if (!lines.length) {
        base.counted = rules.without_evidence;
        base.noEvidence = true;
      } else if (rules.evidence_kinds.length && rules.unwritten_only) {
        var written = lines.some(function (line) {
          var kind = kindOf(rules, line);
          return kind !== null && kind.written;
        });
        if (!written) {
          base.counted = rules.unwritten_only;
          base.practiceOnly = true;
        }
      }
    }
    return base;
  }

  function rag(rules, result) {
    var score = scoreOf(rules, result.counted);
    if (score === null) return null;
    if (score === 0 || (result.item.must_meet && score < rules.adequate_score)) return "red";
    return score < rules.adequate_score ? "amber" : "green";
  }

  function belowAdequate(rules, result) {
    var score = scoreOf(rules, result.counted);
    return score !== null && score < rules.adequate_score;
  }

  function domainVerdict(rules, points, ceiling, mustMeetFailed) {
    var p = BigInt(points), c = BigInt(ceiling), verdict, v = rules.verdicts;
    if (atLeast(p, c, v[0])) verdict = "strong";
    else if (atLeast(p, c, v[1])) verdict = "adequate";
    else if (atLeast(p, c, v[2])) verdict = "weak";
    else verdict = "absent";
    if (mustMeetFailed && RANK[verdict] > RANK.weak) return "weak";
    return verdict;
  }

  function scoreDomain(rules, domain, answers, forced) {
    var results = domain.items.map(function (item) {
      return scoreItem(rules, item, answers[item.id], forced[item.id]);
    });
    var points = 0, ceiling = 0, nA = 0, provisional = false, mustMeetFailed = false;
    results.forEach(function (result) {
      var score = scoreOf(rules, result.counted);
      if (score === null) {
        if (result.counted === "n/a") nA += 1;
        else provisional = true;
        return;
      }
      var weight = result.item.weight;
      points += weight * score;
      ceiling += weight * rules.max_score;
      if (result.item.must_meet && score < rules.adequate_score) mustMeetFailed = true;
    });
    var verdict, capped = false;
    if (nA * 100 > rules.not_assessable_na_share * results.length || ceiling === 0) {
      verdict = "not-assessable";
    } else {
      verdict = domainVerdict(rules, points, ceiling, mustMeetFailed);
      capped = mustMeetFailed && domainVerdict(rules, points, ceiling, false) !== verdict;
    }
    var assessable = verdict !== "not-assessable";
    return {
      domain: domain,
      id: domain.id,
      items: results,
      points: points,
      ceiling: ceiling,
      verdict: verdict,
      provisional: provisional,
      capped: capped,
      assessable: assessable,
      percent: assessable ? floorPercent(BigInt(points), BigInt(ceiling)) : null,
      mustMeetFailures: results.filter(function (r) {
        return r.item.must_meet && belowAdequate(rules, r);
      }).map(function (r) { return r.item.id; })
    };
  }

  function gcd(a, b) {
    while (b) { var t = a % b; a = b; b = t; }
    return a;
  }

  /* The weighted mean of the assessable domains' percents as [n, d] of 100 * n / d. */
  function overallSums(domains) {
    var scored = domains.filter(function (d) { return d.assessable; });
    if (!scored.length) return [BigInt(0), BigInt(0)];
    var common = scored.reduce(function (acc, d) {
      return (acc / gcd(acc, BigInt(d.ceiling))) * BigInt(d.ceiling);
    }, BigInt(1));
    var n = BigInt(0), weights = BigInt(0);
    scored.forEach(function (d) {
      var weight = BigInt(d.domain.weight);
      n += weight * BigInt(d.points) * (common / BigInt(d.ceiling));
      weights += weight;
    });
    return [n, common * weights];
  }

  /* Each ticked red flag counts as one more must-meet failure (overall_band's docstring). */
  function overallBand(rules, domains, n, d, redFlags) {
    var b = rules.bands;
    var failures = domains.reduce(function (acc, dom) { return acc + dom.mustMeetFailures.length; }, redFlags);
    var core = domains.filter(function (dom) { return dom.domain.core; });
    var others = domains.filter(function (dom) { return !dom.domain.core; });
    function low(dom) { return dom.verdict === "weak" || dom.verdict === "absent"; }
    if (d === BigInt(0)) return "does-not-meet";
    if (failures >= b.does_not_meet_must_meet_failures ||
        core.filter(low).length >= b.does_not_meet_low_core_domains ||
        !atLeast(n, d, b.does_not_meet_overall_below)) return "does-not-meet";
    if (failures >= b.partially_meets_must_meet_failures) return "partially-meets";
    if (atLeast(n, d, b.exemplary_overall_at_least) &&
        core.every(function (dom) { return dom.verdict === "strong"; }) &&
        !domains.some(low)) {
      return "exemplary";
    }
    if (atLeast(n, d, b.meets_overall_at_least) &&
        core.every(function (dom) { return dom.verdict === "strong" || dom.verdict === "adequate"; }) &&
        others.filter(function (dom) { return dom.verdict === "weak"; }).length <= b.meets_weak_other_domains &&
        !domains.some(function (dom) { return dom.verdict === "absent"; })) {
      return "meets";
    }
    return "partially-meets";
  }

  /* Every item below adequate, most urgent first (as scoring.action_plan): the items not
   * known first, then red before amber, must-meet first, core domains first. */
  function actionPlan(rules, domains) {
    var rows = [], position = 0;
    domains.forEach(function (dom) {
      dom.items.forEach(function (result) {
        position += 1;
        var colour = rag(rules, result);
        if (colour === null || !belowAdequate(rules, result)) return;
        var kind = result.forcedBy.length ? "red-flag" : result.notKnown ? "find-out" :
          result.counted === "practised" ? "write-down" : "do";
        rows.push({
          key: [kind === "find-out" ? 0 : 1, colour === "red" ? 0 : 1, result.item.must_meet ? 0 : 1,
            dom.domain.core ? 0 : 1, position],
          item: result.item.id,
          domain: dom.id,
          rating: result.counted,
          rating_given: result.rating,
          kind: kind,
          rag: colour
        });
      });
    });
    rows.sort(function (a, b) {
      for (var i = 0; i < a.key.length; i += 1) {
        if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
      }
      return 0;
    });
    return rows.map(function (row) {
      return { item: row.item, domain: row.domain, rating: row.rating,
        rating_given: row.rating_given, kind: row.kind, rag: row.rag };
    });
  }

  /* Item ID -> the ticked red flags that force it to absent. */
  function forcedItems(framework, flags) {
    var forced = {};
    (flags || []).forEach(function (flagId) {
      framework.red_flags.forEach(function (flag) {
        if (flag.id !== flagId) return;
        flag.forces.forEach(function (itemId) {
          forced[itemId] = (forced[itemId] || []).concat([flagId]);
        });
      });
    });
    return forced;
  }

  function scored(framework, answers, flags) {
    var rules = framework.rules;
    var forced = forcedItems(framework, flags);
    var domains = framework.domains.map(function (domain) {
      return scoreDomain(rules, domain, answers, forced);
    });
    var sums = overallSums(domains);
    return { domains: domains, n: sums[0], d: sums[1], band: overallBand(rules, domains, sums[0], sums[1], (flags || []).length) };
  }

  /* Score `answers` ({itemId: {rating, evidence}}) against `framework` (the form's data),
   * with `flags` the red flags ticked. The result has the shape of the JSON report. */
  function assess(framework, answers, flags) {
    answers = answers || {};
    flags = (flags || []).filter(function (id) {
      return framework.red_flags.some(function (flag) { return flag.id === id; });
    });
    var rules = framework.rules;
    var result = scored(framework, answers, flags);
    var domains = result.domains, n = result.n, d = result.d;
    var notKnown = [];
    domains.forEach(function (dom) {
      dom.items.forEach(function (r) { if (r.notKnown && !r.forcedBy.length) notKnown.push(r.item.id); });
    });
    var best = null, uncertain = false;
    if (notKnown.length) {
      // The band if every not-known item were strong, on written evidence.
      var written = rules.evidence_kinds.filter(function (k) { return k.written; });
      var line = written.length ? written[0].label + ": (if it were known)" : "(if it were known)";
      var better = {};
      Object.keys(answers).forEach(function (key) { better[key] = answers[key]; });
      notKnown.forEach(function (id) { better[id] = { rating: "strong", evidence: [line] }; });
      best = scored(framework, better, flags).band;
      uncertain = rules.uncertain && best !== result.band;
    }
    function name(band) { return has(rules.band_names, band) ? rules.band_names[band] : band; }
    return {
      overall: {
        percent: d === BigInt(0) ? 0 : floorPercent(n, d),
        band: name(result.band),
        provisional: domains.some(function (dom) { return dom.provisional; }),
        uncertain: uncertain,
        band_if_not_known_were_strong: best === null ? null : name(best)
      },
      red_flags: flags,
      not_known: notKnown,
      domains: domains.map(function (dom) {
        return {
          id: dom.id,
          title: dom.domain.title,
          core: dom.domain.core,
          percent: dom.percent,
          verdict: dom.verdict,
          provisional: dom.provisional,
          capped: dom.capped,
          points: dom.points,
          ceiling: dom.ceiling,
          items: dom.items.map(function (r) {
            return {
              id: r.item.id,
              rating: r.rating,
              counted_as: r.counted,
              score: scoreOf(rules, r.counted),
              unanswered: r.unanswered,
              no_evidence: r.noEvidence,
              practice_only: r.practiceOnly,
              not_known: r.notKnown && !r.forcedBy.length,
              forced_by: r.forcedBy,
              rag: rag(rules, r)
            };
          })
        };
      }),
      must_meet_failures: domains.reduce(function (acc, dom) {
        return acc.concat(dom.mustMeetFailures);
      }, []),
      actions: actionPlan(rules, domains)
    };
  }

  return { assess: assess, pyStrip: pyStrip, kindOf: kindOf };
}());

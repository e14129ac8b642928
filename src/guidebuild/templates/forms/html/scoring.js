/* Scoring: a line-by-line port of guidebuild.framework.scoring, so that the form shows
 * exactly what `guidebuild assess` will say. Keep the two in step: tests/test_forms_html.py
 * compares them on hundreds of random answer sets.
 *
 * Sums are whole numbers (BigInt for the overall, whose common denominator can be large),
 * every threshold is compared exactly, and percents are rounded *down* to one decimal, as
 * in Python: 79.99 % is never shown as 80 % nor treated as strong.
 */
var GuidebuildScoring = (function () {
  "use strict";

  var SCORES = { absent: 0, weak: 1, adequate: 2, strong: 3 };
  var MAX_SCORE = 3;
  var ADEQUATE = 2;
  var RANK = { strong: 3, adequate: 2, weak: 1, absent: 0, "not-assessable": -1 };
  // Python's str.strip() removes exactly these characters (str.isspace); JavaScript's trim()
  // differs (it keeps U+001C-U+001F and U+0085, and removes U+FEFF).
  var PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a" +
    "\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP = new RegExp("^[" + PY_SPACE + "]+|[" + PY_SPACE + "]+$", "g");

  function pyStrip(text) {
    return String(text == null ? "" : text).replace(STRIP, "");
  }

  function scoreOf(rating) {
    return Object.prototype.hasOwnProperty.call(SCORES, rating) ? SCORES[rating] : null;
  }

  /* 100 * n / d rounded down to one decimal place, exactly (n, d: BigInt, d > 0). */
  function floorPercent(n, d) {
    return Number((BigInt(1000) * n) / d) / 10;
  }

  /* Whether 100 * n / d >= percent, with no rounding (percent: a whole number). */
  function atLeast(n, d, percent) {
    return BigInt(100) * n >= BigInt(percent) * d;
  }

  function hasEvidence(answer) {
    var evidence = answer.evidence;
    if (evidence == null) return false;
    if (!Array.isArray(evidence)) evidence = [evidence];
    return evidence.some(function (line) { return pyStrip(line) !== ""; });
  }

  /* The evidence rule: adequate or strong without evidence counts as weak. */
  function scoreItem(item, answer) {
    if (!answer || !answer.rating) {
      return { item: item, unanswered: true, rating: "absent", counted: "absent", noEvidence: false };
    }
    var rating = answer.rating;
    if ((rating === "adequate" || rating === "strong") && !hasEvidence(answer)) {
      return { item: item, unanswered: false, rating: rating, counted: "weak", noEvidence: true };
    }
    return { item: item, unanswered: false, rating: rating, counted: rating, noEvidence: false };
  }

  function rag(result) {
    var score = scoreOf(result.counted);
    if (score === null) return null;
    if (score === 0 || (result.item.must_meet && score < ADEQUATE)) return "red";
    return score < ADEQUATE ? "amber" : "green";
  }

  function belowAdequate(result) {
    var score = scoreOf(result.counted);
    return score !== null && score < ADEQUATE;
  }

  function domainVerdict(points, ceiling, mustMeetFailed) {
    var p = BigInt(points), c = BigInt(ceiling), verdict;
    if (atLeast(p, c, 80)) verdict = "strong";
    else if (atLeast(p, c, 50)) verdict = "adequate";
    else if (atLeast(p, c, 20)) verdict = "weak";
    else verdict = "absent";
    if (mustMeetFailed && RANK[verdict] > RANK.weak) return "weak";
    return verdict;
  }

  function scoreDomain(domain, answers) {
    var results = domain.items.map(function (item) {
      return scoreItem(item, answers[item.id]);
    });
    var points = 0, ceiling = 0, nA = 0, provisional = false, mustMeetFailed = false;
    results.forEach(function (result) {
      var score = scoreOf(result.counted);
      if (score === null) {
        if (result.counted === "n/a") nA += 1;
        else provisional = true;
        return;
      }
      var weight = result.item.weight;
      points += weight * score;
      ceiling += weight * MAX_SCORE;
      if (result.item.must_meet && score < ADEQUATE) mustMeetFailed = true;
    });
    var verdict, capped = false;
    if (nA * 2 > results.length || ceiling === 0) {
      verdict = "not-assessable";
    } else {
      verdict = domainVerdict(points, ceiling, mustMeetFailed);
      capped = mustMeetFailed && domainVerdict(points, ceiling, false) !== verdict;
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
        return r.item.must_meet && belowAdequate(r);
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
      var weight = BigInt(d.domain.core ? 2 : 1);
      n += weight * BigInt(d.points) * (common / BigInt(d.ceiling));
      weights += weight;
    });
    return [n, common * weights];
  }

  function overallBand(domains, n, d) {
    var failures = domains.reduce(function (acc, dom) { return acc + dom.mustMeetFailures.length; }, 0);
    var core = domains.filter(function (dom) { return dom.domain.core; });
    var others = domains.filter(function (dom) { return !dom.domain.core; });
    function low(dom) { return dom.verdict === "weak" || dom.verdict === "absent"; }
    if (d === BigInt(0)) return "does-not-meet";
    if (failures >= 2 || core.filter(low).length >= 2 || !atLeast(n, d, 20)) return "does-not-meet";
    if (failures === 1) return "partially-meets";
    if (atLeast(n, d, 80) &&
        core.every(function (dom) { return dom.verdict === "strong"; }) &&
        !domains.some(low)) {
      return "exemplary";
    }
    if (atLeast(n, d, 50) &&
        core.every(function (dom) { return dom.verdict === "strong" || dom.verdict === "adequate"; }) &&
        others.filter(function (dom) { return dom.verdict === "weak"; }).length <= 1 &&
        !domains.some(function (dom) { return dom.verdict === "absent"; })) {
      return "meets";
    }
    return "partially-meets";
  }

  /* Every item below adequate, most urgent first (as scoring.action_plan). */
  function actionPlan(domains) {
    var rows = [], position = 0;
    domains.forEach(function (dom) {
      dom.items.forEach(function (result) {
        position += 1;
        var colour = rag(result);
        if (colour === null || !belowAdequate(result)) return;
        rows.push({
          key: [colour === "red" ? 0 : 1, result.item.must_meet ? 0 : 1, dom.domain.core ? 0 : 1, position],
          item: result.item.id,
          domain: dom.id,
          rating: result.counted,
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
      return { item: row.item, domain: row.domain, rating: row.rating, rag: row.rag };
    });
  }

  /* Score `answers` ({itemId: {rating, evidence}}) against `framework` (the form's data).
   * The result has the shape of the JSON report's domains and overall. */
  function assess(framework, answers) {
    answers = answers || {};
    var domains = framework.domains.map(function (domain) { return scoreDomain(domain, answers); });
    var sums = overallSums(domains);
    var n = sums[0], d = sums[1];
    return {
      overall: {
        percent: d === BigInt(0) ? 0 : floorPercent(n, d),
        band: overallBand(domains, n, d),
        provisional: domains.some(function (dom) { return dom.provisional; })
      },
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
              score: scoreOf(r.counted),
              unanswered: r.unanswered,
              no_evidence: r.noEvidence,
              rag: rag(r)
            };
          })
        };
      }),
      must_meet_failures: domains.reduce(function (acc, dom) {
        return acc.concat(dom.mustMeetFailures);
      }, []),
      actions: actionPlan(domains)
    };
  }

  return { assess: assess, pyStrip: pyStrip };
}());

"""Small frameworks for tests: their items are the test's own, their rules framework 1.0's.

Every framework file declares its scale, its scoring numbers, what it assesses and its
details. A test's tiny framework appends :data:`RULES_1_0` (after its domains, so the line
numbers the test expects in messages stay where they are).
"""

from __future__ import annotations

from pathlib import Path

FRAMEWORK_1_0 = Path(__file__).resolve().parent.parent / "checklists" / "mentoring-schemes@1.0.yaml"


def _rules_block() -> str:
    text = FRAMEWORK_1_0.read_text(encoding="utf-8")
    start = text.index("\nsubject:")
    end = text.index("\n# Mappings from earlier versions")
    return text[start:end].strip("\n") + "\n"


RULES_1_0 = _rules_block()
"""Framework 1.0's subject, keywords, details, scale and scoring, as YAML top-level keys."""


def with_rules(text: str) -> str:
    """A framework file's text with framework 1.0's rules appended."""
    return text.rstrip("\n") + "\n" + RULES_1_0

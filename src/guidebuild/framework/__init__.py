"""The checklist framework: its model, its loader and the pure scoring functions.

Public entry points (import them from their modules; this package imports nothing, so
that each command loads only what it needs):

- :func:`guidebuild.framework.loader.load_framework` reads one framework file, and
  :class:`guidebuild.framework.loader.Catalogue` finds ``id@version`` in ``checklists/``;
- :func:`guidebuild.framework.scoring.assess` scores a scheme's answers;
- :func:`guidebuild.framework.crosscheck.check_recommendations` checks the framework's
  references against the guidance's recommendation IDs;
- :func:`guidebuild.framework.compare.compare` compares two assessments;
- :func:`guidebuild.framework.schema.scheme_schema` gives the JSON Schema of a scheme file.
"""

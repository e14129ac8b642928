"""Assessment reports: text, json, html, md and csv, their SVG chart, batch summaries.

:func:`guidebuild.report.pipeline.run_assess` is the one function behind
``guidebuild assess``. This package imports nothing, so that the text report does not
load Jinja2.
"""

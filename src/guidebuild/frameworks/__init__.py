"""The frameworks shipped with guidebuild, and the manifest of the guidance they check.

Generated from the repository's checklists/ and the build's recommendations.json by
scripts/bundle_frameworks.py: edit those, never these files.
"""

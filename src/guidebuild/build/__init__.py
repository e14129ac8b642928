"""The build pipeline: Sphinx for the site, WeasyPrint for the PDF, atomic publishing."""

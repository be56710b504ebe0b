"""The site: pages built from the catalog, rendered with Jinja2 templates."""

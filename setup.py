"""Packaging glue that pyproject.toml cannot express: templates/ and static/ live at the
repository's top level (beside community/), and an installed copy carries them inside the
package as community/templates and community/static, where create_app() looks first."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["community", "community.*"]), "community.templates", "community.static"],
    package_dir={"community.templates": "templates", "community.static": "static"},
)

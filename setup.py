"""Only the package layout lives here; all metadata is in pyproject.toml.

The stdlib's `.xspec` modules sit at the top of the repository (stdlib/), outside the
source root, and ship in the wheel as the package `xspec.stdlib`: pyproject.toml cannot
combine package discovery with such a mapping, setup.py can.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages("compiler") + ["xspec.stdlib"],
    package_dir={"": "compiler", "xspec.stdlib": "stdlib"},
)

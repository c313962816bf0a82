"""Package discovery only; all metadata is in pyproject.toml.

`webroot/` (the console's assets) lives at the top of the repository and installs as the data
package `pipecd_cp.webroot` (each sub-folder listed, so setuptools ships it without warnings).
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
web = ["pipecd_cp.webroot"] + sorted(
    "pipecd_cp.webroot." + ".".join(p.relative_to(HERE / "webroot").parts)
    for p in (HERE / "webroot").rglob("*") if p.is_dir())

setup(
    packages=find_packages(include=["pipecd_cp", "pipecd_cp.*"]) + web,
    package_dir={"pipecd_cp.webroot": "webroot"},
    package_data={name: ["*"] for name in web} | {"pipecd_cp.proto": ["**/*.pyi"]},
)

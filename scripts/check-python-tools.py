"""Checks that the Python tools the tests use are installed at the versions requirements-dev.txt
pins, and that each extra a line names (`moto[server]`) has its packages installed. Prints each
problem with the command that fixes it; exits 1 when there is one."""
import re
import sys
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements-dev.txt"


def pinned():
    """(name, extras, version) of each line: `moto[server]==5.2.1` → ("moto", ["server"], "5.2.1")."""
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement, _, version = line.partition("==")
            name, _, extras = requirement.strip().partition("[")
            yield name, [e.strip() for e in extras.rstrip("]").split(",") if e.strip()], version.strip()


def missing_extra_packages(name, extra):
    """The packages `name[extra]` requires that are not installed."""
    missing = []
    for requirement in metadata.requires(name) or []:
        if not re.search(rf"""extra\s*==\s*['"]{re.escape(extra)}['"]""", requirement):
            continue
        package = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
        try:
            metadata.version(package)
        except metadata.PackageNotFoundError:
            missing.append(package)
    return missing


def main() -> int:
    problems = []
    for name, extras, version in pinned():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (wanted {version})")
            continue
        if installed != version:
            problems.append(f"{name} {installed} is installed, requirements-dev.txt pins {version}")
        for extra in extras:
            for package in missing_extra_packages(name, extra):
                problems.append(f"{name}[{extra}] needs {package}, which is not installed")
    for problem in problems:
        print(f"python tools: {problem}", file=sys.stderr)
    if problems:
        print("python tools: run `pip install -r requirements-dev.txt`", file=sys.stderr)
        return 1
    print("python tools: " + ", ".join(f"{n} {v}" for n, _, v in pinned()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

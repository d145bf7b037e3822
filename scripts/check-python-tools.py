"""Checks that the Python tools the tests use are installed at the versions requirements-dev.txt
pins. Prints each problem with the command that fixes it; exits 1 when there is one."""
import sys
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements-dev.txt"


def pinned():
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            yield name.strip(), version.strip()


def main() -> int:
    problems = []
    for name, version in pinned():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (wanted {version})")
            continue
        if installed != version:
            problems.append(f"{name} {installed} is installed, requirements-dev.txt pins {version}")
    for problem in problems:
        print(f"python tools: {problem}", file=sys.stderr)
    if problems:
        print("python tools: run `pip install -r requirements-dev.txt`", file=sys.stderr)
        return 1
    print("python tools: " + ", ".join(f"{n} {v}" for n, v in pinned()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

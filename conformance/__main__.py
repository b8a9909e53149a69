"""Command line.

    python -m conformance docs                                  regenerate docs/ from the registries
    python -m conformance report --out DIR [-- PYTEST_ARGS...]  run the suite, write DIR/report.{json,md}
                                                                and DIR/index.html; exits with pytest's code
    python -m conformance report --merge DIR1 DIR2 ... --out DIR
                                                                one versions x ops matrix from several runs
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:  # everything after `--` goes to pytest untouched
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(prog="python -m conformance")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("docs", help="regenerate docs/divergences.md and docs/errors.md from the registries")
    report = commands.add_parser(
        "report", help="run the suite and write report.json, report.md and index.html (or merge reports)",
        description="Run `pytest --pyargs conformance` with the arguments after `--` and write "
                    "DIR/report.json, DIR/report.md and DIR/index.html (plus the run's ledger.json and "
                    "junit.xml). With --merge, combine the report.json of several runs (e.g. one per tox "
                    "env) into one matrix instead.")
    report.add_argument("--out", required=True, metavar="DIR", help="directory to write the report into")
    report.add_argument("--merge", nargs="+", metavar="DIR",
                        help="report directories (or report.json files) to merge instead of running "
                             "the suite")
    args = parser.parse_args(argv)
    if args.command == "docs":
        if pytest_args:
            parser.error("docs takes no arguments after --")
        from .docs import write_docs

        for path in write_docs():
            print(f"wrote {path}")
        return 0
    if args.command == "report":
        from . import report as report_module

        if args.merge:
            if pytest_args:
                parser.error("--merge runs nothing; it takes no pytest arguments after --")
            return report_module.merge(args.merge, args.out)
        return report_module.run(args.out, pytest_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

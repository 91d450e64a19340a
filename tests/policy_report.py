"""The privacy policy as a test report: which tests prove which clause, and which clauses nothing proves yet.

Tests name the clauses they prove with ``@pytest.mark.policy("C4")`` (several ids allowed). The clause list and
its one-line summaries come from the table in ``docs/policy.md``, so the project carries its own copy of the
policy's structure. A marker naming a clause that is not in that table stops the run: a typo would otherwise
make a test prove nothing without anyone noticing.

``pytest --policy-report`` prints the report after the run and writes it as Markdown to
``var/policy-report.md``. Works with pytest-xdist: workers attach the clause ids to each test report (as a
user property), so the controller can build the report from the reports alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

MARKER = "policy"
USER_PROPERTY = "policy_clauses"
_PROBLEM = pytest.StashKey[str]()

# A clause id: a letter and a number, optionally a dotted suffix (R3.erase, R4.channels).
_CLAUSE_ID = re.compile(r"^[A-Z][0-9]+(?:\.[a-z]+)?$")

# Outcome ranks: the worst phase of a test decides its outcome.
PASSED, SKIPPED, XFAILED, FAILED = "passed", "skipped", "xfailed", "failed"
_RANK = {PASSED: 0, XFAILED: 1, SKIPPED: 2, FAILED: 3}
_LABEL = {PASSED: "PASS", SKIPPED: "SKIP", XFAILED: "XFAIL", FAILED: "FAIL"}


class PolicyDocumentError(Exception):
    """docs/policy.md is missing or its clause table cannot be read."""


def parse_clauses(text: str) -> dict[str, str]:
    """Reads the ``| id | summary |`` table of docs/policy.md into {clause id: summary}, in document order.

    Only rows whose first cell looks like a clause id count, so prose, the header row and the separator
    row are skipped. A clause listed twice is an error: the report would silently merge two clauses.
    """
    clauses: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) < 2 or not _CLAUSE_ID.match(cells[0]):
            continue
        clause_id, summary = cells[0], " | ".join(cells[1:]).strip()
        if clause_id in clauses:
            raise PolicyDocumentError(f"clause {clause_id} is listed twice in the policy table")
        if not summary:
            raise PolicyDocumentError(f"clause {clause_id} has no summary in the policy table")
        clauses[clause_id] = summary
    if not clauses:
        raise PolicyDocumentError("no clause table found (rows like '| C1 | summary |')")
    return clauses


def load_clauses(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyDocumentError(f"cannot read {path}: {error.strerror}") from error
    return parse_clauses(text)


def marker_clause_ids(marker_args: Iterable[object]) -> list[str]:
    """The clause ids given to one ``policy`` marker; each must be a non-empty string."""
    ids = list(marker_args)
    if not ids:
        raise ValueError('policy marker without a clause id; write @pytest.mark.policy("C4")')
    for clause_id in ids:
        if not isinstance(clause_id, str) or not clause_id.strip():
            raise ValueError(f"policy marker clause ids must be strings like 'C4', got {clause_id!r}")
    return [clause_id.strip() for clause_id in ids]


def unknown_clause_ids(ids: Iterable[str], clauses: Mapping[str, str]) -> list[str]:
    return sorted({clause_id for clause_id in ids if clause_id not in clauses})


def outcome_of(report: pytest.TestReport) -> str:
    """The outcome one phase report (setup, call or teardown) contributes to its test."""
    if hasattr(report, "wasxfail"):
        # An xfail that failed as expected proves nothing; a strict xpass is reported as failed by pytest.
        return XFAILED if report.skipped else PASSED
    if report.failed:
        return FAILED
    if report.skipped:
        return SKIPPED
    return PASSED


def worse(first: str | None, second: str) -> str:
    if first is None:
        return second
    return first if _RANK[first] >= _RANK[second] else second


@dataclass
class ClauseStatus:
    clause_id: str
    summary: str
    tests: list[tuple[str, str]] = field(default_factory=list)  # (test node id, outcome)

    @property
    def proven(self) -> bool:
        """Proven: at least one test proves it, and every test that ran for it passed."""
        ran = [outcome for _, outcome in self.tests if outcome in (PASSED, FAILED)]
        return bool(ran) and all(outcome == PASSED for outcome in ran)

    @property
    def why_not_proven(self) -> str:
        if not self.tests:
            return "no test yet"
        outcomes = {outcome for _, outcome in self.tests}
        if FAILED in outcomes:
            return "a test fails"
        return "its tests did not run (skipped)"


@dataclass
class PolicyReport:
    clauses: list[ClauseStatus]

    @property
    def proven(self) -> list[ClauseStatus]:
        return [clause for clause in self.clauses if clause.proven]

    @property
    def not_proven(self) -> list[ClauseStatus]:
        return [clause for clause in self.clauses if not clause.proven]


def build_report(clauses: Mapping[str, str], results: Mapping[str, tuple[tuple[str, ...], str]]) -> PolicyReport:
    """Joins the clause list with test results: {node id: (clause ids, outcome)}."""
    statuses = {clause_id: ClauseStatus(clause_id, summary) for clause_id, summary in clauses.items()}
    for nodeid in sorted(results):
        clause_ids, outcome = results[nodeid]
        for clause_id in clause_ids:
            if clause_id in statuses:
                statuses[clause_id].tests.append((nodeid, outcome))
    return PolicyReport(clauses=list(statuses.values()))


def render_text(report: PolicyReport) -> list[str]:
    lines: list[str] = []
    width = max(len(clause.clause_id) for clause in report.clauses)
    for clause in report.clauses:
        lines.append(f"{clause.clause_id:<{width}}  {clause.summary}")
        if not clause.tests:
            lines.append(f"{'':<{width}}    - no test yet")
        for nodeid, outcome in clause.tests:
            lines.append(f"{'':<{width}}    {_LABEL[outcome]:<5} {nodeid}")
    lines.append("")
    lines.append(f"Proven: {len(report.proven)} of {len(report.clauses)} clauses.")
    lines.append("(Proven means its tests pass; a clause is only as proven as the tests listed under it.)")
    not_proven = report.not_proven
    lines.append(f"Not proven yet ({len(not_proven)}):")
    for clause in not_proven:
        lines.append(f"  {clause.clause_id:<{width}}  ({clause.why_not_proven}) {clause.summary}")
    return lines


def _md_cell(text: str) -> str:
    return text.replace("|", r"\|")


def render_markdown(report: PolicyReport, *, generated_at: datetime | None = None) -> str:
    generated_at = generated_at or datetime.now(UTC)
    out = [
        "# Privacy policy report",
        "",
        f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by `make policy-report`. Clauses and summaries: "
        "[docs/policy.md](../docs/policy.md).",
        "",
        f"**Proven: {len(report.proven)} of {len(report.clauses)} clauses.** Proven means the clause has tests and "
        "they pass; a clause is only as proven as the tests listed under it.",
        "",
        "| clause | summary | tests |",
        "|---|---|---|",
    ]
    for clause in report.clauses:
        if clause.tests:
            tests = "<br>".join(f"{_LABEL[outcome]} `{_md_cell(nodeid)}`" for nodeid, outcome in clause.tests)
        else:
            tests = "no test yet"
        out.append(f"| {clause.clause_id} | {_md_cell(clause.summary)} | {tests} |")
    out += ["", f"## Not proven yet ({len(report.not_proven)})", ""]
    for clause in report.not_proven:
        out.append(f"- **{clause.clause_id}** ({clause.why_not_proven}): {clause.summary}")
    if not report.not_proven:
        out.append("Every clause is proven by passing tests.")
    return "\n".join(out) + "\n"


class PolicyReportPlugin:
    """Validates policy markers at collection, gathers outcomes, and writes the report at the end."""

    def __init__(self, config: pytest.Config, clauses_path: Path, report_path: Path | None):
        self.config = config
        self.clauses_path = clauses_path
        self.report_path = report_path
        self._clauses: dict[str, str] | None = None
        self.results: dict[str, tuple[tuple[str, ...], str]] = {}

    @property
    def clauses(self) -> dict[str, str]:
        if self._clauses is None:
            try:
                self._clauses = load_clauses(self.clauses_path)
            except PolicyDocumentError as error:
                raise pytest.UsageError(f"policy report: {error}") from error
        return self._clauses

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        problems = []
        for item in items:
            ids: list[str] = []
            for marker in item.iter_markers(MARKER):
                try:
                    ids += marker_clause_ids(marker.args)
                except ValueError as error:
                    problems.append(f"{item.nodeid}: {error}")
            if not ids:
                continue
            unknown = unknown_clause_ids(ids, self.clauses)
            if unknown:
                problems.append(f"{item.nodeid}: unknown policy clause {', '.join(unknown)}")
            item.user_properties.append((USER_PROPERTY, tuple(dict.fromkeys(ids))))
        if not problems:
            return
        message = (
            f"policy markers name clauses that {self.clauses_path.name} does not list:\n  "
            + "\n  ".join(problems)
            + f"\nKnown clauses: {', '.join(self.clauses)}"
        )
        if hasattr(self.config, "workerinput"):
            # An error raised inside an xdist worker crashes it without a readable message; failing the
            # offending tests at setup gives the same verdict with the explanation next to each test.
            for item in items:
                if any(problem.startswith(f"{item.nodeid}: ") for problem in problems):
                    item.stash[_PROBLEM] = message
            return
        raise pytest.UsageError(message)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        problem = item.stash.get(_PROBLEM, None)
        if problem:
            pytest.fail(problem, pytrace=False)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        clause_ids = next((value for name, value in report.user_properties if name == USER_PROPERTY), None)
        if not clause_ids:
            return
        previous = self.results.get(report.nodeid)
        outcome = worse(previous[1] if previous else None, outcome_of(report))
        self.results[report.nodeid] = (tuple(clause_ids), outcome)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.report_path is None:
            return
        report = build_report(self.clauses, self.results)
        terminalreporter.write_sep("=", "privacy policy report")
        for line in render_text(report):
            terminalreporter.write_line(line)
        self.report_path.parent.mkdir(parents=True, exist_ok=True)
        self.report_path.write_text(render_markdown(report), encoding="utf-8")
        terminalreporter.write_line(f"Written to {self.report_path}")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("policy", "privacy policy report")
    group.addoption(
        "--policy-report",
        action="store_true",
        default=False,
        help="after the run, list every policy clause with the tests that prove it (also var/policy-report.md)",
    )
    group.addoption(
        "--policy-clauses",
        default=None,
        metavar="PATH",
        help="the Markdown file with the clause table (default: docs/policy.md under the root directory)",
    )
    group.addoption(
        "--policy-report-file",
        default=None,
        metavar="PATH",
        help="where --policy-report writes its Markdown (default: var/policy-report.md under the root directory)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "policy(*clause_ids): the test proves these clauses of docs/policy.md")
    root = config.rootpath
    clauses_path = Path(config.getoption("--policy-clauses") or root / "docs" / "policy.md")
    report_path = None
    # xdist workers gather nothing for the report: the controller builds it from their forwarded reports.
    if config.getoption("--policy-report") and not hasattr(config, "workerinput"):
        report_path = Path(config.getoption("--policy-report-file") or root / "var" / "policy-report.md")
    config.pluginmanager.register(PolicyReportPlugin(config, clauses_path, report_path), "allegra-policy-report")

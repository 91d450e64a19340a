"""The policy report plugin (tests/policy_report.py): clause table, marker checks, report contents."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.policy_report import (
    FAILED,
    PASSED,
    SKIPPED,
    PolicyDocumentError,
    build_report,
    marker_clause_ids,
    parse_clauses,
    render_markdown,
    render_text,
)

ROOT = Path(__file__).resolve().parents[2]

# Every clause id of the privacy-policy specification, in its order.
SPEC_CLAUSES = [
    *(f"C{n}" for n in range(1, 8)),
    *(f"U{n}" for n in range(1, 7)),
    *(f"S{n}" for n in range(1, 6)),
    "R1",
    "R2",
    *(f"R3.{right}" for right in ("access", "copy", "correct", "erase", "restrict", "equal", "again")),
    "R4.channels",
    "R4.verify",
    "R4.agent",
    "R5",
    *(f"K{n}" for n in range(1, 7)),
    "N1",
    "N2",
    "Q1",
    "Q2",
]

SMALL_POLICY = """# Policy

Some prose | with a pipe that is not a row.

| id | summary |
|---|---|
| C1 | Contact details are collected where given. |
| C4 | No card number is ever stored. |
| R3.erase | Erasure anonymises what law keeps. |
"""


def test_docs_policy_lists_every_clause_of_the_specification_once():
    clauses = parse_clauses((ROOT / "docs" / "policy.md").read_text(encoding="utf-8"))

    assert list(clauses) == SPEC_CLAUSES
    assert all(len(summary) > 20 for summary in clauses.values())


def test_parse_clauses_reads_only_clause_rows():
    assert parse_clauses(SMALL_POLICY) == {
        "C1": "Contact details are collected where given.",
        "C4": "No card number is ever stored.",
        "R3.erase": "Erasure anonymises what law keeps.",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("| C1 | one |\n| C1 | two |\n", "listed twice"),
        ("| C1 |  |\n", "no summary"),
        ("# nothing here\n", "no clause table"),
    ],
)
def test_parse_clauses_rejects_a_broken_table(text, message):
    with pytest.raises(PolicyDocumentError, match=message):
        parse_clauses(text)


@pytest.mark.parametrize("args", [(), ("",), (4,)])
def test_marker_needs_clause_id_strings(args):
    with pytest.raises(ValueError, match="policy marker"):
        marker_clause_ids(args)


def test_report_lists_tests_per_clause_and_what_is_not_proven():
    clauses = parse_clauses(SMALL_POLICY)
    results = {
        "tests/a.py::test_card": (("C4",), PASSED),
        "tests/a.py::test_both": (("C4", "R3.erase"), PASSED),
        "tests/b.py::test_erase_broken": (("R3.erase",), FAILED),
    }

    report = build_report(clauses, results)

    assert [clause.clause_id for clause in report.proven] == ["C4"]
    assert [(c.clause_id, c.why_not_proven) for c in report.not_proven] == [
        ("C1", "no test yet"),
        ("R3.erase", "a test fails"),
    ]
    text = "\n".join(render_text(report))
    assert "PASS  tests/a.py::test_card" in text
    assert "FAIL  tests/b.py::test_erase_broken" in text
    assert "Proven: 1 of 3 clauses." in text
    markdown = render_markdown(report, generated_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert "Generated 2026-01-02 03:04 UTC" in markdown
    # Tests are listed in node id order, whatever order they ran in (xdist).
    assert "| C4 | No card number is ever stored. | PASS `tests/a.py::test_both`<br>PASS `tests/a.py::test_card` |" in (
        markdown
    )
    assert "- **C1** (no test yet): Contact details are collected where given." in markdown


def test_a_clause_whose_only_test_skipped_is_not_proven():
    report = build_report(parse_clauses(SMALL_POLICY), {"t.py::test_skip": (("C1",), SKIPPED)})

    assert "C1" in [clause.clause_id for clause in report.not_proven]
    assert report.clauses[0].why_not_proven == "its tests did not run (skipped)"


# The plugin end to end, in small pytest sessions of its own.

PLUGIN_ARGS = ("-p", "tests.policy_report", "-p", "no:django", "-p", "no:cacheprovider", "-p", "no:randomly")

SAMPLE_TESTS = """
import pytest

@pytest.mark.policy("C4")
def test_card_passes():
    pass

@pytest.mark.policy("C4", "R3.erase")
def test_erase_fails():
    assert False

@pytest.mark.policy("C1")
def test_contact_skips():
    pytest.skip("no form yet")

@pytest.mark.policy("C1")
class TestContact:
    def test_in_class(self):
        pass

def test_without_marker():
    pass
"""


@pytest.fixture
def policy_project(pytester):
    pytester.mkdir("docs")
    (pytester.path / "docs" / "policy.md").write_text(SMALL_POLICY, encoding="utf-8")
    return pytester


def test_plugin_prints_and_writes_the_report(policy_project):
    policy_project.makepyfile(test_sample=SAMPLE_TESTS)

    result = policy_project.runpytest(*PLUGIN_ARGS, "--policy-report")

    result.assert_outcomes(passed=3, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*privacy policy report*",
            "C1 * Contact details are collected where given.",
            "*PASS  test_sample.py::TestContact::test_in_class",
            "*SKIP  test_sample.py::test_contact_skips",
            "C4 * No card number is ever stored.",
            "*PASS  test_sample.py::test_card_passes",
            "*FAIL  test_sample.py::test_erase_fails",
            "R3.erase * Erasure anonymises what law keeps.",
            "*FAIL  test_sample.py::test_erase_fails",
            "Proven: 1 of 3 clauses.",
            "Not proven yet (2):",
            "*C4 * (a test fails)*",
            "*R3.erase * (a test fails)*",
        ]
    )
    assert "test_without_marker" not in result.stdout.str().split("privacy policy report")[1]
    markdown = (policy_project.path / "var" / "policy-report.md").read_text(encoding="utf-8")
    assert "**Proven: 1 of 3 clauses.**" in markdown
    assert "FAIL `test_sample.py::test_erase_fails`" in markdown


def test_plugin_without_the_option_prints_no_report(policy_project):
    policy_project.makepyfile(test_sample=SAMPLE_TESTS)

    result = policy_project.runpytest(*PLUGIN_ARGS)

    assert "privacy policy report" not in result.stdout.str()
    assert not (policy_project.path / "var" / "policy-report.md").exists()


def test_unknown_clause_stops_the_run(policy_project):
    policy_project.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.policy("C4")
        def test_fine():
            pass

        @pytest.mark.policy("R3.erse")
        def test_typo():
            pass
        """
    )

    result = policy_project.runpytest(*PLUGIN_ARGS, "--policy-report")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_typo.py::test_typo: unknown policy clause R3.erse*", "*Known clauses: C1, C4*"])


def test_unknown_clause_stops_the_run_even_without_the_report(policy_project):
    policy_project.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.policy("Z9")
        def test_typo():
            pass
        """
    )

    result = policy_project.runpytest(*PLUGIN_ARGS)

    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_report_works_across_xdist_workers(policy_project, monkeypatch):
    # Workers are fresh interpreters: they must find the plugin module on the path.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    policy_project.makepyfile(test_sample=SAMPLE_TESTS)

    result = policy_project.runpytest_subprocess(*PLUGIN_ARGS, "-n", "2", "--policy-report")

    result.assert_outcomes(passed=3, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*PASS  test_sample.py::test_card_passes", "Proven: 1 of 3 clauses."])


def test_unknown_clause_fails_the_run_under_xdist(policy_project, monkeypatch):
    # A usage error inside an xdist worker would crash it unreadably, so there the test itself fails.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    policy_project.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.policy("Z9")
        def test_typo():
            pass
        """
    )

    result = policy_project.runpytest_subprocess(*PLUGIN_ARGS, "-n", "2")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_typo.py::test_typo: unknown policy clause Z9*"])

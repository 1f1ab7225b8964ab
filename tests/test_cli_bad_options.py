"""Every command of the CLI given bad options: a clean message on stderr, a non-zero exit,
never a traceback (issue 20). Each case is one command line; the cases cover bad values,
bad file suffixes, output paths in folders that do not exist, and missing or unreadable
inputs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from foodsafety.cli.app import app

EXAMPLES = Path(__file__).parent.parent / "examples"
BAD_LEDGER = Path(__file__).parent / "data" / "bad" / "ledger"
RUBRIC = Path(__file__).parent.parent / "src" / "foodsafety" / "presets" / "assessment"


def _cases(tmp: Path) -> list[list[str]]:
    missing = tmp / "no-such-folder"
    (tmp / "dir.csv").mkdir()
    (tmp / "laughs.yaml").write_text(
        "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    (tmp / "deep.yaml").write_text("a: " + "[" * 3000 + "]" * 3000, encoding="utf-8")
    (tmp / "evidence.json").write_text("{}", encoding="utf-8")
    (tmp / "nul.json").write_bytes(b'{"a": "\x00"')
    rubric = str(RUBRIC / "national_annual_2023.yaml")
    return [
        # audit
        ["audit", "--sample", "anyang", "--scale", "0.01", "--export", str(tmp / "x.docx")],
        ["audit", "--sample", "anyang", "--scale", "0.01", "--export", str(missing / "f.csv")],
        ["audit", "--sample", "anyang", "--scale", "0"],
        ["audit", "--sample", "anyang", "--scale", "-1"],
        ["audit", "--sample", "anyang", "--scale", "nan"],
        ["audit", "--sample", "anyang", "--scale", "inf"],
        ["audit", "--sample", "nowhere"],
        ["audit", "--sample", "anyang", "--as-of", "2023-02-30"],
        ["audit", "--sample", "anyang", "--since", "yesterday"],
        ["audit", "--sample", "anyang", "--by", "province"],
        ["audit", "--sample", "anyang", "--policy", str(tmp / "laughs.yaml")],
        ["audit", "--sample", "anyang", "--policy", "no_such_policy"],
        ["audit", str(missing)],
        ["audit", str(tmp / "dir.csv")],
        ["audit"],
        # trace
        ["trace", "x", "--scale", "0"],
        ["trace", "x", "--scale", "nan"],
        ["trace", "x", "--scale", "0.01", "--picture", str(tmp / "trace.docx")],
        ["trace", "x", "--scale", "0.01", "--picture", str(missing / "trace.png")],
        ["trace", "x", "--scale", "0.01", "--as-of", "2023-13-01"],
        ["trace", "x", "--scale", "0.01", "--lang", "fr"],
        ["trace", "x", "--scale", "0.01", "--kind", "nonsense"],
        ["trace", "x", "--scale", "0.01", "--severity", "apocalyptic"],
        ["trace", "x", "--sample", "nowhere"],
        # findings and campaigns
        ["findings", "--sample", "anyang", "--scale", "0"],
        ["findings", "--sample", "anyang", "--scale", "0.01", "--export", str(tmp / "f.docx")],
        ["findings", "--sample", "anyang", "--scale", "0.01", "--export", str(missing / "f.csv")],
        ["findings", "--sample", "anyang", "--scale", "0.01", "--as-of", "never"],
        ["findings", str(missing / "f.jsonl")],
        ["findings", str(tmp / "laughs.yaml")],
        ["campaign", "run", str(missing / "c.yaml")],
        ["campaign", "run", str(tmp / "laughs.yaml")],
        ["campaign", "run", str(tmp / "deep.yaml")],
        # scoring
        ["score", rubric, str(tmp / "evidence.json"), "--json", str(missing / "a.json")],
        ["score", rubric, str(tmp / "evidence.json"), "--csv", str(missing / "a.csv")],
        ["score", rubric, str(tmp / "evidence.json"), "--lang", "fr"],
        ["score", rubric, str(missing / "e.json")],
        ["score", rubric, str(tmp / "nul.json")],
        ["score", str(tmp / "laughs.yaml"), str(tmp / "evidence.json")],
        ["score", "no_such_rubric", str(tmp / "evidence.json")],
        ["rank", rubric, str(missing / "e.csv")],
        ["rank", rubric, str(tmp / "dir.csv")],
        ["rank", rubric, str(tmp / "evidence.json"), "--excel", str(missing / "r.xlsx")],
        ["rubric", "check", str(tmp / "deep.yaml")],
        ["rubric", "check", str(missing / "r.yaml")],
        ["rubric", "check", rubric, "--properties", "--max-examples", "-1"],
        ["rubric", "check", rubric, "--lang", "fr"],
        ["rubric", "test", str(tmp / "laughs.yaml")],
        ["rubric", "test", str(missing / "s.yaml")],
        # import
        ["import", str(missing / "export.xlsx"), "--out", str(tmp / "out")],
        ["import", str(BAD_LEDGER), "--out", str(tmp / "out"), "--format", "docx"],
        ["import", str(BAD_LEDGER), "--out", str(tmp / "out"), "--report", "pdf"],
        ["import", str(BAD_LEDGER), "--out", str(tmp / "out"), "--as-of", "2023-02-30"],
        ["import", str(BAD_LEDGER), "--write-profile", str(missing / "p.yaml")],
        ["import", str(BAD_LEDGER), "--profile", str(tmp / "laughs.yaml"), "--out", str(tmp)],
        # divisions, identifiers, demo
        ["divisions", "show", "99999999999999"],
        ["divisions", "show", "abc"],
        ["divisions", "search", "安阳", "--level", "galaxy"],
        ["divisions", "search", "安阳", "--limit", "-5"],
        ["divisions", "search", "安阳", "--within", "abc"],
        ["ids", "check", "\x00"],
        ["demo", "--as-of", "2022-02-30"],
    ]


def test_every_command_fails_cleanly_on_bad_options(tmp_path: Path) -> None:
    runner = CliRunner()
    failures = []
    for args in _cases(tmp_path):
        result = runner.invoke(app, args)
        out = (result.stdout or "") + (result.stderr or "")
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or "Traceback" in out or result.exit_code == 0 or not out.strip():
            failures.append(
                f"{' '.join(args)!r}: exit {result.exit_code}, "
                f"{type(result.exception).__name__ if crashed else 'no exception'}: "
                f"{(out.strip().splitlines() or [''])[-1][:150]}"
            )
    assert not failures, "\n".join(failures)

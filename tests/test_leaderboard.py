"""Submissions (validation, versions, rejection leaves leaderboard/ untouched), the built
leaderboard, and the web page in a real headless browser."""
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from voebench.benchmark import suites
from voebench.cli import main as cli
from voebench.leaderboard.build import build
from voebench.leaderboard.submission import SubmissionError, submit, validate

from .browser import chrome

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "leaderboard" / "submissions" / suites.LEADERBOARD_SUITE
RETIRED = REPO / "leaderboard" / "submissions" / "voe-v1"
CARD = {"name": "My Model", "authors": "A. Tester", "description": "test", "parameters": 1000,
        "training_data": "none", "link": "https://example.org/m", "license": "MIT"}


@pytest.fixture
def results(tmp_path):
    """A real evaluate output on the leaderboard suite: a bundled submission's results and scores."""
    src = next(p for p in sorted(BUNDLED.glob("*/v1")))
    out = tmp_path / "results"
    out.mkdir()
    shutil.copy(src / "results.json", out / "results.json")
    shutil.copy(src / "scores.parquet", out / "scores.parquet")
    (out / "card.json").write_text(json.dumps(CARD))
    return out


def snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_accepted_submission_gets_new_versions(results, tmp_path):
    root = tmp_path / "subs"
    first = submit(results, root=root)
    second = submit(results, root=root)
    assert first.name == "v1" and second.name == "v2" and first.parent == second.parent
    entry = json.loads((second / "submission.json").read_text())
    assert entry["suite"] == suites.LEADERBOARD_SUITE and entry["card"]["name"] == "My Model"
    assert entry["metrics"]["mean"]["overall"]["relative_accuracy"] == pytest.approx(
        json.loads((results / "results.json").read_text())["metrics"]["mean"]["overall"]["relative_accuracy"])


def tamper_suite_hash(d):
    r = json.loads((d / "results.json").read_text())
    r["suite"]["content_hash"] = "0" * 64
    (d / "results.json").write_text(json.dumps(r))


def tamper_metrics(d):
    r = json.loads((d / "results.json").read_text())
    r["metrics"]["mean"]["overall"]["relative_accuracy"] = 0.99
    (d / "results.json").write_text(json.dumps(r))


def drop_clip(d):
    t = pd.read_parquet(d / "scores.parquet")
    t.iloc[1:].to_parquet(d / "scores.parquet")


def duplicate_clip(d):
    t = pd.read_parquet(d / "scores.parquet")
    pd.concat([t, t.iloc[:1]]).to_parquet(d / "scores.parquet")


def nan_score(d):
    t = pd.read_parquet(d / "scores.parquet")
    s = list(t.at[0, "surprise"])
    s[-1] = float("nan")
    t.at[0, "surprise"] = s
    t.to_parquet(d / "scores.parquet")


def traversal_name(d):
    (d / "card.json").write_text(json.dumps(dict(CARD, name="../../etc")))


def script_name(d):
    (d / "card.json").write_text(json.dumps(dict(CARD, name="<script>alert(1)</script>")))


def extra_field(d):
    (d / "card.json").write_text(json.dumps(dict(CARD, admin=True)))


def not_json(d):
    (d / "results.json").write_text("{nope")


@pytest.mark.parametrize("tamper,message", [
    (tamper_suite_hash, "not an official suite"),
    (tamper_metrics, "metrics do not match"),
    (drop_clip, "not scored"),
    (duplicate_clip, "scored more than once"),
    (nan_score, "non-finite surprise"),
    (traversal_name, "name"),
    (script_name, "name"),
    (extra_field, "admin"),
    (not_json, "not valid JSON"),
])
def test_bad_submissions_are_rejected_and_nothing_changes(results, tamper, message, capsys, tmp_path):
    tamper(results)
    root = tmp_path / "submissions"
    shutil.copytree(BUNDLED, root / suites.LEADERBOARD_SUITE)
    before = snapshot(root)
    with pytest.raises(SubmissionError, match=message):
        validate(results)
    assert cli(["submit", str(results), "--root", str(root)]) == 2
    assert "rejected" in capsys.readouterr().err
    assert snapshot(root) == before


@pytest.mark.browser
def test_leaderboard_files_and_page_in_a_real_browser(results, tmp_path):
    root = tmp_path / "subs"
    shutil.copytree(BUNDLED, root / suites.LEADERBOARD_SUITE)
    submit(results, root=root)
    out = tmp_path / "board"
    built = build(suites.LEADERBOARD_SUITE, root=root, out=out)
    n = len(built["rows"])
    assert n == len(list((root / suites.LEADERBOARD_SUITE).glob("*"))) and n >= 2
    csv = (out / "leaderboard.csv").read_text().splitlines()
    assert len(csv) == n + 1 and csv[0].startswith("rank,model,kind,version,accuracy")
    assert "My Model" in (out / "LEADERBOARD.md").read_text()
    # a preview image for the gallery, so that image loading is tested too
    assets = out / "site" / "assets"
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(assets / "probe.gif")
    page = (out / "site" / "index.html").read_text().replace('"gallery": [', '"gallery": [{"quad_id": "q", '
        '"principle": "permanence", "condition": "occluded", "reveal": 3, "clips": [], "curves": {}, '
        '"gif": "assets/probe.gif"}, ', 1)
    (out / "site" / "index.html").write_text(page)
    driver = chrome()
    try:
        driver.get((out / "site" / "index.html").as_uri())
        rows = driver.find_elements("css selector", "#board tbody tr")
        assert len(rows) == n
        first = lambda: [r.find_elements("css selector", "td")[1].text.split(" v")[0]
                         for r in driver.find_elements("css selector", "#board tbody tr")]
        by_rank = first()
        header = next(h for h in driver.find_elements("css selector", "#board th") if h.text.startswith("model"))
        header.click()
        by_name = first()
        assert by_name == sorted(by_rank, key=str.lower) or by_name == sorted(by_rank)
        assert by_name != by_rank or by_rank == sorted(by_rank)
        header = next(h for h in driver.find_elements("css selector", "#board th") if h.text.startswith("model"))
        header.click()
        assert first() == list(reversed(by_name))
        images = driver.find_elements("css selector", "img")
        assert images and all(driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
                              for i in images)
        assert len(driver.find_elements("css selector", "#heat tbody tr")) == n
        # the gallery's surprise panels: one row per model in every real card (the injected one has none)
        cards = driver.find_elements("css selector", "#gallery .card")
        assert len(cards) == 15 and not cards[0].find_elements("css selector", "svg")
        assert all(len(c.find_elements("css selector", "svg")) == n for c in cards[1:])
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        driver.save_screenshot(str(tmp_path / "page.png"))
    finally:
        driver.quit()


def readme_block(after: str, language: str) -> str:
    text = (REPO / "README.md").read_text()
    section = text[text.index(after):]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start:section.index("```", start)]


@pytest.mark.slow
@pytest.mark.browser
def test_readme_third_party_model_is_evaluated_submitted_and_shown(demo_suite, demo_cache, tmp_path, monkeypatch):
    """The README's ~20-line model, written to a file, goes through evaluate -> submit -> page."""
    monkeypatch.setenv("VOEBENCH_CACHE", str(demo_cache))  # the untrained null's seeds: scored once a session
    data, info, suite = demo_suite
    assert suites.hash_mismatch(suite, info) is None, f"{suite.name} does not reproduce on this platform"
    (tmp_path / "my_model.py").write_text(readme_block("## Submitting a model", "python"))
    results = tmp_path / "results" / "mine"
    assert cli(["evaluate", "--model", f"{tmp_path}/my_model.py:MyModel", "--data", str(data), "--out", str(results),
                "--quiet"]) == 0
    card = readme_block("## Submitting a model", "bash").split("<<'JSON'\n")[1].split("JSON\n")[0]
    (results / "card.json").write_text(card)
    root = tmp_path / "subs"
    assert cli(["submit", str(results), "--root", str(root)]) == 0
    out = tmp_path / "board"
    assert cli(["leaderboard", "--suite", suite.name, "--data", str(data), "--root", str(root), "--out", str(out)]) == 0
    page = (out / "site" / "index.html").read_text()
    assert "My Model" in page and "My Model" in (out / "leaderboard.csv").read_text()
    driver = chrome()
    try:
        driver.get((out / "site" / "index.html").as_uri())
        names = [r.find_elements("css selector", "td")[1].text for r in driver.find_elements("css selector", "#board tbody tr")]
        assert any(n.startswith("My Model") for n in names)
        images = driver.find_elements("css selector", "#gallery img")
        assert len(images) == 14 and all(
            driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i) for i in images)
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()


def test_a_retired_suite_keeps_its_table_under_a_line_on_why(tmp_path):
    """voe-v1 left the leaderboard for voe-v2 (issue 12): its entries stay, below the current board,
    with the reason; the current suite's rows say what each entry is (references are marked)."""
    root = tmp_path / "subs"
    shutil.copytree(RETIRED, root / "voe-v1")
    out = tmp_path / "board"
    built = build(suites.LEADERBOARD_SUITE, root=root, out=out)
    text = (out / "LEADERBOARD.md").read_text()
    head, retired_part = text.split("## Retired: voe-v1")
    assert built["rows"] == [] and "voe-v1 is retired: design 1: an independent audit" in retired_part
    assert retired_part.count("\n| ") == len(list((root / "voe-v1").glob("*"))) + 1  # header + one row each
    assert "Retired: voe-v1" in (out / "site" / "index.html").read_text()
    build("voe-v1", root=root, out=tmp_path / "v1")  # the retired suite's own board lists no "retired" section
    assert "## Retired" not in (tmp_path / "v1" / "LEADERBOARD.md").read_text()


def test_the_hand_built_control_is_the_ceiling_not_ranked_among_the_models():
    """The official board's physics tracker (kind "control") is listed first as the ceiling; the
    models and references it is read against are ranked 1.. among themselves."""
    from voebench.leaderboard.build import CEILING, latest_entries, ranked, to_markdown

    rows = ranked(latest_entries(BUNDLED.parent, suites.LEADERBOARD_SUITE))
    controls = [r for r in rows if r["kind"].startswith("control")]
    assert [r["model"] for r in controls] == ["physics-tracker"] and rows[0] is controls[0]
    assert controls[0]["rank"] == CEILING
    assert [r["rank"] for r in rows[1:]] == list(range(1, len(rows)))
    assert "| ceiling | physics-tracker | control (ceiling, hand-built) |" in to_markdown(rows, suites.LEADERBOARD_SUITE)


def test_surprise_excess_is_in_units_of_the_models_spread():
    """Gallery panels: impossible minus its possible partner, averaged over the two impossible
    clips, aligned at the reveal, divided by the spread of the cell's possible clips."""
    import numpy as np

    from voebench.benchmark.scored import REVEAL_HALF_WIDTH, Scored

    t = np.arange(20.0)
    surprise = {"a": np.where(t % 2 == 0, 0.0, 2.0), "b": t * 0 + 2, "ab": np.where(t >= 10, 4.0, 0.0), "ba": t * 0 + 2}
    # possible clips' per-frame values: 0, 2 (A) and 2 (B)

    def scored(reveal):
        return Scored(pd.DataFrame({"clip_id": ["a", "b", "ab", "ba"], "possible": [1, 1, 0, 0],
                                    "partner": ["", "", "a", "b"], "quad_id": "q", "principle": "permanence",
                                    "condition": "visible", "reveal_frame": [-1, -1, reveal, reveal],
                                    "surprise": list(surprise.values())}))

    spread = np.std(np.concatenate([surprise["a"], surprise["b"]]))
    curve = scored(10).excess_around_reveal("q")
    assert len(curve) == 2 * REVEAL_HALF_WIDTH + 1
    at = {k - REVEAL_HALF_WIDTH: v for k, v in enumerate(curve)}
    assert at[0] == round(((4 - 0) + (2 - 2)) / 2 / spread, 4)  # frame 10: A is 0 there
    assert at[1] == round(((4 - 2) + 0) / 2 / spread, 4) and at[-1] == round((0 - 2) / 2 / spread, 4)
    assert scored(15).excess_around_reveal("q")[-1] is None  # past the clip's end

"""The human-baseline kit (benchmark/human/): the study's design, its page in a real headless
Chromium answered with the keyboard by a scripted participant, the answer files' checks, the
attention rule, and the results' way through `voebench submit` to the leaderboard."""
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voebench.benchmark.human import plan
from voebench.benchmark.human.answers import checksum
from voebench.benchmark.human.study import StudyError, make_study
from voebench.cli import main

from .browser import chrome

CELLS = [(p, c) for p in ("permanence", "continuity", "solidity") for c in ("visible", "occluded")]


def quads(per_cell: int = 5) -> list[plan.Quad]:
    out = []
    for p, c in CELLS:
        for k in range(per_cell):
            q = f"{p}-{c}-{k:04d}"
            out.append(plan.Quad(q, p, c, (f"{q}/A", f"{q}/B"), (f"{q}/A>B", f"{q}/B>A")))
    return out


def quad_of(clip: str) -> str:
    return clip.split("/")[0]


def test_the_design_is_balanced_seeded_and_never_shows_a_quadruplet_twice_in_a_row():
    all_quads = quads()
    forms = plan.forms(all_quads, per_list=8, seed=7)
    assert forms == plan.forms(all_quads, per_list=8, seed=7)
    assert forms != plan.forms(all_quads, per_list=8, seed=8)
    lists = [f for f in forms if not f["reversed"]]
    assert len(forms) == 2 * len(lists) == 2 * 4  # 30 quadruplets in lists of about 8
    # every quadruplet in exactly one list; every list mixes the cells
    listed = [q for f in lists for q in f["quadruplets"]]
    assert sorted(listed) == sorted(q.quad_id for q in all_quads)
    for f in lists:
        assert len({q.rsplit("-", 1)[0] for q in f["quadruplets"]}) == len(CELLS)
    for f in forms:
        trials = f["trials"]
        clips = [c for c, _ in trials]
        assert all(quad_of(a) != quad_of(b) for a, b in zip(clips, clips[1:])), f
        tests = [c for c, k in trials if k == "test"]
        expected = sorted(f"{q}/{x}" for q in f["quadruplets"] for x in ("A", "B", "A>B", "B>A"))
        assert sorted(tests) == expected  # each clip of the list once
        # four rounds, each with one clip of every quadruplet, about half of them impossible (the
        # reversed form shows the same sequence backwards, its repeats' first showing moved)
        n = len(f["quadruplets"])
        for r in range(4 if not f["reversed"] else 0):
            part = tests[r * n:(r + 1) * n]
            assert len({quad_of(c) for c in part}) == n
            assert abs(sum(">" in c for c in part) - n / 2) <= 0.5
        repeats = [c for c, k in trials if k == "repeat"]
        assert len(repeats) == plan.REPEATS and all(c in tests for c in repeats)
        for c in repeats:  # shown first as a test trial, again later
            assert [k for x, k in trials if x == c] == ["test", "repeat"]
        catch = [c for c, k in trials if k == "catch"]
        assert len(catch) == 2 * plan.CATCH_PAIRS
        assert all(quad_of(c).startswith("permanence-visible") and quad_of(c) not in f["quadruplets"] for c in catch)
        assert sorted(">" in c for c in catch) == [False, False, True, True]  # each violation with its partner
    for k in range(0, len(forms), 2):  # the second form of a list is the first reversed
        assert [c for c, _ in forms[k + 1]["trials"]] == [c for c, _ in forms[k]["trials"]][::-1]


def test_a_study_is_the_same_bytes_from_the_same_seed(suite, tmp_path):
    data, _ = suite
    made = [make_study(data, tmp_path / name, clips=28, seed=seed, progress=False)
            for name, seed in (("a", 4), ("b", 4), ("c", 5))]
    for name in ("study.json", "index.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    names = sorted(p.name[:-4] for p in (tmp_path / "a" / "clips").iterdir())
    assert names == sorted(made[0]["stimuli"]) == [f"s{i:04d}" for i in range(56)]
    assert made[0]["forms"] != made[2]["forms"] and made[0]["study_id"] != made[2]["study_id"]
    assert all(len(f["trials"]) == 28 + plan.REPEATS + 2 * plan.CATCH_PAIRS for f in made[0]["forms"])


def test_a_study_needs_whole_quadruplets_and_never_overwrites(suite, tmp_path):
    data, _ = suite
    with pytest.raises(StudyError, match="multiple of 4"):
        make_study(data, tmp_path / "s", clips=10, progress=False)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "answers.json").write_text("{}")
    with pytest.raises(StudyError, match="never overwritten"):
        make_study(data, tmp_path / "taken", clips=28, progress=False)
    assert (tmp_path / "taken" / "answers.json").read_text() == "{}"


@pytest.fixture(scope="module")
def small_study(suite, tmp_path_factory):
    """A study of the small test suite (14 quadruplets): 2 lists of 7, played fast (200 fps)."""
    data, _ = suite
    out = tmp_path_factory.mktemp("human") / "study"
    record = make_study(data, out, clips=28, seed=5, fps=200, progress=False)
    return out, record


def scripted_answers(study: dict, form: int, session: int, rng, attentive: bool = True) -> dict:
    """What the page writes for a participant who answers like `attentive` says: most impossible
    clips rated 1-2, possible 5-6 (a fifth at random), a repeated clip as the first time; or 6 to
    everything."""
    trials, first = [], {}
    for stimulus, kind in study["forms"][form]["trials"]:
        impossible = not study["clips"][study["stimuli"][stimulus]]["possible"]
        if not attentive:
            rating = 6
        elif kind == "repeat":  # a clip seen before gets the same answer
            rating = first[stimulus]
        elif kind == "catch" or rng.random() < 0.8:
            rating = int(rng.integers(1, 3) if impossible else rng.integers(5, 7))
        else:
            rating = int(rng.integers(1, 7))
        first.setdefault(stimulus, rating)
        trials.append([stimulus, rating, int(rng.integers(300, 3000))])
    answers = {"schema": "voebench.human-answers/1", "study_id": study["study_id"], "form": form,
               "session": f"{session:016x}", "scale": study["scale"], "trials": trials}
    answers["crc32"] = checksum(answers)
    return answers


@pytest.mark.browser
def test_a_scripted_participant_takes_the_study_with_the_keyboard(small_study, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    study_dir, study = small_study
    html = (study_dir / "index.html").read_text()
    for clip in study["clips"]:  # the page names no clip, label or check: only opaque stimuli
        assert clip not in html
    assert "catch" not in html and "possible\"" not in html
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    form = 3  # list 1, reversed
    trials = study["forms"][form]["trials"]
    driver = chrome()
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.get((study_dir / "index.html").resolve().as_uri() + f"?form={form}")
        wait = WebDriverWait(driver, 30, poll_frequency=0.02)
        wait.until(lambda d: d.find_element(By.ID, "start").is_enabled())  # every clip loaded
        assert f"{len(trials)}" in driver.find_element(By.ID, "n-trials").text
        body = driver.find_element(By.TAG_NAME, "body")
        state = "return document.body.dataset.state + ':' + document.body.dataset.trial"
        body.send_keys("1")  # an answer key outside a question is ignored
        assert driver.execute_script(state) == "intro:0"
        body.send_keys(Keys.SPACE)
        for i, (stimulus, kind) in enumerate(trials):
            wait.until(lambda d: d.execute_script(state) == f"respond:{i}")  # the clip has played to its end
            assert driver.execute_script(state) == f"respond:{i}"
            progress = driver.execute_script("return document.getElementById('progress').style.width")
            assert abs(float(progress.rstrip("%")) - 100 * i / len(trials)) < 0.1
            impossible = not study["clips"][study["stimuli"][stimulus]]["possible"]
            body.send_keys("1" if impossible else "6")
        wait.until(lambda d: d.execute_script("return document.body.dataset.state") == "done")
        body.send_keys("d")  # save the answers with the keyboard shortcut
        for _ in range(100):
            if list(downloads.glob("*.json")):
                break
            time.sleep(0.1)
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    files = sorted(downloads.glob("*.json"))
    assert len(files) == 1
    answers = json.loads(files[0].read_text())
    assert answers["form"] == form and answers["study_id"] == study["study_id"]
    assert [t[0] for t in answers["trials"]] == [s for s, _ in trials]
    assert all(isinstance(t[2], int) and t[2] >= 0 for t in answers["trials"])
    assert set(answers) == {"schema", "study_id", "form", "session", "scale", "trials", "crc32"}  # nothing else
    # the download round-trips through human-results, from the study's answers/ folder
    placed = study_dir / "answers" / files[0].name
    placed.write_bytes(files[0].read_bytes())
    out = tmp_path / "people"
    try:
        assert main(["human-results", str(placed), "--out", str(out)]) == 0
    finally:
        placed.unlink()
    result = json.loads((out / "results.json").read_text())
    human = result["human"]
    assert human["kept"] == 1 and human["excluded"] == [] and human["forms_taken"][str(form)] == 1
    listed = set(study["forms"][form]["quadruplets"])
    assert human["clips_rated"] == 4 * len(listed)
    assert set(result["skipped_quadruplets"]) == {c["quad_id"] for c in study["clips"].values()} - listed
    overall = result["metrics"]["mean"]["overall"]
    assert overall["relative_accuracy"] == 1.0 and overall["auc"] == 1.0  # a perfect participant
    assert human["participant_relative_accuracy"]["mean"] == 1.0
    assert (out / "report.md").is_file() and "Human baseline" in (out / "report.md").read_text()


def write(path: Path, answers: dict) -> Path:
    path.write_text(json.dumps(answers))
    return path


def with_crc(answers: dict) -> dict:
    answers = json.loads(json.dumps(answers))
    answers["crc32"] = checksum(answers)
    return answers


def edited_rating(a):
    a["trials"][0][1] = 7 - a["trials"][0][1]
    return a  # the checksum no longer matches


def out_of_scale(a):
    a["trials"][0][1] = 9
    return with_crc(a)


def other_study(a):
    a["study_id"] = "0" * 16
    return with_crc(a)


def reordered(a):
    a["trials"][0], a["trials"][1] = a["trials"][1], a["trials"][0]
    return with_crc(a)


def unfinished(a):
    del a["trials"][-3:]
    return with_crc(a)


def extra_field(a):
    a["name"] = "Jane Doe"  # nothing that identifies a person belongs in an answer file
    return a


def negative_time(a):
    a["trials"][2][2] = -5
    return with_crc(a)


def bad_form(a):
    a["form"] = 99
    return with_crc(a)


@pytest.mark.parametrize("tamper,message", [
    (edited_rating, "crc32 does not match"), (out_of_scale, "rating 9"), (other_study, "another study"),
    (reordered, "form 0 shows"), (unfinished, "unfinished"), (extra_field, "unexpected"),
    (negative_time, "response time -5"), (bad_form, "form 99"), (lambda a: "[1, 2", "not valid JSON")])
def test_malformed_or_tampered_answer_files_are_rejected_with_the_reason(small_study, tmp_path, tamper, message,
                                                                           capsys):
    study_dir, study = small_study
    answers = scripted_answers(study, 0, 1, np.random.default_rng(0))
    bad = tamper(json.loads(json.dumps(answers)))
    path = study_dir / "answers" / "tampered.json"
    path.write_text(bad if isinstance(bad, str) else json.dumps(bad))
    good = write(study_dir / "answers" / "good.json", scripted_answers(study, 1, 2, np.random.default_rng(1)))
    out = tmp_path / "people"
    try:
        assert main(["human-results", str(path), str(good), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert message in err and "tampered.json" in err
        assert not out.exists()  # nothing written from a refused set
        # --skip-invalid leaves it out and says why
        assert main(["human-results", str(path), str(good), "--out", str(out), "--skip-invalid"]) == 0
        rejected = json.loads((out / "results.json").read_text())["human"]["rejected"]
        assert len(rejected) == 1 and message in rejected[0]["reason"]
    finally:
        path.unlink()
        good.unlink()


def test_the_same_session_twice_is_refused(small_study, tmp_path, capsys):
    study_dir, study = small_study
    answers = scripted_answers(study, 0, 1, np.random.default_rng(0))
    paths = [write(study_dir / "answers" / f"copy{k}.json", answers) for k in range(2)]
    try:
        assert main(["human-results", *map(str, paths), "--out", str(tmp_path / "x")]) == 2
        assert "already read" in capsys.readouterr().err
    finally:
        for p in paths:
            p.unlink()


@pytest.mark.slow
@pytest.mark.browser
def test_people_are_scored_submitted_and_shown_apart_on_the_leaderboard(demo_suite, tmp_path):
    """On the official mini suite: every form taken, one careless participant excluded by the rule
    stated in the study, the results accepted by `voebench submit` as a human baseline and shown
    first, as 'people', never ranked; the bundled board has no human row."""
    from voebench.benchmark import suites
    from voebench.leaderboard.build import CEILING, PEOPLE, build, latest_entries, ranked
    from voebench.leaderboard.submission import SUBMISSIONS, SubmissionError, submit

    data, _, _ = demo_suite
    study_dir = tmp_path / "study"
    study = make_study(data, study_dir, clips=56, seed=11, progress=False)
    rng = np.random.default_rng(3)
    for form in range(len(study["forms"])):
        write(study_dir / "answers" / f"p{form}.json", scripted_answers(study, form, form + 1, rng))
    write(study_dir / "answers" / "careless.json", scripted_answers(study, 0, 99, rng, attentive=False))
    out = tmp_path / "people"
    result = voebench_human_results(study_dir, out)
    human = result["human"]
    assert [e["file"].endswith("careless.json") for e in human["excluded"]] == [True]
    assert "obvious violation" in human["excluded"][0]["reasons"][0]
    assert human["clips_rated"] == human["clips_in_study"] == 112 and result["skipped_quadruplets"] == []
    mean = result["metrics"]["mean"]
    assert result["protocol"]["scores"] == "per clip"
    for cells in mean["cells"].values():  # one score per clip: no effect, localisation or detection
        for c in cells.values():
            assert c["effect"] is None and c["localisation"] is None and c["detected"] is None
    # the permutation null sits near chance, the scripted people well above it
    assert mean["overall"]["relative_accuracy"] > 0.85 and 0.3 < mean["overall"]["null_relative_accuracy"] < 0.7
    scores = pd.read_parquet(out / "scores.parquet")
    assert len(scores) == 112 and all(len(s) == 1 for s in scores["surprise"])

    root = tmp_path / "submissions"
    with pytest.raises(SubmissionError, match="human baseline"):
        submit(out, {"name": "people", "authors": "a lab"}, root=root)  # people are not a model
    target = submit(out, {"name": "people", "authors": "a lab", "kind": "human baseline"}, root=root)
    entry = json.loads((target / "submission.json").read_text())
    assert entry["human"]["kept"] == human["kept"] and entry["human"]["study_id"] == study["study_id"]
    model = tmp_path / "model"
    model.mkdir()
    for name in ("results.json", "scores.parquet"):
        (model / name).write_bytes(next((SUBMISSIONS / suites.LEADERBOARD_SUITE).glob("*/v1")).joinpath(name).read_bytes())
    with pytest.raises(SubmissionError):
        submit(model, {"name": "fake people", "authors": "x", "kind": "human baseline"}, root=root)

    # people come first, as "people"; the models are ranked 1.. without them
    board = build("voe-v2-mini", root=root, out=tmp_path / "board", sweeps=None)
    assert [r["rank"] for r in board["rows"]] == [PEOPLE] and board["rows"][0]["detected_cells"] is None
    rows = ranked(latest_entries(root, "voe-v2-mini") + latest_entries(SUBMISSIONS, suites.LEADERBOARD_SUITE))
    assert rows[0]["rank"] == PEOPLE and rows[1]["rank"] == CEILING
    assert [r["rank"] for r in rows[2:]] == list(range(1, len(rows) - 1))
    csv = (tmp_path / "board" / "leaderboard.csv").read_text().splitlines()
    assert csv[1].startswith("people,people,human baseline")
    driver = chrome()
    try:
        driver.get((tmp_path / "board" / "site" / "index.html").resolve().as_uri())
        row = driver.find_element("css selector", "#board tbody tr.human")
        assert row.text.startswith("people") and "n/a" in row.text
        assert len(driver.find_elements("css selector", "#board tbody tr")) == 1
    finally:
        driver.quit()
    # the bundled leaderboard shows no human row until real people have taken part
    for suite in (suites.LEADERBOARD_SUITE, "voe-v2-mini"):
        assert not [e for e in latest_entries(SUBMISSIONS, suite) if "human" in e or
                    e["card"].get("kind") == "human baseline"]


def voebench_human_results(study_dir: Path, out: Path) -> dict:
    assert main(["human-results", *map(str, sorted((study_dir / "answers").glob("*.json"))), "--out", str(out)]) == 0
    return json.loads((out / "results.json").read_text())

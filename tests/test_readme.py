"""The README's Layout section names files and folders of the repository: every one exists."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ("py", "sh", "md", "json", "csv", "html", "toml", "txt", "parquet")
# `name.py`, `folder/`, `room/file.py`; not `voebench.scenes` (a module) nor `--device` (an option)
PATH = rf"[\w-]+(?:/[\w.-]+)*(?:/|\.(?:{'|'.join(EXTENSIONS)}))"
BULLET_TOKENS = re.compile(rf"`([^`]*)`|(\()|(\))|(?<![\w/.-])((?:[\w-]+/)+[\w.-]+\.(?:{'|'.join(EXTENSIONS)}))\b")
DIAGRAM_TOKENS = re.compile(rf"(?<![\w/.-])({PATH})(?![\w/])")


def _is_path(text: str) -> bool:
    return re.fullmatch(PATH, text) is not None


def layout_paths(readme: str) -> set[str]:
    """Every path the Layout section names, relative to the repository root. In the diagram a
    bare file name is in the folder its line starts with; in a bullet, in the bullet's folder, or
    in the folder whose parenthesis it stands in (`formats/` (`native.py`, ...)); a path with a
    slash outside backticks (tests/test_package.py) is from the root."""
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    before, diagram, after = section.split("```", 2)
    between, bullets = after.split("\n- `", 1)
    prose, bullets = before + between, "- `" + bullets
    paths = set()
    for text in re.findall(r"`([^`]*)`", prose):
        if _is_path(text):
            paths.add(text)
    paths |= set(re.findall(rf"(?<![\w/.`-])((?:[\w-]+/)+[\w.-]+\.(?:{'|'.join(EXTENSIONS)}))\b", prose))
    folder = ""
    for line in diagram.splitlines():
        start = re.match(r"([\w-]+/)\s", line)
        if start:
            folder = start.group(1)
        for name in DIAGRAM_TOKENS.findall(line):
            paths.add(name if "/" in name else folder + name)
    for bullet in re.split(r"\n(?=- `)", bullets.strip()):
        room = re.match(r"- `([\w-]+/)` —", bullet)
        assert room, f"a Layout bullet that does not start with its folder: {bullet[:60]!r}"
        paths.add(room.group(1))
        stack, previous = [room.group(1)], None  # previous: the folder named just before a "("
        for match in BULLET_TOKENS.finditer(bullet[room.end():]):
            quoted, opening, closing, bare = match.groups()
            if opening:
                stack.append(stack[-1] + previous if previous else stack[-1])
            elif closing and len(stack) > 1:
                stack.pop()
            elif bare:
                paths.add(bare)
            elif quoted is not None and _is_path(quoted):
                paths.add(stack[-1] + quoted)
            previous = quoted if quoted and quoted.endswith("/") and _is_path(quoted) else None
    return paths


def test_the_layout_parser_on_a_known_example():
    readme = ("# x\n## Layout\nRooms (tests/test_readme.py reads them), `voebench.scenes` to `scenes/`:\n```\n"
              "voebench/  api.py (x), cli.py\n           │  over cli_parser.py\nmodels/ ──▶ scenes/dataset.py\n```\n"
              "Each bullet is a room; `docs/` too.\n"
              "- `benchmark/` — `runner.py` (order), `formats/` (`native.py`, `video.py` for `--out`), `suites.py`\n"
              "- `models/` — `nets.py` (over `device.py`), `checkpoints/` (see docs/performance.md)\n## Next\n`no.py`")
    assert layout_paths(readme) == {
        "tests/test_readme.py", "scenes/", "voebench/", "voebench/api.py", "voebench/cli.py", "voebench/cli_parser.py",
        "models/", "scenes/dataset.py", "benchmark/", "benchmark/runner.py", "benchmark/formats/",
        "benchmark/formats/native.py", "benchmark/formats/video.py", "benchmark/suites.py", "models/nets.py",
        "models/device.py", "models/checkpoints/", "docs/performance.md", "docs/"}


def test_every_path_the_readme_layout_names_exists():
    paths = layout_paths((ROOT / "README.md").read_text())
    rooms = {p.split("/")[0] for p in paths}
    assert {"voebench", "scenes", "models", "benchmark", "leaderboard", "tests"} <= rooms and len(paths) > 50
    missing = sorted(p for p in paths if not ((ROOT / p).is_dir() if p.endswith("/") else (ROOT / p).is_file()))
    assert not missing, f"README.md's Layout names paths that are not in the repository: {missing}"

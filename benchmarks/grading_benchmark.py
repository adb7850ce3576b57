"""Grading speed and memory, side by side: the floor, nbclient, our grader, nbgrader autograde.

Run with ``nox -s bench`` (or ``python benchmarks/grading_benchmark.py``). For each
week it measures, on the same submissions:

(a) the floor: the submission's code cells run as a plain Python script;
(b) plain nbclient execution of the notebook (a Jupyter kernel);
(c) our grading of one submission end to end: ``python -m autograder grade ... --hidden --json``;
(d) nbgrader's ``autograde`` of the same submission, in an nbgrader course folder set up here;
(e) a batch of distinct submissions: ours with ``-j 1`` and ``-j 2`` against nbgrader autograde,
    each started cold (``--cold``) and forked from the batch's warm template (the default);
(f) the batch's floor: the same submissions' code cells run as plain scripts, one after
    another (a cell that raises does not stop its script, as in grading);
(g) peak memory (PSS summed over the process tree) of a grading run, of a warm ``-j 1``
    batch and of the floor, each in a run of its own: reading ``smaps_rollup`` every 20 ms
    walks the page tables of every process of the tree, which costs a 2-core machine a
    large part of a core when torch processes are sampled (a warm ``-j 2`` torch batch took
    46 s sampled and 34 s unsampled), so no timed run is sampled.

It prints medians with min/max and the ratios ours/floor and nbgrader/ours, and writes
``docs/benchmarks.md`` and ``docs/benchmarks.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import locate_week  # noqa: E402
from autograder.sandbox.harness import code_cells, strip_magics  # noqa: E402

PYTHON = sys.executable
ENV = {
    **os.environ,
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "WANDB_MODE": "disabled",
}
ENV["PATH"] = f"{Path(PYTHON).parent}:{ENV.get('PATH', '')}"  # nbgrader runs alembic from PATH


# ----------------------------------------------------------------------------- measuring
@dataclass
class Sample:
    seconds: float
    peak_rss: int  # bytes: PSS summed over the process tree, at its largest
    stderr: str = ""


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def cell(self) -> str:
        return f"{self.median:.2f} s ({min(self.seconds):.2f}-{max(self.seconds):.2f})"


def _tree_memory(root_pid: int) -> int:
    """Proportional set size (PSS) of ``root_pid`` and all its descendants, from /proc.

    PSS splits each shared page between the processes mapping it, so forked
    children that share their parent's pages copy-on-write are not counted
    twice (summing RSS would count them once per process).
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stream:
                ppid = int(stream.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += _pss(pid)
        stack.extend(children.get(pid, []))
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run(command: list[str], cwd: Path | None = None, *, memory: bool = False) -> Sample:
    """Run ``command`` once: its time or (``memory=True``) its peak memory, never both."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_memory(process.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    if memory:
        sampler.join()
    if process.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(command)} failed ({process.returncode}):\n{err.decode()[-2000:]}"
        )
    return Sample(0.0 if memory else elapsed, peak[0], err.decode(errors="replace"))


def repeat(command: list[str], times: int, cwd: Path | None = None) -> Series:
    series = Series()
    for _ in range(times):
        series.samples.append(run(command, cwd))
    return series


# ----------------------------------------------------------------------------- set-up
def floor_script(notebook: Path, target: Path) -> Path:
    """The cells our grader runs (code cells, nbgrader test cells excluded), as one script."""
    cells = code_cells(json.loads(notebook.read_text()))
    target.write_text(
        "\n\n".join(strip_magics(source) for _, source, is_test, _ in cells if not is_test)
    )
    return target


# each cell of a batch floor script, run as the grader runs it: one that raises does not stop it
CELL_RUNNER = """
import traceback
namespace = {"__name__": "__main__"}
for source in CELLS:
    try:
        exec(compile(source, "<cell>", "exec"), namespace)
    except BaseException:
        traceback.print_exc(limit=1)
"""


def batch_floor_script(notebook: Path, target: Path) -> Path:
    """The floor of one submission of a batch: its code cells as a script that survives errors."""
    cells = code_cells(json.loads(notebook.read_text()))
    sources = [strip_magics(source) for _, source, is_test, _ in cells if not is_test]
    target.write_text(f"CELLS = {sources!r}\n{CELL_RUNNER}")
    return target


def floor_batch(scripts: list[Path], cwd: Path) -> Sample:
    """The scripts one after another, each in its own interpreter (one timed process tree)."""
    runner = (
        "import subprocess, sys\n"
        "for script in sys.argv[1:]:\n"
        "    subprocess.run([sys.executable, script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    )
    return run([PYTHON, "-c", runner, *map(str, scripts)], cwd)


def distinct_submissions(week: str, count: int, folder: Path) -> list[Path]:
    """``count`` different notebooks: the solution, the stub and (week 1) a planted wrong one,
    each with a unique comment so no two are byte-identical."""
    paths = locate_week(week, ROOT)
    sources = [
        json.loads(paths.solution_notebook.read_text()),
        json.loads(paths.notebook.read_text()),
    ]
    if week == "week01":
        from autograder.instructor.demo import plant_bugs

        sources.append(plant_bugs(sources[0]))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for index in range(count):
        notebook = json.loads(json.dumps(sources[index % len(sources)]))
        notebook["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": f"# submission {index}",
            }
        )
        path = folder / f"s{index:03d}.ipynb"
        path.write_text(json.dumps(notebook))
        out.append(path)
    return out


def nbgrader_course(week: str, submissions: list[Path], root: Path) -> Path:
    """An nbgrader course folder with ``week`` released and each submission under submitted/."""
    paths = locate_week(week, ROOT)
    assert paths.private_dir is not None
    source = root / "source" / week
    source.mkdir(parents=True)
    shutil.copy2(paths.solution_notebook, source / f"{week}.ipynb")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n"
    )

    def nbgrader(*args: str) -> None:
        subprocess.run(
            [PYTHON, "-m", "nbgrader", *args], cwd=root, env=ENV, check=True, capture_output=True
        )

    nbgrader("db", "assignment", "add", week)
    nbgrader("generate_assignment", week, "--force")
    # the files a student's repository holds, plus what the hidden test cells read
    support = [
        paths.public_dir / "grading.py",
        paths.public_dir / "week.json",
        paths.private_dir / "hidden_grading.py",
    ]
    for index, submission in enumerate(submissions):
        student = f"s{index:03d}"
        nbgrader("db", "student", "add", student)
        folder = root / "submitted" / student / week
        folder.mkdir(parents=True)
        shutil.copy2(submission, folder / f"{week}.ipynb")
        for file in support:
            shutil.copy2(file, folder / file.name)
        shutil.copytree(paths.private_dir / "references", folder / "references")
    return root


# ----------------------------------------------------------------------------- the benchmark
def ours_batch_command(
    week: str, notebooks: list[Path], jobs: int, out: Path, warm: bool
) -> list[str]:
    """Our batch grading of ``notebooks`` (hidden items), ``jobs`` sandboxes in parallel, each
    forked from the batch's warm template or (``warm=False``) started cold."""
    return [
        PYTHON,
        "-m",
        "autograder",
        "grade",
        week,
        *map(str, notebooks),
        "--hidden",
        "-j",
        str(jobs),
        "--out",
        str(out),
        "--quiet",
        *([] if warm else ["--cold"]),
    ]


def ours_batch(week: str, notebooks: list[Path], jobs: int, out: Path, warm: bool) -> Sample:
    return run(ours_batch_command(week, notebooks, jobs, out, warm), ROOT)


def bench_week(week: str, repeats: int, batch: int, workdir: Path) -> dict[str, object]:
    paths = locate_week(week, ROOT)
    print(f"[{week}] preparing submissions and an nbgrader course ...", flush=True)
    submissions = distinct_submissions(week, batch, workdir / "submissions")
    solution = submissions[0]
    assignment = workdir / "assignment"
    shutil.copytree(paths.public_dir, assignment)
    shutil.copy2(paths.private_dir / "hidden_grading.py", assignment / "hidden_grading.py")  # type: ignore[operator]
    shutil.copytree(paths.private_dir / "references", assignment / "references", dirs_exist_ok=True)  # type: ignore[operator]
    shutil.copy2(solution, assignment / f"{week}.ipynb")
    script = floor_script(solution, workdir / "floor.py")
    course = nbgrader_course(week, submissions, workdir / "nbgrader")

    results: dict[str, object] = {"week": week}
    print(f"[{week}] (a) floor ...", flush=True)
    results["floor"] = repeat([PYTHON, str(script)], repeats, cwd=assignment)
    print(f"[{week}] (b) nbclient ...", flush=True)
    nbclient = (
        "import sys, nbformat, nbclient; nb = nbformat.read(sys.argv[1], 4); "
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', "
        "resources={'metadata': {'path': sys.argv[2]}}).execute()"
    )
    results["nbclient"] = repeat(
        [PYTHON, "-c", nbclient, str(assignment / f"{week}.ipynb"), str(assignment)], repeats
    )
    print(f"[{week}] (c) ours, one submission ...", flush=True)
    grade_one = [
        PYTHON,
        "-m",
        "autograder",
        "grade",
        week,
        str(solution),
        "--hidden",
        "--quiet",
        "--json",
        str(workdir / "r.json"),
    ]
    results["ours"] = repeat(grade_one, repeats, cwd=ROOT)
    print(f"[{week}] (d) nbgrader autograde, one submission ...", flush=True)
    results["nbgrader"] = repeat(
        [PYTHON, "-m", "nbgrader", "autograde", week, "--student", "s000", "--force"],
        repeats,
        cwd=course,
    )
    print(f"[{week}] (e) batches of {batch}, cold and warm ...", flush=True)
    results["batch_j1"] = ours_batch(week, submissions, 1, workdir / "batch1", warm=False)
    results["warm_j1"] = ours_batch(week, submissions, 1, workdir / "warm1", warm=True)
    results["batch_j2"] = ours_batch(week, submissions, 2, workdir / "batch2", warm=False)
    results["warm_j2"] = ours_batch(week, submissions, 2, workdir / "warm2", warm=True)
    results["batch_nbgrader"] = run(
        [PYTHON, "-m", "nbgrader", "autograde", week, "--force"], course
    )
    print(f"[{week}] (f) the batch's floor ...", flush=True)
    (workdir / "floors").mkdir(exist_ok=True)
    scripts = [batch_floor_script(s, workdir / "floors" / f"{s.stem}.py") for s in submissions]
    results["batch_floor"] = floor_batch(scripts, assignment)
    print(f"[{week}] (g) peak memory, in runs of their own ...", flush=True)
    results["floor_memory"] = run([PYTHON, str(script)], assignment, memory=True)
    results["ours_memory"] = run(grade_one, ROOT, memory=True)  # the timed command, sampled
    results["warm_j1_memory"] = run(
        ours_batch_command(week, submissions, 1, workdir / "warm1m", True), ROOT, memory=True
    )
    said = _sample(results, "warm_j1").stderr.splitlines()
    warm_line = [line for line in said if line.startswith(("warm template", "cold start"))]
    results["template"] = warm_line[0] if warm_line else "(the batch said nothing about it)"
    results["batch"] = batch
    return results


def _sample(results: dict[str, object], key: str) -> Sample:
    sample = results[key]
    assert isinstance(sample, Sample), key
    return sample


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def report(all_results: list[dict[str, object]], out_md: Path, out_png: Path, machine: str) -> str:
    lines = [
        "# Grading benchmark",
        "",
        f"Measured by `nox -s bench` on {machine}. Single-submission rows are medians over repeated runs "
        "(min-max in brackets) of the solution notebook, graded with hidden items; batch rows are one run over "
        "distinct submissions (solution, stub and a planted wrong one, each made unique). Peak memory is the "
        "proportional set size (PSS: shared pages split between the processes sharing them) summed over "
        "the whole process tree, at its largest, sampled every 20 ms.",
        "",
        "| week | floor (script) | nbclient | ours (CLI to JSON) | nbgrader autograde | ours / floor | nbgrader / ours |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in all_results:
        floor, nbc, ours, nbg = (r[k] for k in ("floor", "nbclient", "ours", "nbgrader"))
        assert (
            isinstance(floor, Series)
            and isinstance(nbc, Series)
            and isinstance(ours, Series)
            and isinstance(nbg, Series)
        )
        lines.append(
            f"| {r['week']} | {floor.cell()} | {nbc.cell()} | {ours.cell()} | {nbg.cell()} | "
            f"**{_ratio(ours.median, floor.median)}** | **{_ratio(nbg.median, ours.median)}** |"
        )
    lines += [
        "",
        "Batches: cold starts every sandbox (`--cold`, the old path); warm forks each one from the "
        "batch's warm template. Per submission = batch time / batch size; the floor is the batch's "
        "submissions run as plain scripts one after another.",
        "",
        "| week | batch | floor / submission | cold -j 1 / submission | warm -j 1 / submission "
        "| cold / floor | warm / floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in all_results:
        n, floor_b, j1, w1 = (r[k] for k in ("batch", "batch_floor", "batch_j1", "warm_j1"))
        assert isinstance(n, int) and isinstance(floor_b, Sample)
        assert isinstance(j1, Sample) and isinstance(w1, Sample)
        lines.append(
            f"| {r['week']} | {n} | {floor_b.seconds / n:.2f} s | {j1.seconds / n:.2f} s | "
            f"{w1.seconds / n:.2f} s | {_ratio(j1.seconds, floor_b.seconds)} | "
            f"**{_ratio(w1.seconds, floor_b.seconds)}** |"
        )
    lines += [
        "",
        "| week | batch | cold -j 1 | warm -j 1 | cold -j 2 | warm -j 2 | nbgrader "
        "| throughput cold -j 2 / nbgrader | throughput warm -j 2 / nbgrader |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in all_results:
        j1, w1, j2, w2, nbg = (
            _sample(r, k) for k in ("batch_j1", "warm_j1", "batch_j2", "warm_j2", "batch_nbgrader")
        )
        lines.append(
            f"| {r['week']} | {r['batch']} | {j1.seconds:.1f} s | {w1.seconds:.1f} s | "
            f"{j2.seconds:.1f} s | {w2.seconds:.1f} s | {nbg.seconds:.1f} s | "
            f"{_ratio(nbg.seconds, j2.seconds)} | **{_ratio(nbg.seconds, w2.seconds)}** |"
        )
    lines += ["", "What each week's warm template imports (from the batch's own output):", ""]
    lines += [f"- {r['week']}: {r['template']}" for r in all_results]
    lines += [
        "",
        "| week | floor peak memory | ours peak memory | ours / floor "
        "| warm -j 1 batch peak memory | batch / floor |",
        "|---|---|---|---|---|---|",
    ]
    for r in all_results:
        floor, ours, w1 = (_sample(r, k) for k in ("floor_memory", "ours_memory", "warm_j1_memory"))
        lines.append(
            f"| {r['week']} | {floor.peak_rss / 2**20:.0f} MiB | {ours.peak_rss / 2**20:.0f} MiB | "
            f"**{_ratio(ours.peak_rss, floor.peak_rss)}** | {w1.peak_rss / 2**20:.0f} MiB | "
            f"**{_ratio(w1.peak_rss, floor.peak_rss)}** |"
        )
    lines += [
        "",
        "Targets: ours/floor <= 1.3x; a warm -j 1 batch <= 0.6x the floor per submission "
        "(week 1) and <= 0.5x (a torch week); warm -j 2 throughput >= 4x nbgrader's; peak "
        "memory, of one run and of a batch, <= 1.5x the floor's.",
        "",
        "![benchmark](benchmarks.png)",
        "",
    ]
    text = "\n".join(lines)
    out_md.write_text(text)
    _chart(all_results, out_png)
    return text


def _chart(all_results: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    labels = ["floor", "nbclient", "ours", "nbgrader"]
    width = 0.8 / max(1, len(all_results))
    for offset, r in enumerate(all_results):
        values = [r[k].median for k in labels]  # type: ignore[attr-defined]
        axes[0].bar(
            [i + offset * width for i in range(len(labels))],
            values,
            width=width,
            label=str(r["week"]),
        )
    axes[0].set_xticks([i + width * (len(all_results) - 1) / 2 for i in range(len(labels))], labels)
    axes[0].set_ylabel("seconds (median)")
    axes[0].set_title("one submission")
    axes[0].legend()
    batch_labels = ["batch_j1", "warm_j1", "batch_j2", "warm_j2", "batch_nbgrader"]
    for offset, r in enumerate(all_results):
        values = [r[k].seconds for k in batch_labels]  # type: ignore[attr-defined]
        axes[1].bar(
            [i + offset * width for i in range(len(batch_labels))],
            values,
            width=width,
            label=str(r["week"]),
        )
    axes[1].set_xticks(
        [i + width * (len(all_results) - 1) / 2 for i in range(len(batch_labels))],
        ["cold -j 1", "warm -j 1", "cold -j 2", "warm -j 2", "nbgrader"],
    )
    axes[1].set_ylabel("seconds")
    axes[1].set_title("batches: " + ", ".join(f"{r['week']} {r['batch']}" for r in all_results))
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _uses_torch(week: str) -> bool:
    return "import torch" in locate_week(week, ROOT).solution_notebook.read_text()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "weeks", nargs="*", help="weeks to measure (default: week01 and week05 if present)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch", type=int, default=40, help="batch size for weeks without torch")
    parser.add_argument(
        "--torch-batch",
        type=int,
        default=10,
        help="batch size for torch weeks (each takes ~10 s to grade)",
    )
    parser.add_argument("--torch-repeats", type=int, default=3, help="repeats for torch weeks")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    weeks = args.weeks or [w for w in ("week01", "week05") if (ROOT / "assignments" / w).is_dir()]
    machine = f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}"
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        all_results = []
        for week in weeks:
            heavy = _uses_torch(week)
            repeats = args.torch_repeats if heavy else args.repeats
            batch = args.torch_batch if heavy else args.batch
            all_results.append(bench_week(week, repeats, batch, Path(tmp) / week))
    text = report(all_results, args.out, args.out.with_suffix(".png"), machine)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs every benchmark side by side and writes bench/results.json and bench/RESULTS.md.

Usage (from the repository root): ``.venv/bin/python -m bench [--skip-sdk] [--reps N] [--sdk-reps N]
[--shapes even,...] [--skip-auto-split]``. Each measurement runs in a fresh subprocess against one loopback
server process (bench/server.py) serving the pages of one data shape at a time; what reads records (exports,
decoding, memory) is measured on every shape, the rest once. bench.auto_split then measures adaptive splitting
on every shape against the emulator. The official SDK runs from its own venv, bench/.venv-sdk, created on
first use.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.pages import PAGE_COUNT, PAGE_SIZE, SHAPES, ensure_pages
from bench.sdk import SDK_VERSION

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SDK_VENV = BENCH / ".venv-sdk"
SDK_PYTHON = SDK_VENV / "bin" / "python"
CLIENT_VENV = BENCH / ".venv-client"
CLIENT_PYTHON = CLIENT_VENV / "bin" / "python"
EXPORT_RECORDS = PAGE_COUNT * PAGE_SIZE
MEMORY_COUNTS = (20_000, 200_000)
SDK_PARSE_PAGES = 10
OUR_IMPORT = ("genesys_cloud_audit", "genesys_cloud_audit.api.audit.get_audits_query_transaction_id_results")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _json_run(command: list[str]) -> Any:
    done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:4])} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ensure_sdk() -> str | None:
    """Creates the SDK's venv if needed; returns why the SDK cannot run, or None."""
    marker = SDK_VENV / f".installed-{SDK_VERSION}"
    if marker.exists():
        return None
    _log(f"installing PureCloudPlatformClientV2=={SDK_VERSION} into {SDK_VENV} ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SDK_VENV)], check=True, capture_output=True)
        subprocess.run(
            [str(SDK_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"PureCloudPlatformClientV2=={SDK_VERSION}"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    except subprocess.CalledProcessError as error:
        return f"SDK install failed: {str(error.stderr)[-500:]}"
    marker.touch()
    return None


def _ensure_client_venv() -> str:
    """A venv with only the generated client and its dependencies (no dev tools such as rich or click,
    which httpx would otherwise import): the python its import cost is measured with."""
    stamp = hashlib.sha256((ROOT / "generated" / "PROVENANCE.json").read_bytes()).hexdigest()[:16]
    marker = CLIENT_VENV / f".installed-{stamp}"
    if not marker.exists():
        _log(f"installing ./generated into {CLIENT_VENV} ...")
        try:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(CLIENT_VENV)], check=True, capture_output=True)
            with tempfile.TemporaryDirectory(prefix="bench-client-") as scratch:
                # Built from a copy: a setuptools build leaves build/ behind, which generated/ must not hold.
                source = shutil.copytree(ROOT / "generated", Path(scratch) / "generated")
                subprocess.run(
                    [str(CLIENT_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)],
                    check=True,
                    capture_output=True,
                )
        except subprocess.CalledProcessError:
            _log("could not build the client venv; measuring imports in the dev venv")
            return sys.executable
        marker.touch()
    return str(CLIENT_PYTHON)


@contextmanager
def _server(shape: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", shape], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            raise RuntimeError("the bench server did not start")
        yield f"http://127.0.0.1:{line[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _ratio(value: float, reference: float) -> float:
    return round(value / reference, 2) if reference else float("nan")


PAIRS = (("ours-sync", "floor-sync"), ("ours-async", "floor-async"), ("ours-query", "floor-query"))


def _process_time(command: list[str]) -> float:
    """Wall seconds of one whole process, from its start to its exit (start-up and imports included)."""
    started = time.perf_counter()
    _json_run(command)
    return time.perf_counter() - started


def _paired(
    commands: dict[str, list[str]],
    pairs: tuple[tuple[str, str], ...],
    reps: int,
    timer: Callable[[str], float] | None = None,
) -> dict[str, Any]:
    """Runs each pair's two commands in turn, `reps` times (A B A B ...), each in a fresh process, and
    takes the ratio pair by pair, so that a machine whose speed drifts still gives a meaningful ratio.
    `timer(name)` runs one and returns its wall seconds (default: `_process_time` of its command)."""
    timed = timer or (lambda name: _process_time(commands[name]))
    times: dict[str, list[float]] = {name: [] for pair in pairs for name in pair}
    ratios: dict[str, list[float]] = {a: [] for a, _ in pairs}
    for _ in range(reps):
        for a, b in pairs:
            time_a, time_b = timed(a), timed(b)
            times[a].append(time_a)
            times[b].append(time_b)
            ratios[a].append(time_a / time_b)
    results: dict[str, Any] = {name: {"median_s": statistics.median(ts), "times_s": ts} for name, ts in times.items()}
    for a, b in pairs:
        results[a].update(baseline=b, ratio=round(statistics.median(ratios[a]), 3), ratios=ratios[a])
    return results


def _export(url: str, reps: int, sdk_reps: int, sdk: bool) -> dict[str, Any]:
    def command(variant: str) -> list[str]:
        return [sys.executable, "-m", "bench.export", variant, url, str(EXPORT_RECORDS), "1"]

    _log(f"export: {', '.join(a + ' vs ' + b for a, b in PAIRS)}, whole processes, x{reps}")
    results = _paired({name: command(name) for pair in PAIRS for name in pair}, PAIRS, reps)
    if sdk:
        _log(f"export: official SDK x{sdk_reps} (slow)")
        run = [str(SDK_PYTHON), "-m", "bench.sdk", "export", url, str(EXPORT_RECORDS), "1"]
        sdk_times = [_process_time(run) for _ in range(sdk_reps)]
        results["sdk"] = {"median_s": statistics.median(sdk_times), "times_s": sdk_times}
        results["sdk"]["ratio_to_ours_sync"] = _ratio(results["sdk"]["median_s"], results["ours-sync"]["median_s"])
        results["sdk"]["ratio_to_floor"] = _ratio(results["sdk"]["median_s"], results["floor-sync"]["median_s"])
    return results


CLI_PAIRS = (("cli-jsonl", "floor-jsonl"), ("cli-csv", "floor-jsonl"), ("cli-table", "floor-jsonl"))
CLI_INTERVAL = "2026-01-01T00:00:00Z/2026-02-01T00:00:00Z"
HELP_PAIRS = (("cli-help", "httpx"),)


def _cli_tools(python: str) -> str:
    """The genesys-audit script next to `python` (the client venv's, or the dev venv's)."""
    script = Path(python).parent / "genesys-audit"
    if not script.exists():
        raise RuntimeError(f"no genesys-audit next to {python}")
    return str(script)


def _cli(url: str, reps: int) -> dict[str, Any]:
    """`genesys-audit query` writing 50,000 records to a file, against the floor-jsonl script writing
    them with json.dumps. Both sides run with the python of the client venv (only the generated client
    and its dependencies installed)."""
    python = _ensure_client_venv()
    tool = _cli_tools(python)
    scratch = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = {**_env(), "GENESYSCLOUD_OAUTHCLIENT_ID": "bench", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "bench-secret"}
    outputs = {name: scratch / f"{name}.{name.split('-')[1].replace('table', 'txt')}" for pair in CLI_PAIRS
               for name in pair}  # fmt: skip
    commands = {"floor-jsonl": [python, "-m", "bench.floor_jsonl", url, str(outputs["floor-jsonl"])]}
    for name in ("cli-jsonl", "cli-csv", "cli-table"):
        commands[name] = [tool, "query", "--interval", CLI_INTERVAL, "--base-url", url, "--format",
                          name.split("-")[1], "--output", str(outputs[name]), "--quiet"]  # fmt: skip
    header_lines = {"cli-csv": 1, "cli-table": 2}

    def timer(name: str) -> float:
        output = outputs[name]
        output.unlink(missing_ok=True)
        started = time.perf_counter()
        done = subprocess.run(commands[name], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{name} failed:\n{done.stderr[-2000:]}")
        with output.open("rb") as written:
            lines = sum(1 for _ in written) - header_lines.get(name, 0)
        if lines != EXPORT_RECORDS:
            raise RuntimeError(f"{name} wrote {lines} records, expected {EXPORT_RECORDS}")
        return elapsed

    try:
        _log(f"cli: {', '.join(a + ' vs ' + b for a, b in CLI_PAIRS)}, whole processes, x{reps}")
        results: dict[str, Any] = {"export": _paired(commands, CLI_PAIRS, reps, timer)}
        # Compared in chunks: this process stays small, and so does the peak RSS its later children report
        # (on Linux a child's ru_maxrss starts from its parent's peak at the fork).
        if not filecmp.cmp(outputs["cli-jsonl"], outputs["floor-jsonl"], shallow=False):
            raise RuntimeError("genesys-audit's JSON lines differ from json.dumps of the records")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["python"] = python
    return results


def _help(help_reps: int) -> dict[str, Any]:
    """`genesys-audit --help` against `import httpx`, with the python of the client venv."""
    python = _ensure_client_venv()
    tool = _cli_tools(python)
    env = _env()
    _log(f"cli: genesys-audit --help vs python -c 'import httpx', x{help_reps * 3}")
    help_commands = {"cli-help": [tool, "--help"], "httpx": [python, "-c", "import httpx"]}

    def quiet(name: str) -> float:
        started = time.perf_counter()
        subprocess.run(help_commands[name], cwd=ROOT, env=env, capture_output=True, check=True)
        return time.perf_counter() - started

    return _paired(help_commands, HELP_PAIRS, help_reps * 3, quiet)


PARSERS = ("json.loads", "orjson.loads", "msgspec", "ours-fast", "ours-lenient")


def _parse(reps: int, sdk: bool, shape: str) -> dict[str, Any]:
    _log(f"parse ({shape}): json.loads, orjson, msgspec, ours (as the client decodes, and the lenient path)")
    run = _json_run([sys.executable, "-m", "bench.probes", "parse", str(reps), shape])
    json_rate = run["records"] / statistics.median(run["times"]["json.loads"])
    results: dict[str, Any] = {"lenient_pages": run["lenient_pages"], "pages": run["pages"]}
    for name in PARSERS:
        if name in run["times"]:
            rate = run["records"] / statistics.median(run["times"][name])
            ratios = [a / b for a, b in zip(run["times"][name], run["times"]["json.loads"], strict=True)]
            results[name] = {"records_per_s": round(rate), "time_ratio_to_json": _ratio(json_rate, rate),
                             "ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3)}  # fmt: skip
    if sdk:
        _log(f"parse: official SDK ({SDK_PARSE_PAGES} pages)")
        run = _json_run([str(SDK_PYTHON), "-m", "bench.sdk", "parse", "1", str(SDK_PARSE_PAGES)])
        sdk_rate = run["records"] / statistics.median(run["times"])
        results["sdk"] = {"records_per_s": round(sdk_rate), "time_ratio_to_json": _ratio(json_rate, sdk_rate)}
    return results


def _memory(url: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for variant in ("paginate", "query_audits"):
        entry: dict[str, Any] = {}
        for count in MEMORY_COUNTS:
            _log(f"memory: {variant}, {count} records")
            entry[str(count)] = _json_run([sys.executable, "-m", "bench.probes", "memory", variant, url, str(count)])
        small, large = (entry[str(count)]["peak_rss_mb"] for count in MEMORY_COUNTS)
        entry["peak_ratio_large_to_small"] = _ratio(large, small)
        results[variant] = entry
    return results


IMPORT_PAIRS = (("ours-client", "httpx"), ("ours-first-call", "httpx"))
IMPORT_SNIPPETS = {
    "httpx": "import httpx",
    "ours-client": "import genesys_cloud_audit; from genesys_cloud_audit import Client",
    "ours-first-call": "from genesys_cloud_audit import Client; "
    "from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results",
}


def _imports(reps: int, sdk: bool) -> dict[str, Any]:
    def measure(python: str, modules: tuple[str, ...]) -> dict[str, Any]:
        runs = [_json_run([python, "-m", "bench.probes", "import", *modules]) for _ in range(reps)]
        return {
            "python": python,
            "median_s": statistics.median(run["seconds"] for run in runs),
            "rss_mb": round(statistics.median(run["rss_mb"] for run in runs), 1),
        }

    python = _ensure_client_venv()
    _log(f"import: whole processes, ours vs import httpx, x{reps * 3}")
    commands = {name: [python, "-I", "-c", f"{code}; print('{{}}')"] for name, code in IMPORT_SNIPPETS.items()}
    results: dict[str, Any] = {"processes": _paired(commands, IMPORT_PAIRS, reps * 3)}
    _log("import: genesys_cloud_audit, in process")
    results["ours"] = measure(python, OUR_IMPORT)
    if sdk:
        _log("import: PureCloudPlatformClientV2")
        results["sdk"] = measure(str(SDK_PYTHON), ("PureCloudPlatformClientV2",))
        results["sdk"]["time_ratio_to_ours"] = _ratio(results["sdk"]["median_s"], results["ours"]["median_s"])
        results["sdk"]["rss_ratio_to_ours"] = _ratio(results["sdk"]["rss_mb"], results["ours"]["rss_mb"])
    return results


WAIT_SETTINGS = (("--pending-polls", "0"), ("--succeed-after", "0.3"), ("--succeed-after", "1.0"))


@contextmanager
def _emulator(*options: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--records", "5000", "--no-validate", *options],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "listening on " not in line:
            raise RuntimeError("the emulator did not start")
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _waiting(reps: int) -> dict[str, Any]:
    """Creation to first record against the emulator: query_audits vs a poller that asks every 10 ms."""
    results: dict[str, Any] = {}
    for option, value in WAIT_SETTINGS:
        _log(f"waiting: emulator {option} {value}, x{reps}")
        with _emulator(option, value) as url:
            runs: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": []}
            for _ in range(reps):
                for variant in ("ours", "floor"):
                    runs[variant].append(_json_run([sys.executable, "-m", "bench.waiting", variant, url]))
        entry = {
            variant: {
                "median_s": statistics.median(run["seconds"] for run in done),
                "polls": statistics.median(run["polls"] for run in done),
            }
            for variant, done in runs.items()
        }
        ratios = [a["seconds"] / b["seconds"] for a, b in zip(runs["ours"], runs["floor"], strict=True)]
        entry["ratio"] = round(statistics.median(ratios), 3)
        results[f"{option} {value}"] = entry
    return results


def _generate() -> dict[str, Any]:
    def timed(command: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=_env(), check=True, capture_output=True)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-generate-") as scratch:
        _log("generate: python -m generator generate")
        ours = timed([sys.executable, "-m", "generator", "generate", "--output", f"{scratch}/ours"])
        _log("generate: plain openapi-python-client generate")
        tool = shutil.which("openapi-python-client", path=_env()["PATH"]) or "openapi-python-client"
        plain = timed([tool, "generate", "--path", "spec/audit-api.yaml", "--output-path", f"{scratch}/plain"])
    return {"ours_s": ours, "plain_s": plain, "ratio_to_plain": _ratio(ours, plain)}


def _machine(command: str) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "command": command,
    }


_EXPORT_NAMES = {
    "floor-sync": "floor: httpx + json.loads, following cursors (sync)",
    "floor-async": "floor: httpx + json.loads, following cursors (async)",
    "floor-query": "floor: httpx + json.loads, create + poll + page (sync)",
    "ours-sync": "genesys_cloud_audit `paginate`",
    "ours-async": "genesys_cloud_audit `paginate_async`",
    "ours-query": "genesys_cloud_audit `query_audits`",
}
_PARSE_NAMES = {
    "json.loads": "json.loads (plain dicts, the floor)",
    "orjson.loads": "orjson.loads (plain dicts)",
    "msgspec": "msgspec, untyped (plain dicts)",
    "ours-fast": "ours, as the client decodes (msgspec into the models' Structs, or into stand-ins)",
    "ours-lenient": "ours: the lenient path alone (plain dicts, then `from_dict`)",
    "sdk": f"official SDK deserialiser ({SDK_PARSE_PAGES * PAGE_SIZE:,} records)",
}
_SHAPE_TEXTS = {
    "even": "spread evenly over the month",
    "clustered": "all in three bursts of 0.8 days",
    "diurnal": "09:00 to 17:00 UTC on weekdays",
    "bursty": "four spikes at 50 times the base rate, half the records in 2% of the time",
    "extra-fields": "even, every record with two top-level fields and one entity field the spec does not list, "
    "4% an unlisted level, 2% an unlisted status",
}


def _shape_columns(results: dict[str, Any]) -> list[str]:
    return list(results["shapes"])


def _row(name: str, cells: list[str], target: str | None = None) -> str:
    return f"| {name} | " + " | ".join(cells) + (f" | {target} |" if target is not None else " |")


def _targets(results: dict[str, Any]) -> list[str]:
    shapes = results["shapes"]
    columns = _shape_columns(results)

    def per_shape(value: Any) -> list[str]:
        return [value(shapes[shape]) for shape in columns]

    rows = [
        ("typed iteration, `paginate` / floor (sync)", lambda r: f"{r['export']['ours-sync']['ratio']:.2f}x", "<= 1.0x"),
        ("typed iteration, `paginate_async` / floor (async)", lambda r: f"{r['export']['ours-async']['ratio']:.2f}x",
         "<= 1.0x"),
        ("typed iteration, `query_audits` / floor (create, poll, page)",
         lambda r: f"{r['export']['ours-query']['ratio']:.2f}x", "<= 1.0x"),
        *((f"peak memory, {variant} 200,000 / 20,000 records",
           lambda r, v=variant: f"{r['memory'][v]['peak_ratio_large_to_small']:.2f}x", "<= 1.10x")
          for variant in ("paginate", "query_audits")),
        ("JSONL export, `genesys-audit query --format jsonl` / the floor-jsonl script",
         lambda r: f"{r['cli']['export']['cli-jsonl']['ratio']:.2f}x", "<= 1.1x"),
        *((f"{fmt} export, `genesys-audit query --format {fmt}` / the floor-jsonl script",
           lambda r, f=fmt: f"{r['cli']['export']['cli-' + f]['ratio']:.2f}x", "close behind") for fmt in ("csv", "table")),
        ("decoding a page, time / `json.loads` (as the client decodes it)",
         lambda r: f"{r['parse']['ours-fast']['time_ratio_to_json']:.2f}x", "<= 1.0x"),
        ("decoding a page by the lenient path alone, time / `json.loads`",
         lambda r: f"{r['parse']['ours-lenient']['time_ratio_to_json']:.2f}x", "(the path before issue 25)"),
    ]  # fmt: skip
    lines = ["| measure (whole processes, paired) | " + " | ".join(columns) + " | target |",
             "|---|" + "---:|" * len(columns) + "---|"]  # fmt: skip
    lines += [_row(name, per_shape(value), target) for name, value, target in rows]
    waiting, imports, help_ = results["waiting"], results["imports"]["processes"], results["help"]
    fixed = [
        ("import, `import genesys_cloud_audit; from genesys_cloud_audit import Client` / `import httpx`",
         f"{imports['ours-client']['ratio']:.2f}x", "<= 1.15x"),
        ("import, Client + the results operation / `import httpx`", f"{imports['ours-first-call']['ratio']:.2f}x",
         "(first call)"),
        ("`genesys-audit --help` / `python -c \"import httpx\"`", f"{help_['cli-help']['ratio']:.2f}x", "<= 1.3x"),
        *((f"creation to first record, emulator {setting} / a 10 ms poller", f"{entry['ratio']:.2f}x",
           "no idle time") for setting, entry in waiting.items()),
    ]  # fmt: skip
    lines += ["", "Measures that read no records, so no data shape:", "",
              "| measure (whole processes, paired) | ratio | target |", "|---|---:|---|"]  # fmt: skip
    lines += [f"| {name} | {ratio} | {target} |" for name, ratio, target in fixed]
    return lines


def _markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    shapes = results["shapes"]
    columns = _shape_columns(results)
    header = "| " + " | ".join(columns) + " |"
    rule = "---:|" * len(columns)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']} "
        f"({machine['platform']}); load average at start {machine['load_average_at_start'][0]:.2f}.",
        f"Command: `{machine['command']}`. Every ratio is taken pair by pair between two fresh processes run "
        "one after the other (A B A B ...), then the median of the pairs; times are medians.",
        "",
        "Data shapes (emulator/shapes.py, `python -m emulator --shape`): the bench server serves 100 pages of 500 "
        "records of each shape in turn. "
        + " ".join(f"**{name}**: {text}." for name, text in _SHAPE_TEXTS.items() if name in columns),
        "",
        "## Targets (issue 15), on every data shape (issue 25)",
        "",
        *_targets(results),
        "",
        f"## Export: {EXPORT_RECORDS:,} records at pageSize {PAGE_SIZE} from a loopback server",
        "",
        "Each run is a whole process (interpreter start, imports, the export), reading id, eventDate "
        "(as a datetime), serviceName and action of every record. Wall time (s), and in brackets the paired "
        "ratio to its floor.",
        "",
        "| client " + header,
        "|---|" + rule,
    ]
    for a, b in PAIRS:
        for name in (b, a):
            cells = [f"{shapes[shape]['export'][name]['median_s']:.2f}"
                     + (f" ({shapes[shape]['export'][name]['ratio']:.2f}x)" if name == a else "") for shape in columns]  # fmt: skip
            lines.append(_row(_EXPORT_NAMES[name], cells))
    sdk = shapes.get("even", {}).get("export", {}).get("sdk")
    if sdk:
        lines.append(f"\nThe official SDK PureCloudPlatformClientV2 {SDK_VERSION} (even shape, not paired): "
                     f"{sdk['median_s']:.2f} s, {sdk['ratio_to_floor']:.2f}x its floor, "
                     f"{sdk['ratio_to_ours_sync']:.1f}x as long as `paginate`.")  # fmt: skip
    lines += ["", f"## Command line: `genesys-audit query` writing {EXPORT_RECORDS:,} records to a file", "",
              "Whole processes with the python of a venv holding only the generated client. The floor-jsonl "
              "script (bench/floor_jsonl.py) creates the query, polls it, follows the cursors with httpx and "
              "writes `json.dumps(record)` per line; `genesys-audit` does the same, keeping the export's "
              "checkpoint beside the file after every page, and writes identical bytes for JSON lines (every "
              "shape, the unlisted fields of extra-fields included). Wall time (s), paired ratio to the floor.", "",
              "| command " + header, "|---|" + rule,
              _row("floor-jsonl: httpx + json.loads + json.dumps",
                   [f"{shapes[shape]['cli']['export']['floor-jsonl']['median_s']:.2f}" for shape in columns])]  # fmt: skip
    for fmt in ("jsonl", "csv", "table"):
        lines.append(_row(f"`genesys-audit query --format {fmt} --output FILE`",
                          [f"{shapes[shape]['cli']['export'][f'cli-{fmt}']['median_s']:.2f} "
                           f"({shapes[shape]['cli']['export'][f'cli-{fmt}']['ratio']:.2f}x)" for shape in columns]))  # fmt: skip
    help_ = results["help"]
    lines += ["", "| command | wall time (ms) | paired ratio to `import httpx` |", "|---|---:|---:|",
              f"| `python -c \"import httpx\"` | {help_['httpx']['median_s'] * 1000:.0f} | 1.00x |",
              f"| `genesys-audit --help` | {help_['cli-help']['median_s'] * 1000:.0f} | "
              f"{help_['cli-help']['ratio']:.2f}x |"]  # fmt: skip
    lines += ["", "## Waiting: from creating a query to its first record (emulator, 5,000 records)", "",
              "`query_audits` against a poller that asks for the status every 10 ms (the least idle time a "
              "poller can have); the token is fetched before the clock starts.", "",
              "| emulator setting | ours (s) | its status polls | 10 ms poller (s) | its polls | paired ratio |",
              "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for setting, entry in results["waiting"].items():
        ours, floor = entry["ours"], entry["floor"]
        lines.append(f"| `{setting}` | {ours['median_s']:.3f} | {ours['polls']:.0f} | {floor['median_s']:.3f} | "
                     f"{floor['polls']:.0f} | {entry['ratio']:.2f}x |")  # fmt: skip
    lines += ["", "## Decoding without the network (one process, interleaved repetitions)", "",
              "Records per second, and in brackets the time per page against `json.loads` of the same page (median "
              "of the repetitions; the spread of the per-repetition ratios after it). \"As the client decodes\" is "
              "`decode_json`: the fast path for a page that fits the spec, else the stand-ins once a page has "
              "taught them, else the lenient path.", "",
              "| decoder " + header, "|---|" + rule]  # fmt: skip
    for key in PARSERS:
        if all(key in shapes[shape]["parse"] for shape in columns):
            cells = []
            for shape in columns:
                entry = shapes[shape]["parse"][key]
                spread = f", {entry['ratio_min']:.2f} to {entry['ratio_max']:.2f}" if key != "json.loads" else ""
                cells.append(f"{entry['records_per_s']:,} ({entry['time_ratio_to_json']:.2f}x{spread})")
            lines.append(_row(_PARSE_NAMES[key], cells))
    lines.append(_row("pages the lenient path decoded (as the client decodes)",
                      [f"{shapes[shape]['parse']['lenient_pages']} of {shapes[shape]['parse']['pages']}"
                       for shape in columns]))  # fmt: skip
    sdk_parse = shapes.get("even", {}).get("parse", {}).get("sdk")
    if sdk_parse:
        lines.append(f"\nThe official SDK's deserialiser ({SDK_PARSE_PAGES * PAGE_SIZE:,} records, even): "
                     f"{sdk_parse['records_per_s']:,} records/s, {sdk_parse['time_ratio_to_json']:.2f}x `json.loads`.")  # fmt: skip
    lines += ["", "## Peak memory while iterating (RSS of a fresh process, MB: after imports / peak)", "",
              "| iteration | records " + header, "|---|---:|" + rule]  # fmt: skip
    for variant in ("paginate", "query_audits"):
        for count in MEMORY_COUNTS:
            cells = [f"{shapes[shape]['memory'][variant][str(count)]['baseline_rss_mb']:.1f} / "
                     f"{shapes[shape]['memory'][variant][str(count)]['peak_rss_mb']:.1f}" for shape in columns]  # fmt: skip
            lines.append(_row(f"`{variant}` | {count:,}", cells))
    imports = results["imports"]
    processes = imports["processes"]
    lines += ["", "## Import", "", "Whole processes in a venv holding only the generated client (`python -I -c ...`):",
              "", "| command | wall time (ms) | paired ratio to `import httpx` |", "|---|---:|---:|",
              f"| `{IMPORT_SNIPPETS['httpx']}` | {processes['httpx']['median_s'] * 1000:.0f} | 1.00x |"]  # fmt: skip
    for name in ("ours-client", "ours-first-call"):
        lines.append(f"| `{IMPORT_SNIPPETS[name]}` | {processes[name]['median_s'] * 1000:.0f} | "
                     f"{processes[name]['ratio']:.2f}x |")  # fmt: skip
    lines += ["", "In process (time and memory the imports add to a fresh interpreter):", "",
              "| package | time (ms) | memory added (MB) |", "|---|---:|---:|",
              f"| genesys_cloud_audit (+ the results operation) | {imports['ours']['median_s'] * 1000:.0f} | "
              f"{imports['ours']['rss_mb']:.1f} |"]  # fmt: skip
    if "sdk" in imports:
        sdk_import = imports["sdk"]
        lines.append(f"| PureCloudPlatformClientV2 | {sdk_import['median_s'] * 1000:.0f} "
                     f"({sdk_import['time_ratio_to_ours']:.1f}x) | "
                     f"{sdk_import['rss_mb']:.1f} ({sdk_import['rss_ratio_to_ours']:.1f}x) |")  # fmt: skip
    generate = results["generate"]
    lines += ["", "## Code generation", "", "| run | time (s) |", "|---|---:|",
              f"| `python -m generator generate` | {generate['ours_s']:.2f} ({generate['ratio_to_plain']:.2f}x) |",
              f"| plain `openapi-python-client generate` (stock templates) | {generate['plain_s']:.2f} |"]  # fmt: skip
    lines += ["", DECODING_CHOICE.strip(), "", CLI_CHOICE.strip()]
    if results.get("skipped"):
        lines += ["", f"Skipped: {results['skipped']}"]
    return "\n".join(lines) + "\n"


DECODING_CHOICE = """
## How records are decoded, and why

The models are msgspec Structs (runtime/core/_models.py). A page that fits the spec exactly is parsed,
type-checked and built by msgspec in C in one pass (the "fast path" row above): strings must be
strings, integers integers and never booleans, date-times RFC 3339, enums one of their values. Anything
that does not fit exactly (a field or an enum value the spec does not list, a null, a wrong type, or
bytes that are not JSON) is decoded again by the lenient path, the model's generated `from_dict`,
which keeps unknown fields and values, reads null as absent, checks every value's JSON type and names
the model, field and JSON path of what is wrong. Both paths give equal models (tested on every record
the emulator makes and on random JSON).

Measured before choosing, on these pages:

- attrs models built by generated Python from `json.loads` dicts (the previous design): 2.2x to 2.6x
  the time of `json.loads` alone, so typed iteration cost 1.33x the floor's whole process.
- orjson or msgspec parsing into plain dicts (the rows above) is faster than `json.loads`, but the
  dicts still have to become models in Python, which costs more than the parse saves.
- msgspec decoding straight into the models' Structs: the fastest typed form, and type-checked in C.
  Two things it cannot do are kept by the lenient path: unknown fields (msgspec drops them; a Struct
  here refuses them instead, so such a page is decoded by `from_dict`) and unknown enum values. Map
  models (objects of values by name) are built by a decoder hook, which costs about a third of the
  typed decode: the price of keeping their API.
- Pausing the cyclic garbage collector while a page decodes (JSON decodes into a tree, so a collection
  then finds nothing) made a paginate export about 25% faster in paired runs, but was not kept: httpx's
  responses are reference cycles, freed only by the collector, and with fewer collections their
  bodies piled up (peak RSS 56 MB for 200,000 records against 49 MB for 20,000).
- Lazy nested decoding (building nested models on first access) was not taken: it would defer type
  errors to whenever a field is read, after the page's records were handed out.

msgspec is the generated package's one new dependency (`msgspec>=0.19,<0.23` in runtime/core/layer.toml,
wheels for CPython 3.11 on Linux); attrs is no longer needed.
"""


CLI_CHOICE = """
## How genesys-audit writes records, and why

Before, every record went through its model and back: msgspec into the Structs, `to_dict()`, then
`json.dumps`, and each page's bytes and its checkpoint were synced before the next page was asked
for. The command took 1.61x the floor-jsonl script (whole processes, 5 pairs, on a machine busy
with other work; the issue measured 2.10x). Measured on these pages, in one process (best of 5, ms
per page of 500 records):

| work per page | ms |
|---|---:|
| the floor's: `json.loads`, then `json.dumps` of each record | 9.1 |
| before: models, `to_dict()`, `json.dumps` | 15.0 |
| the model decode alone (kept: it checks the page against the spec) | 2.7 |
| the records cut out of the body unparsed (`msgspec.Raw`) | 0.3 |
| the same, each laid out on one line (`msgspec.json.format(indent=0)`) | 1.9 |
| msgspec decode and encode of each record (compact, so other bytes than today's) | 4.0 |

So the command reads its records through the library's one export engine with a reader that hands
out each record's JSON text as received (`JsonAuditExport`, `JsonBulkExport`): the page is decoded
as its model as before (the cursor, a redirect, a record that does not fit the spec all behave as in
Python), and its records are cut out of the body and laid out as `json.dumps` lays them out, which
for what the API sends gives the bytes the command wrote before, without parsing a record. orjson
was not needed: no record is encoded. CSV and table decode (with msgspec) only the fields their
columns name: 8.3 ms a page for CSV and 4.0 for table, against 10.1 and 7.0 decoding whole records.

With records as received but the syncs still in line, the command took 1.08x the floor (its CPU
time 0.79x: the rest was waiting for the disk, about 4 ms per sync, two a page; 5 pairs). Leaving
the syncs out (an experiment only) gave 0.85x. Kept: every sync, made by one writer thread in order
(a page's bytes, then the checkpoint counting them, synced and renamed), at most two steps behind
the export, so the next page is fetched while the last is made durable: 0.80x (7 pairs, in the
development venv; the harness's figure is above). The checkpoint on disk still never counts a byte
that is not on disk, and the first failed write stops everything after it.

`genesys-audit --help` used to load the whole client (models, httpx, the export engine) before
parsing: 1.93x `python -c "import httpx"` (15 pairs, in the development venv, where httpx itself
loads more than in the client's). Now only the parser is loaded first (0.33x there); the command's
modules load once the arguments are parsed.

The figures in this section compare whole processes run in turn (A B A B ...), the median of the
pair ratios: with `python -m bench.server` listening at URL and `GENESYSCLOUD_OAUTHCLIENT_ID` /
`GENESYSCLOUD_OAUTHCLIENT_SECRET` set to anything, `genesys-audit query --interval
2026-01-01T00:00:00Z/2026-02-01T00:00:00Z --base-url URL --output FILE --quiet` against
`python -m bench.floor_jsonl URL FILE` (the code before: its `generated/` on `PYTHONPATH`, run as
`python -m genesys_cloud_audit.workflows.cli`), and `genesys-audit --help` against
`python -c "import httpx"`. `/usr/bin/time -v` times one such process (wall clock, peak memory).
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sdk", action="store_true", help="leave out the official SDK")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each export (default 5)")
    parser.add_argument("--sdk-reps", type=int, default=1, help="repetitions of the SDK's export (default 1)")
    parser.add_argument("--cli-reps", type=int, default=9, help="repetitions of each genesys-audit export (default 9)")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"data shapes to measure, comma-separated (default: all, {','.join(SHAPES)})")  # fmt: skip
    parser.add_argument("--skip-auto-split", action="store_true",
                        help="leave out bench.auto_split (its section of RESULTS.md is kept as it was)")  # fmt: skip
    args = parser.parse_args(argv)
    shapes = [shape.strip() for shape in args.shapes.split(",") if shape.strip()]
    unknown = [shape for shape in shapes if shape not in SHAPES]
    if unknown or not shapes:
        parser.error(f"--shapes: unknown {', '.join(unknown) or 'none given'}; known: {', '.join(SHAPES)}")
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {"machine": _machine(command.strip()), "shapes": {}}
    started = time.perf_counter()
    for shape in shapes:
        ensure_pages(shape)
    sdk = not args.skip_sdk
    if sdk:
        reason = _ensure_sdk()
        if reason:
            _log(reason)
            results["skipped"] = reason
            sdk = False
    else:
        results["skipped"] = "the official SDK (--skip-sdk)"
    for shape in shapes:
        _log(f"== data shape {shape}")
        with_sdk = sdk and shape == "even"
        with _server(shape) as url:
            entry: dict[str, Any] = {"export": _export(url, args.reps, args.sdk_reps, with_sdk)}
            entry["cli"] = _cli(url, args.cli_reps)
            entry["memory"] = _memory(url)
        entry["parse"] = _parse(9, with_sdk, shape)
        results["shapes"][shape] = entry
    results["help"] = _help(args.reps)
    results["waiting"] = _waiting(args.reps)
    results["imports"] = _imports(args.reps, sdk)
    results["generate"] = _generate()
    if not args.skip_auto_split:
        _log("auto_split: every shape against the emulator (python -m bench.auto_split --write)")
        subprocess.run([sys.executable, "-m", "bench.auto_split", "--write", "--shapes", ",".join(shapes)],
                       cwd=ROOT, env=_env(), check=True)  # fmt: skip
    results["total_runtime_s"] = round(time.perf_counter() - started, 1)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    # Imported only now: they load the client and the emulator, and a child process's ru_maxrss starts at
    # its parent's RSS (the memory probes read VmHWM, but other children's figures would still show it).
    from bench.archive import archive_section
    from bench.auto_split import kept_section
    from bench.ordered_file import kept_section as ordered_file_section

    report = (_markdown(results) + kept_section(BENCH / "RESULTS.md") + ordered_file_section(BENCH / "RESULTS.md")
              + archive_section(BENCH / "RESULTS.md"))  # fmt: skip
    (BENCH / "RESULTS.md").write_text(report)
    print(report)

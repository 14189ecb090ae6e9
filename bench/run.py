"""Runs every benchmark side by side and writes bench/results.json and bench/RESULTS.md.

Usage (from the repository root): ``.venv/bin/python -m bench [--skip-sdk] [--reps N] [--sdk-reps N]``.
Each measurement runs in a fresh subprocess against one loopback server process (bench/server.py).
The official SDK runs from its own venv, bench/.venv-sdk, created on first use.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.pages import PAGE_COUNT, PAGE_SIZE, ensure_pages
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
def _server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server"], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True
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


def _export(url: str, reps: int, sdk_reps: int, sdk: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for variant in ("floor-sync", "floor-async", "ours-sync", "ours-async"):
        _log(f"export: {variant} x{reps}")
        run = _json_run([sys.executable, "-m", "bench.export", variant, url, str(EXPORT_RECORDS), str(reps)])
        results[variant] = {"median_s": statistics.median(run["times"]), "times_s": run["times"]}
    if sdk:
        _log(f"export: official SDK x{sdk_reps} (slow)")
        run = _json_run([str(SDK_PYTHON), "-m", "bench.sdk", "export", url, str(EXPORT_RECORDS), str(sdk_reps)])
        results["sdk"] = {"median_s": statistics.median(run["times"]), "times_s": run["times"]}
    floor = results["floor-sync"]["median_s"]
    for entry in results.values():
        entry["ratio_to_floor"] = _ratio(entry["median_s"], floor)
    if "sdk" in results:
        results["sdk"]["ratio_to_ours_sync"] = _ratio(results["sdk"]["median_s"], results["ours-sync"]["median_s"])
    return results


def _parse(reps: int, sdk: bool) -> dict[str, Any]:
    _log("parse: json.loads vs ours")
    run = _json_run([sys.executable, "-m", "bench.probes", "parse", str(reps)])
    json_rate = run["records"] / statistics.median(run["json_times"])
    ours_rate = run["records"] / statistics.median(run["ours_times"])
    results: dict[str, Any] = {
        "json.loads": {"records_per_s": round(json_rate), "ratio_to_json": 1.0},
        "ours": {"records_per_s": round(ours_rate), "ratio_to_json": _ratio(ours_rate, json_rate)},
    }
    if sdk:
        _log(f"parse: official SDK ({SDK_PARSE_PAGES} pages)")
        run = _json_run([str(SDK_PYTHON), "-m", "bench.sdk", "parse", "1", str(SDK_PARSE_PAGES)])
        sdk_rate = run["records"] / statistics.median(run["times"])
        results["sdk"] = {"records_per_s": round(sdk_rate), "ratio_to_json": _ratio(sdk_rate, json_rate)}
    return results


def _memory(url: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for count in MEMORY_COUNTS:
        _log(f"memory: iterate {count} records")
        results[str(count)] = _json_run([sys.executable, "-m", "bench.probes", "memory", url, str(count)])
    small, large = (results[str(count)]["peak_rss_mb"] for count in MEMORY_COUNTS)
    results["peak_ratio_large_to_small"] = _ratio(large, small)
    return results


def _imports(reps: int, sdk: bool) -> dict[str, Any]:
    def measure(python: str, modules: tuple[str, ...]) -> dict[str, Any]:
        runs = [_json_run([python, "-m", "bench.probes", "import", *modules]) for _ in range(reps)]
        return {
            "python": python,
            "median_s": statistics.median(run["seconds"] for run in runs),
            "rss_mb": round(statistics.median(run["rss_mb"] for run in runs), 1),
        }

    _log("import: genesys_cloud_audit")
    results = {"ours": measure(_ensure_client_venv(), OUR_IMPORT)}
    if sdk:
        _log("import: PureCloudPlatformClientV2")
        results["sdk"] = measure(str(SDK_PYTHON), ("PureCloudPlatformClientV2",))
        results["sdk"]["time_ratio_to_ours"] = _ratio(results["sdk"]["median_s"], results["ours"]["median_s"])
        results["sdk"]["rss_ratio_to_ours"] = _ratio(results["sdk"]["rss_mb"], results["ours"]["rss_mb"])
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


def _markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']} "
        f"({machine['platform']}); load average at start {machine['load_average_at_start'][0]:.2f}.",
        f"Command: `{machine['command']}`. Medians of the repetitions; ratios as noted.",
        "",
        f"## Export: {EXPORT_RECORDS:,} records at pageSize {PAGE_SIZE} from a loopback server",
        "",
        "| client | wall time (s) | ratio to floor (sync) |",
        "|---|---:|---:|",
    ]
    names = {
        "floor-sync": "floor: httpx + json.loads (sync)",
        "floor-async": "floor: httpx + json.loads (async)",
        "ours-sync": "genesys_cloud_audit `paginate`",
        "ours-async": "genesys_cloud_audit `paginate_async`",
        "sdk": f"official SDK PureCloudPlatformClientV2 {SDK_VERSION}",
    }
    for key, entry in results["export"].items():
        lines.append(f"| {names[key]} | {entry['median_s']:.2f} | {entry['ratio_to_floor']:.2f}x |")
    if "sdk" in results["export"]:
        lines.append(
            f"\nThe official SDK takes {results['export']['sdk']['ratio_to_ours_sync']:.1f}x as long as ours (sync)."
        )
    lines += ["", "## Decoding without the network (json.loads + model building)", "",
              "| decoder | records/s | ratio to json.loads alone |", "|---|---:|---:|"]  # fmt: skip
    for key, entry in results["parse"].items():
        label = {"json.loads": "json.loads alone (dicts)", "ours": "genesys_cloud_audit models",
                 "sdk": f"official SDK deserialiser ({SDK_PARSE_PAGES * PAGE_SIZE:,} records)"}[key]  # fmt: skip
        lines.append(f"| {label} | {entry['records_per_s']:,} | {entry['ratio_to_json']:.2f}x |")
    memory = results["memory"]
    lines += ["", "## Peak memory while iterating (`paginate`, RSS of a fresh process)", "",
              "| records | RSS after imports (MB) | peak RSS (MB) |", "|---:|---:|---:|"]  # fmt: skip
    for count in MEMORY_COUNTS:
        entry = memory[str(count)]
        lines.append(f"| {count:,} | {entry['baseline_rss_mb']:.1f} | {entry['peak_rss_mb']:.1f} |")
    lines.append(
        f"\nPeak for {MEMORY_COUNTS[1]:,} / peak for {MEMORY_COUNTS[0]:,}: {memory['peak_ratio_large_to_small']:.2f}x."
    )
    imports = results["imports"]
    lines += ["", "## Import (fresh interpreter)", "", "| package | time (ms) | memory added (MB) |", "|---|---:|---:|",
              f"| genesys_cloud_audit (+ the results operation) | {imports['ours']['median_s'] * 1000:.0f} | "
              f"{imports['ours']['rss_mb']:.1f} |"]  # fmt: skip
    if "sdk" in imports:
        sdk = imports["sdk"]
        lines.append(f"| PureCloudPlatformClientV2 | {sdk['median_s'] * 1000:.0f} ({sdk['time_ratio_to_ours']:.1f}x) | "
                     f"{sdk['rss_mb']:.1f} ({sdk['rss_ratio_to_ours']:.1f}x) |")  # fmt: skip
    generate = results["generate"]
    lines += ["", "## Code generation", "", "| run | time (s) |", "|---|---:|",
              f"| `python -m generator generate` | {generate['ours_s']:.2f} ({generate['ratio_to_plain']:.2f}x) |",
              f"| plain `openapi-python-client generate` (stock templates) | {generate['plain_s']:.2f} |"]  # fmt: skip
    if results.get("skipped"):
        lines += ["", f"Skipped: {results['skipped']}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sdk", action="store_true", help="leave out the official SDK")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each export (default 5)")
    parser.add_argument("--sdk-reps", type=int, default=1, help="repetitions of the SDK's export (default 1)")
    args = parser.parse_args(argv)
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {"machine": _machine(command.strip())}
    started = time.perf_counter()
    ensure_pages()
    sdk = not args.skip_sdk
    if sdk:
        reason = _ensure_sdk()
        if reason:
            _log(reason)
            results["skipped"] = reason
            sdk = False
    else:
        results["skipped"] = "the official SDK (--skip-sdk)"
    with _server() as url:
        results["export"] = _export(url, args.reps, args.sdk_reps, sdk)
        results["memory"] = _memory(url)
    results["parse"] = _parse(3, sdk)
    results["imports"] = _imports(5, sdk)
    results["generate"] = _generate()
    results["total_runtime_s"] = round(time.perf_counter() - started, 1)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = _markdown(results)
    (BENCH / "RESULTS.md").write_text(report)
    print(report)

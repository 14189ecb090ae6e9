"""Where `--output` may point: regular files are replaced atomically; FIFOs, devices and stdout are
streamed; symbolic links are written through; directories, missing or unwritable folders and special
sidecar files are refused before any request. Nothing outside the output and its sidecars is touched
(we run as root here, so `/dev/null` is checked to stay a character device)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from emulator import Emulator
from tests.cli.cli_helpers import CLI, cli_env, query_args, run_cli


def export_args(emulator: Emulator, output: str | Path, *extra: str) -> list[str]:
    return query_args(emulator, output, "--service", "Routing", *extra)


def expected(emulator: Emulator, *extra: str) -> bytes:
    """What the export writes to standard output, byte for byte (CSV lines end in CRLF)."""
    result = subprocess.run(
        [*CLI, *export_args(emulator, "-", *extra)], env=cli_env(), capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def listing(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def assert_refused_before_any_request(emulator: Emulator, args: list[str], *words: str) -> str:
    emulator.reset()
    result = run_cli(args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert emulator.stats()["requests"] == 0
    for word in words:
        assert word in result.stderr
    return result.stderr


def test_a_regular_file_is_replaced_atomically_keeping_its_permissions(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    output.write_text("old contents\n")
    output.chmod(0o640)
    inode = output.stat().st_ino
    result = run_cli(export_args(emulator, output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == expected(emulator)
    assert output.stat().st_ino != inode  # a new file renamed into place, never written in place
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert listing(tmp_path) == ["audit.jsonl"]


def test_a_fifo_is_streamed_never_replaced(emulator: Emulator, tmp_path: Path) -> None:
    fifo = tmp_path / "records.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli(export_args(emulator, fifo, "--format", "csv"))
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert received == [expected(emulator, "--format", "csv")]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert listing(tmp_path) == ["records.fifo"]  # no partial file, no checkpoint
    assert "wrote" not in result.stderr


def test_a_fifo_cannot_resume(emulator: Emulator, tmp_path: Path) -> None:
    fifo = tmp_path / "records.fifo"
    os.mkfifo(fifo)
    assert_refused_before_any_request(emulator, export_args(emulator, fifo, "--resume"), "--resume needs", "FIFO")
    assert listing(tmp_path) == ["records.fifo"]


def test_dev_null_stays_a_character_device(emulator: Emulator) -> None:
    before = os.stat("/dev/null")
    result = run_cli(export_args(emulator, "/dev/null"))
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert not Path("/dev/null.partial").exists() and not Path("/dev/null.checkpoint.json").exists()
    assert_refused_before_any_request(emulator, export_args(emulator, "/dev/null", "--resume"), "character device")


def test_a_symbolic_link_is_written_through_and_stays_a_link(emulator: Emulator, tmp_path: Path) -> None:
    target_dir, link_dir = tmp_path / "data", tmp_path / "links"
    target_dir.mkdir()
    link_dir.mkdir()
    target = target_dir / "audit.jsonl"
    target.write_text("old\n")
    link = link_dir / "latest.jsonl"
    link.symlink_to(target)
    result = run_cli(export_args(emulator, link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes() == expected(emulator)
    assert listing(link_dir) == ["latest.jsonl"] and listing(target_dir) == ["audit.jsonl"]


def test_a_dangling_link_creates_its_target(emulator: Emulator, tmp_path: Path) -> None:
    link = tmp_path / "latest.jsonl"
    link.symlink_to("made.jsonl")
    result = run_cli(export_args(emulator, link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (tmp_path / "made.jsonl").read_bytes() == expected(emulator)


def test_a_directory_is_refused_before_any_request(emulator: Emulator, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert_refused_before_any_request(emulator, export_args(emulator, folder), "is a directory", "audit.jsonl")
    assert listing(folder) == [] and listing(tmp_path) == ["exports"]
    link = tmp_path / "to-folder"
    link.symlink_to(folder)
    assert_refused_before_any_request(emulator, export_args(emulator, link), "is a directory")


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("missing/audit.jsonl", ("does not exist",)),
        ("a-file/audit.jsonl", ("Not a directory",)),
    ],
)
def test_a_folder_that_is_not_there_is_refused_and_not_made(
    emulator: Emulator, tmp_path: Path, where: str, words: tuple[str, ...]
) -> None:
    (tmp_path / "a-file").write_text("x")
    output = str(tmp_path / where)
    assert_refused_before_any_request(emulator, export_args(emulator, output), *words)
    assert listing(tmp_path) == ["a-file"]


def test_a_folder_where_nothing_can_be_created_is_refused_before_any_request(emulator: Emulator) -> None:
    # Even root cannot create files in /proc, whatever access() says.
    assert_refused_before_any_request(emulator, export_args(emulator, "/proc/audit.jsonl"), "/proc/audit.jsonl")


def test_a_socket_or_a_block_device_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        assert_refused_before_any_request(emulator, export_args(emulator, path), "is a socket")
    device = next(
        (p for p in ("/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1") if Path(p).is_block_device()), None
    )
    if device is not None:
        assert_refused_before_any_request(emulator, export_args(emulator, device), "is a block device")


@pytest.mark.parametrize("sidecar", [".partial", ".checkpoint.json", ".checkpoint.json.tmp"])
def test_a_sidecar_that_is_a_link_or_a_fifo_is_refused_and_its_target_untouched(
    emulator: Emulator, tmp_path: Path, sidecar: str
) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    output = tmp_path / "audit.jsonl"
    planted = tmp_path / f"audit.jsonl{sidecar}"
    planted.symlink_to(victim)
    assert_refused_before_any_request(emulator, export_args(emulator, output), "a symbolic link", "move it away")
    assert victim.read_text() == "keep me\n" and planted.is_symlink()
    planted.unlink()
    os.mkfifo(planted)  # a FIFO would block a plain open() forever
    assert_refused_before_any_request(emulator, export_args(emulator, output), "a FIFO")
    assert sorted(listing(tmp_path)) == sorted(["precious.txt", planted.name])


def test_a_descriptor_path_is_streamed(emulator: Emulator, tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, *export_args(emulator, "/dev/stdout", "--format", "csv")],
        env=cli_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected(emulator, "--format", "csv")


# Records as received


RAW_PAGE = (
    b'{"id": "tx-1",\n "entities": [\n'
    b'  {"id":"r-1","serviceName":"Routing","level":"FUTURE_LEVEL","eventDate":"2026-10-02T10:00:00+00:00",\r\n'
    b'   "newField":{"n":1.0e2,"big":123456789012345678901234567890,"none":null},"action":"Caf\\u00e9 \xe2\x82\xac"},\n'
    b'  {"id":"r-2","message":{"message":"two\\nlines, \\"quoted\\""}}\n]}'
)


@pytest.mark.parametrize(
    ("fmt", "written"),
    [
        (
            "jsonl",
            b'{"id": "r-1", "serviceName": "Routing", "level": "FUTURE_LEVEL", "eventDate": '
            b'"2026-10-02T10:00:00+00:00", "newField": {"n": 1.0e2, "big": 123456789012345678901234567890, '
            b'"none": null}, "action": "Caf\\u00e9 \xe2\x82\xac"}\n'
            b'{"id": "r-2", "message": {"message": "two\\nlines, \\"quoted\\""}}\n',
        ),
        (
            "csv",
            "id,eventDate,serviceName,level,status,action,entityType,entity.id,entity.name,user.id,user.name,"
            "client.id,remoteIp,message\r\n"
            "r-1,2026-10-02T10:00:00+00:00,Routing,FUTURE_LEVEL,,Café €,,,,,,,,\r\n"
            'r-2,,,,,,,,,,,,,"two\nlines, ""quoted"""\r\n'.encode(),
        ),
    ],
)
def test_records_are_written_as_the_api_sent_them_fields_and_values_it_does_not_list_included(
    tmp_path: Path, fmt: str, written: bytes
) -> None:
    from tests.support.scripted_server import Canned, ScriptedServer, json_response, token_issuer

    output = tmp_path / f"audit.{fmt}"
    with ScriptedServer() as server:
        server.set_default("POST", "/oauth/token", token_issuer())
        server.set_default("POST", "/api/v2/audits/query", json_response(200, {"id": "tx-1", "state": "Succeeded"}))
        server.enqueue(
            "GET", "/api/v2/audits/query/tx-1/results", Canned(200, RAW_PAGE, {"Content-Type": "application/json"})
        )
        args = query_args(server, output)
        result = run_cli(args)
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == written

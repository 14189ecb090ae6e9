"""A local emulator of the Genesys Cloud Audit API, for tests and demos.

with run_emulator(EmulatorConfig(records=1000)) as emu:
    httpx.post(emu.base_url + "/oauth/token", ...)
"""

from emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig
from emulator.faults import FaultRule, parse_fault
from emulator.server import Emulator, run_emulator

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "Emulator",
    "EmulatorConfig",
    "FaultRule",
    "parse_fault",
    "run_emulator",
]

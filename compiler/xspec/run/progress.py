"""What a run shows while it runs: one line per finished job, and, on a terminal, a
progress bar that is redrawn below them."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

BAR_WIDTH = 28


@dataclass
class Progress:
    total: int
    labels: dict[int, str] = field(default_factory=dict)   # job index -> "lr=0.05 epochs=50"
    stream: TextIO | None = None                            # sys.stderr when None
    done: int = 0
    failed: int = 0
    running: int = 0

    def __post_init__(self):
        self.stream = self.stream or sys.stderr
        self.bar = _is_tty(self.stream) and self.total > 1

    def started(self, index: int) -> None:
        self.running += 1
        self._draw()

    def finished(self, index: int, status: int | None, seconds: float) -> None:
        self.running -= 1
        self.done += 1
        self.failed += status != 0
        state = "ok" if status == 0 else f"FAILED (exit {status})"
        self._line(f"  job {index:<4} {state:<18} {seconds:6.1f}s  {self.labels.get(index, '')}".rstrip())

    def message(self, text: str) -> None:
        self._line(text)

    def close(self) -> None:
        if self.bar:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _line(self, text: str) -> None:
        prefix = "\r\033[K" if self.bar else ""
        self.stream.write(f"{prefix}{text}\n")
        self._draw()

    def _draw(self) -> None:
        if self.bar:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            failed = f"  {self.failed} failed" if self.failed else ""
            self.stream.write(f"\r\033[K  [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] "
                              f"{self.done}/{self.total}  {self.running} running{failed}")
        self.stream.flush()


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def job_label(job: dict, width: int = 60) -> str:
    """The job's params for progress lines, `lr=0.05 epochs=50`, cut to ``width``."""
    text = " ".join(f"{name}={value}" for name, value in job["params"].items())
    return text if len(text) <= width else text[:width - 1] + "…"

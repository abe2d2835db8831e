"""What `xspec run` shows while it runs."""

from __future__ import annotations

import io

from xspec.run.progress import Progress, job_label


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_pipe_gets_one_line_per_job_and_no_bar():
    out = io.StringIO()
    progress = Progress(2, {0: "lr=0.1", 1: "lr=0.2"}, out)
    progress.started(0)
    progress.finished(0, 0, 1.25)
    progress.started(1)
    progress.finished(1, 3, 0.5)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines == ["  job 0    ok                    1.2s  lr=0.1",
                     "  job 1    FAILED (exit 3)       0.5s  lr=0.2"]
    assert "\r" not in out.getvalue()


def test_a_terminal_gets_a_bar_redrawn_below_the_lines():
    out = Terminal()
    progress = Progress(4, {}, out)
    progress.started(0)
    progress.finished(0, 1, 0.1)
    text = out.getvalue()
    assert "[-------" in text and "0/4  1 running" in text
    assert text.endswith("1/4  0 running  1 failed")
    progress.close()
    assert out.getvalue().endswith("\r\033[K")


def test_labels_are_cut_to_a_width():
    job = {"params": {"name": "x" * 100, "lr": 0.1}}
    assert len(job_label(job)) == 60 and job_label(job).endswith("…")
    assert job_label({"params": {"lr": 0.1, "epochs": 20}}) == "lr=0.1 epochs=20"

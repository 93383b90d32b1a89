"""A file that appears while a run prints (another run with another log, another program)
is never overwritten without --replace: the run stops, writes nothing and logs nothing, and
its cards stay due. A helper whose pipe closes in the middle of its result is a helper that
died, said so."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from mailmerge import atomic
from mailmerge.atomic import StagedFiles
from mailmerge.runs import forked
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.outputs import OutputError
from mailmerge.runs.run import JOBS_PER_CORE, _workers, print_cards


def staged_file(folder, name: str, text: bytes) -> tuple[StagedFiles, object]:
    staged = StagedFiles()
    target = folder / name
    with staged.write(target) as stream:
        stream.write(text)
    return staged, target


def test_commit_without_replace_never_overwrites_a_file_that_appeared(tmp_path):
    staged, target = staged_file(tmp_path, "cards.pdf", b"ours")
    target.write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        staged.commit(replace=False)
    assert target.read_bytes() == b"theirs" and not staged.committing
    staged.commit(replace=True)
    assert target.read_bytes() == b"ours"
    assert not list(tmp_path.glob(".*.tmp"))


def test_without_hard_links_the_commit_still_refuses_to_overwrite(tmp_path, monkeypatch):
    def no_links(*_arguments):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    staged, target = staged_file(tmp_path, "cards.pdf", b"ours")
    staged.commit(replace=False)
    assert target.read_bytes() == b"ours" and not list(tmp_path.glob(".*.tmp"))
    other, _ = staged_file(tmp_path, "more.pdf", b"ours")
    (tmp_path / "more.pdf").write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        other.commit(replace=False)
    assert (tmp_path / "more.pdf").read_bytes() == b"theirs"


def test_a_run_whose_file_appears_meanwhile_stops_and_logs_nothing(
        tmp_path, customers_csv, settings, monkeypatch):
    commit = StagedFiles.commit

    def another_run_wrote_it_first(self, replace=True):
        for _temp, target in self.staged:
            target.write_bytes(b"another run's cards")
        return commit(self, replace)

    monkeypatch.setattr(StagedFiles, "commit", another_run_wrote_it_first)
    log = tmp_path / "log.sqlite"
    with pytest.raises(OutputError, match="ほかの印刷かプログラムが作りました"):
        print_cards(customers_csv, tmp_path / "cards.pdf", settings,
                    RunOptions(log=log, sort="id"))
    assert (tmp_path / "cards.pdf").read_bytes() == b"another run's cards"
    assert not list(tmp_path.glob(".*.tmp"))
    with sqlite3.connect(log) as db:
        assert db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0
    monkeypatch.undo()
    again = print_cards(customers_csv, tmp_path / "cards.pdf", settings,
                        RunOptions(log=log, sort="id", replace=True))
    assert again.written and again.printed


def test_a_result_cut_off_in_the_pipe_is_a_helper_that_died(monkeypatch):
    def cut_off(_receiver):
        raise OSError("got end of file during message")

    class Died(Exception):
        pass

    results = forked.forked_map(lambda item: item, [1], 1, lambda *_: Died(), receive=cut_off)
    with pytest.raises(Died):
        list(results)


def test_jobs_beyond_a_few_a_core_are_not_forked():
    cores = forked.usable_cores()
    assert _workers(RunOptions(jobs=100_000)) == JOBS_PER_CORE * cores
    assert _workers(RunOptions(jobs=1)) == 1 and _workers(RunOptions(jobs=None)) == cores

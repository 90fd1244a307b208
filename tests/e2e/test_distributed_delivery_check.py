# SPDX-License-Identifier: Apache-2.0
"""The delivery checker of the distributed tests (dcluster.py) on made-up
data: it must pass a clean failover and catch a lost record, a task that
resumed past its committed offset, and one that sent committed records
again. No broker, no worker."""

from dcluster import delivery_verdict


def _clean():
    # Task 0 ran 0..9 on one worker (committed 4 at t=100), died, and a
    # new owner resumed at 5 at t=200: 5..9 twice. Task 1 never moved.
    got = {0: list(range(10)) + list(range(5, 12)), 1: list(range(8))}
    commits = {0: [(50, 2), (100, 4), (300, 11)], 1: [(100, 7)]}
    runs = {0: [(10, 0, 9), (200, 5, 11)], 1: [(10, 0, 7)]}
    return got, commits, runs


def test_a_failover_that_resumes_after_the_last_commit_passes():
    problems, summary = delivery_verdict(*_clean(), tasks=2)
    assert problems == []
    assert summary == {"records": 25, "duplicates": 5, "restarts": 1}


def test_a_lost_record_is_caught():
    got, commits, runs = _clean()
    got[1].remove(3)
    problems, _ = delivery_verdict(got, commits, runs, tasks=2)
    assert problems == ["task 1: 1 seqnos lost: [3]"]


def test_a_resume_past_the_committed_offset_is_caught():
    got, commits, runs = _clean()
    runs[0][1] = (200, 7, 11)
    problems, _ = delivery_verdict(got, commits, runs, tasks=2)
    assert len(problems) == 1 and "records skipped" in problems[0]


def test_a_resume_before_the_committed_offset_is_caught():
    got, commits, runs = _clean()
    runs[0][1] = (200, 3, 11)
    got[0] += [3, 4]
    problems, _ = delivery_verdict(got, commits, runs, tasks=2)
    assert len(problems) == 1 and "committed records sent again" in \
        problems[0]


def test_duplicates_without_a_restart_are_caught():
    got, commits, runs = _clean()
    got[1].append(2)
    problems, _ = delivery_verdict(got, commits, runs, tasks=2)
    assert problems == ["task 1: 1 duplicates without a restart"]


def test_a_source_task_missing_from_the_topic_is_caught():
    got, commits, runs = _clean()
    del got[1]
    problems, _ = delivery_verdict(got, commits, runs, tasks=2)
    assert problems == ["source tasks in the topic: [0], wanted 0..1"]

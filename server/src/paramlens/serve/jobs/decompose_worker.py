"""The worker process of a decompose job: `python -m paramlens.serve.jobs.decompose_worker RUN_DIR`.

Starts a queued run or resumes a stopped one. SIGTERM cancels it (the training loop ends
its step, checkpoints and records `cancelled`). The server holds this process's stdin open;
when it closes, the server has gone away, so the run stops the same way but records
`interrupted`, to be resumed once a server is back. Either way the training loop writes the
final status once, so the server's event log can never see a status that is then rewritten.
"""

import os
import sys
import traceback
from pathlib import Path

from paramlens.runs.manifest import read_manifest
from paramlens.serve.stdin_watchdog import call_on_stdin_eof
from paramlens.train.run import RunOptions, execute_run, resume_run
from paramlens.train.stop import StopFlag

SERVER_GONE = "the server stopped while the run was running; resume it from its last checkpoint"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m paramlens.serve.jobs.decompose_worker RUN_DIR", file=sys.stderr)
        return 2
    run_dir = Path(argv[0])
    stop = StopFlag()
    call_on_stdin_eof(lambda: stop.request("the server stopped", "interrupted", SERVER_GONE))
    options = RunOptions(progress=False, stop=stop)
    try:
        if read_manifest(run_dir).status == "queued":
            manifest = execute_run(run_dir, options)
        else:
            manifest = resume_run(run_dir, options)
    except Exception:
        traceback.print_exc()
        return 1
    print(f"run {manifest.status} at step {manifest.step}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Everything is on disk by now. Skipping interpreter teardown, which takes seconds once
    # torch is loaded, lets a cancelled job free its device as soon as it has checkpointed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

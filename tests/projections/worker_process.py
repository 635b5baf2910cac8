"""A projection worker in a process of its own, serving the test `TallyProjection`, so that a test
can kill it (SIGKILL) at any moment. Usage:
python -m tests.projections.worker_process DATABASE_URL DATA_DIR BATCH_SIZE SECONDS_PER_BATCH
"""

from __future__ import annotations

import sys
import threading

from infra.bootstrap import bootstrap
from infra.settings import Settings
from projections.worker import ProjectionWorker
from tests.projections.tallies import TallyProjection


def main() -> None:
    database_url, data_dir, batch_size, seconds_per_batch = sys.argv[1:5]
    settings = Settings.from_env(
        {}, database_url=database_url, data_dir=data_dir, pool_size=4, log_format="console",
        log_level="warning", projection_poll_seconds=0.5,
    )
    ithaca = bootstrap(settings)
    worker = ProjectionWorker(
        ithaca, [TallyProjection(float(seconds_per_batch))], batch_size=int(batch_size),
    )
    print("ready", flush=True)
    worker.run_until(threading.Event())  # runs until killed


if __name__ == "__main__":
    main()

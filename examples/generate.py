"""Regenerate the bundled example data with the reference models (needs prefect==3.9.1).

    python examples/generate.py

Writes ``examples/flow_runs.json``: flow runs in the shape a Prefect 3.9.1 server
returns from ``POST /api/flow_runs/filter``, made by the reference's own models so
the example is exactly its wire format. Seeded, so the file only changes on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from pathlib import Path

from prefect.client.schemas.objects import FlowRun, FlowRunPolicy, State, StateDetails, StateType

SEED = 20261125
COUNT = 25


def make_flow_run(rng: random.Random, index: int) -> dict[str, object]:
    """One realistic flow run: nested state, parameters, labels, tags, timestamps."""
    start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=17 * index)
    flow_run_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    state_type = rng.choice([StateType.COMPLETED, StateType.FAILED, StateType.RUNNING, StateType.SCHEDULED])
    data = None
    if state_type is StateType.COMPLETED:
        data = {
            "storage_key": f"/root/.prefect/storage/{uuid.UUID(int=rng.getrandbits(128), version=4).hex}",
            "expiration": None,
            "serializer": {"type": "json"},
            "prefect_version": "3.9.1",
            "storage_block_id": None,
        }
    state = State(
        type=state_type,
        message="All states completed." if state_type is StateType.COMPLETED else None,
        timestamp=start + dt.timedelta(seconds=rng.randint(1, 300)),
        state_details=StateDetails(flow_run_id=flow_run_id, scheduled_time=start),
        data=data,
    )
    run = FlowRun(
        id=flow_run_id,
        name=f"{rng.choice(['brave', 'calm', 'swift', 'noble'])}-{rng.choice(['otter', 'heron', 'lynx', 'ibex'])}",
        flow_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        deployment_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        work_queue_name="default",
        flow_version=f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
        parameters={
            "date": start.date().isoformat(),
            "limit": rng.randint(1, 1000),
            "dry_run": rng.random() < 0.5,
            "regions": rng.sample(["eu", "us", "ap", "sa"], 2),
            "threshold": round(rng.random(), 3),
        },
        context={},
        empirical_policy=FlowRunPolicy(retries=rng.randint(0, 3), retry_delay=rng.choice([None, 10, 60])),
        tags=rng.sample(["etl", "nightly", "prod", "critical", "reporting"], 2),
        labels={"prefect.flow.id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "team": "data"},
        run_count=rng.randint(0, 3),
        expected_start_time=start,
        start_time=start + dt.timedelta(seconds=3),
        end_time=start + dt.timedelta(seconds=95) if state.is_final() else None,
        total_run_time=dt.timedelta(seconds=rng.uniform(1, 90)),
        estimated_run_time=dt.timedelta(seconds=rng.uniform(1, 90)),
        work_pool_name="process-pool",
        work_queue_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        work_pool_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        state=state,
        state_type=state.type,
        state_name=state.name,
        created=start - dt.timedelta(minutes=5),
        updated=start + dt.timedelta(seconds=96),
        job_variables={},
    )
    return run.model_dump(mode="json")


def main() -> None:
    rng = random.Random(SEED)
    runs = [make_flow_run(rng, i) for i in range(COUNT)]
    out = Path(__file__).with_name("flow_runs.json")
    out.write_text(json.dumps(runs, indent=1) + "\n")
    print(f"wrote {len(runs)} flow runs to {out}")


if __name__ == "__main__":
    main()

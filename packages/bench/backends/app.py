"""Seed-study backend: GET / sleeps uniformly DELAY_MIN_MS..DELAY_MAX_MS, then names itself.

Run by packages/bench through serve.py (uvicorn), one instance per port.
Environment: BACKEND_ID (stamped in the body and the x-backend-id header),
DELAY_MIN_MS and DELAY_MAX_MS (default 100 and 300), MAX_CONCURRENCY (default 0: unlimited).

MAX_CONCURRENCY models a server with a fixed pool of request workers: at most that many GET /
sleeps run at once and the rest wait inside the server, first come first served (asyncio's
Semaphore hands a freed slot to its oldest waiter, and a newcomer does not overtake waiters).
The semaphore lives in one process, so serve.py must run a single uvicorn worker for the limit
to hold for the whole backend.
"""

import asyncio
import os
import random

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

BACKEND_ID = os.environ.get("BACKEND_ID", "backend")
DELAY_MIN_S = float(os.environ.get("DELAY_MIN_MS", "100")) / 1000
DELAY_MAX_S = float(os.environ.get("DELAY_MAX_MS", "300")) / 1000
MAX_CONCURRENCY = int(os.environ.get("MAX_CONCURRENCY", "0"))
HEADERS = {"x-backend-id": BACKEND_ID}

app = FastAPI()


def reply() -> PlainTextResponse:
    return PlainTextResponse(f"backend {BACKEND_ID}\n", headers=HEADERS)


# Since Python 3.10 a Semaphore binds to the event loop on first use, not here.
POOL = asyncio.Semaphore(MAX_CONCURRENCY) if MAX_CONCURRENCY > 0 else None


async def work() -> None:
    await asyncio.sleep(random.uniform(DELAY_MIN_S, DELAY_MAX_S))


@app.get("/")
async def slow() -> PlainTextResponse:
    if POOL is None:
        await work()
    else:
        async with POOL:
            await work()
    return reply()


@app.get("/fast")
async def fast() -> PlainTextResponse:
    return reply()


# Balancer health checks may probe either path; neither should sleep.
@app.get("/health")
@app.get("/healthz")
async def health() -> PlainTextResponse:
    return reply()

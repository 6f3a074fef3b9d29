"""Seed-study backend: GET / sleeps uniformly DELAY_MIN_MS..DELAY_MAX_MS, then names itself.

Run by packages/bench under `uvicorn app:app --workers 2`, one instance per port.
Environment: BACKEND_ID (stamped in the body and the x-backend-id header),
DELAY_MIN_MS and DELAY_MAX_MS (default 100 and 300).
"""

import asyncio
import os
import random

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

BACKEND_ID = os.environ.get("BACKEND_ID", "backend")
DELAY_MIN_S = float(os.environ.get("DELAY_MIN_MS", "100")) / 1000
DELAY_MAX_S = float(os.environ.get("DELAY_MAX_MS", "300")) / 1000
HEADERS = {"x-backend-id": BACKEND_ID}

app = FastAPI()


def reply() -> PlainTextResponse:
    return PlainTextResponse(f"backend {BACKEND_ID}\n", headers=HEADERS)


@app.get("/")
async def slow() -> PlainTextResponse:
    await asyncio.sleep(random.uniform(DELAY_MIN_S, DELAY_MAX_S))
    return reply()


@app.get("/fast")
async def fast() -> PlainTextResponse:
    return reply()


# Balancer health checks may probe either path; neither should sleep.
@app.get("/health")
@app.get("/healthz")
async def health() -> PlainTextResponse:
    return reply()

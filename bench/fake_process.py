"""The fake Bot API (tests/fakes/fake_telegram.py) in a process of its own, for bench/bot.py.

Telegram is remote in real life: running the fake in another process keeps its work off the
bot's core. Control routes let the benchmark inject messages and read what was sent:
POST /control/inject [{"text", "user_id"}...] -> {"at": monotonic time of the injection};
GET /control/wait?count=N -> the send times once N messages were sent (waiting happens here,
so the benchmark's process spends nothing on it). CLOCK_MONOTONIC is shared by processes.

    python bench/fake_process.py TOKEN   (prints "PORT CONTROL_PORT" when ready)
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.fake_telegram import FakeTelegram


def control_app(fake: FakeTelegram) -> web.Application:
    """Routes through which the benchmark drives the fake."""

    async def inject(request: web.Request) -> web.Response:
        at = time.monotonic()
        for item in await request.json():
            fake.message(item["text"], user_id=int(item["user_id"]))
        return web.json_response({"at": at})

    async def wait(request: web.Request) -> web.Response:
        count = int(request.query["count"])
        sent = await fake.wait_for(lambda: len(s := fake.sent()) >= count and s, 600,
                                   f"{count} messages")
        return web.json_response([c.at for c in sent])

    app = web.Application()
    app.router.add_post("/control/inject", inject)
    app.router.add_get("/control/wait", wait)
    return app


async def serve(token: str) -> None:
    """Run the fake and its control routes until stdin closes."""
    fake = FakeTelegram(token)
    await fake.start()
    runner = web.AppRunner(control_app(fake), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(fake.port, runner.addresses[0][1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))

"""HTTP plumbing shared by the fake Discord's REST routes: the API prefix, JSON responses as
discord.py parses them, and a request's JSON body (plain or multipart)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

API = "/api/v10"


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only for exactly this content type (no charset).
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


async def request_body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "multipart/form-data":
        form = await request.post()
        return json.loads(str(form["payload_json"]))
    return await request.json()

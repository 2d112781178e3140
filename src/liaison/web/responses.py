"""A JSON response rendered with orjson (fast, and handles datetimes and UUIDs natively).

It subclasses Starlette's JSONResponse so FastAPI documents routes using it as application/json objects.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)

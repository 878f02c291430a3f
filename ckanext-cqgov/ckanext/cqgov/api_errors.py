"""HTTP status of the Action API's search query errors.

CKAN answers a malformed ``q``/``fq`` or a bad ``sort`` with HTTP 400 and
``"__type": "Search Query Error"``; every other bad input to the API is a 409.
cqgov answers bad search input like any other bad input — 409, same body — on
either search engine (the PostgreSQL backend and Solr raise the same error).
"""

from __future__ import annotations

import json

from flask import Response, request

SEARCH_QUERY_ERROR = "Search Query Error"


def search_query_error_as_conflict(response: Response) -> Response:
    if (
        response.status_code == 400
        and response.mimetype == "application/json"
        and request.path.startswith("/api/")
    ):
        try:
            body = json.loads(response.get_data())
        except ValueError:
            return response
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("__type") == SEARCH_QUERY_ERROR:
            response.status_code = 409
    return response

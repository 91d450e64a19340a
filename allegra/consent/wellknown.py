"""/.well-known/gpc.json: the shop says it honours Global Privacy Control (S5)."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def gpc_json(request):
    # The format of the GPC specification, section "Declaring support": https://privacycg.github.io/gpc-spec/
    response = JsonResponse({"gpc": True, "lastUpdate": "2026-11-28"})
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""GET /api/evidence/{template}/{version}?format=pdf|json[&site=KEY]: download the evidence
package of a template version (the console's and the CLI's download). Bearer token as for every
API call; who may export is the service's rule (`coe.validation.evidence`). Each download is
audited in the same transaction that gathers it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK

from coe.audit.anchors import anchor_store
from coe.db import transaction
from coe.errors import BadUserInputError, CoeError, UnauthenticatedError
from coe.resources import Services
from coe.validation import evidence
from coe.work import UnitOfWork

STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409}
SHA256_HEADER = "x-evidence-sha256"


@get("/api/evidence/{template:str}/{version:str}", status_code=HTTP_200_OK)
async def download_evidence(
    request: Request[Any, Any, Any],
    template: Annotated[str, Parameter(description="The template's key.")],
    version: Annotated[str, Parameter(description="The template version.")],
    format: Annotated[str, Parameter(description="pdf or json.")] = "pdf",
    site: Annotated[str | None, Parameter(description="Only this site.")] = None,
) -> Response[Any]:
    """The evidence package of `template@version` as a PDF or JSON file (auditor, qa_approver,
    coe_architect); its sha256 in the X-Evidence-Sha256 header."""
    services: Services = request.app.state.services
    try:
        principal = await services.verifier.verify(_token(request))
        chosen = _format(format)
        async with transaction(services.sessions) as session:
            work = UnitOfWork(
                session=session,
                principal=principal,
                audit_key=services.audit_key,
                request_id=request.scope.get("state", {}).get("request_id"),
            )
            done = await evidence.export(
                work,
                template,
                version,
                chosen,
                site=site or None,
                anchors=anchor_store(services.settings),
            )
    except CoeError as error:
        return Response(
            {"error": error.code, "message": error.message},
            status_code=STATUS.get(error.code, 400),
        )
    return Response(
        done.content,
        status_code=HTTP_200_OK,
        media_type=done.media_type,
        headers={
            "content-disposition": f'attachment; filename="{done.filename}"',
            SHA256_HEADER: done.package.sha256,
        },
    )


def _token(request: Request[Any, Any, Any]) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("missing bearer token")
    return token.strip()


def _format(value: str) -> evidence.Format:
    try:
        return evidence.Format(value.lower())
    except ValueError:
        raise BadUserInputError(f"format {value!r}: give pdf or json", argument="format") from None

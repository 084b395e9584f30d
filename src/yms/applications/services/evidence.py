"""Evidence: an uploaded file checked by content and size, sealed, kept outside the database.

The file is written before its row, under a fresh key: if the unit of work
then refuses it or rolls back, the file is deleted again; a file it replaces is
deleted only once the replacement has committed. Neither happens while the
case's row is locked.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import partial

from sqlalchemy import select

from yms.applications.domain import evidence as rules
from yms.applications.domain.states import ApplicationState
from yms.applications.services.cases import EvidenceView, arrangement_of, owned
from yms.applications.tables import EvidenceFile
from yms.kernel.errors import InvalidInputError, RefusedError
from yms.kernel.validation import FieldProblem
from yms.platform.context import ServiceContext


def _checked_media_type(field: str, data: bytes) -> str:
    if not data:
        raise InvalidInputError([FieldProblem(field, "The selected file is empty")])
    if len(data) > rules.MAX_BYTES:
        raise InvalidInputError(
            [FieldProblem(field, "The selected file must be smaller than 10MB")]
        )
    media_type = rules.sniff(data)
    if media_type is None:
        raise InvalidInputError(
            [FieldProblem(field, "The selected file must be a PDF, JPG or PNG")]
        )
    return media_type


def add_evidence(
    ctx: ServiceContext, account_id: str, case_ref: str, *, kind: str, filename: str, data: bytes
) -> EvidenceView:
    """Keep an uploaded file (replacing one of the same kind); checks its size and type.

    A draft takes the kinds its arrangement needs; a case waiting on the
    applicant's reply to a request for evidence takes `FURTHER` files, each kept
    beside the others (none replaces another).
    """
    field = f"evidence-{kind}"
    media_type = _checked_media_type(field, data)
    key = secrets.token_hex(16)
    ctx.files.put(key, ctx.sealer.seal(data))
    with ctx.unit(actor=account_id) as uow:
        uow.after_rollback(partial(ctx.files.delete, key))
        application = owned(uow.session, account_id, case_ref, lock=True)
        if kind == rules.FURTHER:
            if application.state != ApplicationState.AWAITING_EVIDENCE:
                raise RefusedError("No evidence has been asked for, so a file cannot be added")
        else:
            if application.state != ApplicationState.DRAFT:
                raise RefusedError("This application has been submitted and cannot be changed")
            if kind not in rules.evidence_needed(arrangement_of(ctx.catalogue, application)):
                raise InvalidInputError(
                    [FieldProblem(field, "This application does not need that file")]
                )
            for old in uow.session.scalars(
                select(EvidenceFile).where(
                    EvidenceFile.application_id == application.id, EvidenceFile.kind == kind
                )
            ):
                uow.session.delete(old)
                uow.after_commit(partial(ctx.files.delete, old.storage_key))
        stored = EvidenceFile(
            application_id=application.id,
            kind=kind,
            filename=rules.safe_filename(filename),
            media_type=media_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key,
            uploaded_at=uow.now(),
        )
        uow.session.add(stored)
        return EvidenceView(kind, stored.filename, media_type, len(data), stored.uploaded_at)

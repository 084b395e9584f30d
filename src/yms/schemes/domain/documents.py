"""The kinds of document a scheme may ask for, as one shared vocabulary."""

from __future__ import annotations

from enum import StrEnum

from yms.kernel.text import N_


class DocumentKind(StrEnum):
    """A kind of evidence an applicant holds. Schemes name these in their requirements."""

    POLICE_CERTIFICATE = "police_certificate"
    SUITABILITY_LETTER = "suitability_letter"
    CRIMINAL_CERTIFICATE = "criminal_certificate"
    CRIMINAL_RECORDS_CERTIFICATE = "criminal_records_certificate"
    JUDICIAL_RECORDS_CERTIFICATE = "judicial_records_certificate"
    TUBERCULOSIS_CERTIFICATE = "tuberculosis_certificate"

    @property
    def description(self) -> str:
        """A plain-English name, marked for translation."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[DocumentKind, str] = {
    DocumentKind.POLICE_CERTIFICATE: N_("police certificate or police clearance certificate"),
    DocumentKind.SUITABILITY_LETTER: N_("letter confirming you are a suitable candidate"),
    DocumentKind.CRIMINAL_CERTIFICATE: N_("criminal certificate for private use"),
    DocumentKind.CRIMINAL_RECORDS_CERTIFICATE: N_("certificate of criminal records"),
    DocumentKind.JUDICIAL_RECORDS_CERTIFICATE: N_("certificate of judicial records"),
    DocumentKind.TUBERCULOSIS_CERTIFICATE: N_("tuberculosis screening certificate"),
}

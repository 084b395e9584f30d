"""The applicant's pages: applying after an invitation, and the overview of entries and cases."""

"""The applicant's use cases: the case and its views, the draft, evidence, the fee."""

"""The pure core of yms: schemes, eligibility, money and dates. No I/O lives here."""

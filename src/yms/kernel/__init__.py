"""Pure, shared building blocks: countries, dates, money, text, identity, validation, errors."""

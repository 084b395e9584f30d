"""`yms mail`: read the outbox's messages in full, in development only.

The operator's outbox page shows that a message went, never its links: they
are for the person they were sent to. On a development machine that person is
the developer, who reads a sign-up's confirmation link here.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Read the e-mails the outbox kept (development only).", no_args_is_help=True)


@app.command("read")
def read(
    address: Annotated[str, typer.Argument(metavar="EMAIL", help="The address they were sent to.")],
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 5,
) -> None:
    """Print the latest messages sent to EMAIL, links and all."""
    from yms.platform.cli import EXIT_REFUSED, fail, load_settings, service_context  # noqa: PLC0415
    from yms.platform.mail.outbox import OutboxSender  # noqa: PLC0415
    from yms.platform.settings import Environment  # noqa: PLC0415

    if load_settings().environment is not Environment.DEVELOPMENT:
        fail(
            "messages are for their recipients: `yms mail read` works only in development",
            code=EXIT_REFUSED,
        )
    mailer = service_context().mail
    if not isinstance(mailer, OutboxSender):  # pragma: no cover - the CLI's sender is the outbox
        fail("this service sends e-mail through Notify: there is no outbox to read")
    messages = mailer.messages(address.strip().lower(), limit=limit)
    if not messages:
        print(f"no messages to {address}")  # noqa: T201 - the command's output
    for message in messages:
        print(f"{message.created_at:%Y-%m-%d %H:%M:%S}Z  {message.subject}\n\n{message.body}\n")  # noqa: T201

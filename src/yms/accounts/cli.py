"""`yms accounts create|role`, `yms users add`: make accounts, change roles, add staff."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Create accounts and change their roles.", no_args_is_help=True)
users_app = typer.Typer(
    help="Add staff: caseworkers, senior caseworkers, operators.", no_args_is_help=True
)
_ROLE_HELP = "applicant, caseworker, senior_caseworker or operator."


def _role(text: str) -> object:
    from yms.accounts.domain import Role  # noqa: PLC0415 - keep `yms --help` fast
    from yms.platform.cli import fail  # noqa: PLC0415

    try:
        return Role(text)
    except ValueError:
        fail(f"a role is one of: {', '.join(role.value for role in Role)}")


@app.command("create")
def create(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    role: Annotated[str, typer.Option(help=_ROLE_HELP)] = "applicant",
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for."),
    ] = "",
) -> None:
    """Create a confirmed account (an operator's, say); prints its id."""
    from yms.accounts import services  # noqa: PLC0415
    from yms.accounts.domain import Role  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    chosen = _role(role)
    assert isinstance(chosen, Role)  # noqa: S101 - `_role` exits otherwise
    with reported():
        account_id = services.create_account(
            service_context(), email, password, role=chosen, confirmed=True, actor=actor()
        )
    print(account_id)  # noqa: T201 - the command's output


@app.command("role")
def role(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help=_ROLE_HELP)],
) -> None:
    """Give an account another role (audited)."""
    from yms.accounts import services  # noqa: PLC0415
    from yms.accounts.domain import Role  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    chosen = _role(new_role)
    assert isinstance(chosen, Role)  # noqa: S101
    ctx = service_context()
    with reported():
        account_id = services.account_id_of(ctx, email)
        before = services.change_role(ctx, account_id, chosen, actor=actor())
    print(f"{account_id}: {before.value} -> {chosen.value}")  # noqa: T201


@users_app.command("add")
def add(
    email: Annotated[
        str, typer.Argument(metavar="EMAIL", help="The staff member's e-mail address.")
    ],
    role: Annotated[str, typer.Option(help="caseworker, senior_caseworker or operator.")],
) -> None:
    """Add a member of staff; prints a one-time link (valid 7 days) to set their password."""
    from yms.accounts import services  # noqa: PLC0415
    from yms.accounts.domain import Role  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    chosen = _role(role)
    assert isinstance(chosen, Role)  # noqa: S101 - `_role` exits otherwise
    ctx = service_context()
    with reported():
        link = services.add_staff(ctx, email, chosen, actor=actor())
    print(f"{ctx.public_url.rstrip('/')}{link}")  # noqa: T201 - the command's output


tokens_app = typer.Typer(
    help="API access tokens: make, list and revoke them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@tokens_app.command("create")
def create_token(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "command line",
    days: Annotated[int, typer.Option(help="How many days it lasts (1-365).")] = 30,
) -> None:
    """Make an API token for an account; prints it once (it is kept only as a hash)."""
    from yms.accounts import access_tokens, services  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        account_id = services.account_id_of(ctx, email)
        issued = access_tokens.create_access_token(
            ctx, account_id, name=name, days=days, actor=actor()
        )
    print(f"# {issued.id}, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC")  # noqa: T201
    print(issued.secret)  # noqa: T201 - the command's output, its last line


@tokens_app.command("list")
def list_tokens(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
) -> None:
    """The account's tokens: id, name, made, expiry, and whether revoked."""
    from yms.accounts import access_tokens, services  # noqa: PLC0415
    from yms.platform.cli import reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        account_id = services.account_id_of(ctx, email)
        for token in access_tokens.tokens_of(ctx, account_id):
            state = "revoked" if token.revoked_at else f"until {token.expires_at:%Y-%m-%d}"
            print(f"{token.id}  {token.name}  made {token.created_at:%Y-%m-%d}  {state}")  # noqa: T201


@tokens_app.command("revoke")
def revoke_token(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID", help="The token's id (tok_…).")],
) -> None:
    """Revoke one of the account's tokens from now on."""
    from yms.accounts import access_tokens, services  # noqa: PLC0415
    from yms.platform.cli import actor, reported, service_context  # noqa: PLC0415

    ctx = service_context()
    with reported():
        account_id = services.account_id_of(ctx, email)
        revoked = access_tokens.revoke_access_token(ctx, account_id, token_id, actor=actor())
    print(f"{token_id}: {'revoked' if revoked else 'was already revoked'}")  # noqa: T201

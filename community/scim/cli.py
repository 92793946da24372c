"""`flask --app wsgi scim …`: provisioning tokens for the identity provider's SCIM client."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.unit_of_work import commit

scim_cli = AppGroup("scim", help="SCIM 2.0 provisioning (/scim/v2/).")


@scim_cli.command("token")
@click.option("--name", default="SCIM provisioning", show_default=True, help="What the token is for.")
def token_command(name: str):
    """Print a new provisioning token once, alone on the last line (only its hash is stored)."""
    from community.scim.services import create_token

    token, plain = create_token(name)
    commit()
    click.echo(f"SCIM token {token.prefix}… ({token.name}); shown once, store it in your identity provider:")
    click.echo(plain)


@scim_cli.command("tokens")
def tokens_command():
    """List provisioning tokens (their first characters, never the tokens)."""
    from community.scim.services import list_tokens

    for token in list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        click.echo(f"{token.prefix}…  {token.name}  created {token.created_at:%Y-%m-%d}  {used}  {state}")


@scim_cli.command("revoke")
@click.argument("prefix", required=False)
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every provisioning token.")
def revoke_command(prefix: str | None, revoke_all: bool):
    """Revoke the token starting with PREFIX (as `scim tokens` shows it), or --all."""
    from community.scim.services import revoke_tokens

    if not prefix and not revoke_all:
        raise click.UsageError("give the token's PREFIX or --all")
    count = revoke_tokens(None if revoke_all else prefix)
    commit()
    click.echo(f"{count} token(s) revoked.")

"""``inboxbot serve``: the staff console, served by uvicorn."""

from __future__ import annotations

import click

from inboxbot.cli.context import CliState, application, pass_state


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: [web] host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port, 8080).")
@pass_state
def serve_command(state: CliState, host: str | None, port: int | None) -> None:
    """Serve the web console until SIGTERM or Ctrl-C."""
    import uvicorn  # noqa: PLC0415  (the web stack is imported only by this command)

    from inboxbot.web.app import create_app  # noqa: PLC0415

    web = state.settings.web
    bind, number = host or web.host, port or web.port
    with application(state) as app:
        click.echo(f"inboxbot: console on http://{bind}:{number}/ (Ctrl-C or SIGTERM stops it)", err=True)
        uvicorn.run(
            create_app(app),
            host=bind,
            port=number,
            proxy_headers=bool(web.trusted_proxies),
            forwarded_allow_ips=",".join(web.trusted_proxies) or None,
            server_header=False,
            log_config=None,
            access_log=False,
        )

"""`pipecd-cp version`."""
import typer

from pipecd_cp import __version__


def version() -> None:
    """Print the version."""
    typer.echo(__version__)

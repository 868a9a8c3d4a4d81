"""`kg`: the command line. Each command lives in its own module and is imported when used."""
from __future__ import annotations

import importlib

import click

#: name → (module, attribute, one-line help shown by `kg --help` without importing the module)
COMMANDS = {
    "extract": ("service.cli.extract", "extract", "Print or write the report record of each report file."),
    "evaluate": ("service.cli.extract", "evaluate", "Score extraction against gold records."),
    "ingest": ("service.cli.ingest", "ingest", "Load reports into the store, one named graph each."),
    "index": ("service.cli.index", "index", "Bring the page index up to the store (or rebuild or check it)."),
    "query": ("service.cli.query", "query", "Run a SPARQL query and print its results."),
    "export": ("service.cli.export", "export", "Write the whole graph (N-Quads, TriG, Turtle, JSON-LD)."),
    "serve": ("service.cli.serve", "serve", "Serve the web app and SPARQL endpoint."),
    "validate": ("service.cli.validate", "validate", "Check every report graph against the SHACL shapes."),
}


class LazyGroup(click.Group):
    """Imports a command's module only when the command runs, so `kg query` starts fast."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx):
        """A store that fails mid-command (a server gone down) is a message and exit 1, not a traceback."""
        from service.store import StoreError
        try:
            return super().invoke(ctx)
        except StoreError as error:
            raise click.ClickException(str(error)) from error

    def format_commands(self, ctx, formatter):
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup)
@click.version_option(package_name="konferencje-kg")
def main():
    """konferencje-kg: reports of Polish social-policy conferences as a knowledge graph."""

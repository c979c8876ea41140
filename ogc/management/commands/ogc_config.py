"""Write the generated pygeoapi configuration as YAML (for review or a standalone pygeoapi)."""

import sys

import yaml
from django.core.management.base import BaseCommand

from layers.publication import publication_states
from ogc.config import build_config
from ogc.gate import public_layers


class Command(BaseCommand):
    help = "Print or write the pygeoapi configuration generated from the layer registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", help="file to write (default: standard output)")

    def handle(self, *args, **options) -> None:
        # Without our access gate a standalone pygeoapi would serve everything it is given:
        # write only what anonymous callers may see now.
        visible = frozenset(public_layers(publication_states()))
        text = yaml.safe_dump(build_config(visible), allow_unicode=True, sort_keys=False)
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"written: {options['out']}")
        else:
            sys.stdout.write(text)

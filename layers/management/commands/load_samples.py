"""Load the sample municipality through the same services an editor uses."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cbs.audit.context import acting_as
from layers.io import read_geojson, sample_path
from layers.registry import all_layers
from layers.selectors import layer_count
from layers.services import features_bulk_create


class Command(BaseCommand):
    help = "Load data/samples/*.geojson into empty layers (layers holding data are kept)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--layer", action="append", help="only these layers (repeatable)")

    def handle(self, *args, **options) -> None:
        for layer in all_layers():
            if options["layer"] and layer.name not in options["layer"]:
                continue
            existing = layer_count(layer)
            if existing:
                self.stdout.write(f"{layer.name}: {existing} features kept")
                continue
            try:
                with acting_as("command:load_samples"):
                    count = features_bulk_create(layer=layer, features=read_geojson(sample_path(layer)))
            except ValidationError as exc:
                raise CommandError(f"{layer.name}: {exc.message_dict}") from exc
            self.stdout.write(f"{layer.name}: {count} features loaded")

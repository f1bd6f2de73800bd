import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom import bench_scale


class Command(BaseCommand):
    help = (
        "Measure, in this process, what could slow down as the archive grows (see "
        "newsroom/bench_scale.py); --save the figures as JSON, or set them --against a saved run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--save", type=Path, metavar="FILE", help="write the figures here (JSON)")
        parser.add_argument("--against", type=Path, metavar="FILE", help="the demo's figures: print ratios")
        parser.add_argument("--iterations", type=int, default=15, help="requests per page (1-200)")
        parser.add_argument("--queries", type=int, default=40, help="search queries per kind (1-200)")

    def handle(self, *args, save, against, iterations, queries, **options):
        if not 1 <= iterations <= 200 or not 1 <= queries <= 200:
            raise CommandError("--iterations and --queries take 1 to 200.")
        demo = json.loads(against.read_text()) if against else None
        try:
            figures = bench_scale.measure(demo["article"] if demo else "", iterations, queries)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if save:
            save.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
        if demo is None:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=1))
            return
        lines, met, checked = bench_scale.compare(demo, figures)
        self.stdout.write(
            f"demo: {demo['articles']} articles, {demo['comments']} comments; "
            f"archive: {figures['articles']} articles, {figures['comments']} comments"
        )
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"targets: {met} of {checked} met")

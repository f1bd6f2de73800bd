import sys

from django.core.management.base import BaseCommand, CommandError

from newsroom import bench_archive


class Command(BaseCommand):
    help = (
        "Add a large archive for measuring at scale (see newsroom/bench_archive.py): articles over "
        "years with tags, pictures and translations, threaded comments, views. Bulk-loaded with COPY "
        "in one transaction; refuses to run on a database that holds it already. Needs seed_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000, help="articles to add (default 100000)")
        parser.add_argument(
            "--comments", type=int, default=1_000_000, help="comments to add (default 1000000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same archive")

    def handle(self, *args, articles, comments, seed, verbosity=1, **options):
        if not 1 <= articles <= 1_000_000 or not 0 <= comments <= 10_000_000:
            raise CommandError("--articles takes 1 to 1000000, --comments 0 to 10000000.")
        try:
            result = bench_archive.seed(
                articles, comments, seed_value=seed, stream=sys.stderr if verbosity >= 1 else None
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Seeded {result.articles} articles ({result.translations} translations) and "
            f"{result.comments} comments in {result.seconds:.0f} s."
        )

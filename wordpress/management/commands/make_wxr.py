from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress import bench


class Command(BaseCommand):
    help = (
        "Write a large WordPress export (WXR) of generated Arabic posts and threaded comments, to "
        "measure import_wordpress at scale. The same arguments write the same file."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="the .xml file to write")
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=30_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, output, posts, comments, seed, **options):
        if not 1 <= posts <= 200_000 or not 0 <= comments <= 1_000_000:
            raise CommandError("--posts takes 1 to 200000, --comments 0 to 1000000.")
        bench.export(posts, comments, seed).write(output)
        self.stdout.write(f"Wrote {posts} posts and {comments} comments to {output}.")

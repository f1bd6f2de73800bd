from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.templatetags.static import static

from newsroom import benchmark, planner


class Command(BaseCommand):
    help = (
        "Add the benchmark's filler articles and pending comments (marked as the bench's own, "
        "so a second run creates nothing twice) and write the URLs the bench reads, most read first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=200, help="filler articles to have (default 200)")
        parser.add_argument(
            "--pending-comments", type=int, default=60, help="pending comments to have (default 60)"
        )
        parser.add_argument("--urls", metavar="FILE", help="write the reader URLs here, one a line")
        parser.add_argument("--remove", action="store_true", help="delete everything the bench created")

    def handle(self, *args, articles, pending_comments, urls, remove, **options):
        if remove:
            for name, count in benchmark.remove_all().items():
                self.stdout.write(f"deleted {name}: {count}")
            return
        if not 0 <= articles <= 5000 or not 0 <= pending_comments <= 5000:
            raise CommandError("--articles and --pending-comments take 0 to 5000.")
        try:
            created = benchmark.ensure_articles(articles)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if created:
            planner.analyze()
        benchmark.ensure_draft()
        comments = benchmark.ensure_pending_comments(pending_comments)
        self.stdout.write(f"created {created} articles, {comments} pending comments")
        if urls:
            ranked = benchmark.popularity_order()
            with open(urls, "w", encoding="ascii") as file:  # reverse() percent-encodes Arabic
                file.writelines(f"{url}\n" for url in ranked)
            self.stdout.write(f"urls {len(ranked)}")
        for name, url in benchmark.sample_urls().items():
            self.stdout.write(f"{name} {url}")
        self.stdout.write(f"static {static('css/site.css')}")
        self.stdout.write(f"cache {settings.CACHES['default']['BACKEND']}")

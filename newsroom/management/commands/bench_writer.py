import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom import benchmark


class Command(BaseCommand):
    help = (
        "A busy newsroom for the benchmark, for a bounded time: saves a draft every 0.5 s, edits "
        "a published filler article every 5 s and approves a pending comment every 2 s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, required=True, help="how long to write (at most 3600)")
        parser.add_argument("--urls", metavar="FILE", required=True, help="the bench's URLs, most read first")
        parser.add_argument("--ready", metavar="FILE", help="created when the writing starts")

    def handle(self, *args, seconds, urls, ready, **options):
        if not 0 < seconds <= 3600:
            raise CommandError("--seconds takes more than 0 and at most 3600.")
        ranked = Path(urls).read_text(encoding="ascii").split()
        try:
            newsroom = benchmark.Newsroom(ranked, random.Random())
        except ValueError as error:
            raise CommandError(str(error)) from error
        if ready:
            Path(ready).touch()
        jobs = benchmark.run_newsroom(newsroom, seconds)
        for job in jobs:
            self.stdout.write(job.summary())

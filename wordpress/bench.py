"""A large WordPress export for measuring the importer (``manage.py make_wxr``): posts of the
bench archive's Arabic prose (newsroom/bench_archive.py) over several years, in categories, with
tags and threaded comments, some held or marked as spam. The same arguments give the same file."""

import random
from datetime import datetime, timedelta

from newsroom.arabic import unicode_slug
from newsroom.bench_archive import Corpus, Text
from newsroom.benchmark import words
from wordpress.wxr_writer import WXR, Comment

AUTHORS = 6
CATEGORIES = ("politics", "economy", "sports", "culture", "technology", "health", "world")
TAGS = 200
YEARS = 8
COMMENT_STATES = ("1",) * 17 + ("0", "spam", "trash")  # mostly approved
REPLY_SHARE = 0.3


def export(posts: int, comments: int, seed: int = 1) -> WXR:
    rng = random.Random(seed)
    corpus = Corpus.load()
    names = words()
    wxr = WXR(title="أرشيف صحيفة الأمس")
    logins = [f"writer{number}" for number in range(1, AUTHORS + 1)]
    for login in logins:
        wxr.author(login, f"{rng.choice(names['first_names'])} {rng.choice(names['family_names'])}")
    for slug in CATEGORIES:
        wxr.category(slug, corpus.arabic.phrase(rng, 1, 2))
    tags = corpus.tags[:TAGS]
    for tag in tags:
        wxr.tag(unicode_slug(tag), tag)
    start = datetime(2026, 1, 1) - timedelta(days=365 * YEARS)
    per_post = [0] * posts
    for _ in range(comments):
        per_post[rng.randrange(posts)] += 1
    comment_id = 1
    for number, count in enumerate(per_post, 1):
        text = Text.write(corpus.arabic, rng)
        date = start + timedelta(minutes=number * YEARS * 365 * 24 * 60 // posts)
        post = wxr.post(
            number,
            text.title,
            text.body,
            slug=f"{unicode_slug(text.title)[:150]}-{number}",
            date=f"{date:%Y-%m-%d %H:%M:%S}",
            creator=rng.choice(logins),
            excerpt=text.dek,
            categories=[rng.choice(CATEGORIES)],
            tags=rng.sample(tags, rng.randint(1, 3)),
        )
        for minute in range(count):
            earlier = [c.wp_id for c in post.comments]
            post.comments.append(
                Comment(
                    comment_id,
                    text=corpus.arabic.sentence(rng, 25),
                    author=rng.choice(names["commenters"]),
                    email=f"reader{rng.randrange(5000)}@example.com",
                    ip=f"203.0.113.{rng.randrange(1, 255)}",
                    approved=rng.choice(COMMENT_STATES),
                    parent=rng.choice(earlier) if earlier and rng.random() < REPLY_SHARE else 0,
                    date_gmt=f"{date + timedelta(hours=3, minutes=minute * 7):%Y-%m-%d %H:%M:%S}",
                )
            )
            comment_id += 1
    return wxr

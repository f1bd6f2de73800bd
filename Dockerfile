FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# pg_dump/pg_restore for `manage.py backup`, of the database's major version (PG_MAJOR must
# follow docker-compose.yml's postgres image). Debian ships only its own release's version, so
# the client alone comes from the PostgreSQL project's apt repository, without recommends.
# (The embedded PostgreSQL in the virtualenv has a pg_dump 18 too, but its libpq lacks TLS.)
ARG PG_MAJOR=18
RUN python -c "import urllib.request as r; r.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', '/usr/share/keyrings/pgdg.asc')" \
    && . /etc/os-release \
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are hashed and pre-compressed at build time; the values below exist only
# for this step (no database is touched).
RUN DEBUG=0 SECRET_KEY=build-time-only-collectstatic-key-not-used-at-runtime \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app midad && mkdir -p /app/media /app/backups && chown midad /app/media /app/backups
USER midad
ENV MEDIA_ROOT=/app/media
EXPOSE 8000
# createcachetable does nothing with REDIS_URL set, and makes the image work without it.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py createcachetable && exec gunicorn newsroom.wsgi -c gunicorn.conf.py"]

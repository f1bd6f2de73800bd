FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are hashed and pre-compressed at build time; the values below exist only
# for this step (no database is touched).
RUN DEBUG=0 SECRET_KEY=build-time-only-collectstatic-key-not-used-at-runtime \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app midad && mkdir -p /app/media && chown midad /app/media
USER midad
ENV MEDIA_ROOT=/app/media
EXPOSE 8000
# createcachetable does nothing with REDIS_URL set, and makes the image work without it.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py createcachetable && exec gunicorn newsroom.wsgi -c gunicorn.conf.py"]

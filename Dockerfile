# Production image: gunicorn serving Django (static files by WhiteNoise); the same image runs
# the Celery worker and beat. Front-end assets come from npm at build time.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static ./static
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings MEDIA_ROOT=/data/media STATIC_ROOT=/app/staticfiles \
    FILE_UPLOAD_TEMP_DIR=/data/uploads
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-liberation fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
COPY --from=assets /app/static/vendor ./static/vendor
RUN useradd --system --uid 1000 --home /app muko && mkdir -p /data/media /data/uploads && chown -R muko /data /app
USER muko
# collectstatic needs settings that pass production checks; these values exist only during the build.
RUN DEBUG=false SECRET_KEY=build-only-secret-key-build-only-secret-key-build-only ALLOWED_HOSTS=build \
    PSEUDONYM_KEY=build DATABASE_URL=postgres://build@build/build python manage.py collectstatic --noinput
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4).status == 200 else 1)"
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]

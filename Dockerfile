# The messaging analyzer service with its bundled model.
#   docker build -t messaging-analyzer .
#   docker run --rm -p 8000:8000 -e ANALYZER_API_KEYS=editor:change-me messaging-analyzer
# Without ANALYZER_API_KEYS the server refuses to listen beyond loopback (see README).
# BASE: any image that gives python 3.11 with pip first on PATH (scripts/container-test passes a
# stand-in where python:3.11-slim cannot be pulled; docs/container.md).
ARG BASE=python:3.11-slim
FROM ${BASE}

# A command run in the image (`docker run ... check`, the Docker pre-commit hook) ends with its
# container, so a resident worker would load the model for nothing: commands run in-process.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANALYZER_DATA_DIR=/data \
    ANALYZER_RESIDENT=0

WORKDIR /app

# Dependencies first, pinned by constraints.txt, so a code change reuses this layer. The list
# is read from pyproject.toml, the one place it is kept.
COPY pyproject.toml constraints.txt requirements-parser.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && python -m pip install -c constraints.txt -r /tmp/requirements.txt \
    && python -m pip install --no-deps --require-hashes -r requirements-parser.txt

COPY README.md ./
COPY analyzer ./analyzer
# Owned by the service user as copied: a `chown -R` in a later layer stored the model twice.
COPY --chown=10001:10001 models ./models
# Installed in place, so /app/models is the models folder: the bundled model is the default,
# and `analyzer models promote` and POST /v1/admin/reload can write their pointer beside it.
# Feedback and the analyses log go to /data (mount a volume to keep them, and one on /app/models
# to keep promoted models).
RUN python -m pip install --no-deps -e . \
    && useradd --create-home --uid 10001 analyzer \
    && mkdir -p /data \
    && chown 10001:10001 /data \
    && chmod 700 /data
VOLUME ["/data"]

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["analyzer"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]

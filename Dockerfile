# The messaging analyzer with its bundled model.
#   docker build -t messaging-analyzer .
#   docker run --rm -v "$PWD/examples:/data:ro" messaging-analyzer analyze /data/manual-invoicing.md
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANALYZER_MODEL_DIR=/app/models/messaging-1.1.0

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
COPY models ./models
RUN python -m pip install --no-deps . \
    && useradd --create-home --uid 10001 analyzer

USER analyzer
ENTRYPOINT ["analyzer"]
CMD ["--help"]

# The messaging analyzer with its bundled model.
#   docker build -t messaging-analyzer .
#   docker run --rm -v "$PWD/drafts:/data:ro" messaging-analyzer classify --format table /data/post.md
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANALYZER_MODEL_DIR=/app/models/messaging-1.1.0

WORKDIR /app

# Dependencies first, from the pinned constraints, so code changes reuse this layer.
COPY constraints.txt pyproject.toml README.md ./
RUN python -m pip install -c constraints.txt \
        "spacy>=3.8,<3.9" spacy-lookups-data "scikit-learn>=1.9,<1.10" numpy scipy joblib click

COPY analyzer ./analyzer
COPY models ./models
RUN python -m pip install --no-deps . \
    && useradd --create-home --uid 10001 analyzer

USER analyzer
ENTRYPOINT ["analyzer"]
CMD ["--help"]

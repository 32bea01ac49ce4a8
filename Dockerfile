# winsms-emulator: an offline WinSMS gateway for CI.
#   docker build -t winsms-emulator .
#   docker run --rm -p 8080:8080 winsms-emulator
# Every option of `winsms-emulator serve` can be set as WINSMS_EMULATOR_<OPTION>.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY winsms_emulator ./winsms_emulator
COPY schemas ./schemas
COPY fixtures ./fixtures
# The emulator and every dependency as wheels, so the image installs with no network.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WINSMS_EMULATOR_HOST=0.0.0.0 \
    WINSMS_EMULATOR_PORT=8080 \
    WINSMS_EMULATOR_LOG_LEVEL=info
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/winsms_emulator-*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin emulator
USER 10001
WORKDIR /home/emulator
EXPOSE 8080
# slim images have no curl: Python itself asks the emulator whether it is alive.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_emulator/health' % os.environ.get('WINSMS_EMULATOR_PORT', '8080'), timeout=2)"]
STOPSIGNAL SIGTERM
# Host and port come from the environment above, so a later `-e WINSMS_EMULATOR_PORT=...`
# still applies: this is `winsms-emulator serve --host 0.0.0.0 --port 8080`.
ENTRYPOINT ["winsms-emulator"]
CMD ["serve"]

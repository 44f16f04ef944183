#!/usr/bin/env node
// The Docker HEALTHCHECK of the worker image: GET /healthz on METRICS_PORT (the worker's metrics
// server, src/metrics/server.ts), exit 0 on a 200 and 1 on anything else, with the reason on stderr.
// A file rather than an inline `node -e` so the check is readable and testable; the image has no curl.
const port = process.env.METRICS_PORT;
if (!port || !/^\d+$/.test(port)) {
  process.stderr.write(
    `healthcheck: METRICS_PORT must be the worker's metrics port (got ${port ? `"${port}"` : 'nothing'})\n`,
  );
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) });
  if (res.status !== 200) {
    process.stderr.write(`healthcheck: /healthz answered ${res.status}\n`);
    process.exit(1);
  }
} catch (err) {
  process.stderr.write(
    `healthcheck: no answer on 127.0.0.1:${port}/healthz (${err.cause?.code ?? err.message})\n`,
  );
  process.exit(1);
}

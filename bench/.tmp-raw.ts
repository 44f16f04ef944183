import { startRemoteSandbox } from './e2e-sandbox.ts';
const s = await startRemoteSandbox({ scale: 'large', seed: 8, latencyMs: 150, rateLimitPerSecond: 0 });
// Unsigned control endpoint: measures the sandbox HTTP server + latency only.
let n = 0; const t0 = Date.now();
await Promise.all(Array.from({ length: 40 }, async () => { while (Date.now() - t0 < 5000) { await (await fetch(`${s.url}/__sandbox/clock`)).json(); n++; } }));
console.log('control req/s (40 in flight, 150ms latency?)', n / 5);
await s.close();
process.exit(0);

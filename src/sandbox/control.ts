/**
 * Control plane at /__sandbox/* (unsigned: a local simulator only). Lets tests, benchmarks and
 * the quick start drive the sandbox from another process.
 *   GET  /__sandbox/clock               -> {nowMs}
 *   POST /__sandbox/clock {advanceMs}   -> {nowMs}
 *   POST /__sandbox/mutate {days}       -> {nowMs}
 *   POST /__sandbox/faults {spec}       -> {spec}   (spec null or "" clears)
 *   GET  /__sandbox/quirks              -> {quirks} (every switch, see quirks.ts)
 *   POST /__sandbox/quirks {quirks: {...}} | {spec: "..."} -> {quirks}
 *                                          (replaces the switches: unnamed ones go back to defaults)
 *   GET  /__sandbox/stats               -> SandboxStats; DELETE resets
 *   GET  /__sandbox/accounts            -> {url, authUrl, app, accounts}
 *   GET  /__sandbox/ground-truth?stream=&owner=[&criteria=<json>] -> GroundTruth
 *   GET  /__sandbox/requests            -> the bounded request log
 */
import { parseQuirks, validateQuirks } from './quirks.ts';
import type { ControlHandler } from './server.ts';
import type { Sandbox } from './types.ts';

function json(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function bad(message: string) {
  return { status: 400, body: { error: message } };
}

export function controlHandler(sandbox: () => Sandbox): ControlHandler {
  return async (method, path, query, rawBody) => {
    const sb = sandbox();
    try {
      const body = json(rawBody);
      const route = `${method} ${path}`;
      switch (route) {
        case 'GET /__sandbox/clock':
          return { status: 200, body: { nowMs: sb.clock.nowMs() } };
        case 'POST /__sandbox/clock': {
          const ms = body['advanceMs'];
          if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
            return bad('advanceMs must be a number >= 0');
          sb.clock.advance(ms);
          return { status: 200, body: { nowMs: sb.clock.nowMs() } };
        }
        case 'POST /__sandbox/mutate': {
          const days = body['days'];
          if (typeof days !== 'number' || !Number.isFinite(days) || days < 0)
            return bad('days must be a number >= 0');
          await sb.mutate(days);
          return { status: 200, body: { nowMs: sb.clock.nowMs() } };
        }
        case 'POST /__sandbox/faults': {
          const spec = body['spec'];
          if (spec !== null && spec !== undefined && typeof spec !== 'string')
            return bad('spec must be a string or null');
          sb.setFaults(spec ? spec : null);
          return { status: 200, body: { spec: spec ?? null } };
        }
        case 'GET /__sandbox/quirks':
          return { status: 200, body: { quirks: sb.quirks } };
        case 'POST /__sandbox/quirks': {
          const spec = body['spec'];
          const given = body['quirks'];
          if ((spec === undefined) === (given === undefined))
            return bad('send exactly one of quirks (an object) or spec (a string)');
          if (spec !== undefined && typeof spec !== 'string') return bad('spec must be a string');
          sb.setQuirks(typeof spec === 'string' ? parseQuirks(spec) : validateQuirks(given));
          return { status: 200, body: { quirks: sb.quirks } };
        }
        case 'GET /__sandbox/stats':
          return { status: 200, body: sb.stats() };
        case 'DELETE /__sandbox/stats':
          sb.resetStats();
          return { status: 200, body: sb.stats() };
        case 'GET /__sandbox/accounts':
          return {
            status: 200,
            body: { url: sb.url, authUrl: sb.authUrl, app: sb.app, accounts: sb.accounts },
          };
        case 'GET /__sandbox/requests':
          return { status: 200, body: sb.requestLog() };
        case 'GET /__sandbox/ground-truth': {
          const stream = query.get('stream');
          const owner = query.get('owner');
          if (!stream || !owner) return bad('stream and owner are required');
          const criteriaText = query.get('criteria');
          const criteria = criteriaText ? (JSON.parse(criteriaText) as Record<string, unknown>) : undefined;
          return { status: 200, body: await sb.groundTruth(stream, owner, criteria) };
        }
        default:
          return { status: 404, body: { error: `unknown control route ${route}` } };
      }
    } catch (error) {
      return bad((error as Error).message);
    }
  };
}

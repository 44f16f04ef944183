/** The chaos report as plain text: one table of what was survived, then every difference found. */
import type { ChaosReport } from './run.ts';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const kinds = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '-';

export function renderReport(report: ChaosReport): string {
  const out: string[] = [];
  const rows = report.scenarios.map((s) => {
    const rowsCompared = s.checks.reduce((n, c) => n + c.rowsCompared, 0);
    return [
      s.name,
      String(s.kills),
      String(s.postgresOutages + s.redisOutages),
      String(Object.values(s.faultsServed).reduce((a, b) => a + b, 0)),
      String(s.quarantined.records),
      String(rowsCompared),
      String(s.differences),
      `${(s.durationMs / 1000).toFixed(0)} s`,
    ];
  });
  const t = report.totals;
  rows.push([
    'total',
    String(t.kills),
    String(t.outages),
    String(t.faultsServed),
    String(t.quarantined),
    String(t.rowsCompared),
    String(t.differences),
    '',
  ]);
  out.push(
    table(
      ['scenario', 'kills', 'outages', 'faults', 'quarantined', 'rows compared', 'differences', 'time'],
      rows,
    ),
  );
  for (const s of report.scenarios) {
    out.push('', `${s.name}: ${s.about}`);
    out.push(`  faults served by kind: ${kinds(s.faultsServed)} (of ${s.requests} requests)`);
    out.push(`  quarantined by reason: ${kinds(s.quarantined.byReason)}`);
    out.push(`  chaos jobs: ${kinds(s.chaosJobs)}; clean pass: ${kinds(s.cleanPassJobs)}`);
    out.push(
      `  events: ${s.eventsFired}/${s.eventsPlanned} fired (${s.kills} kills, ${s.postgresOutages} Postgres and ${s.redisOutages} Redis outages)`,
    );
    for (const c of s.checks) {
      out.push(
        `  check ${c.when}: ${c.rowsCompared} rows and ${c.moneyColumnsCompared} money sums compared, ${c.quarantinedAbsent} rows absent with their record in quarantine, ${c.rawOnlyCells} raw payload cells carry the drift as received, ${c.absentAsReceived} cells NULL as received (optional field absent), ${c.differences} differences`,
      );
      for (const f of c.failures) {
        out.push(`    ${f.stream} ${f.owner}: ${f.differences} differences`);
        for (const x of f.samples.slice(0, 6)) out.push(`      ${x}`);
      }
    }
    for (const p of s.problems) out.push(`  problem: ${p.split('\n').slice(0, 6).join('\n    ')}`);
  }
  out.push(
    '',
    t.differences === 0
      ? `chaos: zero differences against the ground truth (${t.rowsCompared} rows compared)`
      : `chaos: ${t.differences} difference(s) against the ground truth`,
  );
  return out.join('\n');
}

/**
 * A small Dockerfile reader for the image test: instructions with continuation lines joined and
 * comments dropped, grouped by stage. Enough for this repository's Dockerfile, not a general parser.
 */
export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op || args === undefined) throw new Error(`unreadable Dockerfile line: ${line}`);
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      if (!from) throw new Error(`unreadable FROM: ${line}`);
      stages.push({ from, name: name ?? null, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.instructions.push({ op: upper, args: args.replace(/\s+/g, ' ') });
  }
  return stages;
}

export function all(stage: Stage, op: string): Instruction[] {
  return stage.instructions.filter((i) => i.op === op);
}

/** ENV key=value pairs (the form this Dockerfile uses). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of all(stage, 'ENV')) {
    for (const [, k, v] of i.args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
  }
  return env;
}

/** COPY [--from=stage] src... dest */
export function parseCopy(args: string): { from: string | null; sources: string[]; dest: string } {
  const parts = args.split(' ');
  const from = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : null;
  const dest = parts.pop()!;
  return { from, sources: parts, dest };
}

/** The JSON (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD, or null when it is the shell form. */
export function execForm(args: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

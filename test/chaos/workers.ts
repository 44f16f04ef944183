/**
 * The chaos suite's worker processes (test/e2e/worker-child.ts, spawned by test/e2e/spawn-worker.ts)
 * with the production stall settings, kept at a target count like a process supervisor would: a
 * worker the suite did not kill that exits anyway is recorded (an unexpected exit is a finding)
 * and replaced, so the run can still finish and be compared.
 */
import { type ChildWorker, spawnWorker } from '../e2e/spawn-worker.ts';

export interface UnexpectedExit {
  pid: number | undefined;
  code: number | null;
  /** The last lines the worker printed (its error, usually). */
  lastLines: string[];
}

export class WorkerPool {
  private readonly live = new Set<ChildWorker>();
  private readonly doomed = new WeakSet<ChildWorker>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  killed = 0;
  spawned = 0;
  private closing = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly target: number,
    private readonly note: (line: string) => void,
  ) {}

  /** Starts workers up to the target and waits until each logged worker_started. */
  async fill(): Promise<void> {
    const fresh: ChildWorker[] = [];
    while (this.live.size < this.target) fresh.push(this.spawn());
    await Promise.all(fresh.map((w) => w.started.catch(() => undefined)));
  }

  private spawn(): ChildWorker {
    const w = spawnWorker(this.env);
    this.spawned++;
    this.live.add(w);
    // A worker killed before it started rejects `started`: that is expected here, never unhandled.
    w.started.catch(() => undefined);
    void w.exited.then((code) => {
      this.live.delete(w);
      if (this.doomed.has(w) || this.closing) return;
      this.unexpectedExits.push({ pid: w.proc.pid, code, lastLines: w.lines.slice(-12) });
      this.note(`worker ${w.proc.pid} exited on its own (code ${code}); a supervisor restarts it`);
      setTimeout(() => {
        if (!this.closing) this.spawn();
      }, 1_000);
    });
    return w;
  }

  /** A kill storm: SIGKILL every live worker at once, then start as many replacements. */
  async killStorm(): Promise<number> {
    const victims = [...this.live];
    for (const w of victims) {
      this.doomed.add(w);
      w.proc.kill('SIGKILL');
    }
    await Promise.all(victims.map((w) => w.exited));
    this.killed += victims.length;
    await this.fill();
    return victims.length;
  }

  size(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    const all = [...this.live];
    for (const w of all) {
      this.doomed.add(w);
      w.proc.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const w of all) w.proc.kill('SIGKILL');
    }, 15_000);
    await Promise.all(all.map((w) => w.exited));
    clearTimeout(timer);
  }
}

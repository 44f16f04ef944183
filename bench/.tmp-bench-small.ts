import { runE2eBench } from './e2e.bench.ts';
console.log(await runE2eBench({ days: 5, budgetSeconds: 8 }));
process.exit(0);
